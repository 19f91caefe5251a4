/**
 * The base of every error beamlink throws.
 *
 * Every subclass has a stable `code` (`BL_ERR_*`) so callers can branch without
 * `instanceof`; a `Symbol.for` brand keeps `instanceof` working when two copies of
 * beamlink are loaded (as undici does).
 *
 * @example
 * ```ts
 * try { decode(bytes) } catch (e) {
 *   if (e instanceof BeamlinkError && e.code === 'BL_ERR_TERM_DECODE') console.log(e.message)
 * }
 * ```
 */
const brand = Symbol.for('beamlink.error');

export class BeamlinkError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this === BeamlinkError) {
      return (
        typeof value === 'object' &&
        value !== null &&
        (value as Record<symbol, unknown>)[brand] === true
      );
    }
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }

  get [brand](): boolean {
    return true;
  }
}

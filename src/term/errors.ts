/**
 * The codec's errors: {@link TermDecodeError} names the byte offset where the input went
 * wrong, {@link TermEncodeError} names the place in the value (`$.agents[3].score`).
 *
 * @module
 */
import { BeamlinkError } from '../errors.ts';
import { tagName } from './tags.ts';

/**
 * Bytes that are not a valid term: truncated, an unknown tag, a length past the end, a
 * bad UTF-8 atom, a compressed payload over the cap, trailing bytes...
 *
 * `offset` is where in the input the problem was found (for a compressed term, the offset
 * inside the inflated data, with `compressed: true`); `tag` is the tag being decoded.
 *
 * @example
 * ```ts
 * try { decode(Buffer.from([131, 104, 2, 97])) } catch (e) {
 *   if (e instanceof TermDecodeError) console.log(e.offset, e.tag); // 4 104
 * }
 * ```
 */
export class TermDecodeError extends BeamlinkError {
  /** Byte offset in the buffer given to the decoder (or in the inflated data). */
  readonly offset: number;
  /** The tag being decoded when the problem was found, when there was one. */
  readonly tag: number | undefined;
  /** Whether `offset` counts inside the data of a COMPRESSED term. */
  readonly compressed: boolean;

  constructor(
    message: string,
    offset: number,
    tag?: number,
    options?: ErrorOptions & { compressed?: boolean },
  ) {
    const where = tag === undefined ? '' : ` in ${tagName(tag)}`;
    const inflated = options?.compressed ? ' of the inflated data' : '';
    super('BL_ERR_TERM_DECODE', `${message}${where} at offset ${offset}${inflated}`, options);
    this.offset = offset;
    this.tag = tag;
    this.compressed = options?.compressed ?? false;
  }
}

/**
 * A value that cannot be encoded as a term: `undefined`, NaN, ±Infinity, a function, a
 * symbol, a cycle, a class instance the mapping does not know, an atom that is too long...
 * `path` says where, JSONPath style: `$` is the value itself, `$.key`, `$[3]`,
 * `$.{k}` for a Map's value at key `k`.
 *
 * @example
 * ```ts
 * try { encode({ agents: [{ score: NaN }] }) } catch (e) {
 *   if (e instanceof TermEncodeError) console.log(e.path); // '$.agents[0].score'
 * }
 * ```
 */
export class TermEncodeError extends BeamlinkError {
  /** Where in the value the problem is (`$` for the value itself). */
  readonly path: string;

  constructor(message: string, path: string, options?: ErrorOptions) {
    super('BL_ERR_TERM_ENCODE', `${message} at ${path}`, options);
    this.path = path;
  }
}

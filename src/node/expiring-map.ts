/**
 * A small map whose entries expire: the node keeps host addresses and peers' listen
 * ports in one for a few seconds, so a reconnect skips the look-ups. Expired entries
 * are dropped when read, and swept when the map grows past its bound.
 *
 * @module
 */

/**
 * String keys to values that expire `ttlMs` after they were set.
 *
 * @example
 * ```ts
 * const ports = new ExpiringMap<number>(10_000);
 * ports.set('b@host', 40123);
 * ports.get('b@host'); // 40123 for ten seconds, then undefined
 * ```
 */
export class ExpiringMap<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();
  private readonly ttlMs: number;
  private readonly bound: number;

  constructor(ttlMs: number, bound = 1024) {
    this.ttlMs = ttlMs;
    this.bound = bound;
  }

  /** The value for `key`, unless it expired. */
  get(key: string): V | undefined {
    const hit = this.entries.get(key);
    if (hit === undefined) return undefined;
    if (hit.expires > Date.now()) return hit.value;
    this.entries.delete(key);
    return undefined;
  }

  /** Stores `value` for the next `ttlMs`. */
  set(key: string, value: V): void {
    const now = Date.now();
    if (this.entries.size >= this.bound) {
      for (const [k, e] of this.entries) if (e.expires <= now) this.entries.delete(k);
    }
    this.entries.set(key, { value, expires: now + this.ttlMs });
  }

  /** Forgets `key`. */
  delete(key: string): void {
    this.entries.delete(key);
  }
}

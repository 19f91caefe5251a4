/**
 * A map that holds its first entry in two fields and only makes a `Map` for a second one.
 *
 * A process's monitors, watchers and spawn requests mostly hold one entry, and on the
 * call paths (erpc, GenServer.call) they go from one entry to none and back on every
 * call. A `Map` reallocates its hash table on that cycle (a few hundred bytes a call,
 * young-generation garbage that sets the pace of the scavenges); a new `Map` per
 * process costs its table too. This one costs nothing past its own object while it holds
 * at most one entry.
 *
 * Iteration order: the inline entry first, then the others in insertion order (callers
 * must not rely on insertion order across the two). Deleting during iteration is
 * allowed, as with `Map`.
 *
 * @module
 */

/**
 * The subset of `Map` the process layer uses, with a one-entry inline slot.
 *
 * @example
 * ```ts
 * const m = new SmallMap<number, string>();
 * m.set(1, 'a'); // inline, no Map allocated
 * m.delete(1);
 * m.size; // 0
 * ```
 */
export class SmallMap<K, V> {
  private key: K | undefined = undefined;
  private value: V | undefined = undefined;
  private inline = false;
  private rest: Map<K, V> | null = null;

  /** How many entries. */
  get size(): number {
    return (this.inline ? 1 : 0) + (this.rest === null ? 0 : this.rest.size);
  }

  /** The value for `key`, or `undefined`. */
  get(key: K): V | undefined {
    if (this.inline && this.key === key) return this.value;
    return this.rest === null ? undefined : this.rest.get(key);
  }

  /** Whether `key` is present. */
  has(key: K): boolean {
    if (this.inline && this.key === key) return true;
    return this.rest !== null && this.rest.has(key);
  }

  /** Sets `key` to `value`; returns the map. */
  set(key: K, value: V): this {
    if (this.inline && this.key === key) {
      this.value = value;
      return this;
    }
    const rest = this.rest;
    if (rest !== null && rest.has(key)) {
      rest.set(key, value);
      return this;
    }
    if (!this.inline) {
      this.inline = true;
      this.key = key;
      this.value = value;
      return this;
    }
    (this.rest ??= new Map()).set(key, value);
    return this;
  }

  /** Removes `key`; whether it was present. */
  delete(key: K): boolean {
    if (this.inline && this.key === key) {
      this.inline = false;
      this.key = undefined;
      this.value = undefined;
      return true;
    }
    return this.rest !== null && this.rest.delete(key);
  }

  /** Calls `fn` for each entry (no iterator or entry arrays allocated). */
  forEach(fn: (value: V, key: K) => void): void {
    if (this.inline) fn(this.value as V, this.key as K);
    if (this.rest !== null) this.rest.forEach(fn);
  }

  /** The entries, as `[key, value]` pairs. */
  *entries(): IterableIterator<[K, V]> {
    if (this.inline) yield [this.key as K, this.value as V];
    if (this.rest !== null) yield* this.rest.entries();
  }

  /** The values. */
  *values(): IterableIterator<V> {
    if (this.inline) yield this.value as V;
    if (this.rest !== null) yield* this.rest.values();
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries();
  }
}

/**
 * A process's message queue: one growable ring buffer with O(1) push and shift, and a
 * selective-receive scan that neither copies nor shifts the array.
 *
 * ```
 *        head                         head + used
 *         v                                v
 *  [ . . a b HOLE c d . . . . . . . . . . ]   capacity = mask + 1 (a power of two)
 * ```
 *
 * Removing a message from the middle (a selective receive) leaves a HOLE that `shift`
 * and `scan` skip; holes are swept when they outnumber the messages. The buffer starts
 * small (a million idle processes must stay cheap) and doubles when full, as undici's
 * fixed-queue does with its chunks.
 *
 * @module
 */
import type { Term } from '../term/types.ts';

const HOLE: unique symbol = Symbol('hole');
type Slot = Term | typeof HOLE | undefined;
const INITIAL_CAPACITY = 8;

/**
 * The message queue.
 *
 * @example
 * ```ts
 * const box = new Mailbox();
 * box.push(1); box.push(2);
 * box.take((m) => m === 2); // 2
 * box.shift(); // 1
 * ```
 */
export class Mailbox {
  private buf: Slot[] = new Array<Slot>(INITIAL_CAPACITY);
  private mask = INITIAL_CAPACITY - 1;
  private head = 0;
  /** Slots in use, holes included. */
  private used = 0;
  private holes = 0;

  /** How many messages are queued. */
  get length(): number {
    return this.used - this.holes;
  }

  /** Appends a message. */
  push(message: Term): void {
    if (this.used > this.mask) this.grow();
    this.buf[(this.head + this.used) & this.mask] = message;
    this.used++;
  }

  /** Removes and returns the oldest message, or `undefined` when empty. */
  shift(): Term | undefined {
    while (this.used > 0) {
      const i = this.head;
      const m = this.buf[i];
      this.buf[i] = undefined;
      this.head = (i + 1) & this.mask;
      this.used--;
      if (m === HOLE) {
        this.holes--;
        continue;
      }
      return m;
    }
    return undefined;
  }

  /**
   * Removes and returns the oldest message `match` accepts, or `undefined`. A predicate
   * that throws counts as no match.
   */
  take(match: (message: Term) => boolean): Term | undefined {
    const { buf, mask, head, used } = this;
    for (let k = 0; k < used; k++) {
      const i = (head + k) & mask;
      const m = buf[i];
      if (m === HOLE || m === undefined) continue;
      let ok: boolean;
      try {
        ok = match(m);
      } catch {
        ok = false;
      }
      if (!ok) continue;
      if (k === 0) return this.shift();
      if (k === used - 1) {
        buf[i] = undefined;
        this.used--;
        this.trimTail();
      } else {
        buf[i] = HOLE;
        this.holes++;
        if (this.holes > 16 && this.holes * 2 > this.used) this.compact();
      }
      return m;
    }
    return undefined;
  }

  /** Removes every message `match` accepts; returns how many. */
  removeAll(match: (message: Term) => boolean): number {
    let n = 0;
    while (this.take(match) !== undefined) n++;
    return n;
  }

  /** The queued messages, oldest first (a copy, for introspection). */
  toArray(): Term[] {
    const out: Term[] = [];
    for (let k = 0; k < this.used; k++) {
      const m = this.buf[(this.head + k) & this.mask];
      if (m !== HOLE && m !== undefined) out.push(m);
    }
    return out;
  }

  /** Drops every message. */
  clear(): void {
    this.buf = new Array<Slot>(INITIAL_CAPACITY);
    this.mask = INITIAL_CAPACITY - 1;
    this.head = 0;
    this.used = 0;
    this.holes = 0;
  }

  private trimTail(): void {
    while (this.used > 0) {
      const i = (this.head + this.used - 1) & this.mask;
      if (this.buf[i] !== HOLE) return;
      this.buf[i] = undefined;
      this.used--;
      this.holes--;
    }
  }

  private grow(): void {
    const old = this.buf;
    const cap = (this.mask + 1) * 2;
    const next = new Array<Slot>(cap);
    for (let k = 0; k < this.used; k++) next[k] = old[(this.head + k) & this.mask];
    this.buf = next;
    this.mask = cap - 1;
    this.head = 0;
  }

  private compact(): void {
    const { buf, mask, head, used } = this;
    const next = new Array<Slot>(mask + 1);
    let j = 0;
    for (let k = 0; k < used; k++) {
      const m = buf[(head + k) & mask];
      if (m !== HOLE && m !== undefined) next[j++] = m;
    }
    this.buf = next;
    this.head = 0;
    this.used = j;
    this.holes = 0;
  }
}

/**
 * Pid and reference allocation for one runtime.
 *
 * A local pid is identified by a 28-bit number split as BEAM splits it: the low 15 bits
 * are the pid's `id`, the next 13 bits its `serial` (so `<0.32768.0>` never appears and
 * every pid we hand out decodes on a real node). The number is the key of the process
 * table.
 *
 * A local reference has three 32-bit words: an 18-bit low word and a 32-bit high word of
 * a counter (BEAM keeps the first word to 18 bits too), then a word random per runtime so
 * that two incarnations of a node with the same creation do not mint equal refs. The
 * counter is the reference's numeric key (monitors, aliases).
 *
 * @module
 */
import { type Atom, Pid, Ref } from '../term/types.ts';

/** Pid numbers are 28 bits: 15 bits of id, 13 of serial. */
export const PID_NUMBER_LIMIT = 2 ** 28;
const ID_BITS = 15;
const ID_MASK = (1 << ID_BITS) - 1;
const REF_LOW = 2 ** 18;

/**
 * Allocates pids and refs for one node incarnation.
 *
 * @example
 * ```ts
 * const ids = new IdAllocator(atom('a@host'), 1);
 * const ref = ids.ref();
 * ids.isLocalRef(ref); // true
 * ```
 */
export class IdAllocator {
  readonly node: Atom;
  readonly creation: number;
  private nextPid = 1;
  private nextRef = 1;
  private readonly salt: number;

  constructor(node: Atom, creation: number) {
    this.node = node;
    this.creation = creation;
    this.salt = (Math.random() * 0x1_0000_0000) >>> 0;
  }

  /** The pid with number `n`. */
  pidFor(n: number): Pid {
    return new Pid(this.node, n & ID_MASK, n >>> ID_BITS, this.creation);
  }

  /** The next free pid number (skipping those `inUse` says are taken after wrapping). */
  nextPidNumber(inUse: (n: number) => boolean): number {
    for (let tries = 0; tries < PID_NUMBER_LIMIT; tries++) {
      const n = this.nextPid;
      this.nextPid = n + 1 >= PID_NUMBER_LIMIT ? 1 : n + 1;
      if (!inUse(n)) return n;
    }
    throw new RangeError('process table full');
  }

  /** The table key of a pid of this incarnation, else -1. */
  localNumber(pid: Pid): number {
    if (pid.node !== this.node || pid.creation !== this.creation) return -1;
    return pid.id + (pid.serial << ID_BITS);
  }

  /** A fresh reference. */
  ref(): Ref {
    const n = this.nextRef++;
    return new Ref(this.node, this.creation, [n % REF_LOW, Math.floor(n / REF_LOW), this.salt]);
  }

  /** The numeric key of a reference this allocator made, else -1. */
  refNumber(ref: Ref): number {
    const ids = ref.ids;
    if (ref.node !== this.node || ref.creation !== this.creation) return -1;
    if (ids.length !== 3 || ids[2] !== this.salt) return -1;
    return ids[0]! + ids[1]! * REF_LOW;
  }

  /** Whether `ref` was made here. */
  isLocalRef(ref: Ref): boolean {
    return this.refNumber(ref) !== -1;
  }
}

/** A `Map` key for any ref: the number for ours, the string key for others. */
export function refKey(ids: IdAllocator, ref: Ref): number | string {
  const n = ids.refNumber(ref);
  return n === -1 ? ref.key : n;
}

/** A `Map` key for any pid: the table number for ours, the string key for others. */
export function pidKey(ids: IdAllocator, pid: Pid): number | string {
  const n = ids.localNumber(pid);
  return n === -1 ? pid.key : n;
}

/** Whether two pids are the same process. */
export function samePid(a: Pid, b: Pid): boolean {
  return (
    a === b ||
    (a.id === b.id && a.serial === b.serial && a.node === b.node && a.creation === b.creation)
  );
}

/** Whether two refs are the same reference. */
export function sameRef(a: Ref, b: Ref): boolean {
  if (a === b) return true;
  if (a.node !== b.node || a.creation !== b.creation || a.ids.length !== b.ids.length) return false;
  for (let i = 0; i < a.ids.length; i++) if (a.ids[i] !== b.ids[i]) return false;
  return true;
}

/**
 * The monitors held on one process (it is the monitored one): by the ref's number for a
 * watcher on this node, by the ref itself for a watcher on another node.
 *
 * A remote watcher's ref arrives twice as two decoded objects: in MONITOR_P and again in
 * its DEMONITOR_P (a `gen_server:call` from erl sends both, every call). Keying it by
 * `ref.key` made and compared a string per call (a few thousand instructions: the
 * string's pieces, then a flatten for the compare). Here the first entry sits inline and
 * a remote ref is matched against it field by field (`sameRef`); only a process watched
 * by several at once keys the others in a `Map` (by number, or `ref.key` for remote refs).
 *
 * @module
 */
import type { Ref } from '../term/types.ts';
import { sameRef } from './pid.ts';
import type { WatcherEntry } from './process.ts';

/**
 * Monitors on one process.
 *
 * @example
 * ```ts
 * const w = new Watchers();
 * w.setLocal(7, { ref, watcher: pid, name: null }); // a local monitor, ref number 7
 * w.setRemote({ ref: remoteRef, watcher: remotePid, name: null }); // from MONITOR_P
 * w.deleteRemote(sameRefDecodedAgain); // true (DEMONITOR_P)
 * ```
 */
export class Watchers {
  private first: WatcherEntry | null = null;
  /** The first entry's ref number; -1 for a remote ref (matched with `sameRef`). */
  private firstNum = -1;
  private rest: Map<number | string, WatcherEntry> | null = null;

  /** How many monitors. */
  get size(): number {
    return (this.first === null ? 0 : 1) + (this.rest === null ? 0 : this.rest.size);
  }

  /** Adds (or replaces) the monitor whose ref has local number `num`. */
  setLocal(num: number, entry: WatcherEntry): void {
    if (this.first !== null && this.firstNum === num) {
      this.first = entry;
      return;
    }
    if (this.rest !== null && this.rest.has(num)) {
      this.rest.set(num, entry);
      return;
    }
    if (this.first === null) {
      this.first = entry;
      this.firstNum = num;
      return;
    }
    (this.rest ??= new Map()).set(num, entry);
  }

  /** Adds (or replaces) the monitor of a watcher on another node (`entry.ref` is its ref). */
  setRemote(entry: WatcherEntry): void {
    const first = this.first;
    if (first !== null && this.firstNum === -1 && sameRef(first.ref, entry.ref)) {
      this.first = entry;
      return;
    }
    const rest = this.rest;
    if (rest !== null && rest.size > 0 && rest.has(entry.ref.key)) {
      rest.set(entry.ref.key, entry);
      return;
    }
    if (first === null) {
      this.first = entry;
      this.firstNum = -1;
      return;
    }
    (this.rest ??= new Map()).set(entry.ref.key, entry);
  }

  /** Removes the monitor whose ref has local number `num`; whether it was there. */
  deleteLocal(num: number): boolean {
    if (this.first !== null && this.firstNum === num) {
      this.first = null;
      this.firstNum = -1;
      return true;
    }
    return this.rest !== null && this.rest.delete(num);
  }

  /** Removes the monitor of a remote watcher with ref `ref`; whether it was there. */
  deleteRemote(ref: Ref): boolean {
    const first = this.first;
    if (first !== null && this.firstNum === -1 && sameRef(first.ref, ref)) {
      this.first = null;
      return true;
    }
    return this.rest !== null && this.rest.size > 0 && this.rest.delete(ref.key);
  }

  /**
   * Calls `fn` for each monitor with its key: the ref's number for a local watcher, -1
   * for a remote one. Removing entries from inside `fn` is allowed.
   */
  forEach(fn: (entry: WatcherEntry, num: number) => void): void {
    const first = this.first;
    if (first !== null) fn(first, this.firstNum);
    if (this.rest !== null) {
      this.rest.forEach((w, k) => fn(w, typeof k === 'number' ? k : -1));
    }
  }

  /** Removes every monitor `drop` accepts. */
  deleteWhere(drop: (entry: WatcherEntry) => boolean): void {
    if (this.first !== null && drop(this.first)) {
      this.first = null;
      this.firstNum = -1;
    }
    if (this.rest !== null) {
      for (const [k, w] of this.rest) if (drop(w)) this.rest.delete(k);
    }
  }

  /** The monitors (a copy). */
  values(): WatcherEntry[] {
    const out: WatcherEntry[] = [];
    this.forEach((w) => out.push(w));
    return out;
  }
}

/**
 * The member table of one pg scope: what OTP keeps in the scope's ETS table
 * (`{Group, AllPids, LocalPids}`), read without asking the scope process.
 *
 * Members are multisets, as in pg: a pid that joins a group twice is listed twice and
 * leaves once per `leave`. Reads return a cached array that is rebuilt only after a
 * change, so `getMembers` on a hot path (PubSub broadcast) is one map lookup.
 *
 * @module
 */
import { samePid } from '../process/pid.ts';
import type { Pid, Term } from '../term/types.ts';

/** One group's row. */
export interface GroupRow {
  readonly group: Term;
  all: Pid[];
  local: Pid[];
  allView: readonly Pid[] | null;
  localView: readonly Pid[] | null;
}

const EMPTY: readonly Pid[] = Object.freeze([]);

/**
 * Removes one occurrence of each pid of `pids` from `list` (Erlang's `List -- Pids`), in
 * place, in O(list + pids); returns the pids removed.
 */
export function removeEach(list: Pid[], pids: readonly Pid[]): Pid[] {
  if (pids.length === 1) {
    const p = pids[0]!;
    const i = list.findIndex((q) => samePid(q, p));
    if (i === -1) return [];
    list.splice(i, 1);
    return [p];
  }
  const counts = new Map<string, number>();
  for (const p of pids) counts.set(p.key, (counts.get(p.key) ?? 0) + 1);
  const removed: Pid[] = [];
  let w = 0;
  for (let r = 0; r < list.length; r++) {
    const q = list[r]!;
    const c = counts.get(q.key);
    if (c !== undefined && c > 0) {
      counts.set(q.key, c - 1);
      removed.push(q);
    } else {
      list[w++] = q;
    }
  }
  list.length = w;
  return removed;
}

/**
 * Group → members, for one scope.
 *
 * @example
 * ```ts
 * const t = new GroupTable();
 * t.add('g', termKey('g'), [pid], true);
 * t.members(termKey('g')); // [pid]
 * ```
 */
export class GroupTable {
  private readonly rows = new Map<string, GroupRow>();

  /** All members of the group with key `key` (a cached, frozen array). */
  members(key: string): readonly Pid[] {
    const row = this.rows.get(key);
    if (row === undefined) return EMPTY;
    return (row.allView ??= Object.freeze(row.all.slice()));
  }

  /** The local members of the group with key `key`. */
  localMembers(key: string): readonly Pid[] {
    const row = this.rows.get(key);
    if (row === undefined) return EMPTY;
    return (row.localView ??= Object.freeze(row.local.slice()));
  }

  /** The group term of key `key`, while it has members. */
  group(key: string): Term | undefined {
    return this.rows.get(key)?.group;
  }

  /** Every group with a member. */
  groups(): Term[] {
    return [...this.rows.values()].map((r) => r.group);
  }

  /** Every group with a local member. */
  localGroups(): Term[] {
    return [...this.rows.values()].filter((r) => r.local.length > 0).map((r) => r.group);
  }

  /** Every group's members (what `monitor_scope` returns). */
  snapshot(): Map<Term, readonly Pid[]> {
    const out = new Map<Term, readonly Pid[]>();
    for (const [key, row] of this.rows) out.set(row.group, this.members(key));
    return out;
  }

  /** Adds `pids` (local ones also to the local list). */
  add(group: Term, key: string, pids: readonly Pid[], local: boolean): void {
    let row = this.rows.get(key);
    if (row === undefined) {
      row = { group, all: [], local: [], allView: null, localView: null };
      this.rows.set(key, row);
    }
    for (const p of pids) row.all.push(p);
    row.allView = null;
    if (local) {
      for (const p of pids) row.local.push(p);
      row.localView = null;
    }
  }

  /** Removes one occurrence of each of `pids`; returns those that were there. */
  remove(key: string, pids: readonly Pid[], local: boolean): Pid[] {
    const row = this.rows.get(key);
    if (row === undefined) return [];
    const removed = removeEach(row.all, pids);
    if (removed.length > 0) row.allView = null;
    if (local && removeEach(row.local, removed).length > 0) row.localView = null;
    if (row.all.length === 0) this.rows.delete(key);
    return removed;
  }

  /** Forgets everything (the scope stopped: its ETS table is gone). */
  clear(): void {
    this.rows.clear();
  }

  /** How many groups have members. */
  get size(): number {
    return this.rows.size;
  }
}

/**
 * A static supervisor's children: supervisor.erl's `{Ids, Db}` pair, plus an index by pid
 * so that finding the child of an `'EXIT'` is O(1) (OTP folds over the map instead).
 *
 * Children are kept in start order; they are stopped in the reverse order.
 *
 * @module
 */
import type { Pid } from '../../term/types.ts';
import type { NormalizedChildSpec } from '../child-spec.ts';

/**
 * One child: its spec and what runs. `pid` is `undefined` when the child is not running
 * (terminated, `ignore`d, or not yet started); `restarting` is set while a failed restart
 * waits for its next attempt (OTP's `{restarting, OldPid}`).
 *
 * @example
 * ```ts
 * const c: Child = { spec, pid: undefined, restarting: false };
 * ```
 */
export interface Child {
  readonly spec: NormalizedChildSpec;
  pid: Pid | undefined;
  restarting: boolean;
}

/**
 * Children by id and by pid, in start order.
 *
 * @example
 * ```ts
 * const t = new ChildTable();
 * t.add({ spec, pid, restarting: false });
 * t.byPid(pid)?.spec.id;
 * ```
 */
export class ChildTable {
  readonly #order: Child[] = [];
  readonly #byKey = new Map<string, Child>();
  readonly #byPid = new Map<string, Child>();

  /** Number of child specs. */
  get size(): number {
    return this.#order.length;
  }

  /** Children in start order (a copy). */
  list(): Child[] {
    return [...this.#order];
  }

  get(key: string): Child | undefined {
    return this.#byKey.get(key);
  }

  byPid(pid: Pid): Child | undefined {
    return this.#byPid.get(pid.key);
  }

  /** Adds a child last (start order). */
  add(child: Child): void {
    this.#order.push(child);
    this.#byKey.set(child.spec.key, child);
    if (child.pid) this.#byPid.set(child.pid.key, child);
  }

  /** Records that `child` now runs as `pid` (or runs nothing). */
  setPid(child: Child, pid: Pid | undefined, restarting = false): void {
    if (child.pid) this.#byPid.delete(child.pid.key);
    child.pid = pid;
    child.restarting = restarting;
    if (pid) this.#byPid.set(pid.key, child);
  }

  /** Removes a child spec altogether. */
  remove(child: Child): void {
    const i = this.#order.indexOf(child);
    if (i >= 0) this.#order.splice(i, 1);
    this.#byKey.delete(child.spec.key);
    if (child.pid) this.#byPid.delete(child.pid.key);
  }

  /** supervisor.erl's `del_child/2`: a temporary child is forgotten, others just stop. */
  delChild(child: Child): void {
    if (child.spec.restart === 'temporary') this.remove(child);
    else this.setPid(child, undefined);
  }

  /** The children from `child` (included) to the last one, in start order. */
  from(child: Child): Child[] {
    const i = this.#order.indexOf(child);
    return i < 0 ? [] : this.#order.slice(i);
  }
}

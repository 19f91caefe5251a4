/**
 * Task (Elixir semantics): run one computation in its own process and collect its result.
 *
 * ## Example
 *
 * ```ts
 * rt.spawn(async (self) => {
 *   const t = Task.async(self, async () => expensive());
 *   // ... other work ...
 *   const value = await Task.await(self, t, 5000);
 * });
 * ```
 *
 * ## Protocol and semantics (as Elixir's Task, 1.14)
 *
 * - `Task.async` spawns a process **linked** to the caller and **monitored** by it; the
 *   task sends `{Ref, Result}` to its owner when done (Ref is the monitor reference).
 *   A crash in the task crashes the caller through the link (unless it traps exits).
 * - `Task.await(self, task, timeout = 5000)`: the reply, demonitoring; if the task died,
 *   exits (rejects with an `ExitError`) with `{Reason, {'Elixir.Task', await, [Task,
 *   Timeout]}}`; on timeout exits with `{timeout, {'Elixir.Task', await, [Task, Timeout]}}`
 *   (the task keeps running, but a caller that does not catch the exit dies and the link
 *   takes the task down). Only the owner may await.
 * - `Task.yield`: `{ ok: true, value }`, `{ ok: false, exit: Reason }` if it died, or
 *   `undefined` on timeout (the task keeps running).
 * - `Task.shutdown(self, task, 5000 | 'brutal_kill')`: unlinks and stops the task
 *   (`shutdown`, then `kill` after the timeout); returns the reply if it arrived
 *   meanwhile, `{ ok: false, exit }` if it died another way, else `undefined`.
 *
 * A task as a term (in exit reasons) is Elixir's struct:
 * `%{__struct__: Task, pid: Pid, ref: Ref, owner: Pid, mfa: {M, F, A}}`.
 *
 * @module
 */
import { ExitError } from '../process/errors.ts';
import type { Process } from '../process/process.ts';
import { atom, Pid, Ref, Tuple, tuple, type Term, type TermObject } from '../term/types.ts';
import { isDownFor } from './child-lifecycle.ts';
import { TaskOwnerError } from './errors.ts';

const DOWN = atom('DOWN');
const TASK_MODULE = atom('Elixir.Task');
const SHUTDOWN = atom('shutdown');
const KILL = atom('kill');
const KILLED = atom('killed');
const NOCONNECTION = atom('noconnection');

/**
 * A running task. `T` is the type of the result.
 *
 * @example
 * ```ts
 * const t: TaskHandle<number> = Task.async(self, () => 42);
 * t.pid; t.ref; t.owner;
 * ```
 */
export interface TaskHandle<T = unknown> {
  readonly pid: Pid;
  /** The owner's monitor reference; also the tag of the reply `{Ref, Result}`. */
  readonly ref: Ref;
  readonly owner: Pid;
  /** `{Module, Function, Arity}` for reports. */
  readonly mfa: Tuple;
  /** @internal carries the result type */
  readonly __result?: T;
}

/**
 * The outcome of `yield` / `shutdown`: the reply, the task's exit reason, or nothing yet.
 *
 * @example
 * ```ts
 * const r: TaskResult<number> = { ok: true, value: 1 };
 * ```
 */
export type TaskResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly exit: Term }
  | undefined;

/**
 * A task's work: runs inside the task process.
 *
 * @example
 * ```ts
 * const work: TaskFunction<number> = async () => 6 * 7;
 * const t = Task.async(self, work);
 * ```
 */
export type TaskFunction<T> = (self: Process) => T | Promise<T>;

/**
 * Runs `fn` in the current (task) process and sends `{ref, result}` to `owner`. Shared by
 * `Task.async` and the task supervisor.
 */
export async function runTask<T>(
  self: Process,
  fn: TaskFunction<T>,
  owner: Pid,
  ref: Ref,
): Promise<void> {
  const value = await fn(self);
  self.send(owner, tuple(ref, value as Term));
}

/** The `mfa` of a task made from a JS function. */
export function taskMfa(fn: { name: string }): Tuple {
  return tuple(atom('beamlink'), atom(fn.name || 'anonymous'), 0);
}

/** Elixir's `%Task{}` as a term, for exit reasons. */
export function taskTerm(task: TaskHandle<unknown>): TermObject {
  return {
    __struct__: TASK_MODULE,
    mfa: task.mfa,
    owner: task.owner,
    pid: task.pid,
    ref: task.ref,
  };
}

function isReply(m: Term, ref: Ref): boolean {
  return (
    m instanceof Tuple &&
    m.length === 2 &&
    m.elements[0] instanceof Ref &&
    m.elements[0].key === ref.key
  );
}

/** `{Ref, Reply}` or `{'DOWN', Ref, ...}` for any task ref whose key is in `refs`. */
function replyOrDownIn(refs: ReadonlyMap<string, number>): (m: Term) => boolean {
  return (m) =>
    m instanceof Tuple &&
    ((m.length === 2 && m.elements[0] instanceof Ref && refs.has(m.elements[0].key)) ||
      (m.length === 5 &&
        m.elements[0] === DOWN &&
        m.elements[1] instanceof Ref &&
        refs.has(m.elements[1].key)));
}

/** Elixir's `reason/2`: `noconnection` becomes `{nodedown, Node}`. */
function exitReason(reason: Term, object: Term): Term {
  if (reason !== NOCONNECTION) return reason;
  const node =
    object instanceof Pid
      ? object.node
      : object instanceof Tuple
        ? object.elements[1]!
        : atom('nonode@nohost');
  return tuple(atom('nodedown'), node);
}

function checkOwner(self: Process, task: TaskHandle<unknown>, fun: string): void {
  if (task.owner.key !== self.pid.key) {
    throw new TaskOwnerError(
      `task ${String(task.pid.id)} must be queried from the owner (${fun} was called from another process)`,
    );
  }
}

function flushReply<T>(self: Process, ref: Ref): TaskResult<T> {
  const m = self.poll((x) => isReply(x, ref));
  return m === undefined ? undefined : { ok: true, value: (m as Tuple).elements[1] as T };
}

/**
 * The Task API.
 *
 * @example
 * ```ts
 * const t = Task.async(self, () => 6 * 7);
 * await Task.await(self, t); // 42
 * ```
 */
export class Task {
  private constructor() {}

  /**
   * Starts a task linked to and monitored by `self`.
   *
   * @example
   * ```ts
   * const t = Task.async(self, async (taskSelf) => fetchThing());
   * ```
   */
  static async<T>(self: Process, fn: TaskFunction<T>): TaskHandle<T> {
    const owner = self.pid;
    const tag: { ref?: Ref } = {};
    // The body starts after this function returns (spawns run in a later microtask), so
    // the monitor reference is known by then.
    const pid = self.spawnLink((taskSelf) => runTask(taskSelf, fn, owner, tag.ref!), {
      label: 'Task',
    });
    tag.ref = self.monitor(pid);
    return { pid, ref: tag.ref, owner, mfa: taskMfa(fn) };
  }

  /**
   * Waits for the task's reply; see the module comment for how it exits.
   *
   * @example
   * ```ts
   * const v = await Task.await(self, t, 1000);
   * ```
   */
  static async await<T>(self: Process, task: TaskHandle<T>, timeout: number = 5000): Promise<T> {
    checkOwner(self, task, 'await');
    const where = (reason: Term): Term =>
      tuple(
        reason,
        tuple(TASK_MODULE, atom('await'), [
          taskTerm(task),
          timeout === Infinity ? atom('infinity') : timeout,
        ]),
      );
    const m = await self.receive((x) => isReply(x, task.ref) || isDownFor(x, task.ref), {
      timeout,
    });
    if (m === undefined) {
      self.demonitor(task.ref, { flush: true });
      throw new ExitError(where(atom('timeout')), `Task.await timed out after ${timeout} ms`);
    }
    const t = m as Tuple;
    if (t.length === 2) {
      self.demonitor(task.ref, { flush: true });
      return t.elements[1] as T;
    }
    throw new ExitError(where(exitReason(t.elements[4]!, t.elements[3]!)), 'the task exited');
  }

  /**
   * Waits up to `timeout` ms: the reply, the exit reason, or `undefined` (still running).
   *
   * @example
   * ```ts
   * const r = (await Task.yield(self, t, 100)) ?? (await Task.shutdown(self, t));
   * ```
   */
  static async yield<T>(
    self: Process,
    task: TaskHandle<T>,
    timeout: number = 5000,
  ): Promise<TaskResult<T>> {
    checkOwner(self, task, 'yield');
    const m = await self.receive((x) => isReply(x, task.ref) || isDownFor(x, task.ref), {
      timeout,
    });
    if (m === undefined) return undefined;
    const t = m as Tuple;
    if (t.length === 2) {
      self.demonitor(task.ref, { flush: true });
      return { ok: true, value: t.elements[1] as T };
    }
    const reason = t.elements[4]!;
    if (reason === NOCONNECTION) {
      throw new ExitError(
        tuple(
          exitReason(reason, t.elements[3]!),
          tuple(TASK_MODULE, atom('yield'), [taskTerm(task), timeout]),
        ),
        'the task node is down',
      );
    }
    return { ok: false, exit: reason };
  }

  /**
   * Stops the task (unlinking it first, so the caller survives).
   *
   * @example
   * ```ts
   * await Task.shutdown(self, t, 'brutal_kill');
   * ```
   */
  static async shutdown<T>(
    self: Process,
    task: TaskHandle<T>,
    shutdown: number | 'brutal_kill' = 5000,
  ): Promise<TaskResult<T>> {
    checkOwner(self, task, 'shutdown');
    self.unlink(task.pid);
    let mode: 'shutdown' | 'brutal_kill' | 'timeout_kill' =
      shutdown === 'brutal_kill' ? 'brutal_kill' : 'shutdown';
    self.exitProcess(task.pid, mode === 'brutal_kill' ? KILL : SHUTDOWN);
    let m = await self.receive((x) => isDownFor(x, task.ref), {
      timeout: shutdown === 'brutal_kill' ? Infinity : shutdown,
    });
    if (m === undefined) {
      self.exitProcess(task.pid, KILL);
      mode = 'timeout_kill';
      m = await self.receive((x) => isDownFor(x, task.ref));
    }
    const down = m as Tuple;
    const reason = down.elements[4]!;
    const reply = flushReply<T>(self, task.ref);
    if (reason === SHUTDOWN && mode !== 'brutal_kill') return reply;
    if (reason === KILLED && mode === 'brutal_kill') return reply;
    if (reason === NOCONNECTION) {
      throw new ExitError(
        tuple(
          exitReason(reason, down.elements[3]!),
          tuple(TASK_MODULE, atom('shutdown'), [
            taskTerm(task),
            shutdown === 'brutal_kill' ? atom('brutal_kill') : shutdown,
          ]),
        ),
        'the task node is down',
      );
    }
    return reply ?? { ok: false, exit: reason };
  }

  /**
   * Waits for every task (Elixir's `Task.await_many/2`): the values in the tasks' order.
   * If one task dies, exits with `{Reason, {'Elixir.Task', await_many, [Tasks, Timeout]}}`;
   * when the time is up, with `{timeout, {'Elixir.Task', await_many, [Tasks, Timeout]}}`
   * (the remaining tasks are demonitored and keep running, as in Elixir).
   *
   * @example
   * ```ts
   * const [a, b] = await Task.awaitMany(self, [Task.async(self, f), Task.async(self, g)]);
   * ```
   */
  static async awaitMany<T>(
    self: Process,
    tasks: readonly TaskHandle<T>[],
    timeout: number = 5000,
  ): Promise<T[]> {
    for (const t of tasks) checkOwner(self, t, 'awaitMany');
    const where = (reason: Term): Term =>
      tuple(
        reason,
        tuple(TASK_MODULE, atom('await_many'), [
          tasks.map(taskTerm),
          timeout === Infinity ? atom('infinity') : timeout,
        ]),
      );
    const index = new Map(tasks.map((t, i) => [t.ref.key, i]));
    const results = new Array<T>(tasks.length);
    const deadline = performance.now() + timeout;
    const mine = replyOrDownIn(index);
    while (index.size > 0) {
      const left = timeout === Infinity ? Infinity : Math.max(0, deadline - performance.now());
      const m = await self.receive(mine, { timeout: left });
      if (m === undefined) {
        for (const t of tasks) if (index.has(t.ref.key)) self.demonitor(t.ref, { flush: true });
        throw new ExitError(where(atom('timeout')), `Task.awaitMany timed out after ${timeout} ms`);
      }
      const t = m as Tuple;
      if (t.length === 2) {
        const ref = t.elements[0] as Ref;
        results[index.get(ref.key)!] = t.elements[1] as T;
        index.delete(ref.key);
        self.demonitor(ref, { flush: true });
        continue;
      }
      throw new ExitError(where(exitReason(t.elements[4]!, t.elements[3]!)), 'a task exited');
    }
    return results;
  }

  /**
   * Waits up to `timeout` ms for all tasks (Elixir's `Task.yield_many/2`): one
   * {@link TaskResult} per task, in order (`undefined` for those still running).
   *
   * @example
   * ```ts
   * const results = await Task.yieldMany(self, tasks, 1000);
   * ```
   */
  static async yieldMany<T>(
    self: Process,
    tasks: readonly TaskHandle<T>[],
    timeout: number = 5000,
  ): Promise<TaskResult<T>[]> {
    for (const t of tasks) checkOwner(self, t, 'yieldMany');
    const index = new Map(tasks.map((t, i) => [t.ref.key, i]));
    const results: TaskResult<T>[] = tasks.map(() => undefined);
    const deadline = performance.now() + timeout;
    const mine = replyOrDownIn(index);
    while (index.size > 0) {
      const left = timeout === Infinity ? Infinity : Math.max(0, deadline - performance.now());
      const m = await self.receive(mine, { timeout: left });
      if (m === undefined) break;
      const t = m as Tuple;
      const ref = (t.length === 2 ? t.elements[0] : t.elements[1]) as Ref;
      const i = index.get(ref.key)!;
      index.delete(ref.key);
      if (t.length === 2) {
        self.demonitor(ref, { flush: true });
        results[i] = { ok: true, value: t.elements[1] as T };
      } else {
        results[i] = { ok: false, exit: t.elements[4]! };
      }
    }
    return results;
  }
}

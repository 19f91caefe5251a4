/**
 * Task supervisor (Elixir's `Task.Supervisor`): a DynamicSupervisor for tasks. Tasks run
 * under the supervisor instead of being linked to the caller, so a crashing task does not
 * take the caller down (`asyncNolink`), and all tasks stop when the supervisor stops.
 *
 * ## Example
 *
 * ```ts
 * const sup = await TaskSupervisor.startLink(self, { name: 'tasks' });
 * const t = await TaskSupervisor.asyncNolink(self, 'tasks', async () => risky());
 * const r = await Task.yield(self, t, 1000); // { ok: true, value } | { ok: false, exit } | undefined
 * ```
 *
 * ## Protocol
 *
 * The task is started through the supervisor (`{start_child, Spec}`), then the owner
 * monitors it (and links to it for `async`) and sends it `{'$task_owner', Owner, Ref}`;
 * only then does the task run its function and reply `{Ref, Result}` to the owner, as
 * Elixir's Task.Supervised does. A task whose owner is already gone exits `normal`
 * without running.
 *
 * Children are `temporary` with `shutdown` 5000 unless told otherwise.
 *
 * @module
 */
import type { Dest, Process } from '../process/process.ts';
import type { Runtime } from '../process/runtime.ts';
import { atom, Pid, Ref, Tuple, tuple, type Term } from '../term/types.ts';
import type { RestartType, StartFunction } from './child-spec.ts';
import { DynamicSupervisor, type DynamicSupervisorOptions } from './dynamic-supervisor.ts';
import { SupervisorStartError } from './errors.ts';
import type { OkResult, StartChildResult } from './supervisor-results.ts';
import { runTask, taskMfa, type TaskFunction, type TaskHandle } from './task.ts';

const TASK_OWNER = atom('$task_owner');
const DOWN = atom('DOWN');

/**
 * Options of a task supervisor (those of a DynamicSupervisor).
 *
 * @example
 * ```ts
 * await TaskSupervisor.startLink(self, { name: 'tasks', maxChildren: 100 });
 * ```
 */
export type TaskSupervisorOptions = Omit<DynamicSupervisorOptions, 'label'>;

/**
 * Per-task options.
 *
 * @example
 * ```ts
 * await TaskSupervisor.startChild(self, sup, work, { restart: 'transient', shutdown: 'brutal_kill' });
 * ```
 */
export interface TaskOptions {
  /** Default `temporary`; `asyncNolink`/`async` tasks are always temporary. */
  readonly restart?: RestartType;
  /** Default 5000. */
  readonly shutdown?: number | 'brutal_kill' | 'infinity';
}

function replyTaskStart<T>(fn: TaskFunction<T>, owner: Pid): StartFunction {
  const start: StartFunction = (sup) =>
    sup.spawnLink(
      async (self) => {
        const ownerMon = self.monitor(owner);
        const init = (await self.receive(
          (m) =>
            m instanceof Tuple &&
            ((m.length === 3 && m.elements[0] === TASK_OWNER) ||
              (m.length === 5 && m.elements[0] === DOWN && m.elements[1] === ownerMon)),
        )) as Tuple;
        if (init.elements[0] === DOWN) return; // the owner is gone: nobody wants the result
        self.demonitor(ownerMon, { flush: true });
        await runTask(self, fn, owner, init.elements[2] as Ref);
      },
      { label: `Task ${fn.name || 'anonymous'}` },
    );
  Object.defineProperty(start, 'name', { value: fn.name || 'anonymous' });
  return start;
}

async function startTask<T>(
  self: Process,
  sup: Dest,
  fn: TaskFunction<T>,
  link: boolean,
  options: TaskOptions,
): Promise<TaskHandle<T>> {
  const r = await DynamicSupervisor.startChild(self, sup, {
    id: atom('undefined'),
    start: replyTaskStart(fn, self.pid),
    restart: 'temporary',
    shutdown: options.shutdown ?? 5000,
    modules: [atom('Elixir.Task.Supervised')],
  });
  if (!r.ok || r.pid === undefined) {
    const reason: Term = r.ok ? atom('ignore') : r.reason;
    throw new SupervisorStartError(reason, 'the task supervisor did not start the task');
  }
  const pid = r.pid;
  if (link) self.link(pid);
  const ref = self.monitor(pid);
  self.send(pid, tuple(TASK_OWNER, self.pid, ref));
  return { pid, ref, owner: self.pid, mfa: taskMfa(fn) };
}

/**
 * The task supervisor API.
 *
 * @example
 * ```ts
 * const sup = await TaskSupervisor.startLink(self);
 * await TaskSupervisor.startChild(self, sup, async () => sendEmails());
 * ```
 */
export class TaskSupervisor {
  private constructor() {}

  /**
   * Starts a task supervisor linked to `parent`.
   *
   * @example
   * ```ts
   * const sup = await TaskSupervisor.startLink(self, { name: 'tasks' });
   * ```
   */
  static startLink(parent: Process, options: TaskSupervisorOptions = {}): Promise<Pid> {
    return DynamicSupervisor.startLink(parent, { ...options, label: 'Task.Supervisor' });
  }

  /**
   * Starts a task supervisor linked to nothing.
   *
   * @example
   * ```ts
   * const sup = await TaskSupervisor.start(runtime, { name: 'tasks' });
   * ```
   */
  static start(runtime: Runtime, options: TaskSupervisorOptions = {}): Promise<Pid> {
    return DynamicSupervisor.start(runtime, { ...options, label: 'Task.Supervisor' });
  }

  /**
   * Starts a fire-and-forget task under the supervisor (nobody gets its result).
   *
   * @example
   * ```ts
   * const r = await TaskSupervisor.startChild(self, sup, async () => cleanup());
   * ```
   */
  static startChild(
    caller: Process | Runtime,
    sup: Dest,
    fn: TaskFunction<unknown>,
    options: TaskOptions = {},
  ): Promise<StartChildResult> {
    const start: StartFunction = (s) =>
      s.spawnLink(
        async (self) => {
          await fn(self);
        },
        { label: `Task ${fn.name || 'anonymous'}` },
      );
    Object.defineProperty(start, 'name', { value: fn.name || 'anonymous' });
    return DynamicSupervisor.startChild(caller, sup, {
      id: atom('undefined'),
      start,
      restart: options.restart ?? 'temporary',
      shutdown: options.shutdown ?? 5000,
      modules: [atom('Elixir.Task.Supervised')],
    });
  }

  /**
   * Starts a task under the supervisor, monitored by (not linked to) the caller: a crash
   * arrives as `{ ok: false, exit }` from `Task.yield` or as an exit from `Task.await`,
   * never as a link signal. Rejects with {@link SupervisorStartError} (e.g. reason
   * `max_children`) when the supervisor refuses.
   *
   * @example
   * ```ts
   * const t = await TaskSupervisor.asyncNolink(self, sup, () => compute());
   * const v = await Task.await(self, t);
   * ```
   */
  static asyncNolink<T>(
    self: Process,
    sup: Dest,
    fn: TaskFunction<T>,
    options: Omit<TaskOptions, 'restart'> = {},
  ): Promise<TaskHandle<T>> {
    return startTask(self, sup, fn, false, options);
  }

  /**
   * Starts a task under the supervisor that is also linked to the caller (as `Task.async`).
   *
   * @example
   * ```ts
   * const t = await TaskSupervisor.async(self, sup, () => compute());
   * ```
   */
  static async<T>(
    self: Process,
    sup: Dest,
    fn: TaskFunction<T>,
    options: Omit<TaskOptions, 'restart'> = {},
  ): Promise<TaskHandle<T>> {
    return startTask(self, sup, fn, true, options);
  }

  /**
   * The pids of the running tasks.
   *
   * @example
   * ```ts
   * const pids = await TaskSupervisor.children(self, sup);
   * ```
   */
  static async children(caller: Process | Runtime, sup: Dest): Promise<Pid[]> {
    const all = await DynamicSupervisor.whichChildren(caller, sup);
    return all.map((c) => c.child).filter((c): c is Pid => c instanceof Pid);
  }

  /**
   * Stops one task.
   *
   * @example
   * ```ts
   * await TaskSupervisor.terminateChild(self, sup, pid);
   * ```
   */
  static terminateChild(caller: Process | Runtime, sup: Dest, pid: Pid): Promise<OkResult> {
    return DynamicSupervisor.terminateChild(caller, sup, pid);
  }
}

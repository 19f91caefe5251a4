/**
 * Supervisor: a process that starts children, watches them, and restarts them according
 * to a strategy, giving up (and escalating to its own supervisor) when they crash too
 * often. A port of stdlib's supervisor.erl for static children.
 *
 * ## Example
 *
 * ```ts
 * const sup = await Supervisor.startLink(self, [
 *   { id: 'db', start: (s) => s.spawnLink(dbLoop) },
 *   { id: 'cache', start: (s) => GenServer.startLink(s, Cache, []), restart: 'transient' },
 * ], { strategy: 'rest_for_one', intensity: 3, period: 5, name: 'my_sup' });
 * await Supervisor.whichChildren(self, sup);
 * //=> [{ id: 'cache', child: <pid>, type: 'worker', modules: [...] }, { id: 'db', ... }]
 * ```
 *
 * ## Semantics (as supervisor.erl, stdlib 4.2)
 *
 * - Children start in order; the first failure stops the ones already started (in reverse
 *   order) and `startLink` fails with `{shutdown, {failed_to_start_child, Id, Reason}}`.
 * - Restart types: `permanent` always restarts; `transient` restarts unless the exit
 *   reason is `normal`, `shutdown` or `{shutdown, _}`; `temporary` never restarts.
 * - Every restart counts against `intensity` restarts per `period` seconds; one more
 *   logs `reached_max_restart_intensity`, stops every child and exits with `shutdown`.
 * - A child whose restart fails is retried after the supervisor's mailbox is handled
 *   (each retry counts as a restart), so a child that cannot start ends in escalation.
 * - Stop: children are stopped in reverse start order, each as its `shutdown` says.
 * - The supervisor speaks gen_server's call protocol, so BEAM nodes can call
 *   `supervisor:which_children({Name, Node})`, `count_children`, `terminate_child`, ...
 *
 * @module
 */
import type { Dest, Process } from '../process/process.ts';
import type { Runtime } from '../process/runtime.ts';
import { atom, tuple, type Pid, type Term } from '../term/types.ts';
import {
  checkStartSpec,
  type ChildSpecInput,
  type ChildType,
  type NormalizedChildSpec,
} from './child-spec.ts';
import { ChildSpecError, SupervisorStartError } from './errors.ts';
import type { RestartIntensity } from './restart-intensity.ts';
import {
  SupervisorServer,
  validateFlags,
  type StrategyName,
  type SupervisorOptions,
} from './supervisor-server.ts';
import {
  assertLocalSpec,
  callServer,
  LocalSpec,
  startHost,
  stopServer,
} from './supervisor-host.ts';
import {
  decodeChildInfo,
  decodeCounts,
  decodeOk,
  decodeStartResult,
  type ChildCounts,
  type ChildInfo,
  type OkResult,
  type StartChildResult,
} from './supervisor-results.ts';

export type { ChildCounts, ChildInfo, StartChildResult, OkResult } from './supervisor-results.ts';
export type { StrategyName, SupervisorOptions } from './supervisor-server.ts';

const NORMAL = atom('normal');

function startSupervisor(
  starter: Process | Runtime,
  children: readonly ChildSpecInput[],
  options: SupervisorOptions,
): Promise<Pid> {
  let specs: NormalizedChildSpec[];
  let flags: { strategy: StrategyName; intensity: RestartIntensity };
  try {
    flags = validateFlags(options);
    specs = checkStartSpec(children);
  } catch (e) {
    if (e instanceof ChildSpecError) {
      return Promise.reject(
        new SupervisorStartError(tuple(atom('start_spec'), e.reason), e.message, { cause: e }),
      );
    }
    return Promise.reject(e);
  }
  const label = `Supervisor ${options.name === undefined ? flags.strategy : String(options.name)}`;
  return startHost(
    starter,
    { name: options.name, label },
    (self) =>
      new SupervisorServer(
        self,
        specs,
        flags.strategy,
        flags.intensity,
        options.name,
        options.resolveStart,
      ),
  );
}

/**
 * The Supervisor API. Every function that talks to a running supervisor takes the calling
 * process (or a runtime, for calls from outside any process) and the supervisor as any
 * destination: a pid, a registered name, or `[name, node]` for a supervisor on another
 * node (a BEAM one included).
 *
 * @example
 * ```ts
 * const sup = await Supervisor.startLink(self, [{ id: 'w', start: (s) => s.spawnLink(work) }]);
 * const counts = await Supervisor.countChildren(self, sup); // { specs: 1, active: 1, ... }
 * ```
 */
export class Supervisor {
  private constructor() {}

  /**
   * Starts a supervisor linked to `parent` and waits until every child has started.
   * Rejects with {@link SupervisorStartError} (`reason` as `{error, Reason}` in OTP).
   *
   * @example
   * ```ts
   * const sup = await Supervisor.startLink(self, children, { strategy: 'one_for_all' });
   * ```
   */
  static startLink(
    parent: Process,
    children: readonly ChildSpecInput[],
    options: SupervisorOptions = {},
  ): Promise<Pid> {
    return startSupervisor(parent, children, options);
  }

  /**
   * Starts a supervisor linked to nothing (a top-level supervisor).
   *
   * @example
   * ```ts
   * const sup = await Supervisor.start(runtime, children, { name: 'app_sup' });
   * ```
   */
  static start(
    runtime: Runtime,
    children: readonly ChildSpecInput[],
    options: SupervisorOptions = {},
  ): Promise<Pid> {
    return startSupervisor(runtime, children, options);
  }

  /**
   * `supervisor:which_children/1`, newest child first as OTP lists them.
   *
   * @example
   * ```ts
   * for (const c of await Supervisor.whichChildren(self, sup)) console.log(c.id, c.child);
   * ```
   */
  static async whichChildren(caller: Process | Runtime, sup: Dest): Promise<ChildInfo[]> {
    return decodeChildInfo(await callServer(caller, sup, atom('which_children')));
  }

  /**
   * `supervisor:count_children/1`.
   *
   * @example
   * ```ts
   * const { active } = await Supervisor.countChildren(self, sup);
   * ```
   */
  static async countChildren(caller: Process | Runtime, sup: Dest): Promise<ChildCounts> {
    return decodeCounts(await callServer(caller, sup, atom('count_children')));
  }

  /**
   * `supervisor:start_child/2` with a TypeScript child spec (local supervisors), or an
   * Erlang child-spec term (for a BEAM supervisor).
   *
   * @example
   * ```ts
   * const r = await Supervisor.startChild(self, sup, { id: 'extra', start });
   * if (r.ok) console.log(r.pid);
   * ```
   */
  static async startChild(
    caller: Process | Runtime,
    sup: Dest,
    spec: ChildSpecInput | Term,
  ): Promise<StartChildResult> {
    const local = isChildSpecInput(spec);
    if (local) assertLocalSpec(caller, sup);
    const arg = local ? (new LocalSpec(spec) as unknown as Term) : (spec as Term);
    return decodeStartResult(await callServer(caller, sup, tuple(atom('start_child'), arg)));
  }

  /**
   * `supervisor:terminate_child/2`: stops the child (its spec stays unless temporary).
   *
   * @example
   * ```ts
   * await Supervisor.terminateChild(self, sup, 'w'); // { ok: true }
   * ```
   */
  static async terminateChild(caller: Process | Runtime, sup: Dest, id: Term): Promise<OkResult> {
    return decodeOk(await callServer(caller, sup, tuple(atom('terminate_child'), id)));
  }

  /**
   * `supervisor:restart_child/2`: starts a stopped child again.
   *
   * @example
   * ```ts
   * await Supervisor.restartChild(self, sup, 'w');
   * ```
   */
  static async restartChild(
    caller: Process | Runtime,
    sup: Dest,
    id: Term,
  ): Promise<StartChildResult> {
    return decodeStartResult(await callServer(caller, sup, tuple(atom('restart_child'), id)));
  }

  /**
   * `supervisor:delete_child/2`: forgets a stopped child's spec.
   *
   * @example
   * ```ts
   * await Supervisor.terminateChild(self, sup, 'w');
   * await Supervisor.deleteChild(self, sup, 'w');
   * ```
   */
  static async deleteChild(caller: Process | Runtime, sup: Dest, id: Term): Promise<OkResult> {
    return decodeOk(await callServer(caller, sup, tuple(atom('delete_child'), id)));
  }

  /**
   * Stops the supervisor (and its children, in reverse start order) with `reason`.
   *
   * @example
   * ```ts
   * await Supervisor.stop(self, sup);
   * ```
   */
  static stop(caller: Process | Runtime, sup: Dest, reason: Term = NORMAL): Promise<void> {
    return stopServer(caller, sup, reason);
  }
}

function isChildSpecInput(x: unknown): x is ChildSpecInput {
  if (x === null || typeof x !== 'object') return false;
  if (typeof (x as { childSpec?: unknown }).childSpec === 'function') return true;
  const start = (x as { start?: unknown }).start;
  return typeof start === 'function' || (Array.isArray(start) && typeof start[0] === 'function');
}

export type { ChildType };

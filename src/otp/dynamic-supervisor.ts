/**
 * DynamicSupervisor (Elixir semantics): a supervisor that starts with no children and
 * starts them on demand. Children are keyed by pid, have no order, and are stopped all at
 * once when the supervisor stops. The only strategy is `one_for_one`.
 *
 * ## Example
 *
 * ```ts
 * const sup = await DynamicSupervisor.startLink(self, { name: 'rooms', maxChildren: 1000 });
 * const r = await DynamicSupervisor.startChild(self, 'rooms', {
 *   id: 'room',
 *   start: (s) => GenServer.startLink(s, Room, 'lobby'),
 *   restart: 'transient',
 * });
 * if (r.ok) await DynamicSupervisor.terminateChild(self, 'rooms', r.pid!);
 * ```
 *
 * ## Semantics (as Elixir's DynamicSupervisor, 1.14)
 *
 * - `startChild` → `{ ok: true, pid }`, `{ ok: true, pid, info }`, `{ ok: true, pid:
 *   undefined }` for `ignore`, or `{ ok: false, reason }` with `max_children` when full,
 *   `{already_started, Pid}` or any other reason passed through from the child's start.
 * - Restarts: `permanent` always; `transient` unless `normal`/`shutdown`/`{shutdown, _}`;
 *   `temporary` never. Each counts against `intensity` per `period` seconds (default 3
 *   in 5); exceeding it stops every child and exits the supervisor with `shutdown`.
 * - A restart that fails leaves the child `restarting` and is retried through a
 *   `{'$gen_restart', Pid}` message to itself.
 * - On the wire it answers what Elixir's does: `which_children`, `count_children`,
 *   `{terminate_child, Pid}`, `{start_child, ...}` (TypeScript specs from local callers).
 *
 * @module
 */
import type { Dest, Process } from '../process/process.ts';
import { formatTerm } from '../process/format.ts';
import type { Runtime } from '../process/runtime.ts';
import { atom, Pid, Tuple, tuple, type Atom, type Term } from '../term/types.ts';
import { isShutdownReason, shutdownMany, startChildProcess } from './child-lifecycle.ts';
import { checkChildSpec, type ChildSpecInput, type NormalizedChildSpec } from './child-spec.ts';
import { offender, reportError, reportProgress } from './crash-report.ts';
import { dynamicSpecFromTerm, type StartResolver } from './child-spec-term.ts';
import { ChildSpecError, SupervisorStartError } from './errors.ts';
import { RestartIntensity, type Clock } from './restart-intensity.ts';
import {
  assertLocalSpec,
  callServer,
  LocalSpec,
  startHost,
  stopServer,
  type HostCallbacks,
  type Stop,
} from './supervisor-host.ts';
import {
  countChildrenReply,
  decodeChildInfo,
  decodeCounts,
  decodeOk,
  decodeStartResult,
  type ChildCounts,
  type ChildInfo,
  type OkResult,
  type StartChildResult,
} from './supervisor-results.ts';

/**
 * Options of a dynamic supervisor (Elixir's `DynamicSupervisor.init/1`).
 *
 * @example
 * ```ts
 * const opts: DynamicSupervisorOptions = { maxChildren: 100, intensity: 10, period: 1 };
 * ```
 */
export interface DynamicSupervisorOptions {
  readonly name?: Atom | string;
  /** Default 3 (`max_restarts`). */
  readonly intensity?: number;
  /** Seconds; default 5 (`max_seconds`). */
  readonly period?: number;
  /** Most children at once; default `Infinity`. */
  readonly maxChildren?: number;
  /** Monotonic milliseconds for the intensity window (tests inject a fake clock). */
  readonly now?: Clock;
  /** Maps the `{M, F, A}` of a child sent by a BEAM node to a start function. */
  readonly resolveStart?: StartResolver;
  /** @internal defaults for children started without them (the task supervisor). */
  readonly label?: string;
}

interface DynChild {
  pid: Pid;
  readonly spec: NormalizedChildSpec;
  restarting: boolean;
}

const OK = atom('ok');
const ERROR = atom('error');
const UNDEFINED = atom('undefined');
const EXIT = atom('EXIT');
const NORMAL = atom('normal');
const SHUTDOWN = atom('shutdown');
const GEN_RESTART = atom('$gen_restart');

class DynamicSupervisorServer implements HostCallbacks {
  readonly self: Process;
  readonly #children = new Map<string, DynChild>();
  readonly #intensity: RestartIntensity;
  readonly #maxChildren: number;
  readonly #name: Term;
  readonly #resolveStart: StartResolver | undefined;

  constructor(
    self: Process,
    intensity: RestartIntensity,
    maxChildren: number,
    name: Atom | string | undefined,
    resolveStart?: StartResolver,
  ) {
    this.#resolveStart = resolveStart;
    this.self = self;
    this.#intensity = intensity;
    this.#maxChildren = maxChildren;
    this.#name =
      name === undefined
        ? tuple(self.pid, atom('Elixir.DynamicSupervisor'))
        : tuple(atom('local'), typeof name === 'string' ? atom(name) : name);
  }

  get #logger() {
    return this.self.runtime.logger;
  }

  async init(): Promise<void> {}

  state(): Term {
    return tuple(
      atom('state'),
      this.#name,
      this.#whichChildren(),
      this.#maxChildren === Infinity ? atom('infinity') : this.#maxChildren,
    );
  }

  async terminate(): Promise<void> {
    const running = [...this.#children.values()].filter((c) => !c.restarting);
    const errors = await shutdownMany(
      this.self,
      running.map((c) => ({ pid: c.pid, shutdown: c.spec.shutdown, restart: c.spec.restart })),
    );
    for (const e of errors) {
      const c = this.#children.get(e.pid.key);
      if (c)
        reportError(
          this.#logger,
          this.#name,
          'shutdown_error',
          e.reason,
          offender(c.spec, e.pid, UNDEFINED),
        );
    }
    this.#children.clear();
  }

  async handleCall(request: Term): Promise<Term> {
    if (request === atom('which_children')) return this.#whichChildren();
    if (request === atom('count_children')) return this.#countChildren();
    if (request instanceof Tuple && request.length === 2) {
      const [tag, arg] = request.elements;
      if (tag === atom('start_child')) return this.#startChild(arg!);
      if (tag === atom('terminate_child')) return this.#terminateChild(arg!);
    }
    return tuple(ERROR, tuple(atom('unknown_call'), request));
  }

  async handleCast(): Promise<void> {}

  async handleInfo(message: Term): Promise<void | Stop> {
    if (message instanceof Tuple && message.length === 3 && message.elements[0] === EXIT) {
      const pid = message.elements[1];
      const child = pid instanceof Pid ? this.#children.get(pid.key) : undefined;
      if (child && !child.restarting) return this.#onExit(child, message.elements[2]!);
      return;
    }
    if (message instanceof Tuple && message.length === 2 && message.elements[0] === GEN_RESTART) {
      const pid = message.elements[1];
      const child = pid instanceof Pid ? this.#children.get(pid.key) : undefined;
      if (child && child.restarting) return this.#restart(child);
      return;
    }
    this.#logger.log(
      'error',
      `DynamicSupervisor received unexpected message: ${formatTerm(message)}`,
      {
        label: 'dynamic_supervisor_unexpected_message',
        message,
      },
    );
  }

  #whichChildren(): Term {
    return [...this.#children.values()].map((c) =>
      tuple(
        UNDEFINED,
        c.restarting ? atom('restarting') : c.pid,
        atom(c.spec.type),
        c.spec.modules === 'dynamic' ? atom('dynamic') : c.spec.modules,
      ),
    );
  }

  #countChildren(): Term {
    return countChildrenReply(this.#children.values(), (c) => !c.restarting);
  }

  async #startChild(arg: Term): Promise<Term> {
    let spec: NormalizedChildSpec;
    try {
      spec =
        arg instanceof LocalSpec
          ? checkChildSpec(arg.input)
          : dynamicSpecFromTerm(arg, this.#resolveStart);
    } catch (e) {
      if (e instanceof ChildSpecError) return tuple(ERROR, e.reason);
      throw e;
    }
    if (this.#children.size >= this.#maxChildren) return tuple(ERROR, atom('max_children'));
    const r = await startChildProcess(this.self, spec.start);
    if (!r.ok) return tuple(ERROR, r.reason);
    if (r.pid === undefined) return atom('ignore');
    this.#children.set(r.pid.key, { pid: r.pid, spec, restarting: false });
    reportProgress(this.#logger, this.#name, spec, r.pid);
    return r.info === undefined ? tuple(OK, r.pid) : tuple(OK, r.pid, r.info);
  }

  async #terminateChild(arg: Term): Promise<Term> {
    const child = arg instanceof Pid ? this.#children.get(arg.key) : undefined;
    if (!child) return tuple(ERROR, atom('not_found'));
    if (!child.restarting) {
      const errors = await shutdownMany(this.self, [
        { pid: child.pid, shutdown: child.spec.shutdown, restart: child.spec.restart },
      ]);
      for (const e of errors) {
        reportError(
          this.#logger,
          this.#name,
          'shutdown_error',
          e.reason,
          offender(child.spec, e.pid, UNDEFINED),
        );
      }
    }
    this.#children.delete(child.pid.key);
    return OK;
  }

  async #onExit(child: DynChild, reason: Term): Promise<void | Stop> {
    const restart = child.spec.restart;
    const benign = reason === NORMAL || isShutdownReason(reason);
    if (restart === 'permanent' || (restart === 'transient' && !benign)) {
      reportError(
        this.#logger,
        this.#name,
        'child_terminated',
        reason,
        offender(child.spec, child.pid, UNDEFINED),
      );
      return this.#restart(child);
    }
    if (restart === 'temporary' && !benign) {
      reportError(
        this.#logger,
        this.#name,
        'child_terminated',
        reason,
        offender(child.spec, child.pid, UNDEFINED),
      );
    }
    this.#children.delete(child.pid.key);
  }

  async #restart(child: DynChild): Promise<void | Stop> {
    if (this.#intensity.addRestart() === 'terminate') {
      reportError(
        this.#logger,
        this.#name,
        'shutdown',
        atom('reached_max_restart_intensity'),
        offender(child.spec, child.pid, UNDEFINED),
      );
      this.#children.delete(child.pid.key);
      return { stop: SHUTDOWN };
    }
    const r = await startChildProcess(this.self, child.spec.start);
    if (r.ok) {
      this.#children.delete(child.pid.key);
      if (r.pid) {
        this.#children.set(r.pid.key, { pid: r.pid, spec: child.spec, restarting: false });
        reportProgress(this.#logger, this.#name, child.spec, r.pid);
      }
      return;
    }
    reportError(
      this.#logger,
      this.#name,
      'start_error',
      r.reason,
      offender(child.spec, tuple(atom('restarting'), child.pid), UNDEFINED),
    );
    child.restarting = true;
    this.self.send(this.self.pid, tuple(GEN_RESTART, child.pid));
  }
}

function startDynamic(starter: Process | Runtime, options: DynamicSupervisorOptions): Promise<Pid> {
  let intensity: RestartIntensity;
  const maxChildren = options.maxChildren ?? Infinity;
  try {
    intensity = new RestartIntensity(options);
    if (maxChildren !== Infinity && !(Number.isInteger(maxChildren) && maxChildren >= 0)) {
      throw new RangeError(`maxChildren must be a non-negative integer or Infinity`);
    }
  } catch (e) {
    return Promise.reject(
      new SupervisorStartError(
        tuple(atom('supervisor_data'), (e as Error).message),
        (e as Error).message,
      ),
    );
  }
  const label =
    options.label ??
    `DynamicSupervisor ${options.name === undefined ? '' : String(options.name)}`.trim();
  return startHost(
    starter,
    { name: options.name, label },
    (self) =>
      new DynamicSupervisorServer(self, intensity, maxChildren, options.name, options.resolveStart),
  );
}

/**
 * The DynamicSupervisor API. Functions that talk to a running supervisor take the calling
 * process (or a runtime) and the supervisor as any destination (pid, name, `[name, node]`).
 *
 * @example
 * ```ts
 * const sup = await DynamicSupervisor.startLink(self);
 * await DynamicSupervisor.startChild(self, sup, { id: 'w', start: (s) => s.spawnLink(work) });
 * ```
 */
export class DynamicSupervisor {
  private constructor() {}

  /**
   * Starts a dynamic supervisor linked to `parent`.
   *
   * @example
   * ```ts
   * const sup = await DynamicSupervisor.startLink(self, { maxChildren: 10 });
   * ```
   */
  static startLink(parent: Process, options: DynamicSupervisorOptions = {}): Promise<Pid> {
    return startDynamic(parent, options);
  }

  /**
   * Starts a dynamic supervisor linked to nothing.
   *
   * @example
   * ```ts
   * const sup = await DynamicSupervisor.start(runtime, { name: 'workers' });
   * ```
   */
  static start(runtime: Runtime, options: DynamicSupervisorOptions = {}): Promise<Pid> {
    return startDynamic(runtime, options);
  }

  /**
   * Starts a child; see the module comment for the results.
   *
   * @example
   * ```ts
   * const r = await DynamicSupervisor.startChild(self, sup, { id: 'w', start });
   * ```
   */
  static async startChild(
    caller: Process | Runtime,
    sup: Dest,
    spec: ChildSpecInput | Term,
  ): Promise<StartChildResult> {
    const isTs =
      spec !== null &&
      typeof spec === 'object' &&
      ('start' in (spec as object) ||
        typeof (spec as { childSpec?: unknown }).childSpec === 'function');
    if (isTs) assertLocalSpec(caller, sup);
    const arg = isTs ? (new LocalSpec(spec as ChildSpecInput) as unknown as Term) : (spec as Term);
    return decodeStartResult(await callServer(caller, sup, tuple(atom('start_child'), arg)));
  }

  /**
   * Stops the child `pid` (`{ ok: false, reason: not_found }` when it is not a child).
   *
   * @example
   * ```ts
   * await DynamicSupervisor.terminateChild(self, sup, pid);
   * ```
   */
  static async terminateChild(caller: Process | Runtime, sup: Dest, pid: Pid): Promise<OkResult> {
    return decodeOk(await callServer(caller, sup, tuple(atom('terminate_child'), pid)));
  }

  /**
   * `{undefined, Pid | restarting, Type, Modules}` for every child.
   *
   * @example
   * ```ts
   * const pids = (await DynamicSupervisor.whichChildren(self, sup)).map((c) => c.child);
   * ```
   */
  static async whichChildren(caller: Process | Runtime, sup: Dest): Promise<ChildInfo[]> {
    return decodeChildInfo(await callServer(caller, sup, atom('which_children')));
  }

  /**
   * Counts: `specs` (children), `active` (running), `supervisors`, `workers`.
   *
   * @example
   * ```ts
   * const { active } = await DynamicSupervisor.countChildren(self, sup);
   * ```
   */
  static async countChildren(caller: Process | Runtime, sup: Dest): Promise<ChildCounts> {
    return decodeCounts(await callServer(caller, sup, atom('count_children')));
  }

  /**
   * Stops the supervisor; all children are stopped concurrently.
   *
   * @example
   * ```ts
   * await DynamicSupervisor.stop(self, sup);
   * ```
   */
  static stop(caller: Process | Runtime, sup: Dest, reason: Term = NORMAL): Promise<void> {
    return stopServer(caller, sup, reason);
  }
}

/**
 * The server side of a static supervisor (supervisor.erl's gen_server callbacks): the
 * children table, restarts through the strategies and the intensity, and the calls
 * (`which_children`, `count_children`, `start_child`, `terminate_child`, `restart_child`,
 * `delete_child`, `get_childspec`). `supervisor.ts` is the public API around it.
 *
 * @module
 */
import type { Process } from '../process/process.ts';
import { formatTerm } from '../process/format.ts';
import { Atom, atom, Pid, Tuple, tuple, type Term } from '../term/types.ts';
import {
  isShutdownReason,
  shutdownChild,
  startChildProcess,
  type StartOutcome,
} from './child-lifecycle.ts';
import { checkChildSpec, childIdKey, type NormalizedChildSpec } from './child-spec.ts';
import { offender, reportError, reportProgress } from './crash-report.ts';
import { childSpecFromTerm, type StartResolver } from './child-spec-term.ts';
import { ChildSpecError, SupervisorStartError } from './errors.ts';
import { RestartIntensity, type Clock } from './restart-intensity.ts';
import { ChildTable, type Child } from './strategies/child-table.ts';
import { oneForAll } from './strategies/one-for-all.ts';
import { oneForOne } from './strategies/one-for-one.ts';
import { restForOne } from './strategies/rest-for-one.ts';
import type { Strategy, StrategyContext } from './strategies/strategy.ts';
import {
  castServer,
  InitStop,
  LocalSpec,
  type HostCallbacks,
  type Stop,
} from './supervisor-host.ts';
import { countChildrenReply } from './supervisor-results.ts';

/**
 * The restart strategies of a static supervisor.
 *
 * @example
 * ```ts
 * await Supervisor.start(rt, children, { strategy: 'rest_for_one' as StrategyName });
 * ```
 */
export type StrategyName = 'one_for_one' | 'one_for_all' | 'rest_for_one';

/**
 * Supervisor flags (Elixir's `Supervisor.init/2` options).
 *
 * @example
 * ```ts
 * const opts: SupervisorOptions = { strategy: 'one_for_all', intensity: 10, period: 60 };
 * ```
 */
export interface SupervisorOptions {
  /** Default `one_for_one`. */
  readonly strategy?: StrategyName;
  /** Most restarts within `period` seconds (Elixir `max_restarts`); default 3. */
  readonly intensity?: number;
  /** Seconds (Elixir `max_seconds`); default 5. */
  readonly period?: number;
  /** Register the supervisor under this name. */
  readonly name?: Atom | string;
  /** Monotonic milliseconds for the intensity window (tests inject a fake clock). */
  readonly now?: Clock;
  /**
   * Maps the `{M, F, A}` of a child spec sent by a BEAM node (`supervisor:start_child/2`)
   * to a start function; see `child-spec-term.ts`.
   */
  readonly resolveStart?: StartResolver;
}

const STRATEGIES: Record<StrategyName, Strategy> = {
  one_for_one: oneForOne,
  one_for_all: oneForAll,
  rest_for_one: restForOne,
};

const OK = atom('ok');
const ERROR = atom('error');
const UNDEFINED = atom('undefined');
const EXIT = atom('EXIT');
const SHUTDOWN = atom('shutdown');
const NORMAL = atom('normal');

/**
 * Checks a supervisor's flags as supervisor.erl's `check_flags` does: the strategy, and
 * intensity/period through {@link RestartIntensity}; throws {@link SupervisorStartError}
 * with `{supervisor_data, {invalid_strategy | invalid_intensity | invalid_period, X}}`.
 *
 * @example
 * ```ts
 * const { strategy, intensity } = validateFlags({ strategy: 'one_for_all', intensity: 1 });
 * ```
 */
export function validateFlags(options: SupervisorOptions): {
  strategy: StrategyName;
  intensity: RestartIntensity;
} {
  const strategy = options.strategy ?? 'one_for_one';
  if (!(strategy in STRATEGIES)) {
    throw new SupervisorStartError(
      tuple(atom('supervisor_data'), tuple(atom('invalid_strategy'), atom(String(strategy)))),
      `invalid strategy ${String(strategy)}`,
    );
  }
  try {
    return { strategy, intensity: new RestartIntensity(options) };
  } catch (e) {
    const bad =
      options.intensity !== undefined &&
      !(Number.isInteger(options.intensity) && options.intensity >= 0)
        ? tuple(atom('invalid_intensity'), options.intensity as Term)
        : tuple(atom('invalid_period'), (options.period ?? null) as Term);
    throw new SupervisorStartError(tuple(atom('supervisor_data'), bad), (e as Error).message);
  }
}

/** The server state and callbacks of one static supervisor. */
export class SupervisorServer implements HostCallbacks, StrategyContext {
  readonly self: Process;
  readonly table = new ChildTable();
  readonly #specs: NormalizedChildSpec[];
  readonly #strategy: Strategy;
  readonly #strategyName: StrategyName;
  readonly #intensity: RestartIntensity;
  readonly #name: Term;
  readonly #resolveStart: StartResolver | undefined;

  constructor(
    self: Process,
    specs: NormalizedChildSpec[],
    strategy: StrategyName,
    intensity: RestartIntensity,
    name: Atom | string | undefined,
    resolveStart?: StartResolver,
  ) {
    this.#resolveStart = resolveStart;
    this.self = self;
    this.#specs = specs;
    this.#strategyName = strategy;
    this.#strategy = STRATEGIES[strategy];
    this.#intensity = intensity;
    this.#name =
      name === undefined
        ? tuple(self.pid, atom('supervisor'))
        : tuple(atom('local'), typeof name === 'string' ? atom(name) : name);
  }

  get #logger() {
    return this.self.runtime.logger;
  }

  // ---- StrategyContext --------------------------------------------------------------

  async startChild(child: Child): Promise<StartOutcome> {
    const r = await startChildProcess(this.self, child.spec.start);
    if (r.ok && r.pid) reportProgress(this.#logger, this.#name, child.spec, r.pid);
    return r;
  }

  async terminateChild(child: Child): Promise<void> {
    if (!child.pid) return;
    const r = await shutdownChild(this.self, child.pid, child.spec.shutdown, child.spec.restart);
    if (r !== 'ok') {
      reportError(
        this.#logger,
        this.#name,
        'shutdown_error',
        r.error,
        offender(child.spec, child.pid),
      );
    }
  }

  reportStartError(child: Child, r: StartOutcome & { ok: false }): void {
    reportError(this.#logger, this.#name, 'start_error', r.reason, offender(child.spec, UNDEFINED));
  }

  // ---- HostCallbacks ----------------------------------------------------------------

  async init(): Promise<void> {
    for (const spec of this.#specs) {
      const child: Child = { spec, pid: undefined, restarting: false };
      const r = await this.startChild(child);
      if (r.ok) {
        if (r.pid === undefined && spec.restart === 'temporary') continue;
        this.table.add(child);
        this.table.setPid(child, r.pid);
        continue;
      }
      this.reportStartError(child, r);
      await this.terminateAll();
      throw new InitStop(tuple(SHUTDOWN, tuple(atom('failed_to_start_child'), spec.id, r.reason)));
    }
  }

  /** terminate_children/2: every child, reverse start order. */
  async terminateAll(): Promise<void> {
    const children = this.table.list();
    for (let i = children.length - 1; i >= 0; i--) {
      const c = children[i]!;
      await this.terminateChild(c);
      this.table.delChild(c);
    }
  }

  async terminate(_reason: Term): Promise<void> {
    await this.terminateAll();
  }

  async handleInfo(message: Term): Promise<void | Stop> {
    if (message instanceof Tuple && message.length === 3 && message.elements[0] === EXIT) {
      const pid = message.elements[1];
      if (!(pid instanceof Pid)) return;
      const child = this.table.byPid(pid);
      if (!child) return;
      return this.#onChildExit(child, message.elements[2]!);
    }
    this.#logger.log('error', `Supervisor received unexpected message: ${formatTerm(message)}`, {
      label: 'supervisor_unexpected_message',
      supervisor: this.#name,
      message,
    });
  }

  async handleCast(request: Term): Promise<void | Stop> {
    // {try_again_restart, Id}: a failed restart is retried.
    if (
      request instanceof Tuple &&
      request.length === 2 &&
      request.elements[0] === atom('try_again_restart')
    ) {
      const child = this.table.get(childIdKey(request.elements[1]!));
      if (child && child.restarting) return this.#restart(child);
    }
  }

  async handleCall(request: Term): Promise<Term> {
    if (request === atom('which_children')) return this.#whichChildren();
    if (request === atom('count_children')) return this.#countChildren();
    if (request instanceof Tuple && request.length === 2 && request.elements[0] instanceof Atom) {
      const [tag, arg] = request.elements as [Atom, Term];
      switch (tag.name) {
        case 'start_child':
          return this.#startChildCall(arg);
        case 'terminate_child':
          return this.#terminateChildCall(arg);
        case 'restart_child':
          return this.#restartChildCall(arg);
        case 'delete_child':
          return this.#deleteChildCall(arg);
        case 'get_childspec':
          return this.#getChildSpec(arg);
        default:
          break;
      }
    }
    return tuple(ERROR, tuple(atom('unknown_call'), request));
  }

  state(): Term {
    return tuple(
      atom('state'),
      this.#name,
      atom(this.#strategyName),
      this.#whichChildren(),
      this.#intensity.intensity,
      this.#intensity.period,
      [...this.#intensity.restarts],
    );
  }

  // ---- restarts -----------------------------------------------------------------------

  /** supervisor.erl do_restart/3. */
  async #onChildExit(child: Child, reason: Term): Promise<void | Stop> {
    const pid = child.pid!;
    const restart = child.spec.restart;
    const benign = reason === NORMAL || isShutdownReason(reason);
    if (restart === 'permanent' || (restart === 'transient' && !benign)) {
      reportError(this.#logger, this.#name, 'child_terminated', reason, offender(child.spec, pid));
      this.table.setPid(child, undefined);
      return this.#restart(child, pid);
    }
    if (restart === 'temporary' && !benign) {
      reportError(this.#logger, this.#name, 'child_terminated', reason, offender(child.spec, pid));
    }
    this.table.delChild(child);
  }

  /** supervisor.erl restart/2: count it, then let the strategy restart. */
  async #restart(child: Child, deadPid?: Pid): Promise<void | Stop> {
    if (this.#intensity.addRestart() === 'terminate') {
      reportError(
        this.#logger,
        this.#name,
        'shutdown',
        atom('reached_max_restart_intensity'),
        offender(child.spec, deadPid ?? child.pid ?? UNDEFINED),
      );
      this.table.delChild(child);
      return { stop: SHUTDOWN };
    }
    const r = await this.#strategy(this, child);
    if (r !== 'ok') {
      castServer(this.self, this.self.pid, tuple(atom('try_again_restart'), r.tryAgain.spec.id));
    }
  }

  // ---- calls ----------------------------------------------------------------------------

  #whichChildren(): Term {
    const out: Term[] = [];
    const children = this.table.list();
    for (let i = children.length - 1; i >= 0; i--) {
      const c = children[i]!;
      const what: Term = c.restarting ? atom('restarting') : (c.pid ?? UNDEFINED);
      out.push(tuple(c.spec.id, what, atom(c.spec.type), modulesTerm(c.spec)));
    }
    return out;
  }

  #countChildren(): Term {
    const rt = this.self.runtime;
    return countChildrenReply(
      this.table.list(),
      (c) => c.pid !== undefined && !c.restarting && rt.isAlive(c.pid),
    );
  }

  async #startChildCall(arg: Term): Promise<Term> {
    let spec: NormalizedChildSpec;
    try {
      spec =
        arg instanceof LocalSpec
          ? checkChildSpec(arg.input)
          : childSpecFromTerm(arg, this.#resolveStart);
    } catch (e) {
      if (e instanceof ChildSpecError) return tuple(ERROR, e.reason);
      throw e;
    }
    const existing = this.table.get(spec.key);
    if (existing) {
      if (existing.pid) return tuple(ERROR, tuple(atom('already_started'), existing.pid));
      return tuple(ERROR, atom('already_present'));
    }
    const child: Child = { spec, pid: undefined, restarting: false };
    const r = await this.startChild(child);
    if (!r.ok) return tuple(ERROR, tuple(r.reason, childRecord(spec)));
    if (r.pid === undefined && spec.restart === 'temporary') return tuple(OK, UNDEFINED);
    this.table.add(child);
    this.table.setPid(child, r.pid);
    const pid = r.pid ?? UNDEFINED;
    return r.info === undefined ? tuple(OK, pid) : tuple(OK, pid, r.info);
  }

  async #terminateChildCall(id: Term): Promise<Term> {
    const child = this.table.get(childIdKey(id));
    if (!child) return tuple(ERROR, atom('not_found'));
    await this.terminateChild(child);
    this.table.delChild(child);
    return OK;
  }

  async #restartChildCall(id: Term): Promise<Term> {
    const child = this.table.get(childIdKey(id));
    if (!child) return tuple(ERROR, atom('not_found'));
    if (child.restarting) return tuple(ERROR, atom('restarting'));
    if (child.pid) return tuple(ERROR, atom('running'));
    const r = await this.startChild(child);
    if (!r.ok) return tuple(ERROR, r.reason);
    this.table.setPid(child, r.pid);
    const pid = r.pid ?? UNDEFINED;
    return r.info === undefined ? tuple(OK, pid) : tuple(OK, pid, r.info);
  }

  #deleteChildCall(id: Term): Term {
    const child = this.table.get(childIdKey(id));
    if (!child) return tuple(ERROR, atom('not_found'));
    if (child.restarting) return tuple(ERROR, atom('restarting'));
    if (child.pid) return tuple(ERROR, atom('running'));
    this.table.remove(child);
    return OK;
  }

  #getChildSpec(id: Term): Term {
    const child = this.table.get(childIdKey(id));
    if (!child) return tuple(ERROR, atom('not_found'));
    const s = child.spec;
    return tuple(OK, {
      id: s.id,
      start: s.mfargs,
      restart: atom(s.restart),
      significant: false,
      shutdown: typeof s.shutdown === 'number' ? s.shutdown : atom(s.shutdown),
      type: atom(s.type),
      modules: modulesTerm(s),
    });
  }
}

function modulesTerm(spec: NormalizedChildSpec): Term {
  return spec.modules === 'dynamic' ? atom('dynamic') : spec.modules;
}

/** supervisor.erl's #child record, as `{error, {Reason, Child}}` shows it. */
function childRecord(spec: NormalizedChildSpec): Term {
  return tuple(
    atom('child'),
    UNDEFINED,
    spec.id,
    spec.mfargs,
    atom(spec.restart),
    false,
    typeof spec.shutdown === 'number' ? spec.shutdown : atom(spec.shutdown),
    atom(spec.type),
    modulesTerm(spec),
  );
}

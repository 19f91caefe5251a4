/**
 * Child specifications: how a supervisor starts, restarts and stops one child.
 *
 * The shape follows Elixir's child-spec maps (`%{id:, start:, restart:, shutdown:, type:,
 * modules:}`); validation follows supervisor.erl's `check_childspec/2`, and a bad spec is a
 * {@link ChildSpecError} whose `reason` is the term OTP would give for the same mistake.
 *
 * A start function runs inside the supervisor process (as OTP's `{M, F, A}` does) and
 * receives that process, so it can link the child to it: `(sup) => sup.spawnLink(body)`,
 * or `(sup) => GenServer.startLink(sup, impl, arg)`. It returns what OTP's start functions
 * return: the child's pid (or `{ok, Pid}` / `{ok, Pid, Info}`), `ignore`, or
 * `{error, Reason}`; throwing is `{error, Reason}` too.
 *
 * @module
 */
import { ChildSpecError } from './errors.ts';
import { termKey } from '../term/term-key.ts';
import type { Process } from '../process/process.ts';
import { Atom, atom, Pid, tuple, Tuple, type Term } from '../term/types.ts';

/**
 * When a terminated child is restarted: always, only after an abnormal exit, or never.
 *
 * @example
 * ```ts
 * const spec: ChildSpec = { id: 'cache', start, restart: 'transient' as RestartType };
 * ```
 */
export type RestartType = 'permanent' | 'transient' | 'temporary';

/**
 * How a child is stopped: `exit(Child, shutdown)` then `kill` after so many milliseconds,
 * `brutal_kill` (`exit(Child, kill)` at once), or `infinity` (wait for it).
 *
 * @example
 * ```ts
 * const spec: ChildSpec = { id: 'db', start, shutdown: 10_000 as Shutdown };
 * ```
 */
export type Shutdown = number | 'brutal_kill' | 'infinity';

/**
 * A worker, or a supervisor (whose shutdown defaults to `infinity`).
 *
 * @example
 * ```ts
 * const spec: ChildSpec = { id: 'sub', start: startSubTree, type: 'supervisor' as ChildType };
 * ```
 */
export type ChildType = 'worker' | 'supervisor';

/**
 * What a start function returns: the started child's pid, or OTP's terms
 * `{ok, Pid}`, `{ok, Pid, Info}`, `ignore`, `{error, Reason}`.
 *
 * @example
 * ```ts
 * const start = (sup: Process): StartReturn => sup.spawnLink(loop);
 * ```
 */
export type StartReturn = Pid | Tuple | Atom;

/**
 * Starts a child from inside the supervisor process `sup`; the child must be linked to
 * `sup` (use `sup.spawnLink` or a behaviour's `startLink(sup, …)`).
 *
 * @example
 * ```ts
 * const start: StartFunction = (sup) => sup.spawnLink(async (self) => { await self.receive(); });
 * ```
 */
export type StartFunction = (sup: Process) => StartReturn | Promise<StartReturn>;

/**
 * A start function with arguments, the `{M, F, A}` of TypeScript: called as
 * `fn(sup, ...args)`. The arguments appear in supervisor reports.
 *
 * @example
 * ```ts
 * const spec: ChildSpec = { id: 'w', start: startWith(startWorker, 'config', 42) };
 * ```
 */
export type StartWithArgs = readonly [
  {
    bivarianceHack(sup: Process, ...args: Term[]): StartReturn | Promise<StartReturn>;
  }['bivarianceHack'],
  readonly Term[],
];

/**
 * A child specification as a user writes it (Elixir's child-spec map).
 *
 * @example
 * ```ts
 * const spec: ChildSpec = {
 *   id: 'cache',
 *   start: (sup) => sup.spawnLink(cacheLoop),
 *   restart: 'permanent', // default
 *   shutdown: 5000, // default for workers; 'infinity' for supervisors
 *   type: 'worker', // default
 * };
 * ```
 */
export interface ChildSpec {
  /** Any term that names the child inside its supervisor (Elixir: usually a module atom). */
  readonly id: Term;
  readonly start: StartFunction | StartWithArgs;
  readonly restart?: RestartType;
  readonly shutdown?: Shutdown;
  readonly type?: ChildType;
  /** The callback modules, for release handling and `which_children`; default `[FnName]`. */
  readonly modules?: readonly (Atom | string)[] | 'dynamic';
}

/**
 * Something that knows its own child spec (Elixir's `child_spec/1`): a class or an
 * object with `childSpec()`.
 *
 * @example
 * ```ts
 * const Cache = { childSpec: (): ChildSpec => ({ id: 'cache', start: startCache }) };
 * await Supervisor.startLink(parent, [Cache]);
 * ```
 */
export interface HasChildSpec {
  childSpec(): ChildSpec;
}

/**
 * What supervisors accept where a child spec is expected.
 *
 * @example
 * ```ts
 * const children: ChildSpecInput[] = [{ id: 'a', start }, MyServer];
 * ```
 */
export type ChildSpecInput = ChildSpec | HasChildSpec;

/**
 * A validated child spec with every default filled in.
 *
 * @example
 * ```ts
 * const n = checkChildSpec({ id: 'w', start });
 * n.shutdown; // 5000
 * ```
 */
export interface NormalizedChildSpec {
  readonly id: Term;
  /** `childIdKey(id)`: equal ids have equal keys. */
  readonly key: string;
  readonly start: StartFunction;
  readonly restart: RestartType;
  readonly shutdown: Shutdown;
  readonly type: ChildType;
  readonly modules: readonly Atom[] | 'dynamic';
  /** `{Module, Function, Args}` as reports print it. */
  readonly mfargs: Tuple;
}

/**
 * supervisor.erl's default shutdown for workers, in milliseconds.
 *
 * @example
 * ```ts
 * checkChildSpec({ id: 'w', start }).shutdown === DEFAULT_WORKER_SHUTDOWN; // true
 * ```
 */
export const DEFAULT_WORKER_SHUTDOWN = 5000;

const RESTART_TYPES: readonly string[] = ['permanent', 'transient', 'temporary'];
const CHILD_TYPES: readonly string[] = ['worker', 'supervisor'];

function bad(reason: Term, message: string): never {
  throw new ChildSpecError(reason, `invalid child spec: ${message}`);
}

function asTerm(value: unknown): Term {
  if (value === undefined) return atom('undefined');
  if (typeof value === 'function') return atom(value.name || 'anonymous');
  // Option values are atoms in Erlang ('sometimes' stands for the atom sometimes).
  if (typeof value === 'string' && value.length <= 255) return atom(value);
  return value as Term;
}

function fnAtom(fn: { name: string }): Atom {
  return atom(fn.name || 'anonymous');
}

/**
 * Validates a child spec and fills in the defaults (restart `permanent`, type `worker`,
 * shutdown 5000 for workers and `infinity` for supervisors, modules `[StartFnName]`).
 * Throws {@link ChildSpecError} with OTP's reason term.
 *
 * @example
 * ```ts
 * checkChildSpec({ id: 'w', start: (sup) => sup.spawnLink(body), restart: 'transient' });
 * ```
 */
export function checkChildSpec(input: ChildSpecInput): NormalizedChildSpec {
  const spec: ChildSpec =
    typeof (input as HasChildSpec).childSpec === 'function'
      ? (input as HasChildSpec).childSpec()
      : (input as ChildSpec);
  if (spec === null || typeof spec !== 'object')
    bad(tuple(atom('invalid_child_spec'), asTerm(spec)), 'not an object');
  if (!('id' in spec) || spec.id === undefined) bad(atom('missing_id'), 'missing id');
  if (!('start' in spec) || spec.start === undefined) bad(atom('missing_start'), 'missing start');

  let start: StartFunction;
  let mfargs: Tuple;
  let defaultModule: Atom;
  if (typeof spec.start === 'function') {
    start = spec.start;
    defaultModule = fnAtom(spec.start);
    mfargs = tuple(atom('beamlink'), defaultModule, []);
  } else if (
    Array.isArray(spec.start) &&
    spec.start.length === 2 &&
    typeof spec.start[0] === 'function' &&
    Array.isArray(spec.start[1])
  ) {
    const [fn, args] = spec.start as StartWithArgs;
    start = (sup) => fn(sup, ...args);
    defaultModule = fnAtom(fn);
    mfargs = tuple(atom('beamlink'), defaultModule, args);
  } else {
    bad(tuple(atom('invalid_mfa'), asTerm(spec.start)), 'start must be a function or [fn, args]');
  }

  const restart = spec.restart ?? 'permanent';
  if (!RESTART_TYPES.includes(restart)) {
    bad(tuple(atom('invalid_restart_type'), asTerm(restart)), `restart ${String(restart)}`);
  }
  const type = spec.type ?? 'worker';
  if (!CHILD_TYPES.includes(type)) {
    bad(tuple(atom('invalid_child_type'), asTerm(type)), `type ${String(type)}`);
  }
  const shutdown = spec.shutdown ?? (type === 'worker' ? DEFAULT_WORKER_SHUTDOWN : 'infinity');
  if (
    !(typeof shutdown === 'number' && Number.isInteger(shutdown) && shutdown >= 0) &&
    shutdown !== 'brutal_kill' &&
    shutdown !== 'infinity'
  ) {
    bad(tuple(atom('invalid_shutdown'), asTerm(shutdown)), `shutdown ${String(shutdown)}`);
  }

  let modules: readonly Atom[] | 'dynamic';
  if (spec.modules === undefined) modules = [defaultModule];
  else if (spec.modules === 'dynamic') modules = 'dynamic';
  else if (Array.isArray(spec.modules)) {
    modules = spec.modules.map((m: unknown) => {
      if (m instanceof Atom) return m;
      if (typeof m === 'string') return atom(m);
      return bad(tuple(atom('invalid_module'), asTerm(m)), `module ${String(m)}`);
    });
  } else {
    bad(
      tuple(atom('invalid_modules'), asTerm(spec.modules)),
      'modules must be a list or "dynamic"',
    );
  }

  return {
    id: spec.id,
    key: childIdKey(spec.id),
    start,
    restart,
    shutdown,
    type,
    modules,
    mfargs,
  };
}

/**
 * Validates a list of child specs (supervisor.erl's `check_startspec/2`): each spec, and no
 * two with the same id (`{duplicate_child_name, Id}`).
 *
 * @example
 * ```ts
 * const specs = checkStartSpec([{ id: 'a', start }, { id: 'b', start }]);
 * ```
 */
export function checkStartSpec(inputs: readonly ChildSpecInput[]): NormalizedChildSpec[] {
  const seen = new Set<string>();
  return inputs.map((input) => {
    const spec = checkChildSpec(input);
    if (seen.has(spec.key)) {
      bad(tuple(atom('duplicate_child_name'), spec.id), `duplicate child id ${spec.key}`);
    }
    seen.add(spec.key);
    return spec;
  });
}

/**
 * Elixir's `Supervisor.child_spec/2`: the spec of `input` (a spec, or anything with
 * `childSpec()`) with some fields overridden, typically `id` to run the same thing twice.
 *
 * @example
 * ```ts
 * await Supervisor.startLink(self, [childSpec(Cache, { id: 'cache1' }), childSpec(Cache, { id: 'cache2' })]);
 * ```
 */
export function childSpec(input: ChildSpecInput, overrides: Partial<ChildSpec> = {}): ChildSpec {
  const base =
    typeof (input as HasChildSpec).childSpec === 'function'
      ? (input as HasChildSpec).childSpec()
      : (input as ChildSpec);
  return { ...base, ...overrides };
}

/**
 * Wraps a start function that takes arguments, for `start:` (the arguments show in
 * supervisor reports).
 *
 * @example
 * ```ts
 * { id: 'w', start: startWith(startWorker, 'name', 3) }
 * ```
 */
export function startWith<A extends Term[]>(
  fn: (sup: Process, ...args: A) => StartReturn | Promise<StartReturn>,
  ...args: A
): StartWithArgs {
  return [fn as StartWithArgs[0], args];
}

/**
 * A string that is equal for equal terms (`=:=`), used to key children by id: the
 * shared {@link termKey}, so an id nested deeper than the call stack (from a remote
 * `terminate_child`, say) is keyed instead of throwing RangeError in the supervisor.
 *
 * @example
 * ```ts
 * childIdKey(tuple(atom('a'), 1)) === childIdKey(tuple(atom('a'), 1)); // true
 * ```
 */
export const childIdKey: (term: Term) => string = termKey;

/**
 * The module registry: the TypeScript functions a node exposes to the cluster, by module
 * name, function name and arity, and `execute()`, which runs one the way
 * `erpc:execute_call/4` runs `apply(M, F, A)`.
 *
 * Only what is registered can be called from outside: a name a peer sends is looked up
 * in this table and nothing else (no eval, no dynamic import). An unknown module,
 * function or arity fails exactly as BEAM's `apply/3` does: error `undef` with the
 * stack `[{M, F, Args, []}]`.
 *
 * Result shapes (what `execute` returns, and what erpc puts in the exit reason):
 *
 * | the function…                                   | outcome                                  |
 * | ----------------------------------------------- | ---------------------------------------- |
 * | returns `V` (or a promise of `V`)                 | `return V` (`undefined` becomes `ok`)    |
 * | throws {@link ErlThrow} (`erlThrow(V)`)          | `throw V`                                |
 * | throws {@link ErlExit} (`erlExit(R)`), or exits  | `exit R`                                 |
 * | throws {@link ErlError} (`erlError(R, Stack)`)   | `error R Stack`                          |
 * | throws any other value                           | `error {js_error, Name, Message} Frames` |
 * | returns a value that is not a term              | `error {bad_return_value, Path}`         |
 *
 * @module
 */
import { ExitError, ProcessExitedError } from '../process/errors.ts';
import { crashReason } from '../process/crash.ts';
import type { Process } from '../process/process.ts';
import type { Runtime } from '../process/runtime.ts';
import {
  Atom,
  BitBinary,
  ExportFun,
  Float,
  Fun,
  ImproperList,
  Pid,
  Port,
  Ref,
  Tuple,
  type Term,
} from '../term/types.ts';
import { ErlError, ErlExit, ErlThrow, ErpcError, ModuleDefinitionError } from './errors.ts';

/**
 * What the functions of a node reach besides their arguments: the node's runtime and its
 * connections. A kernel `BeamNode` (from `startNode`) is one.
 *
 * @example
 * ```ts
 * const host: RpcHost = await startNode({ sname: 'ts1', cookie: 'c' });
 * ```
 */
export interface RpcHost {
  readonly runtime: Runtime;
  /** `erlang:nodes/1`. */
  nodes(kind?: 'visible' | 'hidden' | 'connected'): Atom[];
  /** `net_kernel:connect_node/1`. */
  connect(node: Atom | string): Promise<boolean>;
  /** `erlang:disconnect_node/1`. */
  disconnect(node: Atom | string): boolean;
  /** `net_adm:ping/1`. */
  ping(node: Atom | string): Promise<'pong' | 'pang'>;
}

/**
 * What an exposed function sees as `this` (declare it: `function (this: CallContext, x)`;
 * arrow functions simply ignore it).
 *
 * @example
 * ```ts
 * modules.define('demo', {
 *   whoami: function (this: CallContext) { return this.self.pid },
 * });
 * ```
 */
export interface CallContext {
  /** The process the call runs in (the erpc process, or a rex worker). */
  readonly self: Process;
  readonly runtime: Runtime;
  readonly host: RpcHost;
  readonly registry: ModuleRegistry;
  /** The pid that asked (SPAWN_REQUEST's sender, the gen call's caller), when known. */
  readonly caller: Pid | undefined;
  readonly module: Atom;
  readonly function: Atom;
}

/**
 * A function exposed to the cluster. Parameters are terms (type them as you expect them:
 * `(a: number, b: number) => a + b`); the result may be a promise.
 *
 * @example
 * ```ts
 * const add: RpcFunction = (a: number, b: number) => a + b;
 * ```
 */
export type RpcFunction = (this: CallContext, ...args: never[]) => unknown;

/**
 * A function with an explicit arity (needed when `fn.length` is not the arity: rest or
 * default parameters).
 *
 * @example
 * ```ts
 * const spec: RpcFunctionSpec = { arity: 2, fn: (...xs: number[]) => xs.length };
 * ```
 */
export interface RpcFunctionSpec {
  readonly arity: number;
  readonly fn: RpcFunction;
}

/**
 * A module: function name → a function (arity = `fn.length`), a spec, or several specs
 * (one name, several arities, as `f/1` and `f/2` in Erlang).
 *
 * @example
 * ```ts
 * const def: ModuleDefinition = {
 *   add: (a: number, b: number) => a + b,
 *   list: [{ arity: 0, fn: () => all() }, { arity: 1, fn: (kind: Atom) => byKind(kind) }],
 * };
 * ```
 */
export type ModuleDefinition = Readonly<
  Record<string, RpcFunction | RpcFunctionSpec | readonly RpcFunctionSpec[]>
>;

/**
 * How a call ended, in erpc's four shapes.
 *
 * @example
 * ```ts
 * const out: Outcome = { kind: 'error', reason: atom('badarg'), stack: [] };
 * ```
 */
export type Outcome =
  | { readonly kind: 'return'; readonly value: Term }
  | { readonly kind: 'throw'; readonly value: Term }
  | { readonly kind: 'exit'; readonly reason: Term }
  | { readonly kind: 'error'; readonly reason: Term; readonly stack: readonly Term[] };

type Callable = (this: CallContext, ...args: Term[]) => unknown;

const UNDEF = Atom.of('undef');
const BADARG = Atom.of('badarg');
const OK = Atom.of('ok');
const ERLANG = Atom.of('erlang');
const APPLY = Atom.of('apply');
const BAD_RETURN = Atom.of('bad_return_value');
const MAX_ARITY = 255;

/**
 * The functions one node exposes. Module and function names are Erlang's: `my_mod`, or
 * `Elixir.AgentFramework.AgentSupervisor` for an Elixir module (`AgentFramework.AgentSupervisor`
 * in iex).
 *
 * @example
 * ```ts
 * node.rpc.modules.define('my_mod', { add: (a: number, b: number) => a + b });
 * // iex> :rpc.call(:"ts1@host", :my_mod, :add, [1, 2])   #=> 3
 * ```
 */
export class ModuleRegistry {
  private readonly table = new Map<string, Map<string, Map<number, Callable>>>();
  private readonly builtin = new Set<string>();

  /**
   * Defines (or, with `replace`, redefines) module `name`. Throws
   * {@link ModuleDefinitionError} when the module exists and `replace` is not set, or a
   * function's arity is not an integer in 0..255.
   *
   * @example
   * ```ts
   * modules.define('Elixir.Greeter', { hello: (name: string) => `hello ${name}` });
   * ```
   */
  define(name: string | Atom, functions: ModuleDefinition, options?: { replace?: boolean }): void {
    const mod = typeof name === 'string' ? name : name.name;
    if (mod.length === 0 || [...mod].length > 255) {
      throw new ModuleDefinitionError(mod, `bad module name '${mod}'`);
    }
    if (this.table.has(mod) && options?.replace !== true) {
      throw new ModuleDefinitionError(mod, `module ${mod} is already defined (use replace)`);
    }
    const fns = new Map<string, Map<number, Callable>>();
    for (const [fname, value] of Object.entries(functions)) {
      const specs: readonly RpcFunctionSpec[] =
        typeof value === 'function'
          ? [{ arity: value.length, fn: value }]
          : Array.isArray(value)
            ? (value as readonly RpcFunctionSpec[])
            : [value as RpcFunctionSpec];
      let arities = fns.get(fname);
      if (arities === undefined) fns.set(fname, (arities = new Map()));
      for (const spec of specs) {
        if (!Number.isInteger(spec.arity) || spec.arity < 0 || spec.arity > MAX_ARITY) {
          throw new ModuleDefinitionError(mod, `${mod}:${fname}: bad arity ${spec.arity}`);
        }
        if (typeof spec.fn !== 'function') {
          throw new ModuleDefinitionError(mod, `${mod}:${fname}/${spec.arity} is not a function`);
        }
        arities.set(spec.arity, spec.fn as unknown as Callable);
      }
    }
    this.table.set(mod, fns);
    this.builtin.delete(mod);
  }

  /** @internal defines a built-in module (replaceable by a later `define` with `replace`). */
  defineBuiltin(name: string, functions: ModuleDefinition): void {
    this.define(name, functions, { replace: true });
    this.builtin.add(name);
  }

  /**
   * Removes a module; false when it was not defined.
   *
   * @example
   * ```ts
   * modules.undefine('my_mod');
   * ```
   */
  undefine(name: string | Atom): boolean {
    const mod = typeof name === 'string' ? name : name.name;
    this.builtin.delete(mod);
    return this.table.delete(mod);
  }

  /**
   * The function `module:fn/arity`, or `undefined`.
   *
   * @example
   * ```ts
   * modules.lookup('erlang', 'node', 0) !== undefined; // true
   * ```
   */
  lookup(module: string | Atom, fn: string | Atom, arity: number): RpcFunction | undefined {
    const mod = typeof module === 'string' ? module : module.name;
    const name = typeof fn === 'string' ? fn : fn.name;
    return this.table.get(mod)?.get(name)?.get(arity) as RpcFunction | undefined;
  }

  /**
   * Whether module `name` is defined.
   *
   * @example
   * ```ts
   * modules.has('Elixir.Node'); // true (a built-in)
   * ```
   */
  has(name: string | Atom): boolean {
    return this.table.has(typeof name === 'string' ? name : name.name);
  }

  /**
   * Every defined module with its exported `name/arity`s (plain data, for the REPL and
   * the dashboard).
   *
   * @example
   * ```ts
   * modules.inspect().find((m) => m.module === 'my_mod')?.exports; // ['add/2']
   * ```
   */
  inspect(): { module: string; builtin: boolean; exports: string[] }[] {
    return [...this.table].map(([module, fns]) => ({
      module,
      builtin: this.builtin.has(module),
      exports: [...fns].flatMap(([f, ar]) => [...ar.keys()].sort().map((a) => `${f}/${a}`)),
    }));
  }
}

/**
 * The arguments of one call, as a peer sent them.
 *
 * @example
 * ```ts
 * const req: CallRequest = { module: atom('erlang'), function: atom('node'), args: [], caller: undefined };
 * ```
 */
export interface CallRequest {
  readonly module: Term;
  readonly function: Term;
  readonly args: Term;
  readonly caller: Pid | undefined;
}

/**
 * Runs `M:F(Args)` from `registry` in process `self`, as `erpc:execute_call` runs
 * `apply(M, F, A)`, and says how it ended. Never throws.
 *
 * @example
 * ```ts
 * const out = await execute(registry, host, self, { module: atom('erlang'), function: atom('node'), args: [], caller: undefined });
 * // { kind: 'return', value: atom('ts1@host') }
 * ```
 */
export async function execute(
  registry: ModuleRegistry,
  host: RpcHost,
  self: Process,
  req: CallRequest,
): Promise<Outcome> {
  return executeNow(registry, host, self, req);
}

/**
 * The `this` of an exposed function. `self` may be given as a function making the
 * process on first use (a SPAWN_REQUEST answered without a process while the function
 * does not ask for it: see InstantSpawn).
 */
class Context implements CallContext {
  private proc: Process | null;
  private readonly make: (() => Process) | null;
  readonly runtime: Runtime;
  readonly host: RpcHost;
  readonly registry: ModuleRegistry;
  readonly caller: Pid | undefined;
  readonly module: Atom;
  readonly function: Atom;

  constructor(
    self: Process | (() => Process),
    host: RpcHost,
    registry: ModuleRegistry,
    caller: Pid | undefined,
    module: Atom,
    fn: Atom,
  ) {
    if (typeof self === 'function') {
      this.proc = null;
      this.make = self;
    } else {
      this.proc = self;
      this.make = null;
    }
    this.runtime = host.runtime;
    this.host = host;
    this.registry = registry;
    this.caller = caller;
    this.module = module;
    this.function = fn;
  }

  get self(): Process {
    return (this.proc ??= this.make!());
  }
}

/**
 * {@link execute} without a promise when it can: a function that returns a plain value
 * (or throws) gives its outcome at once; one that returns a promise gives a promise of
 * the outcome.
 *
 * @example
 * ```ts
 * const out = executeNow(registry, node, self, { module: m, function: f, args: [], caller: undefined });
 * if (out instanceof Promise) await out;
 * ```
 */
export function executeNow(
  registry: ModuleRegistry,
  host: RpcHost,
  self: Process | (() => Process),
  req: CallRequest,
): Outcome | Promise<Outcome> {
  return applyNow(registry, host, self, req.module, req.function, req.args, req.caller);
}

/**
 * @internal {@link executeNow} with the request's parts as arguments (no request object
 * per call).
 */
export function applyNow(
  registry: ModuleRegistry,
  host: RpcHost,
  self: Process | (() => Process),
  m: Term,
  f: Term,
  a: Term,
  caller: Pid | undefined,
): Outcome | Promise<Outcome> {
  if (!(m instanceof Atom) || !(f instanceof Atom) || !Array.isArray(a)) {
    return { kind: 'error', reason: BADARG, stack: [new Tuple([ERLANG, APPLY, [m, f, a], []])] };
  }
  const args = a as readonly Term[];
  const fn = registry.lookup(m, f, args.length) as Callable | undefined;
  if (fn === undefined) {
    return { kind: 'error', reason: UNDEF, stack: [new Tuple([m, f, [...args], []])] };
  }
  const ctx: CallContext = new Context(self, host, registry, caller, m, f);
  let value: unknown;
  try {
    value = fn.apply(ctx, args as Term[]);
  } catch (e) {
    return outcomeOf(e, m, f, args.length);
  }
  if (!isThenable(value)) return returned(value, m, f, args.length);
  return Promise.resolve(value).then(
    (v) => returned(v, m, f, args.length),
    (e: unknown) => outcomeOf(e, m, f, args.length),
  );
}

function returned(value: unknown, m: Atom, f: Atom, arity: number): Outcome {
  if (value === undefined) return { kind: 'return', value: OK };
  const bad = termProblem(value);
  if (bad !== null) {
    return {
      kind: 'error',
      reason: new Tuple([BAD_RETURN, bad]),
      stack: [new Tuple([m, f, arity, []])],
    };
  }
  return { kind: 'return', value: value as Term };
}

/**
 * The outcome for a value thrown by an exposed function (see the module comment).
 *
 * @example
 * ```ts
 * outcomeOf(new ErlThrow(atom('x')), atom('m'), atom('f'), 0); // { kind: 'throw', value: x }
 * ```
 */
export function outcomeOf(e: unknown, m: Atom, f: Atom, arity: number): Outcome {
  if (e instanceof ErlThrow) return { kind: 'throw', value: e.value };
  if (e instanceof ErlExit) return { kind: 'exit', reason: e.reason };
  if (e instanceof ExitError) return { kind: 'exit', reason: e.reason };
  if (e instanceof ProcessExitedError) return { kind: 'exit', reason: e.reason };
  if (e instanceof ErlError) {
    return {
      kind: 'error',
      reason: e.reason,
      stack: e.erlStack ?? [new Tuple([m, f, arity, []])],
    };
  }
  if (e instanceof ErpcError) {
    // a nested erpc call failed: re-raise it as erpc raised it
    if (e.kind === 'throw') return { kind: 'throw', value: e.reason };
    if (e.kind === 'exit') return { kind: 'exit', reason: e.reason };
    return { kind: 'error', reason: e.reason, stack: [new Tuple([m, f, arity, []])] };
  }
  const crash = crashReason(e);
  return {
    kind: 'error',
    reason: crash.elements[0]!,
    stack: [...(crash.elements[1] as Term[]), new Tuple([m, f, arity, []])],
  };
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    v !== null &&
    (typeof v === 'object' || typeof v === 'function') &&
    typeof (v as { then?: unknown }).then === 'function'
  );
}

const MAX_CHECK_DEPTH = 10_000;

/**
 * Where in `value` something sits that cannot travel as a term (`undefined`, a `Date`, a
 * function, `NaN`…), as `path: what`; `null` when all of it can.
 *
 * @example
 * ```ts
 * termProblem([1, { at: new Date() }]); // '[1].at: Date'
 * termProblem(tuple(atom('ok'), 1));     // null
 * ```
 */
export function termProblem(value: unknown): string | null {
  return isTermDeep(value, 0) ? null : nonTermPath(value, '', 0);
}

/**
 * Whether all of `v` can travel as a term: {@link nonTermPath}'s walk without building a
 * path for every element (the path is made only when something is wrong).
 */
function isTermDeep(v: unknown, depth: number): boolean {
  if (depth > MAX_CHECK_DEPTH) return true;
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v);
    case 'bigint':
    case 'string':
    case 'boolean':
      return true;
    case 'object':
      break;
    default:
      return false;
  }
  if (v === null || v instanceof Atom) return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (!isTermDeep(v[i], depth + 1)) return false;
    return true;
  }
  if (v instanceof Tuple) {
    const els = v.elements;
    for (let i = 0; i < els.length; i++) if (!isTermDeep(els[i], depth + 1)) return false;
    return true;
  }
  if (
    v instanceof Pid ||
    v instanceof Ref ||
    v instanceof Uint8Array ||
    v instanceof Float ||
    v instanceof Port ||
    v instanceof BitBinary ||
    v instanceof ExportFun ||
    v instanceof Fun
  ) {
    return true;
  }
  if (v instanceof ImproperList) {
    const els = v.elements;
    for (let i = 0; i < els.length; i++) if (!isTermDeep(els[i], depth + 1)) return false;
    return isTermDeep(v.tail, depth + 1);
  }
  if (v instanceof Map) {
    for (const [k, val] of v) {
      if (!isTermDeep(k, depth + 1) || !isTermDeep(val, depth + 1)) return false;
    }
    return true;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) {
    const rec = v as Record<string, unknown>;
    for (const k of Object.keys(rec)) if (!isTermDeep(rec[k], depth + 1)) return false;
    return true;
  }
  return false;
}

/** Where in `v` a value that cannot be encoded sits (`''` for the root), or null. */
function nonTermPath(v: unknown, path: string, depth: number): string | null {
  if (depth > MAX_CHECK_DEPTH) return null;
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? null : `${path || '.'}: ${v}`;
    case 'bigint':
    case 'string':
    case 'boolean':
      return null;
    case 'object':
      break;
    default:
      return `${path || '.'}: ${typeof v}`;
  }
  if (v === null) return null;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const bad = nonTermPath(v[i], `${path}[${i}]`, depth + 1);
      if (bad !== null) return bad;
    }
    return null;
  }
  if (v instanceof Tuple) {
    const els = v.elements;
    for (let i = 0; i < els.length; i++) {
      const bad = nonTermPath(els[i], `${path}{${i}}`, depth + 1);
      if (bad !== null) return bad;
    }
    return null;
  }
  if (
    v instanceof Atom ||
    v instanceof Pid ||
    v instanceof Ref ||
    v instanceof Port ||
    v instanceof Float ||
    v instanceof Uint8Array ||
    v instanceof BitBinary ||
    v instanceof ExportFun ||
    v instanceof Fun
  ) {
    return null;
  }
  if (v instanceof ImproperList) {
    for (const [i, el] of v.elements.entries()) {
      const bad = nonTermPath(el, `${path}[${i}]`, depth + 1);
      if (bad !== null) return bad;
    }
    return nonTermPath(v.tail, `${path}|tail`, depth + 1);
  }
  if (v instanceof Map) {
    for (const [k, val] of v) {
      const bad =
        nonTermPath(k, `${path}<key>`, depth + 1) ?? nonTermPath(val, `${path}.?`, depth + 1);
      if (bad !== null) return bad;
    }
    return null;
  }
  if (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null) {
    for (const [k, val] of Object.entries(v)) {
      const bad = nonTermPath(val, `${path}.${k}`, depth + 1);
      if (bad !== null) return bad;
    }
    return null;
  }
  return `${path || '.'}: ${(v as object).constructor?.name ?? 'object'}`;
}

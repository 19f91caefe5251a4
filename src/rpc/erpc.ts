/**
 * `erpc` from TypeScript: `call`, `cast`, `multicall`, `multicast`, against BEAM and
 * beamlink nodes alike (both serve `erpc:execute_call/4`).
 *
 * `call` resolves with the value or rejects with an {@link ErpcError} whose `kind` and
 * `reason` are exactly what `erpc:call/5` raises on BEAM (see ErpcError's table), read
 * from the DOWN reason of the spawned process (PROTOCOL-OTP25.md §2.1, §2.3). A call to
 * this very node runs the function here, in a new process.
 *
 * @module
 */
import { sameRef } from '../process/pid.ts';
import { formatTerm } from '../process/format.ts';
import { Atom, Ref, Tuple, type Term } from '../term/types.ts';
import { PendingCall, type ErpcClient, type RawResult } from './client.ts';
import { ErpcError } from './errors.ts';
import {
  execute,
  termProblem,
  type ModuleRegistry,
  type Outcome,
  type RpcHost,
} from './modules.ts';

/**
 * A settled erpc call: the value, or the error erpc raises.
 *
 * @example
 * ```ts
 * const r: ErpcResult = await node.rpc.erpc.settled('erl@vm', 'erlang', 'node', []);
 * console.log(r.ok ? r.value : r.error.reason);
 * ```
 */
export type ErpcResult =
  { readonly ok: true; readonly value: Term } | { readonly ok: false; readonly error: ErpcError };

const ERPC = Atom.of('erpc');
const RETURN = Atom.of('return');
const THROW = Atom.of('throw');
const EXIT = Atom.of('exit');
const ERROR = Atom.of('error');
const EXCEPTION = Atom.of('exception');
const SIGNAL = Atom.of('signal');
const NOCONNECTION = Atom.of('noconnection');
const TIMEOUT = Atom.of('timeout');
const BADARG = Atom.of('badarg');

function valueOf(r: ErpcResult): Term {
  if (r.ok) return r.value;
  throw r.error;
}

function same(r: ErpcResult): ErpcResult {
  return r;
}

function toAtom(x: Atom | string): Atom {
  return typeof x === 'string' ? Atom.of(x) : x;
}

/** A call's description made only when a failure needs it. */
type Described = { describe(): string };

/** `what` is the call's description, or something making it (built only for a failure). */
function fail(
  kind: ErpcError['kind'],
  reason: Term,
  node: string,
  what: string | (() => string) | Described,
): ErpcResult {
  const w = typeof what === 'string' ? what : typeof what === 'function' ? what() : what.describe();
  return {
    ok: false,
    error: new ErpcError(kind, reason, node, `erpc ${w} on ${node}: ${kind} ${formatTerm(reason)}`),
  };
}

function describe(module: Atom | string, fn: Atom | string, args: unknown): string {
  return `${typeof module === 'string' ? module : module.name}:${typeof fn === 'string' ? fn : fn.name}/${Array.isArray(args) ? args.length : '?'}`;
}

/**
 * erpc's `result/4`: the settled call for an answer from `node` to request `res`.
 *
 * @example
 * ```ts
 * settle(res, { type: 'down', reason: tuple(res, atom('return'), 1) }, 'b@host', 'm:f/0'); // { ok: true, value: 1 }
 * ```
 */
export function settle(
  res: Ref,
  raw: RawResult,
  node: string,
  what: string | (() => string) | { describe(): string },
): ErpcResult {
  if (raw.type === 'timeout') return fail('error', new Tuple([ERPC, TIMEOUT]), node, what);
  if (raw.type === 'spawn_error') return fail('error', new Tuple([ERPC, raw.reason]), node, what);
  const r = raw.reason;
  if (r instanceof Tuple && r.elements[0] instanceof Ref && sameRef(r.elements[0], res)) {
    const [, cls, x, stack] = r.elements;
    if (r.length === 3 && cls === RETURN) return { ok: true, value: x! };
    if (r.length === 3 && cls === THROW) return fail('throw', x!, node, what);
    if (r.length === 3 && cls === EXIT) return fail('exit', new Tuple([EXCEPTION, x!]), node, what);
    if (r.length === 4 && cls === ERROR) {
      return fail('error', new Tuple([EXCEPTION, x!, stack!]), node, what);
    }
    if (r.length === 3 && cls === ERROR && x instanceof Tuple && x.elements[0] === ERPC) {
      return fail('error', x, node, what);
    }
  }
  if (r === NOCONNECTION) return fail('error', new Tuple([ERPC, NOCONNECTION]), node, what);
  return fail('exit', new Tuple([SIGNAL, r]), node, what);
}

function outcomeToRaw(res: Ref, out: Outcome): RawResult {
  switch (out.kind) {
    case 'return':
      return { type: 'down', reason: new Tuple([res, RETURN, out.value]) };
    case 'throw':
      return { type: 'down', reason: new Tuple([res, THROW, out.value]) };
    case 'exit':
      return { type: 'down', reason: new Tuple([res, EXIT, out.reason]) };
    case 'error':
      return { type: 'down', reason: new Tuple([res, ERROR, out.reason, [...out.stack]]) };
  }
}

/** The settle functions of the promise made last (see `capture`). */
const captured: { resolve: (v: unknown) => void; reject: (e: unknown) => void } = {
  resolve: () => {},
  reject: () => {},
};

/** A promise executor that keeps its settle functions: no closure made per promise. */
function capture(resolve: (v: never) => void, reject: (e: unknown) => void): void {
  captured.resolve = resolve as (v: unknown) => void;
  captured.reject = reject;
}

/**
 * One erpc call in flight: the client's pending entry, the promise's settle functions and
 * what the error message needs (built only for a failure).
 */
class Call<T> extends PendingCall {
  res: Ref | null = null;
  private readonly resolve: (v: T) => void;
  private readonly reject: (e: unknown) => void;
  private readonly map: (r: ErpcResult) => T;
  private readonly node: string;
  private readonly module: Atom | string;
  private readonly fn: Atom | string;
  private readonly args: unknown;

  constructor(
    resolve: (v: T) => void,
    reject: (e: unknown) => void,
    map: (r: ErpcResult) => T,
    node: string,
    module: Atom | string,
    fn: Atom | string,
    args: unknown,
  ) {
    super();
    this.resolve = resolve;
    this.reject = reject;
    this.map = map;
    this.node = node;
    this.module = module;
    this.fn = fn;
    this.args = args;
  }

  /** The call's description, `m:f/arity`. */
  describe(): string {
    return describe(this.module, this.fn, this.args);
  }

  settled(raw: RawResult): void {
    this.deliver(settle(this.res!, raw, this.node, this));
  }

  deliver(r: ErpcResult): void {
    let v: T;
    try {
      v = this.map(r);
    } catch (e) {
      this.reject(e);
      return;
    }
    this.resolve(v);
  }
}

/**
 * One node's erpc client.
 *
 * @example
 * ```ts
 * const node = await startRpcNode({ sname: 'ts1', cookie: 'c' });
 * await node.rpc.erpc.call('erl@vm', 'erlang', 'node', []); // atom('erl@vm')
 * ```
 */
export class Erpc {
  private readonly host: RpcHost;
  private readonly registry: ModuleRegistry;
  private readonly client: ErpcClient;

  constructor(host: RpcHost, registry: ModuleRegistry, client: ErpcClient) {
    this.host = host;
    this.registry = registry;
    this.client = client;
  }

  /**
   * `erpc:call/5`: the value of `module:fn(...args)` on `node`; rejects with
   * {@link ErpcError}. `timeoutMs` defaults to `Infinity`.
   *
   * @example
   * ```ts
   * const sum = await node.rpc.erpc.call('erl@vm', 'lists', 'sum', [[1, 2, 3]], 5000); // 6
   * ```
   */
  call(
    node: Atom | string,
    module: Atom | string,
    fn: Atom | string,
    args: readonly Term[] = [],
    timeoutMs = Infinity,
  ): Promise<Term> {
    return this.run(node, module, fn, args, timeoutMs, valueOf);
  }

  /**
   * The call as a settled result (never rejects): `{ ok: true, value }` or
   * `{ ok: false, error }`.
   *
   * @example
   * ```ts
   * const r = await node.rpc.erpc.settled('erl@vm', 'erlang', 'node', []);
   * if (!r.ok) console.log(r.error.reason);
   * ```
   */
  settled(
    node: Atom | string,
    module: Atom | string,
    fn: Atom | string,
    args: readonly Term[] = [],
    timeoutMs = Infinity,
  ): Promise<ErpcResult> {
    return this.run(node, module, fn, args, timeoutMs, same);
  }

  /**
   * @internal The call, its settled result mapped by `map` (which may throw: the
   * promise then rejects). One promise per call, whatever the caller (`call`, `settled`,
   * `rpc.call`).
   */
  run<T>(
    node: Atom | string,
    module: Atom | string,
    fn: Atom | string,
    args: readonly Term[],
    timeoutMs: number,
    map: (r: ErpcResult) => T,
  ): Promise<T> {
    const n = toAtom(node);
    const promise = new Promise<T>(capture);
    const call = new Call<T>(
      captured.resolve as (v: T) => void,
      captured.reject,
      map,
      n.name,
      module,
      fn,
      args,
    );
    if (!Array.isArray(args) || !(typeof timeoutMs === 'number' && timeoutMs >= 0)) {
      call.deliver(fail('error', new Tuple([ERPC, BADARG]), n.name, call));
      return promise;
    }
    const problem = termProblem(args);
    if (problem !== null) {
      // erpc:call's badarg, naming what cannot be encoded (it would be dropped on the wire)
      call.deliver(
        fail('error', new Tuple([ERPC, BADARG]), n.name, `${call.describe()} (args${problem})`),
      );
      return promise;
    }
    const rt = this.host.runtime;
    const res = rt.makeRef();
    call.res = res;
    const m = toAtom(module);
    const f = toAtom(fn);
    if (n === rt.node) void this.local(res, m, f, args, timeoutMs).then((raw) => call.settled(raw));
    else this.client.start(call, n, res, m, f, args, timeoutMs);
    return promise;
  }

  /**
   * `erpc:cast/4`: runs `module:fn(...args)` on `node` and does not wait; errors are
   * logged there. Throws {@link ErpcError} `{erpc, badarg}` at once when `args` holds
   * something that is not a term.
   *
   * @example
   * ```ts
   * node.rpc.erpc.cast('erl@vm', 'logger', 'notice', ['hello from TS']);
   * ```
   */
  cast(
    node: Atom | string,
    module: Atom | string,
    fn: Atom | string,
    args: readonly Term[] = [],
  ): void {
    const n = toAtom(node);
    const problem = Array.isArray(args) ? termProblem(args) : '';
    if (problem !== null) {
      // erpc:cast raises {erpc, badarg} for arguments it cannot send
      const f = fail('error', new Tuple([ERPC, BADARG]), n.name, `cast (args${problem})`);
      if (!f.ok) throw f.error;
    }
    const rt = this.host.runtime;
    if (n === rt.node) {
      rt.spawn(async (self) => {
        await execute(this.registry, this.host, self, {
          module: toAtom(module),
          function: toAtom(fn),
          args: [...args],
          caller: undefined,
        });
      });
      return;
    }
    void this.client.cast(n, toAtom(module), toAtom(fn), args);
  }

  /**
   * `erpc:multicall/5`: calls every node at once; one settled result per node, in order.
   *
   * @example
   * ```ts
   * const rs = await node.rpc.erpc.multicall(['a@h', 'b@h'], 'erlang', 'node', [], 5000);
   * rs.map((r) => (r.ok ? r.value : r.error.reason));
   * ```
   */
  multicall(
    nodes: readonly (Atom | string)[],
    module: Atom | string,
    fn: Atom | string,
    args: readonly Term[] = [],
    timeoutMs = Infinity,
  ): Promise<ErpcResult[]> {
    return Promise.all(nodes.map((n) => this.settled(n, module, fn, args, timeoutMs)));
  }

  /**
   * `erpc:multicast/4`: casts to every node.
   *
   * @example
   * ```ts
   * node.rpc.erpc.multicast(node.nodes(), 'my_mod', 'refresh', []);
   * ```
   */
  multicast(
    nodes: readonly (Atom | string)[],
    module: Atom | string,
    fn: Atom | string,
    args: readonly Term[] = [],
  ): void {
    for (const n of nodes) this.cast(n, module, fn, args);
  }

  private local(
    res: Ref,
    m: Atom,
    f: Atom,
    args: readonly Term[],
    timeoutMs: number,
  ): Promise<RawResult> {
    return new Promise<RawResult>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      this.host.runtime.spawn(
        async (self) => {
          const out = await execute(this.registry, this.host, self, {
            module: m,
            function: f,
            args: [...args],
            caller: undefined,
          });
          if (timer !== undefined) clearTimeout(timer);
          resolve(outcomeToRaw(res, out));
        },
        { label: 'erpc:execute_call/4' },
      );
      if (timeoutMs !== Infinity) {
        timer = setTimeout(() => resolve({ type: 'timeout' }), Math.min(timeoutMs, 2_147_483_647));
      }
    });
  }
}

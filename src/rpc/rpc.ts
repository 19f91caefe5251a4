/**
 * `rpc` from TypeScript: `call`, `cast`, `multicall`, as OTP 25's `rpc` module does them
 * (on top of erpc, PROTOCOL-OTP25.md §1.2).
 *
 * `call` never rejects for a remote failure: it resolves with the value or with the term
 * `{badrpc, Reason}` ({@link isBadRpc} tells them apart), with the reasons BEAM gives:
 *
 * | what happened                         | `rpc.call` resolves with               |
 * | ------------------------------------- | -------------------------------------- |
 * | returned `V`                          | `V` (`{badrpc, V}` when V is `{'EXIT', _}`) |
 * | threw `V`                             | `V` (`{badrpc, V}` when V is `{'EXIT', _}`) |
 * | exited with `R`                       | `{badrpc, {'EXIT', R}}`                |
 * | raised error `R` with `Stack`         | `{badrpc, {'EXIT', {R, Stack}}}`       |
 * | unknown function                      | `{badrpc, {'EXIT', {undef, [{M, F, A, []}]}}}` |
 * | the node is down or goes down         | `{badrpc, nodedown}`                   |
 * | no answer within the timeout          | `{badrpc, timeout}`                    |
 *
 * @module
 */
import type { Runtime } from '../process/runtime.ts';
import { Atom, Ref, Tuple, type Term } from '../term/types.ts';
import type { Erpc, ErpcResult } from './erpc.ts';
import { badRpc, type ErpcError } from './errors.ts';
import type { ModuleRegistry } from './modules.ts';

const EXIT_ATOM = Atom.of('EXIT');
const EXCEPTION = Atom.of('exception');
const SIGNAL = Atom.of('signal');
const ERPC = Atom.of('erpc');
const NODEDOWN = Atom.of('nodedown');
const NOCONNECTION = Atom.of('noconnection');
const TIMEOUT = Atom.of('timeout');
const REX = Atom.of('rex');
const GEN_CALL = Atom.of('$gen_call');
const BLOCK_CALL = Atom.of('block_call');
const USER = Atom.of('user');
const DOWN = Atom.of('DOWN');
const GEN_SERVER = Atom.of('gen_server');
const CALL = Atom.of('call');
const INFINITY = Atom.of('infinity');

/**
 * What `rpc.multicall` resolves with (`{ResL, BadNodes}` in Erlang).
 *
 * @example
 * ```ts
 * const { results, badNodes }: MulticallResult = await node.rpc.multicall(node.nodes(), 'erlang', 'node', []);
 * ```
 */
export interface MulticallResult {
  /** One result per node that answered, in node order (values or `{badrpc, R}`). */
  readonly results: Term[];
  /** Nodes that were down, went down, or did not answer in time. */
  readonly badNodes: Atom[];
}

function isExitTuple(v: Term): boolean {
  return v instanceof Tuple && v.elements.length === 2 && v.elements[0] === EXIT_ATOM;
}

/**
 * rpc's `rpcify_exception/2` for a failed erpc call. Returns `undefined` where rpc
 * re-raises (`{erpc, badarg}`, and reasons that are none of erpc's shapes).
 *
 * @example
 * ```ts
 * rpcify(err); // {badrpc, timeout} for an ErpcError with reason {erpc, timeout}
 * ```
 */
export function rpcify(error: ErpcError): Term | undefined {
  const r = error.reason;
  if (error.kind === 'throw') return isExitTuple(r) ? badRpc(r) : r;
  if (!(r instanceof Tuple)) return undefined;
  const [tag, x, stack] = r.elements;
  if (error.kind === 'exit' && r.length === 2 && (tag === EXCEPTION || tag === SIGNAL)) {
    return badRpc(new Tuple([EXIT_ATOM, x!]));
  }
  if (error.kind === 'error' && r.length === 3 && tag === EXCEPTION) {
    return badRpc(new Tuple([EXIT_ATOM, new Tuple([x!, stack!])]));
  }
  if (error.kind === 'error' && r.length === 2 && tag === ERPC && x instanceof Atom) {
    switch (x.name) {
      case 'badarg':
        return undefined;
      case 'noconnection':
        return badRpc(NODEDOWN);
      case 'timeout':
      case 'notsup':
        return badRpc(x);
    }
  }
  if (error.kind === 'error' && r.length === 2 && tag === ERPC) {
    return badRpc(new Tuple([EXIT_ATOM, x!]));
  }
  return undefined;
}

function rpcResult(r: ErpcResult): Term {
  if (r.ok) return isExitTuple(r.value) ? badRpc(r.value) : r.value;
  const v = rpcify(r.error);
  if (v === undefined) throw r.error;
  return v;
}

/**
 * One node's rpc client, and its module registry and erpc client.
 *
 * @example
 * ```ts
 * const node = await startRpcNode({ sname: 'ts1', cookie: 'c' });
 * node.rpc.modules.define('my_mod', { add: (a: number, b: number) => a + b });
 * const r = await node.rpc.call('erl@vm', 'erlang', 'node', []);
 * if (isBadRpc(r)) console.log('down?', r.elements[1]);
 * ```
 */
export class Rpc {
  /** The functions this node exposes to the cluster. */
  readonly modules: ModuleRegistry;
  /** erpc calls (typed errors instead of `{badrpc, R}`). */
  readonly erpc: Erpc;

  private readonly runtime: Runtime;

  constructor(modules: ModuleRegistry, erpc: Erpc, runtime: Runtime) {
    this.modules = modules;
    this.erpc = erpc;
    this.runtime = runtime;
  }

  /**
   * `rpc:call/5`: the value of `module:fn(...args)` on `node`, or `{badrpc, Reason}`.
   * Rejects only where rpc raises (`badarg` for bad arguments).
   *
   * @example
   * ```ts
   * await node.rpc.call('erl@vm', 'Elixir.Node', 'self', []); // atom('erl@vm')
   * await node.rpc.call('dead@vm', 'erlang', 'node', []); // {badrpc, nodedown}
   * ```
   */
  call(
    node: Atom | string,
    module: Atom | string,
    fn: Atom | string,
    args: readonly Term[] = [],
    timeoutMs = Infinity,
  ): Promise<Term> {
    return this.erpc.run(node, module, fn, args, timeoutMs, rpcResult);
  }

  /**
   * `rpc:cast/4`: runs `module:fn(...args)` on `node` without waiting; returns `true`.
   *
   * @example
   * ```ts
   * node.rpc.cast('erl@vm', 'io', 'format', ['hello~n']);
   * ```
   */
  cast(
    node: Atom | string,
    module: Atom | string,
    fn: Atom | string,
    args: readonly Term[] = [],
  ): true {
    this.erpc.cast(node, module, fn, args);
    return true;
  }

  /**
   * `rpc:multicall/5`: calls every node at once. Nodes that are down, go down, or time
   * out land in `badNodes`; the others' results (values or `{badrpc, R}`) in `results`.
   *
   * @example
   * ```ts
   * const { results, badNodes } = await node.rpc.multicall(['a@h', 'b@h'], 'erlang', 'node', []);
   * ```
   */
  async multicall(
    nodes: readonly (Atom | string)[],
    module: Atom | string,
    fn: Atom | string,
    args: readonly Term[] = [],
    timeoutMs = Infinity,
  ): Promise<MulticallResult> {
    const settled = await this.erpc.multicall(nodes, module, fn, args, timeoutMs);
    const results: Term[] = [];
    const badNodes: Atom[] = [];
    settled.forEach((r, i) => {
      if (!r.ok && r.error.kind === 'error') {
        const reason = r.error.reason;
        if (reason instanceof Tuple && reason.length === 2 && reason.elements[0] === ERPC) {
          const x = reason.elements[1];
          if (x instanceof Atom && (x.name === 'timeout' || x.name === 'noconnection')) {
            const n = nodes[i]!;
            badNodes.push(typeof n === 'string' ? Atom.of(n) : n);
            return;
          }
        }
      }
      results.push(rpcResult(r));
    });
    return { results, badNodes };
  }

  /**
   * `rpc:block_call/5`: a gen_server call to `{rex, Node}` with
   * `{block_call, M, F, A, user}`, as OTP does it (the only rpc function still on rex).
   * It also reaches nodes that serve rex but not erpc. Results as `call`; a node
   * without rex gives `{badrpc, {'EXIT', {noproc, {gen_server, call, …}}}}`.
   *
   * @example
   * ```ts
   * await node.rpc.blockCall('erl@vm', 'erlang', 'node', []); // atom('erl@vm')
   * ```
   */
  blockCall(
    node: Atom | string,
    module: Atom | string,
    fn: Atom | string,
    args: readonly Term[] = [],
    timeoutMs = Infinity,
  ): Promise<Term> {
    const n = typeof node === 'string' ? Atom.of(node) : node;
    const request = new Tuple([
      BLOCK_CALL,
      typeof module === 'string' ? Atom.of(module) : module,
      typeof fn === 'string' ? Atom.of(fn) : fn,
      [...args],
      USER,
    ]);
    return new Promise<Term>((resolve) => {
      this.runtime.spawn(
        async (self) => {
          const dest = [REX, n] as const;
          const mref = self.monitor(dest);
          self.send(dest, new Tuple([GEN_CALL, new Tuple([self.pid, mref]), request]));
          const ours = (r: Term | undefined): boolean => r instanceof Ref && r.key === mref.key;
          const m = (await self.receive(
            (x) =>
              x instanceof Tuple &&
              ((x.length === 2 && ours(x.elements[0])) ||
                (x.length === 5 && x.elements[0] === DOWN && ours(x.elements[1]))),
            { timeout: timeoutMs },
          )) as Tuple | undefined;
          self.demonitor(mref, { flush: true });
          if (m === undefined) return resolve(badRpc(TIMEOUT));
          if (m.length === 2) {
            const v = m.elements[1]!;
            return resolve(isExitTuple(v) ? badRpc(v) : v);
          }
          const reason = m.elements[4]!;
          if (reason === NOCONNECTION) return resolve(badRpc(NODEDOWN));
          const where = new Tuple([
            GEN_SERVER,
            CALL,
            [new Tuple([REX, n]), request, timeoutMs === Infinity ? INFINITY : timeoutMs],
          ]);
          resolve(badRpc(new Tuple([EXIT_ATOM, new Tuple([reason, where])])));
        },
        { label: 'rpc:block_call' },
      );
    });
  }
}

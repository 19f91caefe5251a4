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
import { Atom, Tuple, type Term } from '../term/types.ts';
import type { Erpc, ErpcResult } from './erpc.ts';
import { badRpc, type ErpcError } from './errors.ts';
import type { ModuleRegistry } from './modules.ts';

const EXIT_ATOM = Atom.of('EXIT');
const EXCEPTION = Atom.of('exception');
const SIGNAL = Atom.of('signal');
const ERPC = Atom.of('erpc');
const NODEDOWN = Atom.of('nodedown');

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

  constructor(modules: ModuleRegistry, erpc: Erpc) {
    this.modules = modules;
    this.erpc = erpc;
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
  async call(
    node: Atom | string,
    module: Atom | string,
    fn: Atom | string,
    args: readonly Term[] = [],
    timeoutMs = Infinity,
  ): Promise<Term> {
    return rpcResult(await this.erpc.settled(node, module, fn, args, timeoutMs));
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
}

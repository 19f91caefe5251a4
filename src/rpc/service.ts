/**
 * Plugging rpc into a node: the module registry with its built-ins, the SPAWN_REQUEST
 * handler that serves erpc, the `rex` server, and the erpc caller process.
 *
 * - {@link attachRpc} on anything with a runtime and connections (a `BeamNode`);
 * - {@link rpcService} as a kernel `NodeService` for `startNode({ services })`;
 * - {@link startRpcNode}: `startNode` with rpc attached, returning the node with `.rpc`.
 *
 * @module
 */
import { startNode, type BeamNode, type StartNodeOptions } from '../kernel/start-node.ts';
import type { NodeService } from '../kernel/start-node.ts';
import type { Runtime } from '../process/runtime.ts';
import { Atom, type Pid } from '../term/types.ts';
import { defineBuiltins } from './builtins.ts';
import { ErpcClient } from './client.ts';
import { Erpc } from './erpc.ts';
import { startGroupLeader } from './group-leader.ts';
import { ModuleRegistry, type ModuleDefinition, type RpcHost } from './modules.ts';
import { startRex } from './rex.ts';
import { Rpc } from './rpc.ts';
import { spawnHandler } from './serve.ts';

/**
 * Options of {@link attachRpc}.
 *
 * @example
 * ```ts
 * const options: RpcOptions = { modules: { m: { f: () => 1 } }, output: (s) => log.push(s) };
 * ```
 */
export interface RpcOptions {
  /** Modules to define at once (name → functions). */
  readonly modules?: Readonly<Record<string, ModuleDefinition>>;
  /** Run the `rex` server (default true). */
  readonly rex?: boolean;
  /** Define the built-in modules (`erlang`, `Elixir.Node`, …; default true). */
  readonly builtins?: boolean;
  /**
   * Where the output of BEAM functions called from here goes (`io:format` in an
   * `rpc.call`): default `process.stdout`.
   */
  readonly output?: (text: string) => void;
}

/**
 * A host rpc can attach to: a runtime, connections, and optionally a stop hook.
 *
 * @example
 * ```ts
 * const host: RpcAttachable = await startNode({ sname: 'ts1', cookie: 'c' });
 * ```
 */
export interface RpcAttachable extends RpcHost {
  onStop?(cleanup: () => void | Promise<void>): void;
}

const KILL = Atom.of('kill');
const attached = new WeakMap<Runtime, Rpc>();

/**
 * Serves erpc/rpc on `host` and returns its {@link Rpc} (the same one when called twice).
 *
 * @example
 * ```ts
 * const node = await startNode({ sname: 'ts1', cookie: 'c' });
 * const rpc = attachRpc(node, { modules: { my_mod: { add: (a: number, b: number) => a + b } } });
 * ```
 */
export function attachRpc(host: RpcAttachable, options: RpcOptions = {}): Rpc {
  const existing = attached.get(host.runtime);
  if (existing !== undefined) {
    for (const [name, def] of Object.entries(options.modules ?? {})) {
      existing.modules.define(name, def);
    }
    return existing;
  }
  const registry = new ModuleRegistry();
  if (options.builtins !== false) defineBuiltins(registry);
  for (const [name, def] of Object.entries(options.modules ?? {})) registry.define(name, def);
  const client = new ErpcClient(host.runtime);
  const erpc = new Erpc(host, registry, client);
  const rpc = new Rpc(registry, erpc, host.runtime);
  const output = options.output ?? ((text: string) => void process.stdout.write(text));
  client.groupLeader = startGroupLeader(host.runtime, erpc, output);
  let stopping = false;
  host.runtime.setSpawnHandler(spawnHandler(registry, host, () => stopping));
  let rex: Pid | undefined;
  if (options.rex !== false && host.runtime.whereis('rex') === undefined) {
    rex = startRex(registry, host);
  }
  attached.set(host.runtime, rpc);
  host.onStop?.(() => {
    stopping = true;
    client.close();
    if (rex !== undefined && host.runtime.isAlive(rex)) host.runtime.exit(rex, KILL);
    attached.delete(host.runtime);
  });
  return rpc;
}

/**
 * The {@link Rpc} attached to a node's runtime, if any.
 *
 * @example
 * ```ts
 * rpcOf(node)?.modules.define('late', { f: () => 1 });
 * ```
 */
export function rpcOf(host: { readonly runtime: Runtime }): Rpc | undefined {
  return attached.get(host.runtime);
}

/**
 * rpc as a kernel node service: `startNode({ ..., services: [rpcService()] })`; reach
 * it afterwards with {@link rpcOf}.
 *
 * @example
 * ```ts
 * const node = await startNode({ sname: 'ts1', cookie: 'c', services: [rpcService()] });
 * rpcOf(node)!.modules.define('my_mod', { hello: () => 'world' });
 * ```
 */
export function rpcService(options: RpcOptions = {}): NodeService {
  return (node: BeamNode) => {
    attachRpc(node, options);
  };
}

/**
 * A node started by {@link startRpcNode}.
 *
 * @example
 * ```ts
 * const node: RpcBeamNode = await startRpcNode({ sname: 'ts1', cookie: 'c' });
 * node.rpc.modules.define('m', { f: () => 1 });
 * ```
 */
export interface RpcBeamNode extends BeamNode {
  /** rpc, erpc and the module registry of this node. */
  readonly rpc: Rpc;
}

/**
 * `startNode` with rpc attached (built-ins, `rex`, the erpc server and client).
 *
 * @example
 * ```ts
 * const node = await startRpcNode({ sname: 'ts1', cookie: 'c', rpc: { modules: { m: { f: () => 1 } } } });
 * // iex> :rpc.call(:"ts1@host", Node, :self, [])   #=> :"ts1@host"
 * await node.rpc.call('erl@host', 'erlang', 'node', []);
 * ```
 */
export async function startRpcNode(
  options: StartNodeOptions & { readonly rpc?: RpcOptions },
): Promise<RpcBeamNode> {
  const node = await startNode({
    ...options,
    services: [rpcService(options.rpc), ...(options.services ?? [])],
  });
  return Object.assign(node, { rpc: rpcOf(node)! });
}

/**
 * The adapter contract (`Phoenix.PubSub.Adapter`): how a PubSub reaches the other nodes.
 * The PubSub itself only dispatches to local subscribers; an adapter forwards a broadcast
 * to every other node and hands what arrives from them back to the PubSub.
 *
 * @module
 */
import type { PgHost } from '../pg/scope.ts';
import type { Atom, Pid, Term } from '../term/types.ts';

/**
 * What a PubSub gives its adapter when it starts.
 *
 * @example
 * ```ts
 * const myAdapter: AdapterFactory = async (ctx: AdapterContext) => ({ ...build(ctx.host, ctx.adapterName) });
 * ```
 */
export interface AdapterContext {
  /** The node (a `BeamNode` fits). */
  readonly host: PgHost;
  /** The PubSub's name (`Elixir.MyApp.PubSub`): also its local registry's name. */
  readonly name: Atom;
  /** `Module.concat(name, "Adapter")`: `Elixir.MyApp.PubSub.Adapter`. */
  readonly adapterName: Atom;
  /** How many listener shards each node runs (Phoenix's `:pool_size`, default 1). */
  readonly poolSize: number;
  /** How many of them a broadcast picks from (`:broadcast_pool_size`, default poolSize). */
  readonly broadcastPoolSize: number;
  /**
   * Dispatches a message that arrived from another node to the local subscribers of
   * `topic`, through the dispatcher named `dispatcher` (`Phoenix.PubSub.local_broadcast`).
   */
  localDispatch(topic: Term, message: Term, dispatcher: Term): void;
}

/**
 * A running adapter (the callbacks of `Phoenix.PubSub.Adapter`).
 *
 * @example
 * ```ts
 * const memoryAdapter: AdapterFactory = async (ctx) => ({
 *   nodeName: () => ctx.host.runtime.node,
 *   broadcast() {},            // a single node: nothing to forward
 *   directBroadcast(_node, topic, message, dispatcher) { ctx.localDispatch(topic, message, dispatcher) },
 *   stop() {},
 * });
 * ```
 */
export interface PubSubAdapter {
  /** `node_name/1`: the name this node is known by to the adapter. */
  nodeName(): Atom;
  /**
   * `broadcast/4`: forwards to every *other* node (the PubSub dispatches locally itself).
   * `from` is the broadcasting process, if any; adapters use it to pick a shard so that one
   * sender's broadcasts stay in order.
   */
  broadcast(topic: string, message: Term, dispatcher: Atom, from: Pid | null): void;
  /** `direct_broadcast/5`: to the subscribers on `node` only (this node included). */
  directBroadcast(node: Atom, topic: string, message: Term, dispatcher: Atom): void;
  /** Stops the adapter's processes. */
  stop(): void;
  /** Plain JSON for the dashboard. */
  inspect?(): Record<string, unknown>;
}

/**
 * Starts an adapter for one PubSub.
 *
 * @example
 * ```ts
 * const ps = await PubSub.start(node, { name: 'MyApp.PubSub', adapter: pgAdapter });
 * ```
 */
export type AdapterFactory = (context: AdapterContext) => Promise<PubSubAdapter>;

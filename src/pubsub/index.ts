/**
 * PubSub: Phoenix.PubSub's API on pg, wire-compatible with Elixir's `Phoenix.PubSub` (PG2
 * adapter): broadcasts flow both ways between a beamlink PubSub and an Elixir one of the
 * same name. See docs/pubsub.md.
 *
 * @example
 * ```ts
 * import { PubSub, startNode } from 'beamlink';
 * const node = await startNode({ sname: 'ts1', cookie: 'c' });
 * const ps = await PubSub.start(node, { name: 'MyApp.PubSub' });
 * node.spawn(async (self) => { ps.subscribe(self, 'room:1'); console.log(await self.receive()) });
 * ps.broadcast('room:1', 'hello');
 * ```
 *
 * @module
 */
export {
  PubSub,
  elixirModule,
  phoenixDispatcher,
  pubsubService,
  type Dispatcher,
  type PubSubOptions,
  type SubscribeOptions,
  type TopicMap,
  type TopicOf,
} from './pubsub.ts';
export type { AdapterContext, AdapterFactory, PubSubAdapter } from './adapter.ts';
export { PHOENIX_PUBSUB_SCOPE, pgAdapter, poolGroups } from './pg-adapter.ts';
export { SubscriberRegistry, type Subscription } from './registry.ts';
export { PubSubError } from './errors.ts';

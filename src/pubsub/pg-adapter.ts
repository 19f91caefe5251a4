/**
 * The PG2 adapter (`Phoenix.PubSub.PG2`, phoenix_pubsub 2.x), on the wire exactly as
 * Elixir's, so a beamlink PubSub and a `Phoenix.PubSub` of the same name share broadcasts.
 *
 * Every node runs, per PubSub, `poolSize` listener workers, each registered under its
 * group name and joined to that group in pg scope `Elixir.Phoenix.PubSub`:
 *
 * ```
 * groups: [AdapterName, AdapterName_2, …, AdapterName_N]   % AdapterName = 'Elixir.MyApp.PubSub.Adapter'
 * broadcast:        {forward_to_local, Topic, Message, Dispatcher}
 *                   to every member of one group that lives on another node
 * direct_broadcast: the same message to {Group, Node}
 * ```
 *
 * A broadcast picks its group by hashing the sender (Phoenix uses `phash2(self())`), so one
 * sender's messages go through one worker per node and keep their order. A worker hands
 * what it receives to the local dispatch; anything else it ignores, as PG2Worker does.
 *
 * @module
 */
import { PgScopeError } from '../pg/errors.ts';
import { scopeOf, startScope, type PgScope } from '../pg/scope.ts';
import type { Process } from '../process/process.ts';
import { Atom, Tuple, atom, type Pid, type Term } from '../term/types.ts';
import type { AdapterContext, AdapterFactory, PubSubAdapter } from './adapter.ts';

/**
 * The pg scope every Phoenix.PubSub uses.
 *
 * @example
 * ```ts
 * scopeOf(node.runtime, PHOENIX_PUBSUB_SCOPE)?.whichGroups(); // the PubSub pool groups
 * ```
 */
export const PHOENIX_PUBSUB_SCOPE = atom('Elixir.Phoenix.PubSub');
const FORWARD_TO_LOCAL = atom('forward_to_local');

/**
 * The group names of a pool (`Phoenix.PubSub.PG2.groups/2`): the adapter name first (for
 * compatibility with 2.0), then `AdapterName_2` … `AdapterName_N`.
 *
 * @example
 * ```ts
 * poolGroups(atom('Elixir.MyApp.PubSub.Adapter'), 2).map((a) => a.name);
 * // ['Elixir.MyApp.PubSub.Adapter', 'Elixir.MyApp.PubSub.Adapter_2']
 * ```
 */
export function poolGroups(adapterName: Atom, size: number): Atom[] {
  const out = [adapterName];
  for (let n = 2; n <= size; n++) out.push(atom(`${adapterName.name}_${n}`));
  return out;
}

/** A small stable hash of a pid (which shard a sender uses). */
function shardOf(from: Pid | null, size: number): number {
  if (from === null || size <= 1) return 0;
  return (from.id * 31 + from.serial) % size;
}

async function phoenixScope(ctx: AdapterContext): Promise<PgScope> {
  const running = scopeOf(ctx.host.runtime, PHOENIX_PUBSUB_SCOPE);
  if (running !== undefined) return running;
  try {
    return await startScope(ctx.host, { scope: PHOENIX_PUBSUB_SCOPE });
  } catch (e) {
    const raced = scopeOf(ctx.host.runtime, PHOENIX_PUBSUB_SCOPE);
    if (e instanceof PgScopeError && raced !== undefined) return raced;
    throw e;
  }
}

function startWorker(ctx: AdapterContext, scope: PgScope, group: Atom): Promise<Pid> {
  return new Promise((resolve) => {
    ctx.host.runtime.spawn(
      (self: Process) => {
        scope.join(group, self.pid);
        self.handle((m) => {
          if (m instanceof Tuple && m.elements.length === 4 && m.elements[0] === FORWARD_TO_LOCAL) {
            ctx.localDispatch(m.elements[1]!, m.elements[2]!, m.elements[3]!);
          }
        });
        resolve(self.pid);
      },
      { name: group, label: `Phoenix.PubSub.PG2Worker ${group.name}` },
    );
  });
}

/**
 * The default adapter: Phoenix.PubSub's PG2 over pg scope `Elixir.Phoenix.PubSub`.
 *
 * @example
 * ```ts
 * const ps = await PubSub.start(node, { name: 'MyApp.PubSub', adapter: pgAdapter, poolSize: 2 });
 * ```
 */
export const pgAdapter: AdapterFactory = async (ctx) => {
  const runtime = ctx.host.runtime;
  const scope = await phoenixScope(ctx);
  const listeners = poolGroups(ctx.adapterName, ctx.poolSize);
  const broadcastGroups = listeners.slice(0, ctx.broadcastPoolSize);
  const workers: Pid[] = [];
  for (const group of listeners) workers.push(await startWorker(ctx, scope, group));
  const forward = (topic: string, message: Term, dispatcher: Atom): Tuple =>
    new Tuple([FORWARD_TO_LOCAL, topic, message, dispatcher]);

  const adapter: PubSubAdapter = {
    nodeName: () => runtime.node,
    broadcast(topic, message, dispatcher, from) {
      const group = broadcastGroups[shardOf(from, broadcastGroups.length)]!;
      const members = scope.getMembers(group);
      let msg: Tuple | undefined;
      for (const pid of members) {
        if (pid.node === runtime.node) continue;
        runtime.send(pid, (msg ??= forward(topic, message, dispatcher)));
      }
    },
    directBroadcast(node, topic, message, dispatcher) {
      const group = broadcastGroups[0]!;
      runtime.send([group, node], forward(topic, message, dispatcher));
    },
    stop() {
      for (const pid of workers) runtime.exit(pid, atom('shutdown'));
    },
    inspect: () => ({
      scope: PHOENIX_PUBSUB_SCOPE.name,
      groups: listeners.map((g) => ({ group: g.name, members: scope.getMembers(g).length })),
    }),
  };
  return adapter;
};

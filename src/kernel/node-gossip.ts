/**
 * Transitive connections among beamlink nodes: if A–B and B–C are connected, A and C
 * connect too, as BEAM's `global` makes a fully connected network.
 *
 * beamlink does not run global's name protocol, so it cannot use global's `new_nodes`
 * messages. Instead every published beamlink node runs a process registered as
 * `beamlink_node_gossip` and, on each visible nodeup, sends it one message:
 *
 * ```
 * {beamlink_hello, 1, FromNode, KnownBeamlinkNodes}     % REG_SEND to {beamlink_node_gossip, Peer}
 * {beamlink_new_nodes, 1, FromNode, Nodes}              % to every other beamlink peer, when one joins
 * ```
 *
 * The side that set the connection up says hello first; the other answers the first
 * hello it gets on that connection with its own, so each side learns the other runs
 * beamlink, and connects to every beamlink node the other knows. A BEAM node has no
 * process of that name, and erts drops a message sent to an unregistered name without a
 * word (no error, no reply, no log), so BEAM peers are never disturbed and never mistaken
 * for beamlink nodes; and a BEAM node that connects to us gets no hello at all (it would
 * only cost it a message to drop while it sets the connection up). When a new beamlink peer appears, the
 * others hear of it through `beamlink_new_nodes`. Hidden nodes neither send nor act on
 * gossip, and hidden peers are never told anything (hidden connections are not
 * transitive in Erlang either).
 *
 * @module
 */
import type { Node } from '../node/node.ts';
import type { Runtime } from '../process/runtime.ts';
import { Atom, atom, tuple, type Pid, type Term } from '../term/types.ts';
import { tupleOf } from './terms.ts';

/**
 * The registered name of the gossip process on every published beamlink node.
 *
 * @example
 * ```ts
 * runtime.whereis(GOSSIP_NAME); // the gossip process on a published node
 * ```
 */
export const GOSSIP_NAME = 'beamlink_node_gossip';
const VERSION = 1;

/**
 * Starts the gossip process for `node` (a no-op process on hidden nodes). Returns its pid
 * and a function that stops listening to node events.
 *
 * @example
 * ```ts
 * const { stop } = startNodeGossip(runtime, node);
 * ```
 */
export function startNodeGossip(runtime: Runtime, node: Node): { pid: Pid; stop: () => void } {
  const peers = new Set<string>(); // beamlink nodes we know are up and visible
  const greeted = new Set<string>(); // nodes we said hello to on their current connection
  const sayHello = (to: Atom): void => {
    greeted.add(to.name);
    runtime.send([atom(GOSSIP_NAME), to], hello());
  };
  const hello = (): Term =>
    tuple(
      atom('beamlink_hello'),
      VERSION,
      node.nameAtom,
      [...peers].map((p) => atom(p)),
    );
  const connectAll = (names: readonly Term[]): void => {
    for (const n of names) {
      if (!(n instanceof Atom) || n === node.nameAtom || node.connectionState(n)) continue;
      void node.connect(n);
    }
  };
  const pid = runtime.spawn(
    (self) => {
      self.handle((message: Term) => {
        if (node.hidden) return;
        const h = tupleOf(message, 4, 'beamlink_hello');
        const n = h ?? tupleOf(message, 4, 'beamlink_new_nodes');
        if (!n || n[1] !== VERSION || !(n[2] instanceof Atom) || !Array.isArray(n[3])) return;
        const from = n[2];
        const names = n[3] as readonly Term[];
        if (h && node.connectionState(from) && !peers.has(from.name)) {
          if (node.nodes('visible').includes(from)) {
            // The peer connected to us and said hello first: answer it.
            if (!greeted.has(from.name)) sayHello(from);
            peers.add(from.name);
            // Tell the other beamlink peers about the newcomer.
            for (const p of peers) {
              if (p === from.name) continue;
              self.send(
                [atom(GOSSIP_NAME), atom(p)],
                tuple(atom('beamlink_new_nodes'), VERSION, node.nameAtom, [from]),
              );
            }
          }
        }
        connectAll(names);
      });
    },
    { name: GOSSIP_NAME },
  );
  let stopped = false;
  const off = node.monitorNodes(
    (event) => {
      if (node.hidden) return;
      if (event.type === 'nodeup') {
        if (event.direction !== 'incoming') {
          // After the connection's first write: what waited for the connection (a ping's
          // messages) was written to it just before this event, and goes out on a
          // setImmediate made then; encoding the hello first (a BEAM peer drops it) would
          // only delay that.
          const to = event.node;
          setImmediate(() => {
            if (!stopped && node.connectionState(to) === 'up') sayHello(to);
          });
        }
      } else {
        peers.delete(event.node.name);
        greeted.delete(event.node.name);
      }
    },
    { nodeType: 'visible' },
  );
  return {
    pid,
    stop: () => {
      stopped = true;
      off();
    },
  };
}

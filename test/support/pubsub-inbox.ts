/**
 * A beamlink process that subscribes to a PubSub topic and keeps what it receives, for
 * tests that wait on broadcasts.
 *
 * ```ts
 * const inbox = subscribeInbox(node, ps, 'room:1');
 * ps.broadcast('room:1', 'hello');
 * await until(() => inbox.length === 1, 'the broadcast arrived');
 * ```
 */
import type { BeamNode } from '../../src/kernel/start-node.ts';
import type { PubSub, SubscribeOptions } from '../../src/pubsub/index.ts';
import type { Term } from '../../src/term/types.ts';

/**
 * Spawns a process on `node` that subscribes to `topic` on `pubsub` and pushes every
 * message it gets to the returned array (oldest first). The subscription is made when the
 * process first runs, a moment after this returns.
 */
export function subscribeInbox(
  node: BeamNode,
  pubsub: PubSub,
  topic: string,
  options?: SubscribeOptions,
): Term[] {
  const inbox: Term[] = [];
  node.spawn((self) => {
    pubsub.subscribe(self, topic, options);
    self.handle((m) => {
      inbox.push(m);
    });
  });
  return inbox;
}

// A beamlink node in its own OS process, for test/cluster/pubsub-os-process.test.ts.
// Env: BL_EPMD_PORT, BL_COOKIE, BL_SNAME. Runs pg scope `pg` and PubSub MyApp.PubSub; two
// processes join pg group `child_workers`; an echo process subscribed to topic "ping"
// answers every message M on topic "pong" with {pong, Node, M, MembersOf(parent_workers)}.
// Prints "READY <node>" when up; stops when stdin closes.
import { startNode } from '../../../src/kernel/start-node.ts';
import { startScope } from '../../../src/pg/index.ts';
import { memoryLogger, type Process } from '../../../src/process/index.ts';
import { PubSub } from '../../../src/pubsub/index.ts';
import { atom, tuple } from '../../../src/term/types.ts';

const node = await startNode({
  sname: process.env.BL_SNAME!,
  cookie: process.env.BL_COOKIE!,
  epmdPort: Number(process.env.BL_EPMD_PORT),
  logger: memoryLogger(),
});
const pg = await startScope(node);
const ps = await PubSub.start(node, { name: 'MyApp.PubSub' });
const idle = async (self: Process): Promise<void> => {
  await self.receive(() => false);
};
pg.join(atom('child_workers'), [node.spawn(idle), node.spawn(idle)]);
node.spawn((self: Process) => {
  ps.subscribe(self, 'ping');
  self.handle((m) => {
    ps.broadcastFrom(
      self,
      'pong',
      tuple(atom('pong'), node.node, m, pg.getMembers(atom('parent_workers')).length),
    );
  });
});
process.stdout.write(`READY ${node.name}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void node.stop().then(() => process.exit(0));
});

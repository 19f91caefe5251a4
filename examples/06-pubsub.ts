// Phoenix.PubSub across two beamlink nodes (an Elixir node running Phoenix.PubSub named
// MyApp.PubSub joins the same way), and the :pg groups underneath it.
// Run: node --import tsx examples/06-pubsub.ts   (in your project: import from 'beamlink')
import { EpmdDaemon, PubSub, PHOENIX_PUBSUB_SCOPE, startNode } from '../src/index.ts';
import { atom, format, scopeOf, tuple } from '../src/index.ts';

const epmd = await EpmdDaemon.start({ port: 0 }); // private port mapper (not 4369)
const opts = { cookie: 'demo-cookie', epmdPort: epmd.port };
const a = await startNode({ sname: 'ps_a', ...opts });
const b = await startNode({ sname: 'ps_b', ...opts });
const psA = await PubSub.start(a, { name: 'MyApp.PubSub' }); // {Phoenix.PubSub, name: ...}
const psB = await PubSub.start(b, { name: 'MyApp.PubSub' });

const got = new Promise<string>((resolve) =>
  b.spawn(async (self) => {
    psB.subscribe(self, 'room:lobby'); // Phoenix.PubSub.subscribe(MyApp.PubSub, "room:lobby")
    resolve(format((await self.receive())!));
  }),
);

await a.connect(b.name); // Node.connect/1
// A broadcast reaches the nodes whose adapter process a's :pg scope knows; pg syncs just
// after the connection comes up, so wait for b's member to show.
const pg = scopeOf(a.runtime, PHOENIX_PUBSUB_SCOPE)!; // :pg scope Phoenix.PubSub
const group = atom('Elixir.MyApp.PubSub.Adapter');
while (pg.getMembers(group).length < 2) await new Promise((r) => setTimeout(r, 5));
console.log(pg.getMembers(group).map((p) => format(p))); // :pg.get_members/2: two pids

// Phoenix.PubSub.broadcast(MyApp.PubSub, "room:lobby", {:new_msg, "hi"}) from node a
psA.broadcast('room:lobby', tuple(atom('new_msg'), 'hi'));
console.log('b received', await got); // b received {:new_msg, "hi"}
await a.stop();
await b.stop();
await epmd.stop();

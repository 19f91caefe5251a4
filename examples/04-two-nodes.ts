// Two beamlink nodes in one JS process: a private port mapper, ping, messages by name, a
// remote GenServer call, node monitoring. Nothing touches port 4369.
// Run: node --import tsx examples/04-two-nodes.ts   (in your project: import from 'beamlink')
import { EpmdDaemon, GenServer, startNode, type From, type Term } from '../src/index.ts';

const epmd = await EpmdDaemon.start({ port: 0 }); // epmd -port N (a free port)
const opts = { cookie: 'demo-cookie', epmdPort: epmd.port };
const a = await startNode({ sname: 'ex_a', ...opts }); // iex --sname ex_a --cookie demo-cookie
const b = await startNode({ sname: 'ex_b', ...opts });

// :net_kernel.monitor_nodes(true): {:nodeup, node} / {:nodedown, node}
let sawNodedown: () => void;
const nodedown = new Promise<void>((resolve) => (sawNodedown = resolve));
const stopWatching = a.monitorNodes((e) => {
  console.log(`a sees ${e.type} ${e.node.name}`);
  if (e.type === 'nodedown') sawNodedown();
});

console.log(await a.ping(b.name)); // pong   (Node.ping/1)
console.log(a.nodes().map(String)); // [ 'ex_b@<host>' ]   (Node.list/0)

// A GenServer registered on node b, called from node a as {:kv, :"ex_b@host"}.
const kv = {
  init: (): { ok: Map<Term, Term> } => ({ ok: new Map() }),
  handleCall(req: Term, _from: From, state: Map<Term, Term>) {
    const [op, key, value] = req as Term[];
    if (op === 'put') state.set(key!, value!);
    return { reply: state.get(key!) ?? null, state };
  },
};
await GenServer.start(b.runtime, kv, null, { name: 'kv' });
await GenServer.call(a.runtime, ['kv', b.name], ['put', 'lang', 'TypeScript']);
console.log(await GenServer.call(a.runtime, ['kv', b.name], ['get', 'lang'])); // TypeScript

await b.stop(); // a sees nodedown ex_b@<host>
await nodedown;
stopWatching();
await a.stop();
await epmd.stop();

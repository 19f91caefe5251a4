// Elixir calls TypeScript: a GenServer on a beamlink node, called from a real `elixir` node
// with GenServer.call/2 and :sys.get_state/1, plus send/2 to a registered process.
// Run: node --import tsx examples/07-from-elixir.ts   (in your project: import from 'beamlink')
import { execFile } from 'node:child_process';
import { EpmdDaemon, GenServer, format, startNode, type From, type Term } from '../src/index.ts';

const epmd = await EpmdDaemon.start({ port: 0 }); // private port mapper (not 4369)
const node = await startNode({ sname: 'ex_gs', cookie: 'demo-cookie', epmdPort: epmd.port });
const counter = {
  init: () => ({ ok: 0 }),
  handleCall: (req: Term, _from: From, n: number) =>
    req === 'inc' ? { reply: n + 1, state: n + 1 } : { reply: n, state: n },
};
await GenServer.start(node.runtime, counter, null, { name: 'counter' });
const inbox = new Promise<string>((resolve) =>
  node.spawn(async (self) => resolve(format((await self.receive())!)), { name: 'inbox' }),
);

const script = `ts = :"${node.name}"
IO.inspect(GenServer.call({:counter, ts}, "inc"))
IO.inspect(GenServer.call({:counter, ts}, "inc"))
IO.inspect(:sys.get_state({:counter, ts}))
send({:inbox, ts}, {:hello, self(), ~c"charlist", %{from: :elixir}})
IO.inspect(Node.list())`;
const args = ['--sname', 'ex_iex', '--cookie', 'demo-cookie', '-e', script];
const env = { ...process.env, ERL_EPMD_PORT: String(epmd.port) };
await new Promise<void>((done) =>
  execFile('elixir', args, { env, timeout: 60_000 }, (error, stdout, stderr) => {
    if (error && 'code' in error && error.code === 'ENOENT') console.log('elixir is not installed');
    else process.stdout.write(stdout + stderr); // 1, 2, 2, [:"ex_gs@host"]
    done();
  }),
);
console.log('inbox got', await Promise.race([inbox, 'nothing'])); // {:hello, #PID<1...>, ...}
await node.stop();
await epmd.stop();

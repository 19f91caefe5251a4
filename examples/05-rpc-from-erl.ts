// Erlang calls TypeScript: a beamlink node exposes a module, and a real `erl` node calls it
// with rpc:call/4 (the same as `:rpc.call/4` from iex). Skips the erl part if erl is missing.
// Run: node --import tsx examples/05-rpc-from-erl.ts   (in your project: import from 'beamlink')
import { execFile } from 'node:child_process';
import { EpmdDaemon, startRpcNode } from '../src/index.ts';

const epmd = await EpmdDaemon.start({ port: 0 }); // private port mapper (not 4369)
const node = await startRpcNode({ sname: 'ex_ts', cookie: 'demo-cookie', epmdPort: epmd.port });
node.rpc.modules.define('Elixir.Greeter', {
  hello: (name: string) => `Hello, ${name}, from ${node.name}`,
  add: (a: number, b: number) => a + b,
});

// By hand: start a shell with the same port mapper and cookie, e.g.
//   ERL_EPMD_PORT=<port> iex --sname ex_iex --cookie demo-cookie
//   iex> :rpc.call(:"ex_ts@host", Greeter, :hello, ["iex"])  #=> "Hello, iex, from ex_ts@host"
//   iex> :erpc.call(:"ex_ts@host", Greeter, :add, [1, 2])     #=> 3
//   iex> Node.list()                                          #=> [:"ex_ts@host"]
const script = `T = '${node.name}',
  io:format("~p~n", [rpc:call(T, 'Elixir.Greeter', hello, [<<"erl">>])]),
  io:format("~p~n", [erpc:call(T, 'Elixir.Greeter', add, [1, 2])]),
  io:format("~p~n", [rpc:call(T, 'Elixir.Greeter', nope, [])]),
  io:format("~p~n", [nodes()]), halt().`;
const args = ['-sname', 'ex_erl', '-setcookie', 'demo-cookie', '-noshell', '-eval', script];
const env = { ...process.env, ERL_EPMD_PORT: String(epmd.port) };
// Asynchronous on purpose: this event loop serves erl's port-mapper and rpc requests.
await new Promise<void>((done) =>
  execFile('erl', args, { env, timeout: 60_000 }, (error, stdout, stderr) => {
    if (error && 'code' in error && error.code === 'ENOENT') console.log('erl is not installed');
    else process.stdout.write(stdout + stderr);
    // <<"Hello, erl, from ex_ts@host">>  3  {badrpc,{'EXIT',{undef,[...]}}}  [ex_ts@host]
    done();
  }),
);
await node.stop();
await epmd.stop();

// The BEAM twin of two-process.bench.ts: two real erl nodes on loopback doing the same
// workloads (one-way small messages, 1 MiB binaries) with compiled code, driven over
// stdin. Run both in the same invocation to get a ratio:
//   node --import tsx bench/dist/beam-twin.bench.ts [--quick] && node --import tsx bench/dist/two-process.bench.ts [--quick]
import { EpmdProcess, ErlangPeer, uniqueName } from '../../test/support/erlang-peer.ts';

const quick = process.argv.includes('--quick');

const MODULE = `
-module(beamlink_dist_bench).
-export([sink/0, send/3, run/4]).
sink() -> receive {expect, N, From} -> count(N, From) end.
count(0, From) -> From ! done;
count(K, From) -> receive _ -> count(K - 1, From) end.
send(_, _, 0) -> ok;
send(Dest, Msg, K) -> Dest ! Msg, send(Dest, Msg, K - 1).
run(Node, Msg, N, _) ->
    Sink = spawn(Node, ?MODULE, sink, []),
    Sink ! {expect, N, self()},
    T0 = erlang:monotonic_time(microsecond),
    send(Sink, Msg, N),
    receive done -> ok end,
    erlang:monotonic_time(microsecond) - T0.
`;

async function load(peer: ErlangPeer): Promise<void> {
  const path = `/tmp/beamlink_dist_bench_${process.pid}_${peer.alive}.erl`;
  const src = JSON.stringify(MODULE);
  await peer.eval(
    `ok = file:write_file(${JSON.stringify(path)}, ${src}), {ok, beamlink_dist_bench, Bin} = compile:file(${JSON.stringify(path)}, [binary]), file:delete(${JSON.stringify(path)}), {module, _} = code:load_binary(beamlink_dist_bench, ${JSON.stringify(path)}, Bin), ok.`,
  );
}

const epmd = await EpmdProcess.start();
const a = await ErlangPeer.start({ epmdPort: epmd.port, sname: uniqueName('bencha'), cookie: 'b' });
const b = await ErlangPeer.start({ epmdPort: epmd.port, sname: uniqueName('benchb'), cookie: 'b' });
try {
  await load(a);
  await load(b);
  const connectStart = Date.now();
  if ((await a.eval(`net_adm:ping('${b.node}').`)) !== 'pong') throw new Error('no connection');
  console.log(`${a.release.label}, two erl nodes (ping incl. connect ${Date.now() - connectStart} ms)`);
  let k = 0;
  async function run(label: string, n: number, msg: string, bytes = 0): Promise<void> {
    k++;
    const us = Number(await a.eval(`beamlink_dist_bench:run('${b.node}', ${msg}, ${n}, ${k}).`, 600_000));
    const sec = us / 1e6;
    const rate = bytes ? `${((n * bytes) / sec / 1e9).toFixed(2)} GB/s` : `${(n / sec / 1000).toFixed(0)} k msg/s`;
    console.log(`BEAM ${label.padEnd(29)} ${rate}`);
  }
  await run('one-way small {count, N}', quick ? 200_000 : 2_000_000, '{count, 12345}');
  await run('bulk 1 MiB binaries', quick ? 128 : 1024, 'binary:copy(<<255>>, 1048576)', 1 << 20);
} finally {
  await a.stop();
  await b.stop();
  await epmd.stop();
}

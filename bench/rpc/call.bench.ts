// rpc:call latency and throughput with one caller, beside BEAM in the same invocation:
//   beam→beam          rpc:call(B, erlang, node, []) between two erl nodes (the baseline)
//   beam→beamlink      the same call from erl to a beamlink node
//   beamlink→beamlink  node.rpc.call between two beamlink nodes in this process (TCP)
//   beamlink→beam      node.rpc.call from beamlink to erl
// Then K = 64 callers at once (throughput). Each latency row: N sequential calls after a warm-up; p50, p99 (µs), calls/s, and the CPU time this
// JS process spent per call (meaningful even when the machine is loaded).
// Run: node --import tsx bench/rpc/call.bench.ts [--quick]
// BENCH_ERL="chroot /var/tmp/beamlink-otp27 erl" is not supported here: it uses the
// host's erl through test/support/erlang-peer.ts (BEAMLINK_OTP=27 picks the chroot).
import { EpmdDaemon } from '../../src/epmd/daemon.ts';
import { memoryLogger } from '../../src/process/logger.ts';
import { startRpcNode, type RpcBeamNode } from '../../src/rpc/index.ts';
import { ErlangPeer, erlangReleases, uniqueName } from '../../test/support/erlang-peer.ts';

const quick = process.argv.includes('--quick');
const N = quick ? 2_000 : 20_000;
const WARM = quick ? 500 : 3_000;

interface Stats {
  p50: number;
  p99: number;
  perSec: number;
  /** CPU time of this JS process per call (both ends when both are beamlink), µs. */
  cpuUs?: number;
}

function stats(samplesUs: number[], totalMs: number): Stats {
  const s = [...samplesUs].sort((a, b) => a - b);
  return {
    p50: s[Math.floor(s.length * 0.5)]!,
    p99: s[Math.floor(s.length * 0.99)]!,
    perSec: (s.length / totalMs) * 1000,
  };
}

function line(name: string, st: Stats): void {
  console.log(
    `${name.padEnd(20)} p50 ${st.p50.toFixed(0).padStart(5)} µs   p99 ${st.p99.toFixed(0).padStart(5)} µs   ${(st.perSec / 1000).toFixed(1).padStart(6)} k calls/s` +
      (st.cpuUs === undefined ? '' : `   JS CPU ${st.cpuUs.toFixed(1)} µs/call`),
  );
}

async function tsLoop(from: RpcBeamNode, to: string): Promise<Stats> {
  for (let i = 0; i < WARM; i++) await from.rpc.call(to, 'erlang', 'node', []);
  const samples: number[] = [];
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const s = process.hrtime.bigint();
    await from.rpc.call(to, 'erlang', 'node', []);
    samples.push(Number(process.hrtime.bigint() - s) / 1000);
  }
  const st = stats(samples, performance.now() - t0);
  const c = process.cpuUsage(c0);
  return { ...st, cpuUs: (c.user + c.system) / N };
}

/** erl measures its own calls and returns {P50, P99, PerSec}. */
let loops = 0;
async function beamLoop(erl: ErlangPeer, to: string): Promise<Stats> {
  loops += 1;
  // the peer keeps bindings between evals: fresh variable names each time
  const src =
    `BenchTo = '${to}', ` +
    `[rpc:call(BenchTo, erlang, node, []) || _ <- lists:seq(1, ${WARM})], ` +
    `BenchT0 = erlang:monotonic_time(), ` +
    `BenchS = [begin S = erlang:monotonic_time(), BenchTo = rpc:call(BenchTo, erlang, node, []), ` +
    `erlang:convert_time_unit(erlang:monotonic_time() - S, native, nanosecond) end || _ <- lists:seq(1, ${N})], ` +
    `BenchMs = erlang:convert_time_unit(erlang:monotonic_time() - BenchT0, native, microsecond) / 1000, ` +
    `BenchSorted = lists:sort(BenchS), ` +
    `{lists:nth(${Math.floor(N * 0.5) + 1}, BenchSorted) / 1000, lists:nth(${Math.floor(N * 0.99) + 1}, BenchSorted) / 1000, ${N} / BenchMs * 1000}.`;
  const out = await erl.eval(src.replace(/Bench(\w+)/g, `Bench$1_${loops}`), 600_000);
  const [p50, p99, perSec] = out
    .replace(/[{}]/g, '')
    .split(',')
    .map((x) => Number(x));
  return { p50: p50!, p99: p99!, perSec: perSec! };
}

const K = 64;

/** K callers in flight at once: calls/s. */
async function tsParallel(from: RpcBeamNode, to: string): Promise<number> {
  const per = Math.ceil(N / K);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: K }, async () => {
      for (let i = 0; i < per; i++) await from.rpc.call(to, 'erlang', 'node', []);
    }),
  );
  return ((per * K) / (performance.now() - t0)) * 1000;
}

async function beamParallel(erl: ErlangPeer, to: string): Promise<number> {
  loops += 1;
  const per = Math.ceil(N / K);
  const src =
    `BenchTo = '${to}', BenchSelf = self(), BenchT0 = erlang:monotonic_time(), ` +
    `[spawn(fun() -> [rpc:call(BenchTo, erlang, node, []) || _ <- lists:seq(1, ${per})], BenchSelf ! bench_done end) || _ <- lists:seq(1, ${K})], ` +
    `[receive bench_done -> ok end || _ <- lists:seq(1, ${K})], ` +
    `${per * K} / (erlang:convert_time_unit(erlang:monotonic_time() - BenchT0, native, microsecond) / 1000000).`;
  const out = await erl.eval(src.replace(/Bench(\w+)/g, `Bench$1_${loops}`), 600_000);
  return Number(out);
}

function pline(name: string, perSec: number): void {
  console.log(
    `${name.padEnd(20)} ${(perSec / 1000).toFixed(1).padStart(6)} k calls/s (${K} callers)`,
  );
}

async function main(): Promise<void> {
  const release = erlangReleases()[0];
  const epmd = await EpmdDaemon.start({ port: 0 });
  const cookie = 'bench';
  const [erlA, erlB, a, b] = await Promise.all([
    ErlangPeer.start({ release, epmdPort: epmd.port, sname: uniqueName('erla'), cookie }),
    ErlangPeer.start({ release, epmdPort: epmd.port, sname: uniqueName('erlb'), cookie }),
    startRpcNode({ sname: uniqueName('tsa'), cookie, epmdPort: epmd.port, logger: memoryLogger() }),
    startRpcNode({ sname: uniqueName('tsb'), cookie, epmdPort: epmd.port, logger: memoryLogger() }),
  ]);
  try {
    console.log(
      `rpc.call erlang:node/0, one caller, ${N} calls (${release?.label ?? 'no erl'}, Node ${process.version})`,
    );
    line('beam→beam', await beamLoop(erlA, erlB.node));
    const c0 = process.cpuUsage();
    const bt = await beamLoop(erlA, b.name);
    const c = process.cpuUsage(c0);
    line('beam→beamlink', { ...bt, cpuUs: (c.user + c.system) / (N + WARM) });
    line('beamlink→beamlink', await tsLoop(a, b.name));
    line('beamlink→beam', await tsLoop(a, erlB.node));
    pline('beam→beam', await beamParallel(erlA, erlB.node));
    pline('beam→beamlink', await beamParallel(erlA, b.name));
    pline('beamlink→beamlink', await tsParallel(a, b.name));
    pline('beamlink→beam', await tsParallel(a, erlB.node));
  } finally {
    await Promise.all([a.stop(), b.stop(), erlA.stop(), erlB.stop()]);
    await epmd.stop();
  }
}

await main();

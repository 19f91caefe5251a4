// rpc:call latency and throughput with one caller, beside BEAM in the same invocation:
//   beam→beam          rpc:call(B, erlang, node, []) between two erl nodes (the baseline)
//   beam→beamlink      the same call from erl to a beamlink node
//   beamlink→beamlink  node.rpc.call between two beamlink nodes in this process (TCP)
//   beamlink→beam      node.rpc.call from beamlink to erl
// Then K = 16 callers at once (throughput). Each latency row: N sequential calls after a
// warm-up; p50, p99 (µs), calls/s. Run by run.ts (the `rpc` scenario); BENCH_OTP=27
// picks the OTP 27 chroot for the erl nodes (test/support/erlang-peer.ts).
import { EpmdDaemon } from '../../src/epmd/daemon.ts';
import { memoryLogger } from '../../src/process/logger.ts';
import { startRpcNode, type RpcBeamNode } from '../../src/rpc/index.ts';
import { ErlangPeer, erlangReleases, uniqueName } from '../../test/support/erlang-peer.ts';
import type { BenchScenario, ScenarioContext, ScenarioRow } from '../registry.ts';

let N = 20_000;
let WARM = 3_000;

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

const K = 16;

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

async function run(ctx: ScenarioContext): Promise<ScenarioRow[]> {
  N = ctx.quick ? 2_000 : 10_000;
  WARM = ctx.quick ? 500 : 2_000;
  const release = erlangReleases().find((r) => r.otp === ctx.otp) ?? erlangReleases()[0];
  const epmd = await EpmdDaemon.start({ port: 0 });
  const cookie = 'bench';
  const [erlA, erlB, a, b] = await Promise.all([
    ErlangPeer.start({ release, epmdPort: epmd.port, sname: uniqueName('erla'), cookie }),
    ErlangPeer.start({ release, epmdPort: epmd.port, sname: uniqueName('erlb'), cookie }),
    startRpcNode({ sname: uniqueName('tsa'), cookie, epmdPort: epmd.port, logger: memoryLogger() }),
    startRpcNode({ sname: uniqueName('tsb'), cookie, epmdPort: epmd.port, logger: memoryLogger() }),
  ]);
  try {
    const bb = await beamLoop(erlA, erlB.node);
    const bt = await beamLoop(erlA, b.name);
    const tt = await tsLoop(a, b.name);
    const tb = await tsLoop(a, erlB.node);
    const pbb = await beamParallel(erlA, erlB.node);
    const pbt = await beamParallel(erlA, b.name);
    const ptt = await tsParallel(a, b.name);
    const ptb = await tsParallel(a, erlB.node);
    const row = (
      name: string,
      unit: string,
      higherIsBetter: boolean,
      f: (s: Stats) => number,
    ): ScenarioRow => ({
      name,
      unit,
      higherIsBetter,
      values: {
        'beamlink→beamlink': f(tt),
        'beamlink→BEAM': f(tb),
        'BEAM→beamlink': f(bt),
        'BEAM→BEAM': f(bb),
      },
    });
    return [
      row('rpc:call p50 (1 caller)', 'µs', false, (s) => s.p50),
      row('rpc:call p99 (1 caller)', 'µs', false, (s) => s.p99),
      row('calls/s (1 caller)', 'calls/s', true, (s) => s.perSec),
      {
        name: `calls/s (${K} callers)`,
        unit: 'calls/s',
        higherIsBetter: true,
        values: {
          'beamlink→beamlink': ptt,
          'beamlink→BEAM': ptb,
          'BEAM→beamlink': pbt,
          'BEAM→BEAM': pbb,
        },
      },
    ];
  } finally {
    await Promise.all([a.stop(), b.stop(), erlA.stop(), erlB.stop()]);
    await epmd.stop();
  }
}

/** rpc:call(Node, erlang, node, []) in both directions beside BEAM↔BEAM. */
export const scenarios: BenchScenario[] = [
  {
    name: 'rpc',
    columns: ['beamlink→beamlink', 'beamlink→BEAM', 'BEAM→beamlink', 'BEAM→BEAM'],
    baseline: 'BEAM→BEAM',
    run,
  },
];

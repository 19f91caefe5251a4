/**
 * `rpc:call(B, erlang, node, [])` with one caller, p50/p99 (µs) and calls/s, each node its
 * own OS process (../distribution/cluster.ts): beamlink→beamlink, beamlink→BEAM,
 * BEAM→beamlink, BEAM→BEAM (the baseline). Issue 6's targets: beamlink→beamlink and
 * BEAM→beamlink at or below BEAM→BEAM latency, p50 and p99. N sequential calls after a
 * warm-up of N/5, in every column; BENCH_REPEAT=n repeats and keeps the medians. The same
 * rows again, after them, with a second pair of beamlink nodes run with BENCH_TUNED's
 * node flags (cluster.ts tunedFlags: default `--min-semi-space-size=16`; empty: not
 * measured).
 */
import {
  columnsOf,
  measureAll,
  onPair,
  startCluster,
  tunedFlags,
  type Measure,
} from '../distribution/cluster.ts';
import type { BenchScenario, ScenarioContext, ScenarioRow } from '../registry.ts';

const targets = { 'beamlink→beamlink': 1, 'BEAM→beamlink': 1 };

async function run(ctx: ScenarioContext): Promise<ScenarioRow[]> {
  const n = ctx.quick ? 2_000 : 20_000;
  const cluster = await startCluster(ctx);
  try {
    const rpc: Measure = {
      rows: [
        { name: 'rpc:call p50 (1 caller)', unit: 'µs', higherIsBetter: false, targets },
        { name: 'rpc:call p99 (1 caller)', unit: 'µs', higherIsBetter: false, targets },
        { name: 'calls/s (1 caller)', unit: 'calls/s', higherIsBetter: true },
      ],
      run: async (c, to) => {
        const l = await c.rpc(to, n, n / 5);
        return [l.p50, l.p99, l.perSec];
      },
    };
    const columns = columnsOf(cluster, '→');
    const rows = await measureAll(columns, [rpc], ctx.repeat);
    const tuned = tunedFlags();
    if (tuned.length > 0) {
      // the same columns again with a pair of tuned beamlink nodes, started only now: with
      // the two measures interleaved, the default nodes sat idle for seconds between
      // their turns and their beamlink→beamlink p99 doubled (not explained yet; V8's
      // heap shrinking of an idle process is the suspect)
      const pair = await cluster.startPair(tuned);
      const again = onPair(cluster, pair, ` (beamlink ${tuned.join(' ')})`, rpc);
      rows.push(...(await measureAll(columns, [again], ctx.repeat)));
    }
    return rows;
  } finally {
    await cluster.stop();
  }
}

/** rpc:call(Node, erlang, node, []) in both directions beside BEAM→BEAM. */
export const scenarios: BenchScenario[] = [
  {
    name: 'rpc',
    columns: ['beamlink→beamlink', 'beamlink→BEAM', 'BEAM→beamlink', 'BEAM→BEAM'],
    baseline: 'BEAM→BEAM',
    repeats: true,
    run,
  },
];

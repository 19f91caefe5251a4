/**
 * `rpc:call(B, erlang, node, [])` with one caller, p50/p99 (µs) and calls/s, each node its
 * own OS process (../distribution/cluster.ts): beamlink→beamlink, beamlink→BEAM,
 * BEAM→beamlink, BEAM→BEAM (the baseline). Issue 6's targets: beamlink→beamlink and
 * BEAM→beamlink at or below BEAM→BEAM latency, p50 and p99. N sequential calls after a
 * warm-up of N/5, in every column; BENCH_REPEAT=n repeats and keeps the medians. The same
 * rows again with a second pair of beamlink nodes run with BENCH_RPC_TUNED's node flags
 * (default `--min-semi-space-size=16`; empty: not measured), interleaved with the first.
 */
import {
  columnsOf,
  measureAll,
  startCluster,
  type Measure,
  type Side,
} from '../distribution/cluster.ts';
import type { BenchScenario, ScenarioContext, ScenarioRow } from '../registry.ts';

const targets = { 'beamlink→beamlink': 1, 'BEAM→beamlink': 1 };

/**
 * Node flags of a second pair of beamlink nodes measured beside the default pair
 * (BENCH_RPC_TUNED; empty for none): the p99 gap to BEAM is mostly young-generation GC,
 * which a larger young generation makes rarer (docs/rpc.md, "Tuning"). Separate rows, so
 * the default rows stay what an untuned node does.
 */
const TUNED = (process.env.BENCH_RPC_TUNED ?? '--min-semi-space-size=16')
  .split(' ')
  .filter(Boolean);

async function run(ctx: ScenarioContext): Promise<ScenarioRow[]> {
  const n = ctx.quick ? 2_000 : 20_000;
  const cluster = await startCluster(ctx);
  try {
    const measures: Measure[] = [
      {
        rows: [
          { name: 'rpc:call p50 (1 caller)', unit: 'µs', higherIsBetter: false, targets },
          { name: 'rpc:call p99 (1 caller)', unit: 'µs', higherIsBetter: false, targets },
          { name: 'calls/s (1 caller)', unit: 'calls/s', higherIsBetter: true },
        ],
        run: async (c, to) => {
          const l = await c.rpc(to, n, n / 5);
          return [l.p50, l.p99, l.perSec];
        },
      },
    ];
    if (TUNED.length > 0) {
      // the same columns with the tuned pair in place of the default one
      const [t0, t1] = await cluster.startPair(TUNED);
      const client = (s: Side): Side => (s === cluster.bl[0] ? t0 : s);
      const server = (to: string): string => (to === cluster.bl[1].node ? t1.node : to);
      const flags = TUNED.join(' ');
      measures.push({
        rows: [
          { name: `rpc:call p50 (1 caller; beamlink ${flags})`, unit: 'µs', higherIsBetter: false },
          { name: `rpc:call p99 (1 caller; beamlink ${flags})`, unit: 'µs', higherIsBetter: false },
          { name: `calls/s (1 caller; beamlink ${flags})`, unit: 'calls/s', higherIsBetter: true },
        ],
        run: async (c, to) => {
          const l = await client(c).rpc(server(to), n, n / 5);
          return [l.p50, l.p99, l.perSec];
        },
      });
    }
    return await measureAll(columnsOf(cluster, '→'), measures, ctx.repeat);
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

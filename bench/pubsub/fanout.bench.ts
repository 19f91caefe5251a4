/**
 * PubSub fan-out beside BEAM (pubsub_bench.erl, run in the same invocation):
 *
 * - local:   one broadcast to 10,000 subscribers on one node;
 * - cluster: one broadcast to 10,000 subscribers spread over 3 nodes (loopback TCP; the
 *            beamlink nodes share this one event loop, the BEAM nodes are 3 OS processes).
 *
 * Latency is the time from the broadcast call until the last subscriber has the message
 * (median and p90 of 30 rounds); msgs/s is the delivery rate of 50 back-to-back broadcasts.
 * The BEAM side is OTP's pg in Phoenix.PubSub's PG2 shape (one forward per remote node,
 * local fan-out there); the beamlink side is `PubSub` (registry + pg adapter), and, for the
 * local case, also raw `pg.getMembers` + send.
 *
 * Run by run.ts (the `pubsub` scenario); the BEAM side uses the host's erl.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EpmdDaemon } from '../../src/epmd/daemon.ts';
import { startNode, type BeamNode } from '../../src/kernel/start-node.ts';
import { startScope, type PgScope } from '../../src/pg/index.ts';
import { memoryLogger, type Process } from '../../src/process/index.ts';
import { PubSub } from '../../src/pubsub/index.ts';
import { atom, tuple } from '../../src/term/types.ts';
import type { BenchScenario, ScenarioRow } from '../registry.ts';

const TOTAL = 10_000;
const COOKIE = 'bench_cookie';
const LAT_ROUNDS = 30;
const RATE_ROUNDS = 50;

interface Counter {
  n: number;
  perRound: number;
  waiters: Array<{ rounds: number; resolve: () => void }>;
}

function subscribers(
  node: BeamNode,
  count: number,
  onSpawn: (pid: import('../../src/term/types.ts').Pid) => void,
): Counter {
  const c: Counter = { n: 0, perRound: count, waiters: [] };
  for (let i = 0; i < count; i++) {
    const pid = node.spawn((self: Process) => {
      self.handle(() => {
        c.n++;
        if (c.n % c.perRound === 0) {
          for (const w of c.waiters) w.rounds--;
          const done = c.waiters.filter((w) => w.rounds <= 0);
          c.waiters = c.waiters.filter((w) => w.rounds > 0);
          for (const w of done) w.resolve();
        }
      });
    });
    onSpawn(pid);
  }
  return c;
}

function rounds(counters: Counter[], k: number): Promise<void> {
  return Promise.all(
    counters.map((c) => new Promise<void>((resolve) => c.waiters.push({ rounds: k, resolve }))),
  ).then(() => undefined);
}

interface Fanout {
  median: number;
  p90: number;
  rate: number;
}

async function measure(counters: Counter[], broadcast: (i: number) => void): Promise<Fanout> {
  for (let i = 0; i < 5; i++) {
    const r = rounds(counters, 1);
    broadcast(-1);
    await r;
  }
  const lat: number[] = [];
  for (let i = 0; i < LAT_ROUNDS; i++) {
    const r = rounds(counters, 1);
    const t0 = performance.now();
    broadcast(i);
    await r;
    lat.push(performance.now() - t0);
  }
  const r = rounds(counters, RATE_ROUNDS);
  const t0 = performance.now();
  for (let i = 0; i < RATE_ROUNDS; i++) broadcast(i);
  await r;
  const secs = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  return { median: lat[14]!, p90: lat[26]!, rate: (TOTAL * RATE_ROUNDS) / secs };
}

async function tsLocal(epmdPort: number): Promise<{ ps: Fanout; pg: Fanout }> {
  const node = await startNode({
    sname: `bench_local_${process.pid}`,
    cookie: COOKIE,
    epmdPort,
    logger: memoryLogger(),
  });
  const pg: PgScope = await startScope(node, { scope: 'bench_pg' });
  const ps = await PubSub.start(node, { name: 'Bench.PubSub' });
  const pids: import('../../src/term/types.ts').Pid[] = [];
  const c = subscribers(node, TOTAL, (pid) => pids.push(pid));
  pg.join(atom('subs'), pids);
  for (const pid of pids) ps.subscribe(pid, 'topic');
  const viaPubSub = await measure([c], (i) => ps.broadcast('topic', tuple(atom('msg'), i)));
  const viaPg = await measure([c], (i) => {
    const m = tuple(atom('msg'), i);
    for (const p of pg.getLocalMembers(atom('subs'))) node.send(p, m);
  });
  await node.stop();
  return { ps: viaPubSub, pg: viaPg };
}

async function tsCluster(epmdPort: number): Promise<Fanout> {
  const nodes: BeamNode[] = [];
  const pss: PubSub[] = [];
  for (let i = 0; i < 3; i++) {
    const node = await startNode({
      sname: `bench_c${i}_${process.pid}`,
      cookie: COOKIE,
      epmdPort,
      logger: memoryLogger(),
    });
    nodes.push(node);
    pss.push(await PubSub.start(node, { name: 'Bench.PubSub' }));
  }
  await nodes[0]!.connect(nodes[1]!.name);
  await nodes[0]!.connect(nodes[2]!.name);
  const per = Math.floor(TOTAL / 3);
  const counters = nodes.map((node, i) => {
    const c = subscribers(node, per, (pid) => pss[i]!.subscribe(pid, 'topic'));
    return c;
  });
  const adapter = atom('Elixir.Bench.PubSub.Adapter');
  const { scopeOf } = await import('../../src/pg/index.ts');
  while (
    nodes.some((n) => scopeOf(n.runtime, 'Elixir.Phoenix.PubSub')!.getMembers(adapter).length < 3)
  ) {
    await new Promise((r) => setTimeout(r, 10));
  }
  const r = await measure(counters, (i) => pss[0]!.broadcast('topic', tuple(atom('msg'), i)));
  for (const n of nodes) await n.stop();
  return r;
}

/** Runs erl without blocking the loop (the port mapper answers from this process). */
function erl(args: string[], epmdPort: number): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn('erl', args, { env: { ...process.env, ERL_EPMD_PORT: String(epmdPort) } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += String(d)));
    child.stderr.on('data', (d: Buffer) => (err += String(d)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(out.trim() ? `${out.trim()}\n` : `BEAM run failed: ${err}\n`);
    });
  });
}

/** The BEAM twin: `nodes` → its local (1) or cluster (3) fan-out. */
async function beam(epmdPort: number): Promise<Map<number, Fanout>> {
  const results = new Map<number, Fanout>();
  const dir = mkdtempSync(join(tmpdir(), 'pubsub_bench_'));
  const src = fileURLToPath(new URL('./pubsub_bench.erl', import.meta.url));
  const c = spawnSync('erlc', ['-o', dir, src], { encoding: 'utf8' });
  if (c.status !== 0) throw new Error(`erlc failed: ${c.stderr || c.error?.message}`);
  for (const nodesCount of [1, 3]) {
    const out = await erl(
      [
        '-noshell',
        '-sname',
        `pubsub_bench_${process.pid}_${nodesCount}`,
        '-setcookie',
        COOKIE,
        '-pa',
        dir,
        '-eval',
        `pubsub_bench:main(${TOTAL}, ${nodesCount}), halt().`,
      ],
      epmdPort,
    );
    const m = /median_latency_ms=([\d.]+) p90_latency_ms=([\d.]+) msgs_per_s=(\d+)/.exec(out);
    if (!m) throw new Error(`pubsub_bench.erl: ${out}`);
    results.set(nodesCount, { median: Number(m[1]), p90: Number(m[2]), rate: Number(m[3]) });
  }
  rmSync(dir, { recursive: true, force: true });
  return results;
}

/** Fan-out to 10,000 subscribers, local and over 3 nodes, beside OTP's pg on BEAM. */
export const scenarios: BenchScenario[] = [
  {
    name: 'pubsub',
    columns: ['beamlink PubSub', 'beamlink pg + send', 'BEAM'],
    baseline: 'BEAM',
    async run(): Promise<ScenarioRow[]> {
      const epmd = await EpmdDaemon.start({ port: 0 });
      try {
        const local = await tsLocal(epmd.port);
        const cluster = await tsCluster(epmd.port);
        const b = await beam(epmd.port);
        const rows = (
          label: string,
          ps: Fanout,
          pg: Fanout | undefined,
          bm: Fanout | undefined,
        ): ScenarioRow[] => [
          {
            name: `${label}: latency median`,
            unit: 'ms',
            higherIsBetter: false,
            values: {
              'beamlink PubSub': ps.median,
              'beamlink pg + send': pg?.median,
              BEAM: bm?.median,
            },
          },
          {
            name: `${label}: latency p90`,
            unit: 'ms',
            higherIsBetter: false,
            values: { 'beamlink PubSub': ps.p90, 'beamlink pg + send': pg?.p90, BEAM: bm?.p90 },
          },
          {
            name: `${label}: deliveries/s`,
            unit: 'msg/s',
            higherIsBetter: true,
            values: { 'beamlink PubSub': ps.rate, 'beamlink pg + send': pg?.rate, BEAM: bm?.rate },
          },
        ];
        return [
          ...rows(`local, ${TOTAL} subscribers`, local.ps, local.pg, b.get(1)),
          ...rows(`3 nodes, ${TOTAL} subscribers`, cluster, undefined, b.get(3)),
        ];
      } finally {
        await epmd.stop();
      }
    },
  },
];

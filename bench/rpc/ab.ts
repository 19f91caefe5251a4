// Interleaved A/B of beamlink→beamlink rpc:call latency between variants: node flags
// (`--min-semi-space-size=16`) and/or another checkout's source tree. Every variant gets
// its own pair of worker processes (node-worker.ts bundled from that tree), all started
// at once on one epmd; then, round after round, each variant makes a short burst of
// calls in turn, so that the machine's slow and fast minutes hit every variant alike.
// The samples of all rounds are pooled per variant (p50, p99, p99.9, mean), and each
// round's p50 and p99 are kept too (their median over the rounds is steadier).
//
//   flock /tmp/beamlink-bench.lock node --import tsx bench/rpc/ab.ts \
//     default: --max-semi=--max-semi-space-size=64 min16=--min-semi-space-size=16
//   AB_TREES="base=/tmp/base-checkout" ... bench/rpc/ab.ts base@base: mine:
//
// A variant is `label=flags` (flags space-separated, may be empty; `NAME=value` among them
// is an environment variable of the worker, e.g. BEAMLINK_BUSY_WAIT=0) with an optional
// `@tree` after the label (a name from AB_TREES; default: this checkout).
// AB_ROUNDS (default 20) rounds of AB_N (default 2000) calls after AB_N / 5 warm-up calls.
// AB_ERL=1 adds an erl node (OTP 25; AB_ERL=27 for the OTP 27 chroot) that calls each
// variant's server in every round too (BEAM→beamlink; erl reports each round's p50/p99).
//
// AB_WHAT=connect|connect0|oneway|callpar|bulk measures BEAM→beamlink only, with dist_bench.erl's
// client functions (the dist scenario's connect, one-way, 16-caller and 1 MiB rows; AB_N
// is then the count per round: connects, messages, calls per caller, MiB), the erl
// client being AB_ERL's release (default OTP 25); a second erl node serving the same is
// the baseline row `BEAM↔BEAM`. The median of the rounds is printed per variant.
// AB_CALLERS sets callpar's concurrent callers (default 16).
// AB_BL=1 adds a beamlink↔beamlink row per variant (a second worker of it as the client).
// Those rows also print the beamlink server's CPU time and minor page faults per round
// (/proc/<pid>/stat, Linux; medians over the rounds). AB_SETTLE_MS pauses before each
// measurement of these modes, so that none starts while the previous one's nodes are
// still busy (collecting garbage, spinning).
// BENCH_CC=cubic: new TCP sockets use that congestion control for the run (root; tcp-cc.ts).
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleTo } from '../build.ts';
import { procStat } from '../proc.ts';
import {
  EpmdProcess,
  ErlangPeer,
  erlangReleases,
  uniqueName,
} from '../../test/support/erlang-peer.ts';
import { loadBeamModule, Worker } from '../distribution/cluster.ts';
import { schedulerNote } from '../sched.ts';
import { congestionControlFromEnv } from '../tcp-cc.ts';

interface Variant {
  readonly label: string;
  readonly tree: string;
  readonly flags: string[];
}

const here = fileURLToPath(new URL('../..', import.meta.url));
const trees = new Map<string, string>([['', here]]);
for (const t of (process.env.AB_TREES ?? '').split(/\s+/).filter(Boolean)) {
  const [name, dir] = t.split('=') as [string, string];
  trees.set(name, dir);
}
const variants: Variant[] = process.argv.slice(2).map((arg) => {
  const eq = arg.indexOf('=');
  const head = eq === -1 ? arg : arg.slice(0, eq);
  const flags =
    eq === -1
      ? []
      : arg
          .slice(eq + 1)
          .split(' ')
          .filter(Boolean);
  const [label, treeName = ''] = head.split('@') as [string, string?];
  const tree = trees.get(treeName);
  if (tree === undefined) throw new Error(`unknown tree ${treeName} (AB_TREES)`);
  return { label, tree, flags };
});
if (variants.length === 0) throw new Error('usage: ab.ts label=flags [label@tree=flags ...]');
const rounds = Number(process.env.AB_ROUNDS ?? 20);
console.log(`TCP congestion control: ${congestionControlFromEnv()}`);
console.log(`kernel scheduler settings: ${schedulerNote() ?? '(none on the command line)'}`);
/** Pause before each measurement (ms), for what the previous one left running to finish. */
const settleMs = Number(process.env.AB_SETTLE_MS ?? 0);
const what = process.env.AB_WHAT ?? 'rpc';
/** AB_CALLERS: concurrent callers of `callpar` (default 16, the dist scenario's). */
const callers = Number(process.env.AB_CALLERS ?? 16);
const erlOnly: Record<string, (to: string, n: number) => string> = {
  connect: (to, k) => `dist_bench:connect_times('${to}', ${k}).`,
  // connect without the 20 ms of idle time before each (the code and caches stay warm)
  connect0: (to, k) => `dist_bench:connect_times('${to}', ${k}, 0).`,
  oneway: (to, k) => `dist_bench:one_way('${to}', small, ${k}, ${Math.ceil(k / 10)}).`,
  callpar: (to, k) => `dist_bench:call_par('${to}', ${callers}, ${k}).`,
  bulk: (to, k) => `dist_bench:one_way('${to}', bulk, ${k}, ${Math.ceil(k / 8)}).`,
};
if (what !== 'rpc' && erlOnly[what] === undefined) throw new Error(`unknown AB_WHAT ${what}`);
const defaultN: Record<string, number> = {
  connect: 15,
  connect0: 15,
  oneway: 100_000,
  callpar: 500,
  bulk: 64,
};
const n = Number(process.env.AB_N ?? defaultN[what] ?? 2000);

const bundles = new Map<string, Promise<string>>();
function bundle(tree: string): Promise<string> {
  let b = bundles.get(tree);
  if (b === undefined) {
    b = bundleTo(join(tree, 'bench/dist/node-worker-ab.mjs'), {
      entryPoints: [join(tree, 'bench/distribution/node-worker.ts')],
    });
    bundles.set(tree, b);
  }
  return b;
}

async function worker(v: Variant): Promise<Worker> {
  // a flag like BEAMLINK_BUSY_WAIT=0 is an environment variable of the worker
  const isEnv = (f: string) => /^[A-Z_]+=/.test(f);
  const env = Object.fromEntries(
    v.flags.filter(isEnv).map((f) => [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)]),
  );
  const child = fork(await bundle(v.tree), [], {
    execArgv: v.flags.filter((f) => !isEnv(f)),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await once(child, 'spawn');
  return new Worker(child);
}

/** The load averages, for the lines printed before and after the rounds. */
const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

/** CPU seconds (user + system) and minor page faults of a process so far; undefined off Linux. */
function serverStat(pid: number | undefined): { cpu: number; faults: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const s = procStat(pid);
    return { cpu: s.user + s.system, faults: s.faults };
  } catch {
    return undefined;
  }
}

const pct = (s: number[], p: number): number =>
  s[Math.min(s.length - 1, Math.floor(s.length * p))]!;
const fmt = (x: number): string => x.toFixed(1).padStart(9);

const epmd = await EpmdProcess.start();
const workers: Worker[] = [];
let erl: ErlangPeer | undefined;
let base: ErlangPeer | undefined;
try {
  const erlOtp = process.env.AB_ERL ?? (what === 'rpc' ? undefined : '1');
  if (erlOtp !== undefined && erlOtp !== '' && erlOtp !== '0') {
    const release =
      erlOtp === '1' ? erlangReleases()[0] : erlangReleases().find((r) => String(r.otp) === erlOtp);
    if (release === undefined) throw new Error(`no erl release for AB_ERL=${erlOtp}`);
    erl = await ErlangPeer.start({
      release,
      epmdPort: epmd.port,
      sname: uniqueName('erl'),
      cookie: 'ab',
      args: ['-kernel', 'prevent_overlapping_partitions', 'false'],
    });
    await loadBeamModule(erl, 'dist_bench');
  }
  if (what !== 'rpc') {
    await erlOnlyRounds(erl!, erlOtp!);
    process.exit(0);
  }
  const pairs = await Promise.all(
    variants.map(async (v) => {
      const pair = await Promise.all([worker(v), worker(v)]);
      workers.push(...pair);
      const names = await Promise.all(
        pair.map((w) =>
          w.call<string>('start', { sname: uniqueName('ab'), cookie: 'ab', epmdPort: epmd.port }),
        ),
      );
      return {
        v,
        client: pair[0],
        server: names[1]!,
        samples: [] as number[],
        p50s: [] as number[],
        p99s: [] as number[],
        erlP50s: [] as number[],
        erlP99s: [] as number[],
      };
    }),
  );
  console.log(`load before: ${load()}`);
  for (let r = -1; r < rounds; r++) {
    // alternate the order, so that no variant always follows the same one
    const order = r % 2 === 0 ? pairs : [...pairs].reverse();
    for (const p of order) {
      const us = await p.client.call<number[]>('rpcSamples', p.server, n, n / 5);
      if (r < 0) continue;
      p.samples.push(...us);
      const s = us.sort((a, b) => a - b);
      p.p50s.push(pct(s, 0.5));
      p.p99s.push(pct(s, 0.99));
      if (erl !== undefined) {
        const text = await erl.eval(`dist_bench:rpc_lat('${p.server}', ${n}, ${n / 5}).`, 600_000);
        const [p50, p99] = text
          .replace(/[{}\s]/g, '')
          .split(',')
          .map(Number) as [number, number];
        p.erlP50s.push(p50);
        p.erlP99s.push(p99);
      }
    }
  }
  console.log(`load after: ${load()}`);
  console.log(`${rounds} rounds x ${n} calls per variant, pooled (µs):`);
  console.log(
    'variant'.padEnd(24) + '      p50      p99    p99.9     mean | median of rounds: p50      p99',
  );
  for (const p of pairs) {
    const s = p.samples.sort((a, b) => a - b);
    const mean = s.reduce((a, b) => a + b, 0) / s.length;
    const med = (xs: number[]): number =>
      pct(
        xs.sort((a, b) => a - b),
        0.5,
      );
    console.log(
      p.v.label.padEnd(24) +
        fmt(pct(s, 0.5)) +
        fmt(pct(s, 0.99)) +
        fmt(pct(s, 0.999)) +
        fmt(mean) +
        ' |'.padEnd(19) +
        fmt(med(p.p50s)) +
        fmt(med(p.p99s)) +
        (erl === undefined
          ? ''
          : ` | BEAM→beamlink, median of rounds: p50 ${fmt(med(p.erlP50s))} p99 ${fmt(med(p.erlP99s))}`),
    );
  }
} finally {
  await Promise.all([...workers.map((w) => w.stop()), erl?.stop(), base?.stop()]);
  await epmd.stop();
}

/** AB_WHAT other than rpc: the erl client measures every variant's server and a twin erl. */
async function erlOnlyRounds(client: ErlangPeer, otp: string): Promise<void> {
  const release =
    otp === '1' ? erlangReleases()[0] : erlangReleases().find((r) => String(r.otp) === otp);
  base = await ErlangPeer.start({
    release: release!,
    epmdPort: epmd.port,
    sname: uniqueName('erl'),
    cookie: 'ab',
    args: ['-kernel', 'prevent_overlapping_partitions', 'false'],
  });
  await loadBeamModule(base, 'dist_bench');
  await base.eval('dist_bench:serve().');
  // AB_BL=1: each variant also measures itself, a second worker of it as the client
  // (beamlink↔beamlink rows, the worker's own commands with the same counts).
  const withBl = process.env.AB_BL === '1';
  const blRun: Record<string, (w: Worker, to: string) => Promise<number>> = {
    connect: (w, to) => w.call('connect', to, n),
    oneway: (w, to) => w.call('oneWay', to, 'small', n, Math.ceil(n / 10)),
    callpar: (w, to) => w.call('callPar', to, callers, n),
    bulk: (w, to) => w.call('oneWay', to, 'bulk', n, Math.ceil(n / 8)),
  };
  interface Target {
    label: string;
    node: string;
    got: number[];
    blClient?: Worker;
    /** The server's OS pid and its CPU seconds per round (Linux /proc; beamlink servers). */
    pid?: number;
    cpu: number[];
    faults: number[];
  }
  const targets: Target[] = [{ label: 'BEAM↔BEAM', node: base.node, got: [], cpu: [], faults: [] }];
  for (const v of variants) {
    const w = await worker(v);
    workers.push(w);
    const node = await w.call<string>('start', {
      sname: uniqueName('ab'),
      cookie: 'ab',
      epmdPort: epmd.port,
    });
    targets.push({ label: v.label, node, got: [], pid: w.child.pid, cpu: [], faults: [] });
    if (withBl && blRun[what] !== undefined) {
      const c = await worker(v);
      workers.push(c);
      await c.call<string>('start', { sname: uniqueName('ab'), cookie: 'ab', epmdPort: epmd.port });
      targets.push({
        label: `${v.label} (bl↔bl)`,
        node,
        got: [],
        blClient: c,
        pid: w.child.pid,
        cpu: [],
        faults: [],
      });
    }
  }
  console.log(`load before: ${load()}`);
  for (let r = -1; r < rounds; r++) {
    const order = r % 2 === 0 ? targets : [...targets].reverse();
    for (const t of order) {
      if (settleMs > 0) await new Promise((resolve) => setTimeout(resolve, settleMs));
      const before = serverStat(t.pid);
      const v = t.blClient
        ? await blRun[what]!(t.blClient, t.node)
        : Number(await client.eval(erlOnly[what]!(t.node, n), 600_000));
      const after = serverStat(t.pid);
      if (r >= 0) {
        t.got.push(v);
        if (before && after) {
          t.cpu.push(after.cpu - before.cpu);
          t.faults.push(after.faults - before.faults);
        }
      }
    }
  }
  console.log(`load after: ${load()}`);
  console.log(
    `${what}: ${rounds} rounds of ${n}, erl client (median of rounds, min, max; beamlink server: CPU ms and minor page faults per round, medians)`,
  );
  for (const t of targets) {
    const s = t.got.sort((a, b) => a - b);
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    const server =
      t.cpu.length > 0
        ? `   server ${(med(t.cpu) * 1000).toFixed(0).padStart(6)} ms CPU ${String(med(t.faults)).padStart(7)} faults`
        : '';
    console.log(
      t.label.padEnd(24) + fmt(pct(s, 0.5)) + fmt(s[0]!) + fmt(s[s.length - 1]!) + server,
    );
  }
  await Promise.all([...workers.map((w) => w.stop()), client.stop(), base.stop()]);
  await epmd.stop();
}

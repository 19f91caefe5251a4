// Four nodes for the distribution and rpc scenarios, each in its own OS process: two
// beamlink nodes (node-worker.ts, bundled and forked with plain `node`) and two erl nodes
// (dist_bench.erl), on a private epmd; every side measures itself, as a client, against
// a server side. `measureAll` interleaves the columns in every repeat and keeps medians.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleTo } from '../build.ts';
import {
  EpmdProcess,
  ErlangPeer,
  erlangReleases,
  uniqueName,
  type ErlangRelease,
} from '../../test/support/erlang-peer.ts';
import type { ScenarioContext, ScenarioRow } from '../registry.ts';
import type { Latency } from './node-worker.ts';

/** A forked worker; `call` runs one of its commands. */
export class Worker {
  readonly child: ChildProcess;
  private next = 1;
  private readonly pending = new Map<number, (m: { result?: unknown; error?: string }) => void>();

  constructor(child: ChildProcess) {
    this.child = child;
    child.on('message', (m: { id: number; result?: unknown; error?: string }) => {
      this.pending.get(m.id)?.(m);
      this.pending.delete(m.id);
    });
    child.on('exit', (code) => {
      for (const f of this.pending.values()) f({ error: `worker exited (${code})` });
      this.pending.clear();
    });
  }

  call<T>(cmd: string, ...args: unknown[]): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, (m) => (m.error ? reject(new Error(m.error)) : resolve(m.result as T)));
      this.child.send({ id, cmd, args });
    });
  }

  /** Closes the IPC channel (the worker stops its node and exits), SIGKILL after 5 s. */
  async stop(): Promise<void> {
    const c = this.child;
    if (c.exitCode !== null || c.signalCode !== null) return;
    const exited = once(c, 'exit');
    const timer = setTimeout(() => c.kill('SIGKILL'), 5_000);
    c.disconnect();
    await exited;
    clearTimeout(timer);
  }
}

let bundle: Promise<string> | undefined;

/**
 * Forks node-worker.ts, bundled by esbuild once per run (bench/dist/, git-ignored), with
 * `execArgv` or else BENCH_NODE_ARGS as its node flags.
 */
export async function startWorker(execArgv?: readonly string[]): Promise<Worker> {
  bundle ??= bundleTo(fileURLToPath(new URL('../dist/node-worker.mjs', import.meta.url)), {
    entryPoints: [fileURLToPath(new URL('./node-worker.ts', import.meta.url))],
  });
  // BENCH_NODE_ARGS: flags for the worker processes (e.g. --cpu-prof, --trace-gc)
  const child = fork(await bundle, [], {
    execArgv: execArgv
      ? [...execArgv]
      : (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await once(child, 'spawn');
  return new Worker(child);
}

/** What every side measures, as a client, against a server node. */
export interface Side {
  /** The node name (`name@host`). */
  readonly node: string;
  /** The OS pid of a beamlink node's worker process (erl nodes: see proc.ts erlPid). */
  readonly osPid?: number;
  oneWay(to: string, kind: 'small' | 'bulk', n: number, warm: number): Promise<number>;
  call(to: string, n: number, warm: number): Promise<Latency>;
  callPar(to: string, k: number, per: number): Promise<number>;
  rpc(to: string, n: number, warm: number): Promise<Latency>;
  connect(to: string, k: number): Promise<number>;
}

function workerSide(w: Worker, node: string): Side {
  return {
    node,
    osPid: w.child.pid,
    oneWay: (...a) => w.call('oneWay', ...a),
    call: (...a) => w.call('call', ...a),
    callPar: (...a) => w.call('callPar', ...a),
    rpc: (...a) => w.call('rpc', ...a),
    connect: (...a) => w.call('connect', ...a),
  };
}

const LONG = 600_000;
const latencyOf = (text: string): Latency => {
  const [p50, p99, perSec] = text
    .replace(/[{}\s]/g, '')
    .split(',')
    .map(Number);
  return { p50: p50!, p99: p99!, perSec: perSec! };
};

function erlSide(p: ErlangPeer): Side {
  const ev = (src: string) => p.eval(src, LONG);
  return {
    node: p.node,
    oneWay: async (to, kind, n, warm) =>
      Number(await ev(`dist_bench:one_way('${to}', ${kind}, ${n}, ${warm}).`)),
    call: async (to, n, warm) =>
      latencyOf(await ev(`dist_bench:call_lat('${to}', ${n}, ${warm}).`)),
    callPar: async (to, k, per) => Number(await ev(`dist_bench:call_par('${to}', ${k}, ${per}).`)),
    rpc: async (to, n, warm) => latencyOf(await ev(`dist_bench:rpc_lat('${to}', ${n}, ${warm}).`)),
    connect: async (to, k) => Number(await ev(`dist_bench:connect_times('${to}', ${k}).`)),
  };
}

/** Compiles bench/beam/<module>.erl inside the peer (works in a chroot too) and loads it. */
export async function loadBeamModule(peer: ErlangPeer, module: string): Promise<void> {
  const src = readFileSync(new URL(`../beam/${module}.erl`, import.meta.url), 'utf8');
  const path = `/tmp/${module}_${process.pid}_${uniqueName('m')}.erl`;
  await peer.eval(
    `ok = file:write_file(${JSON.stringify(path)}, ${JSON.stringify(src)}), ` +
      `{ok, ${module}, Bin} = compile:file(${JSON.stringify(path)}, [binary]), ` +
      `file:delete(${JSON.stringify(path)}), ` +
      `{module, _} = code:load_binary(${module}, ${JSON.stringify(path)}, Bin), ok.`,
    120_000,
  );
}

export interface Cluster {
  /** Two beamlink nodes (each its own OS process) and two erl nodes. */
  readonly bl: readonly [Side, Side];
  readonly erl: readonly [Side, Side];
  /** Two more beamlink nodes in the same cluster, their processes run with `nodeArgs`. */
  startPair(nodeArgs: readonly string[]): Promise<readonly [Side, Side]>;
  stop(): Promise<void>;
}

/**
 * The erl release `ctx.otp` names (BENCH_OTP), else the host's first.
 *
 * @example
 * ```ts
 * const peer = await ErlangPeer.start({ release: releaseFor(ctx) });
 * ```
 */
export function releaseFor(ctx: ScenarioContext): ErlangRelease {
  const release =
    ctx.otp === undefined ? erlangReleases()[0] : erlangReleases().find((r) => r.otp === ctx.otp);
  if (!release) throw new Error(`no erl release for OTP ${ctx.otp ?? '(any)'} on this machine`);
  return release;
}

/**
 * Starts the four nodes on a private epmd (BENCH_OTP picks the erl release) and connects
 * every pair once. erl runs without prevent_overlapping_partitions, so that the connect
 * measurements (disconnect, ping) do not make global cut the other connections.
 */
export async function startCluster(ctx: ScenarioContext): Promise<Cluster> {
  const release = releaseFor(ctx);
  console.log(`(erl nodes: ${release.label}; beamlink nodes: Node ${process.version})`);
  console.log('');
  const epmd = await EpmdProcess.start();
  const workers: Worker[] = [];
  const peers: ErlangPeer[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all([...workers.map((w) => w.stop()), ...peers.map((p) => p.stop())]);
    await epmd.stop();
  };
  try {
    const cookie = 'bench';
    const args = ['-kernel', 'prevent_overlapping_partitions', 'false'];
    await Promise.all([
      ...[0, 1].map(() =>
        ErlangPeer.start({
          release,
          epmdPort: epmd.port,
          sname: uniqueName('erl'),
          cookie,
          args,
        }).then((p) => (peers.push(p), p)),
      ),
      ...[0, 1].map(() => startWorker().then((w) => (workers.push(w), w))),
    ]);
    for (const p of peers) {
      await loadBeamModule(p, 'dist_bench');
      await p.eval('dist_bench:serve().');
    }
    const names = await Promise.all(
      workers.map((w) =>
        w.call<string>('start', { sname: uniqueName('bl'), cookie, epmdPort: epmd.port }),
      ),
    );
    const bl = [workerSide(workers[0]!, names[0]!), workerSide(workers[1]!, names[1]!)] as const;
    const erl = [erlSide(peers[0]!), erlSide(peers[1]!)] as const;
    const startPair = async (nodeArgs: readonly string[]): Promise<readonly [Side, Side]> => {
      const pair = await Promise.all([startWorker(nodeArgs), startWorker(nodeArgs)]);
      workers.push(...pair);
      const [a, b] = await Promise.all(
        pair.map((w) =>
          w.call<string>('start', { sname: uniqueName('bl'), cookie, epmdPort: epmd.port }),
        ),
      );
      return [workerSide(pair[0], a!), workerSide(pair[1], b!)] as const;
    };
    return { bl, erl, startPair, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** A column: who measures (client) against whom (server). */
export interface Column {
  readonly name: string;
  readonly client: Side;
  readonly server: Side;
}

/** The four columns of a cluster, baseline last. */
export function columnsOf(c: Cluster, arrow: '↔' | '→'): Column[] {
  return [
    { name: `beamlink${arrow}beamlink`, client: c.bl[0], server: c.bl[1] },
    { name: 'beamlink→BEAM', client: c.bl[0], server: c.erl[1] },
    { name: 'BEAM→beamlink', client: c.erl[0], server: c.bl[1] },
    { name: `BEAM${arrow}BEAM`, client: c.erl[0], server: c.erl[1] },
  ];
}

/** One measurement giving one value per row. */
export interface Measure {
  readonly rows: readonly Omit<ScenarioRow, 'values'>[];
  run(client: Side, to: string): Promise<readonly number[]>;
}

/**
 * Node flags of a second pair of beamlink nodes that some rows are measured with again
 * (BENCH_TUNED; default `--min-semi-space-size=16`, empty for none): the latency tail is
 * mostly young-generation GC, which a larger young generation makes rarer (docs/rpc.md,
 * "Tuning"). Their rows are separate, so the default rows stay what an untuned node does.
 */
export function tunedFlags(): string[] {
  return (process.env.BENCH_TUNED ?? '--min-semi-space-size=16').split(' ').filter(Boolean);
}

/**
 * `m` on the same columns with `pair` in place of the cluster's beamlink nodes, its rows
 * named with `suffix` and without targets.
 */
export function onPair(
  c: Cluster,
  pair: readonly [Side, Side],
  suffix: string,
  m: Measure,
): Measure {
  const swap = (s: Side): Side => (s === c.bl[0] ? pair[0] : s === c.bl[1] ? pair[1] : s);
  const node = (to: string): string =>
    to === c.bl[0].node ? pair[0].node : to === c.bl[1].node ? pair[1].node : to;
  return {
    rows: m.rows.map(({ targets: _, ...row }) => ({ ...row, name: `${row.name}${suffix}` })),
    run: (s, to) => m.run(swap(s), node(to)),
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/**
 * Column indexes for repeat `r` (-1: the warm-up): rotated by r + 1, reversed when r is odd.
 *
 * @example
 * ```ts
 * for (const i of columnOrder(columns.length, r)) await measure(columns[i]!);
 * ```
 */
export function columnOrder(n: number, r: number): number[] {
  const order = Array.from({ length: n }, (_, i) => (i + r + 1) % n);
  return r % 2 === 1 || r % 2 === -1 ? order.reverse() : order;
}

/**
 * Runs every measure on every column, `repeat` times after one warm-up round that is
 * thrown away (each measure warms up itself too, but the first round on fresh nodes
 * still ran slower: the JIT's later tiers, the connections' buffers). Each repeat goes
 * through all the columns of a measure before the next measure, so load hits every side
 * alike, and each repeat takes the columns in another order (rotated by one, and reversed
 * every other repeat): no column always runs first, or always right after the same other
 * column, whose after-effects (a peer still collecting garbage, schedulers just awake)
 * it would always inherit. The median of the repeats goes in each cell.
 */
export async function measureAll(
  columns: readonly Column[],
  measures: readonly Measure[],
  repeat: number,
): Promise<ScenarioRow[]> {
  const got = measures.map(() => columns.map(() => [] as (readonly number[])[]));
  for (let r = -1; r < repeat; r++) {
    for (const [mi, m] of measures.entries()) {
      for (const ci of columnOrder(columns.length, r)) {
        const c = columns[ci]!;
        const v = await m.run(c.client, c.server.node);
        if (r >= 0) got[mi]![ci]!.push(v);
      }
    }
  }
  return measures.flatMap((m, mi) =>
    m.rows.map((row, ri) => ({
      ...row,
      values: Object.fromEntries(
        columns.map((c, ci) => [c.name, median(got[mi]![ci]!.map((v) => v[ri]!))]),
      ),
    })),
  );
}

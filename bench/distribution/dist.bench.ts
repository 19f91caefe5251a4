/**
 * Distribution between nodes, each node its own OS process (cluster.ts): two beamlink
 * nodes (node-worker.ts) and two erl nodes (beam/dist_bench.erl), every metric measured
 * by the client side in four columns — beamlink↔beamlink, beamlink→BEAM, BEAM→beamlink,
 * BEAM↔BEAM (the baseline) — with issue 5's targets:
 *
 * - one-way small messages `{count, 12345}` to a sink, msg/s;
 * - `gen_server:call({bench_gs, Node}, ping)`, p50/p99 with one caller, calls/s with 16;
 * - 1 MiB binaries one-way, GB/s;
 * - connect: `ping` after a disconnect (port mapper lookup, handshake, one round trip).
 *
 * The one-caller gen_server rows are measured again, last, with a second pair of beamlink nodes
 * run with BENCH_TUNED's node flags (cluster.ts tunedFlags; default
 * `--min-semi-space-size=16`, empty: not measured), in separate rows.
 *
 * Targets: beamlink↔beamlink at least 2x BEAM's one-way rate, call p50/p99 at or below
 * BEAM's, 16-caller rate at least BEAM's, half its bulk bandwidth; beamlink↔BEAM (both
 * directions) no slower than BEAM↔BEAM on every metric. `dist floor` measures two bare
 * Node.js processes over TCP (floor.ts), the floor under any of them. `dist floor BEAM`
 * measures bare sockets between a Node.js process and erl (gen_tcp, no distribution),
 * both ways, and between two erl: the floor under the beamlink↔BEAM columns' 1 MiB and
 * connect rows. `dist floor handshake` measures erl's connect row against a Node.js
 * process that does only the handshake and answers the ping (handshake-floor.ts), beside
 * beamlink and erl in the same run: the floor under the BEAM→beamlink connect row.
 */
import { EpmdProcess, ErlangPeer, uniqueName } from '../../test/support/erlang-peer.ts';
import type { BenchScenario, ScenarioContext, ScenarioRow } from '../registry.ts';
import {
  columnOrder,
  columnsOf,
  loadBeamModule,
  measureAll,
  onPair,
  releaseFor,
  startCluster,
  startWorker,
  tunedFlags,
  type Measure,
} from './cluster.ts';

const BL = 'beamlink↔beamlink';
const TO_BEAM = 'beamlink→BEAM';
const FROM_BEAM = 'BEAM→beamlink';
/** Targets as the largest acceptable "x worse than BEAM↔BEAM" ratio. */
const asBeam = { [TO_BEAM]: 1, [FROM_BEAM]: 1 };
const K = 16;

function measures(quick: boolean): Measure[] {
  const q = (full: number, small: number) => (quick ? small : full);
  const oneWayN = q(300_000, 30_000);
  const bulkN = q(256, 32);
  const callN = q(20_000, 2_000);
  const per = q(2_500, 250);
  return [
    {
      rows: [
        {
          name: 'one-way small messages {count, N}',
          unit: 'msg/s',
          higherIsBetter: true,
          targets: { [BL]: 0.5, ...asBeam },
        },
      ],
      run: async (c, to) => [await c.oneWay(to, 'small', oneWayN, oneWayN / 10)],
    },
    {
      rows: [
        {
          name: 'gen_server:call p50 (1 caller)',
          unit: 'µs',
          higherIsBetter: false,
          targets: { [BL]: 1, ...asBeam },
        },
        {
          name: 'gen_server:call p99 (1 caller)',
          unit: 'µs',
          higherIsBetter: false,
          targets: { [BL]: 1, ...asBeam },
        },
        {
          name: 'gen_server calls/s (1 caller)',
          unit: 'calls/s',
          higherIsBetter: true,
          targets: asBeam,
        },
      ],
      run: async (c, to) => {
        const l = await c.call(to, callN, callN / 5);
        return [l.p50, l.p99, l.perSec];
      },
    },
    {
      rows: [
        {
          name: `gen_server calls/s (${K} callers)`,
          unit: 'calls/s',
          higherIsBetter: true,
          targets: { [BL]: 1, ...asBeam },
        },
      ],
      run: async (c, to) => [await c.callPar(to, K, per)],
    },
    {
      rows: [
        {
          name: '1 MiB binaries',
          unit: 'GB/s',
          higherIsBetter: true,
          targets: { [BL]: 2, ...asBeam },
        },
      ],
      run: async (c, to) => [await c.oneWay(to, 'bulk', bulkN, bulkN / 8)],
    },
    {
      rows: [
        {
          name: 'connect (ping after disconnect, median)',
          unit: 'ms',
          higherIsBetter: false,
          targets: asBeam,
        },
      ],
      run: async (c, to) => [await c.connect(to, q(15, 5))],
    },
  ];
}

async function dist(ctx: ScenarioContext): Promise<ScenarioRow[]> {
  const cluster = await startCluster(ctx);
  try {
    const ms = measures(ctx.quick);
    const columns = columnsOf(cluster, '↔');
    const rows = await measureAll(columns, ms, ctx.repeat);
    const tuned = tunedFlags();
    if (tuned.length > 0) {
      // the one-caller gen_server rows again with a pair of tuned beamlink nodes, after
      // the others (see call.bench.ts: interleaving them left the default nodes idle)
      const pair = await cluster.startPair(tuned);
      const call = ms.find((m) => m.rows[0]!.name.startsWith('gen_server:call p50'))!;
      const again = onPair(cluster, pair, ` (beamlink ${tuned.join(' ')})`, call);
      rows.push(...(await measureAll(columns, [again], ctx.repeat)));
    }
    return rows;
  } finally {
    await cluster.stop();
  }
}

const FLOOR = 'Node↔Node (TCP)';
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

async function floor(ctx: ScenarioContext): Promise<ScenarioRow[]> {
  const [server, client] = await Promise.all([startWorker(), startWorker()]);
  try {
    const port = await server.call<number>('floorServer');
    const n = ctx.quick ? 2_000 : 10_000;
    const frames = ctx.quick ? 1_000_000 : 10_000_000;
    const p50: number[] = [];
    const p99: number[] = [];
    const rate: number[] = [];
    const mib = ctx.quick ? 32 : 256;
    const bulkPort = await server.call<number>('floorBulkServer', mib);
    const bulkData: number[] = [];
    const bulkOnread: number[] = [];
    await client.call('floorFrames', port, frames / 10);
    await client.call('floorBulk', bulkPort, mib, 'data');
    for (let r = 0; r < ctx.repeat; r++) {
      const l = await client.call<{ p50: number; p99: number }>('floorPing', port, n, n / 5);
      p50.push(l.p50);
      p99.push(l.p99);
      rate.push(await client.call<number>('floorFrames', port, frames));
      bulkData.push(await client.call<number>('floorBulk', bulkPort, mib, 'data'));
      bulkOnread.push(await client.call<number>('floorBulk', bulkPort, mib, 'onread'));
    }
    const row = (name: string, unit: string, higherIsBetter: boolean, v: number[]) => ({
      name,
      unit,
      higherIsBetter,
      values: { [FLOOR]: median(v) },
    });
    return [
      row('12-byte TCP ping-pong p50', 'µs', false, p50),
      row('12-byte TCP ping-pong p99', 'µs', false, p99),
      row('40-byte frames, coalesced', 'frames/s', true, rate),
      row("1 MiB frames received ('data' chunks copied, as dist)", 'GB/s', true, bulkData),
      row('1 MiB frames received (onread into the frame)', 'GB/s', true, bulkOnread),
    ];
  } finally {
    await Promise.all([server.stop(), client.stop()]);
  }
}

const NODE_TO_BEAM = 'Node→BEAM (TCP)';
const BEAM_TO_NODE = 'BEAM→Node (TCP)';
const BEAM_TCP = 'BEAM↔BEAM (TCP)';

/**
 * Bare sockets between a Node process and erl, and between two erl (dist_bench.erl's
 * gen_tcp functions, floor.ts's commands): 1 MiB frames (received by floor.ts's onread
 * receiver, the kernel reading into each frame's buffer, or by erl with {packet, 4}, one
 * binary per frame), and connect + 12 bytes there and back after 20 ms idle to an echo
 * server. Columns name the sender or the dialling side first. The columns in turn, the
 * order changing per repeat.
 */
async function beamFloor(ctx: ScenarioContext): Promise<ScenarioRow[]> {
  const release = releaseFor(ctx);
  const [node, server, client] = await Promise.all([
    startWorker(),
    ErlangPeer.start({ release }),
    ErlangPeer.start({ release }),
  ]);
  try {
    await Promise.all([loadBeamModule(server, 'dist_bench'), loadBeamModule(client, 'dist_bench')]);
    const mib = ctx.quick ? 32 : 256;
    const k = ctx.quick ? 5 : 15;
    const bulkPort = Number(await server.eval(`dist_bench:tcp_bulk_server(${mib}).`));
    const echoPort = Number(await server.eval('dist_bench:tcp_echo_server().'));
    const nodeEcho = await node.call<number>('floorServer');
    const nodeBulk = await node.call<number>('floorBulkServer', mib);
    type Runs = Record<string, () => Promise<number>>;
    const evalNumber = async (expr: string) => Number(await client.eval(expr, 600_000));
    const measures: Record<'bulk' | 'connect', Runs> = {
      bulk: {
        [NODE_TO_BEAM]: () => evalNumber(`dist_bench:tcp_bulk_recv(${nodeBulk}, ${mib}).`),
        [BEAM_TO_NODE]: () => node.call<number>('floorBulk', bulkPort, mib, 'onread'),
        [BEAM_TCP]: () => evalNumber(`dist_bench:tcp_bulk_recv(${bulkPort}, ${mib}).`),
      },
      connect: {
        [NODE_TO_BEAM]: () => node.call<number>('floorConnect', echoPort, k, 20),
        [BEAM_TO_NODE]: () => evalNumber(`dist_bench:tcp_connect_times(${nodeEcho}, ${k}, 20).`),
        [BEAM_TCP]: () => evalNumber(`dist_bench:tcp_connect_times(${echoPort}, ${k}, 20).`),
      },
    };
    const columns = [NODE_TO_BEAM, BEAM_TO_NODE, BEAM_TCP];
    const got: Record<'bulk' | 'connect', Record<string, number[]>> = {
      bulk: { [NODE_TO_BEAM]: [], [BEAM_TO_NODE]: [], [BEAM_TCP]: [] },
      connect: { [NODE_TO_BEAM]: [], [BEAM_TO_NODE]: [], [BEAM_TCP]: [] },
    };
    for (let r = -1; r < ctx.repeat; r++) {
      // rotated by one each repeat, reversed every other one (as measureAll does)
      const rotated = columns.map((_, i) => columns[(i + r + 3) % 3]!);
      const order = r % 2 === 0 ? rotated : rotated.reverse();
      for (const what of ['bulk', 'connect'] as const) {
        for (const col of order) {
          const v = await measures[what][col]!();
          if (r >= 0) got[what][col]!.push(v);
        }
      }
    }
    const values = (m: Record<string, number[]>) =>
      Object.fromEntries(Object.entries(m).map(([col, v]) => [col, median(v)]));
    return [
      {
        name: '1 MiB frames, sent and received',
        unit: 'GB/s',
        higherIsBetter: true,
        values: values(got.bulk),
      },
      {
        name: 'connect + 12-byte echo after 20 ms idle (median)',
        unit: 'ms',
        higherIsBetter: false,
        values: values(got.connect),
      },
    ];
  } finally {
    await Promise.all([node.stop(), server.stop(), client.stop()]);
  }
}

const HANDSHAKE_ONLY = 'BEAM→Node (handshake only)';

/**
 * erl's connect row (`ping` after a disconnect and 20 ms idle, median of 15) towards three
 * servers on one private port mapper: a Node.js process that does only the handshake and
 * answers the ping (handshake-floor.ts), a beamlink node as the dist scenario runs it, and
 * an erl node (the baseline). The columns in turn, the order changing per repeat.
 */
async function handshakeFloor(ctx: ScenarioContext): Promise<ScenarioRow[]> {
  const release = releaseFor(ctx);
  const epmd = await EpmdProcess.start();
  const cookie = 'bench';
  const args = ['-kernel', 'prevent_overlapping_partitions', 'false'];
  const peer = () =>
    ErlangPeer.start({ release, epmdPort: epmd.port, sname: uniqueName('erl'), cookie, args });
  const [client, server, floorNode, blNode] = await Promise.all([
    peer(),
    peer(),
    startWorker(),
    startWorker(),
  ]);
  try {
    await Promise.all([loadBeamModule(server, 'dist_bench'), loadBeamModule(client, 'dist_bench')]);
    await server.eval('dist_bench:serve().');
    const names: Record<string, string> = {
      [HANDSHAKE_ONLY]: await floorNode.call<string>('handshakeFloorStart', {
        sname: uniqueName('floor'),
        cookie,
        epmdPort: epmd.port,
      }),
      [FROM_BEAM]: await blNode.call<string>('start', {
        sname: uniqueName('bl'),
        cookie,
        epmdPort: epmd.port,
      }),
      'BEAM↔BEAM': server.node,
    };
    const k = ctx.quick ? 5 : 15;
    const columns = Object.keys(names);
    const got: Record<string, number[]> = Object.fromEntries(columns.map((c) => [c, []]));
    for (let r = -1; r < ctx.repeat; r++) {
      for (const col of columnOrder(columns.length, r).map((i) => columns[i]!)) {
        const ms = Number(
          await client.eval(`dist_bench:connect_times('${names[col]}', ${k}).`, 600_000),
        );
        if (r >= 0) got[col]!.push(ms);
      }
    }
    return [
      {
        name: 'connect (ping after disconnect, median)',
        unit: 'ms',
        higherIsBetter: false,
        values: Object.fromEntries(columns.map((c) => [c, median(got[c]!)])),
      },
    ];
  } finally {
    await Promise.all([floorNode.stop(), blNode.stop(), client.stop(), server.stop()]);
    await epmd.stop();
  }
}

export const scenarios: BenchScenario[] = [
  {
    name: 'dist',
    columns: [BL, TO_BEAM, FROM_BEAM, 'BEAM↔BEAM'],
    baseline: 'BEAM↔BEAM',
    repeats: true,
    run: dist,
  },
  { name: 'dist floor', columns: [FLOOR], baseline: FLOOR, repeats: true, run: floor },
  {
    name: 'dist floor BEAM',
    columns: [NODE_TO_BEAM, BEAM_TO_NODE, BEAM_TCP],
    baseline: BEAM_TCP,
    repeats: true,
    run: beamFloor,
  },
  {
    name: 'dist floor handshake',
    columns: [HANDSHAKE_ONLY, FROM_BEAM, 'BEAM↔BEAM'],
    baseline: 'BEAM↔BEAM',
    repeats: true,
    run: handshakeFloor,
  },
];

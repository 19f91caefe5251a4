/**
 * Distribution between nodes, three sides in one invocation:
 *
 * - beamlink↔beamlink: one-way small messages and 1 MiB binaries between two OS
 *   processes at the connection layer (two-process.bench.ts); connect time and round
 *   trips between two nodes of this process (startNode, process to process);
 * - beamlink↔BEAM: a beamlink node of this process and a real erl node;
 * - BEAM↔BEAM: two erl nodes running beam/dist_bench.erl (the baseline).
 *
 * Connect time is `ping` after a disconnect (port mapper lookup, handshake, one round
 * trip), median of K; a round trip is `{self(), I}` to an echo process and back.
 */
import { readFileSync } from 'node:fs';
import { startNode, type BeamNode } from '../../src/kernel/start-node.ts';
import { memoryLogger } from '../../src/process/logger.ts';
import type { Process } from '../../src/process/index.ts';
import { atom, tuple, type Pid, type Term, type Tuple } from '../../src/term/types.ts';
import {
  EpmdProcess,
  ErlangPeer,
  erlangReleases,
  uniqueName,
} from '../../test/support/erlang-peer.ts';
import type { BenchScenario, ScenarioRow } from '../registry.ts';
import { benchConnect } from './roundtrip.bench.ts';
import { twoProcess } from './two-process.bench.ts';

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

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const pct = (sorted: number[], p: number): number => sorted[Math.floor(sorted.length * p)]!;

/** Runs `body` in a process of `node` and resolves with its result. */
function inProcess<T>(node: BeamNode, body: (self: Process) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    node.spawn(async (self) => {
      try {
        resolve(await body(self));
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}

/** `ping` after a disconnect, K times: median milliseconds. */
async function connectTimes(from: BeamNode, to: string, k: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < k; i++) {
    from.disconnect(to);
    while (from.nodes().some((n) => n.name === to)) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 20));
    const t0 = performance.now();
    if ((await from.ping(to, { timeoutMs: 10_000 })) !== 'pong')
      throw new Error(`no pong from ${to}`);
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** N round trips from a process of `from` to the echo `[name, node]`: sorted µs. */
function pingPong(from: BeamNode, echo: readonly [string, string], n: number): Promise<number[]> {
  return inProcess(from, async (self) => {
    const times: number[] = [];
    for (let i = -100; i < n; i++) {
      const t0 = process.hrtime.bigint();
      self.send(echo, tuple(self.pid, i));
      await self.receive();
      if (i >= 0) times.push(Number(process.hrtime.bigint() - t0) / 1e3);
    }
    return times.sort((a, b) => a - b);
  });
}

/** N copies of `msg` to a fresh dist_bench:sink on erl `to`: messages (or GB) per second. */
async function oneWayToBeam(
  from: BeamNode,
  erl: ErlangPeer,
  msg: Term,
  n: number,
  bytes = 0,
): Promise<number> {
  const name = uniqueName('bl_sink');
  await erl.eval(`register('${name}', spawn(dist_bench, sink, [])), ok.`);
  return inProcess(from, async (self) => {
    const sink = [name, erl.node] as const;
    self.send(sink, tuple(atom('expect'), n, self.pid));
    const t0 = performance.now();
    for (let i = 0; i < n; i++) self.send(sink, msg);
    await self.receive();
    const sec = (performance.now() - t0) / 1000;
    return bytes ? (n * bytes) / sec / 1e9 : n / sec;
  });
}

export const scenarios: BenchScenario[] = [
  {
    name: 'dist',
    columns: ['beamlink↔beamlink', 'beamlink→BEAM', 'BEAM↔BEAM'],
    baseline: 'BEAM↔BEAM',
    async run(ctx): Promise<ScenarioRow[]> {
      const release = erlangReleases().find((r) => r.otp === ctx.otp) ?? erlangReleases()[0];
      const oneWayN = ctx.quick ? 50_000 : 200_000;
      const bulkN = ctx.quick ? 32 : 128;
      const rtN = ctx.quick ? 2_000 : 10_000;
      const K = ctx.quick ? 5 : 15;
      const bin = Buffer.alloc(1 << 20, 0xff);

      const two = await twoProcess(ctx.quick);
      const handshake = median(await benchConnect(ctx.quick ? 20 : 100));

      const epmd = await EpmdProcess.start();
      const nodes: BeamNode[] = [];
      const peers: ErlangPeer[] = [];
      try {
        const [a, b] = await Promise.all([
          ErlangPeer.start({
            release,
            epmdPort: epmd.port,
            sname: uniqueName('bencha'),
            cookie: 'b',
          }),
          ErlangPeer.start({
            release,
            epmdPort: epmd.port,
            sname: uniqueName('benchb'),
            cookie: 'b',
          }),
        ]);
        peers.push(a, b);
        for (const p of peers) await loadBeamModule(p, 'dist_bench');
        for (const s of ['blx', 'bly']) {
          nodes.push(
            await startNode({
              sname: uniqueName(s),
              cookie: 'b',
              epmdPort: epmd.port,
              logger: memoryLogger(),
            }),
          );
        }
        const [x, y] = nodes as [BeamNode, BeamNode];
        y.spawn((self) => {
          self.register('bl_echo');
          self.handle((m) => {
            const t = m as Tuple;
            self.send(t.elements[0] as Pid, t.elements[1]!);
          });
        });
        await b.eval(`register(bl_echo, spawn(dist_bench, echo, [])), ok.`);

        // BEAM↔BEAM
        if ((await a.eval(`net_adm:ping('${b.node}').`)) !== 'pong')
          throw new Error('erl nodes do not connect');
        const beamOneWayUs = Number(
          await a.eval(`dist_bench:run('${b.node}', {count, 12345}, ${oneWayN}).`, 600_000),
        );
        const beamBulkUs = Number(
          await a.eval(
            `dist_bench:run('${b.node}', binary:copy(<<255>>, 1048576), ${bulkN}).`,
            600_000,
          ),
        );
        const [bp50, bp99] = (await a.eval(`dist_bench:pingpong('${b.node}', ${rtN}).`, 600_000))
          .replace(/[{}]/g, '')
          .split(',')
          .map(Number);
        const beamConnect = Number(
          await a.eval(`dist_bench:connect_times('${b.node}', ${K}).`, 600_000),
        );

        // beamlink→BEAM
        if ((await x.ping(b.node)) !== 'pong') throw new Error('beamlink does not reach erl');
        const blBeamOneWay = await oneWayToBeam(x, b, tuple(atom('count'), 12345), oneWayN);
        const blBeamBulk = await oneWayToBeam(x, b, bin, bulkN, 1 << 20);
        const blBeamRt = await pingPong(x, ['bl_echo', b.node], rtN);
        const blBeamConnect = await connectTimes(x, b.node, K);

        // beamlink↔beamlink (both nodes in this process)
        if ((await x.ping(y.name)) !== 'pong') throw new Error('beamlink nodes do not connect');
        const blRt = await pingPong(x, ['bl_echo', y.name], rtN);
        const blConnect = await connectTimes(x, y.name, K);

        return [
          {
            name: 'one-way small messages {count, N}',
            unit: 'msg/s',
            higherIsBetter: true,
            values: {
              'beamlink↔beamlink': two.oneWay,
              'beamlink→BEAM': blBeamOneWay,
              'BEAM↔BEAM': oneWayN / (beamOneWayUs / 1e6),
            },
          },
          {
            name: '1 MiB binaries',
            unit: 'GB/s',
            higherIsBetter: true,
            values: {
              'beamlink↔beamlink': two.bulk,
              'beamlink→BEAM': blBeamBulk,
              'BEAM↔BEAM': (bulkN * (1 << 20)) / (beamBulkUs / 1e6) / 1e9,
            },
          },
          {
            name: 'round trip p50 (1 caller)',
            unit: 'µs',
            higherIsBetter: false,
            values: {
              'beamlink↔beamlink': pct(blRt, 0.5),
              'beamlink→BEAM': pct(blBeamRt, 0.5),
              'BEAM↔BEAM': bp50,
            },
          },
          {
            name: 'round trip p99 (1 caller)',
            unit: 'µs',
            higherIsBetter: false,
            values: {
              'beamlink↔beamlink': pct(blRt, 0.99),
              'beamlink→BEAM': pct(blBeamRt, 0.99),
              'BEAM↔BEAM': bp99,
            },
          },
          {
            name: 'connect (ping after disconnect, median)',
            unit: 'ms',
            higherIsBetter: false,
            values: {
              'beamlink↔beamlink': blConnect,
              'beamlink→BEAM': blBeamConnect,
              'BEAM↔BEAM': beamConnect,
            },
          },
          {
            name: 'handshake only (connection layer, no port mapper)',
            unit: 'ms',
            higherIsBetter: false,
            values: { 'beamlink↔beamlink': handshake },
          },
        ];
      } finally {
        for (const n of nodes) await n.stop();
        for (const p of peers) await p.stop();
        await epmd.stop();
      }
    },
  },
];

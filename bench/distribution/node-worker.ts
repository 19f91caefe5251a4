// A beamlink node in its own OS process, driven over IPC by cluster.ts (bundled by esbuild
// into bench/dist/node-worker.mjs and forked with plain `node`, as a build would ship it).
// It serves what dist_bench:serve/0 serves on an erl node — `bench_sink` (counts one-way
// messages), `bench_gs` (a GenServer answering `ping` with `pong`), rpc's `rex` — and
// measures, as a client, the same things dist_bench.erl measures, with the same counts.
import { startRpcNode, type RpcBeamNode } from '../../src/rpc/index.ts';
import { GenServer } from '../../src/otp/gen-server.ts';
import { memoryLogger } from '../../src/process/logger.ts';
import type { Process } from '../../src/process/index.ts';
import { atom, tuple, type Pid, type Term, type Tuple } from '../../src/term/types.ts';
import { floorCommands } from './floor.ts';
import { handshakeFloorCommands } from './handshake-floor.ts';
import { profileCommands } from '../rpc/profile.ts';

const EXPECT = atom('expect');
const SINK = atom('sink');
const DONE = atom('done');
const PING = atom('ping');
const PONG = atom('pong');

export interface Latency {
  p50: number;
  p99: number;
  perSec: number;
}

let node: RpcBeamNode | undefined;
function self(): RpcBeamNode {
  if (!node) throw new Error('the node is not started');
  return node;
}

/** Runs `body` in a fresh process of the node and resolves with its result. */
function inProcess<T>(body: (p: Process) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    self().spawn(async (p) => {
      try {
        resolve(await body(p));
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}

/** `bench_sink`: on `{expect, N, From}` answers `{sink, Self}`, counts N messages, sends `done`. */
function startSink(n: RpcBeamNode): void {
  n.spawn((p) => {
    p.register('bench_sink');
    let left = 0;
    let from: Pid | undefined;
    p.handle((m) => {
      if (left === 0) {
        const t = m as Tuple;
        if (t.elements?.[0] !== EXPECT) return;
        left = t.elements[1] as number;
        from = t.elements[2] as Pid;
        p.send(from, tuple(SINK, p.pid));
      } else if (--left === 0) p.send(from!, DONE);
    });
  });
}

async function start(o: { sname: string; cookie: string; epmdPort: number }): Promise<string> {
  node = await startRpcNode({ ...o, logger: memoryLogger() });
  startSink(node);
  await GenServer.start(
    node.runtime,
    { init: () => ({ ok: null }), handleCall: (_req, _from, s) => ({ reply: PONG, state: s }) },
    null,
    { name: 'bench_gs' },
  );
  return node.name;
}

const sorted = (xs: number[]): number[] => xs.sort((a, b) => a - b);
const latency = (us: number[], totalMs: number): Latency => {
  const s = sorted(us);
  return {
    p50: s[Math.floor(s.length * 0.5)]!,
    p99: s[Math.floor(s.length * 0.99)]!,
    perSec: (s.length / totalMs) * 1000,
  };
};

/** N messages to `to`'s bench_sink after a warm-up of `warm`: msg/s, or GB/s for binaries. */
function oneWay(to: string, kind: 'small' | 'bulk', n: number, warm: number): Promise<number> {
  const msg: Term = kind === 'small' ? tuple(atom('count'), 12345) : Buffer.alloc(1 << 20, 0xff);
  return inProcess(async (p) => {
    const burst = async (k: number): Promise<number> => {
      p.send(['bench_sink', to], tuple(EXPECT, k, p.pid));
      const sink = ((await p.receive()) as Tuple).elements[1] as Pid;
      const t0 = performance.now();
      // sendAsync waits while the connection is busy, as BEAM suspends a sender; a plain
      // send loop would queue the whole burst and drop past distBuffer.maxBytes.
      for (let i = 0; i < k; i++) await p.sendAsync(sink, msg);
      await p.receive();
      return (performance.now() - t0) / 1000;
    };
    await burst(warm);
    const sec = await burst(n);
    return kind === 'small' ? n / sec : (n * (1 << 20)) / sec / 1e9;
  });
}

/** `gen_server:call({bench_gs, To}, ping)`: N sequential calls after `warm`. */
function call(to: string, n: number, warm: number): Promise<Latency> {
  return inProcess(async (p) => {
    const dest = ['bench_gs', to] as const;
    for (let i = 0; i < warm; i++) await GenServer.call(p, dest, PING);
    const us: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const s = process.hrtime.bigint();
      await GenServer.call(p, dest, PING);
      us.push(Number(process.hrtime.bigint() - s) / 1000);
    }
    return latency(us, performance.now() - t0);
  });
}

/** K processes each making `per` calls at once: calls/s. */
async function callPar(to: string, k: number, per: number): Promise<number> {
  await call(to, 0, per);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: k }, () =>
      inProcess(async (p) => {
        for (let i = 0; i < per; i++) await GenServer.call(p, ['bench_gs', to], PING);
      }),
    ),
  );
  return ((k * per) / (performance.now() - t0)) * 1000;
}

/** `rpc:call(To, erlang, node, [])`: N sequential calls after `warm`. */
async function rpc(to: string, n: number, warm: number): Promise<Latency> {
  let t0 = 0;
  const us = await rpcSamples(to, n, warm, () => {
    t0 = performance.now();
  });
  return latency(us, performance.now() - t0);
}

/** The latency of each of N sequential `rpc:call`s after `warm` (µs, in call order). */
async function rpcSamples(
  to: string,
  n: number,
  warm: number,
  started?: () => void,
): Promise<number[]> {
  const r = self().rpc;
  for (let i = 0; i < warm; i++) await r.call(to, 'erlang', 'node', []);
  started?.();
  const us: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = process.hrtime.bigint();
    await r.call(to, 'erlang', 'node', []);
    us.push(Number(process.hrtime.bigint() - s) / 1000);
  }
  return us;
}

/** K times: disconnect, wait until gone, 20 ms, then time `ping` (milliseconds, median). */
async function connect(to: string, k: number): Promise<number> {
  const n = self();
  const times: number[] = [];
  for (let i = 0; i < k; i++) {
    n.disconnect(to);
    while (n.nodes('connected').some((x) => x.name === to)) {
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, 20));
    const t0 = performance.now();
    if ((await n.ping(to, { timeoutMs: 10_000 })) !== 'pong') throw new Error(`pang: ${to}`);
    times.push(performance.now() - t0);
  }
  return sorted(times)[k >> 1]!;
}

const commands: Record<string, (...args: never[]) => unknown> = {
  start,
  oneWay,
  call,
  callPar,
  rpc,
  rpcSamples: (to: string, n: number, warm: number) => rpcSamples(to, n, warm),
  connect,
  ping: (to: string) => self().ping(to),
  rpcLoop: async (to: string, n: number) => {
    const r = self().rpc;
    for (let i = 0; i < n; i++) await r.call(to, 'erlang', 'node', []);
  },
  callLoop: (to: string, n: number) =>
    inProcess(async (p) => {
      const dest = ['bench_gs', to] as const;
      for (let i = 0; i < n; i++) await GenServer.call(p, dest, PING);
    }),
  ...floorCommands,
  ...handshakeFloorCommands,
  ...profileCommands,
};

process.on('message', (m: { id: number; cmd: string; args: unknown[] }) => {
  void (async () => {
    try {
      const f = commands[m.cmd];
      if (!f) throw new Error(`unknown command ${m.cmd}`);
      process.send!({ id: m.id, result: await (f as (...a: unknown[]) => unknown)(...m.args) });
    } catch (e) {
      process.send!({ id: m.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  })();
});
// The parent going away (or closing the channel) ends this process.
process.on('disconnect', () => {
  void (node?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
});

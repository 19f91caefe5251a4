/**
 * The per-message distribution path without sockets, for instruction counts (callgrind)
 * and CPU profiles: a {@link Connection} on an in-process transport and a process
 * {@link Runtime}, driven the way the dist bench drives them (`{count, 12345}` one-way to a
 * sink pid, `gen_server:call({bench_gs, Node}, ping)` from erl).
 *
 * ```
 * npx tsx bench/cpu/msg-path.ts capture 25     # erl's bytes, OTP 25 (27: the chroot)
 * npx tsx bench/cpu/msg-path.ts build [out]    # bundles this file to bench/dist/msg-path.mjs (or out)
 * node bench/dist/msg-path.mjs <mode> <N>      # prints CPU ns/message
 * ```
 *
 * Modes: `send` (N × sendAsync to a remote pid, encoded and written to a transport that
 * drops the bytes), `recv-bl` (N frames as a beamlink sender writes them, read in 64 KiB
 * chunks, decoded, delivered to a sink process), `recv-erl25`/`recv-erl27` (the same with
 * frames captured from erl), `call-erl25`/`call-erl27` (the MONITOR_P, REG_SEND
 * `$gen_call`, DEMONITOR_P of one erl call, N times, served by a GenServer; the replies
 * go to the dropping transport).
 *
 * Instructions per message: the difference of two runs, so start-up cancels out —
 * `valgrind --tool=callgrind node --single-threaded --hash-seed=1 --random-seed=1
 * --predictable-gc-schedule bench/dist/msg-path.mjs recv-bl 20000` and the same with
 * 120000; (Ir₂ − Ir₁) / 100000. With those flags two runs agree within a few
 * instructions per message. Add `--perf-basic-prof` and map callgrind's JIT addresses
 * through /tmp/perf-<pid>.map to name the JavaScript functions.
 *
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Connection } from '../../src/dist/connection.ts';
import { DEFAULT_FLAGS, DFLAG } from '../../src/dist/flags.ts';
import { FrameReader } from '../../src/dist/framing.ts';
import type { Transport } from '../../src/dist/transport.ts';
import { GenServer } from '../../src/otp/gen-server.ts';
import { memoryLogger } from '../../src/process/logger.ts';
import { Runtime } from '../../src/process/runtime.ts';
import { atom, Pid, tuple, type Atom, type Tuple } from '../../src/term/types.ts';

const mode = process.argv[2] ?? 'send';
const arg = process.argv[3];
const N = Number(arg ?? 100_000);
const CHUNK = 64 * 1024;
// Node names as the bench makes them (uniqueName): they differ in one byte in the middle.
const A = 'bl_24310_1@vm';
const B = 'bl_24310_2@vm';
const capturePath = (otp: string): string =>
  process.env.MSG_PATH_CAPTURE ?? `/tmp/beamlink-msg-path-otp${otp}.json`;

interface Capture {
  node: string;
  creation: number;
  peer: string;
  flags: string;
  sink: { id: number };
  marks: { oneway: number; call: number; end: number };
  chunks: string[];
}

/** A transport that counts and drops what is written; `feed` plays the peer. */
function transport(): Transport & { feed(b: Buffer): void; bytes: number } {
  let onData: (b: Buffer) => void = () => {};
  const t = {
    bytes: 0,
    write(d: Uint8Array) {
      t.bytes += d.length;
      return true;
    },
    writev(chunks: readonly Uint8Array[], written?: () => void) {
      for (const c of chunks) t.bytes += c.length;
      if (written) queueMicrotask(written);
      return true;
    },
    pendingBytes: 0,
    close() {},
    closed: false,
    onData(h: (b: Buffer) => void) {
      onData = h;
    },
    onClose() {},
    onDrain() {},
    description: 'msg-path',
    feed(b: Buffer) {
      onData(b);
    },
  };
  return t;
}

function connection(local: string, peer: string, flags: bigint, t: Transport): Connection {
  return new Connection({
    transport: t,
    reader: new FrameReader(4),
    localName: local,
    peerName: peer,
    peerFlags: flags,
    peerCreation: 1,
    flags,
    logger: { warn: (m) => console.error(m) },
  });
}

/** Feeds `frames` (each with its length) n times over, in 64 KiB reads cut anywhere, four per macrotask. */
function feedCopies(t: { feed(b: Buffer): void }, frames: Buffer[], n: number): void {
  const unit = Buffer.concat(
    frames.map((f) => {
      const h = Buffer.alloc(4);
      h.writeUInt32BE(f.length);
      return Buffer.concat([h, f]);
    }),
  );
  const per = Math.max(1, Math.floor((CHUNK * 4) / unit.length));
  const block = Buffer.concat(Array.from({ length: per }, () => unit));
  const total = unit.length * n;
  let off = 0;
  const step = (): void => {
    for (let k = 0; k < 4 && off < total; k++) {
      const s = off % block.length;
      const len = Math.min(CHUNK, total - off, block.length - s);
      t.feed(block.subarray(s, s + len));
      off += len;
    }
    if (off < total) setImmediate(step);
  };
  setImmediate(step);
}

function sinkOn(rt: Runtime, n: number, done: () => void): Pid {
  return rt.spawn((p) => {
    let left = n;
    p.handle(() => {
      if (--left === 0) done();
    });
  });
}

function splitFrames(chunks: string[]): Buffer[] {
  const buf = Buffer.concat(chunks.map((x) => Buffer.from(x, 'base64')));
  const out: Buffer[] = [];
  for (let o = 0; o + 4 <= buf.length;) {
    const n = buf.readUInt32BE(o);
    out.push(buf.subarray(o + 4, o + 4 + n));
    o += 4 + n;
  }
  return out;
}

async function send(logger: ReturnType<typeof memoryLogger>): Promise<void> {
  const rt = new Runtime({ node: A, creation: 1, logger });
  const t = transport();
  const conn = connection(A, B, DEFAULT_FLAGS | DFLAG.PUBLISHED, t);
  // as the node does: a send past the busy limit waits for the connection's drain
  let drained: Promise<void> | undefined;
  conn.on('drain', () => (drained = undefined));
  rt.attachDistribution({
    sendControl: (_n, m) =>
      conn.send(m) ? undefined : (drained ??= new Promise<void>((r) => conn.once('drain', r))),
  });
  const to = new Pid(atom(B), 77, 0, 1);
  const msg = tuple(atom('count'), 12345);
  await new Promise<void>((resolve) =>
    rt.spawn(async (p) => {
      for (let i = 0; i < N; i++) await p.sendAsync(to, msg);
      resolve();
    }),
  );
  await new Promise((r) => setImmediate(r));
}

async function receiveBeamlink(logger: ReturnType<typeof memoryLogger>): Promise<void> {
  const written: Buffer[] = [];
  const ta = transport();
  ta.writev = (chunks) => {
    for (const c of chunks) written.push(Buffer.from(c));
    return true;
  };
  const sender = connection(A, B, DEFAULT_FLAGS | DFLAG.PUBLISHED, ta);
  const rt = new Runtime({ node: B, creation: 1, logger });
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  const sink = sinkOn(rt, N, finish);
  const from = new Pid(atom(A), 55, 0, 1);
  sender.send({ op: 'SEND', from, to: sink, message: tuple(atom('count'), 12345) });
  await new Promise((r) => setImmediate(r));
  const frame = Buffer.concat(written).subarray(4);
  const t = transport();
  const conn = connection(B, A, DEFAULT_FLAGS | DFLAG.PUBLISHED, t);
  const peer: Atom = atom(A);
  conn.on('message', (m) => rt.handleControl(peer, m));
  rt.attachDistribution({ sendControl: (_n, m) => void conn.send(m) });
  feedCopies(t, [frame], N);
  await done;
}

async function fromErl(
  logger: ReturnType<typeof memoryLogger>,
  call: boolean,
  otp: string,
): Promise<void> {
  const c = JSON.parse(readFileSync(capturePath(otp), 'utf8')) as Capture;
  const rt = new Runtime({ node: c.node, creation: c.creation, logger });
  const t = transport();
  const conn = connection(c.node, c.peer, BigInt(c.flags), t);
  const peer: Atom = atom(c.peer);
  conn.on('message', (m) => rt.handleControl(peer, m));
  rt.attachDistribution({ sendControl: (_n, m) => void conn.send(m) });
  // The capture first (it sets up the atom cache, when there is one), then copies of its
  // last message (one-way) or last call (three frames).
  const prefix = Buffer.concat(
    c.chunks.slice(0, call ? c.marks.end : c.marks.call).map((x) => Buffer.from(x, 'base64')),
  );
  if (!call) {
    const frames = splitFrames(c.chunks.slice(c.marks.oneway, c.marks.call));
    let finish!: () => void;
    const done = new Promise<void>((r) => (finish = r));
    const sink = sinkOn(rt, N + frames.length - 1, finish);
    // the captured frames name the sink by its number on the capturing node
    const p = rt.table.get(sink.id)!;
    rt.table.delete(sink.id);
    rt.table.set(c.sink.id, p);
    t.feed(prefix);
    feedCopies(t, [frames.at(-1)!], N);
    await done;
    return;
  }
  await GenServer.start(
    rt,
    { init: () => ({ ok: null }), handleCall: () => ({ reply: atom('pong'), state: null }) },
    null,
    { name: 'bench_gs' },
  );
  const frames = splitFrames(c.chunks.slice(c.marks.call, c.marks.end)).slice(-3);
  t.feed(prefix);
  await new Promise((r) => setImmediate(r));
  const base = conn.inspect().messagesIn as number;
  feedCopies(t, frames, N);
  await new Promise<void>((resolve) => {
    const check = (): void => {
      if ((conn.inspect().messagesIn as number) - base >= 3 * N)
        setImmediate(() => setImmediate(resolve));
      else setImmediate(check);
    };
    check();
  });
}

/** Records what an erl node sends a beamlink node: a `{count, 12345}` burst, then 200 calls. */
async function capture(otp: string): Promise<void> {
  const { startNode } = await import('../../src/kernel/start-node.ts');
  const { EpmdProcess, ErlangPeer, erlangReleases, uniqueName } =
    await import('../../test/support/erlang-peer.ts');
  const release = erlangReleases().find((r) => r.otp === Number(otp));
  if (!release) throw new Error(`no OTP ${otp} here`);
  const epmd = await EpmdProcess.start();
  const erl = await ErlangPeer.start({
    release,
    epmdPort: epmd.port,
    sname: uniqueName('caperl'),
    cookie: 'msgpath',
  });
  const node = await startNode({
    sname: uniqueName('capbl'),
    cookie: 'msgpath',
    epmdPort: epmd.port,
    logger: memoryLogger(),
  });
  try {
    let sink: Pid | undefined;
    node.runtime.spawn((p) => {
      p.register('bench_sink');
      sink = p.pid;
      let left = 0;
      let from: Pid | undefined;
      p.handle((m) => {
        if (left === 0) {
          const e = (m as Tuple).elements;
          if (e?.[0] !== atom('expect')) return;
          left = e[1] as number;
          from = e[2] as Pid;
          p.send(from, tuple(atom('sink'), p.pid));
        } else if (--left === 0) p.send(from!, atom('done'));
      });
    });
    await GenServer.start(
      node.runtime,
      { init: () => ({ ok: null }), handleCall: () => ({ reply: atom('pong'), state: null }) },
      null,
      { name: 'bench_gs' },
    );
    const chunks: Buffer[] = [];
    let flags = 0n;
    const proto = Connection.prototype as unknown as { receive(c: Buffer | undefined): void };
    const receive = proto.receive;
    proto.receive = function (this: Connection, c: Buffer | undefined) {
      if (c && this.peerName === erl.node) {
        flags = this.flags;
        chunks.push(Buffer.from(c));
      }
      receive.call(this, c);
    };
    const to = node.name;
    await erl.eval(`pong = net_adm:ping('${to}').`);
    const marks = { oneway: chunks.length, call: 0, end: 0 };
    await erl.eval(
      `fun() -> {bench_sink, '${to}'} ! {expect, 400, self()}, P = receive {sink, X} -> X end, ` +
        `[P ! {count, 12345} || _ <- lists:seq(1, 400)], receive done -> ok end end().`,
    );
    marks.call = chunks.length;
    await erl.eval(
      `[pong = gen_server:call({bench_gs, '${to}'}, ping) || _ <- lists:seq(1, 200)], ok.`,
    );
    marks.end = chunks.length;
    proto.receive = receive;
    const out: Capture = {
      node: to,
      creation: node.creation,
      peer: erl.node,
      flags: flags.toString(),
      sink: { id: sink!.id },
      marks,
      chunks: chunks.map((c) => c.toString('base64')),
    };
    writeFileSync(capturePath(otp), JSON.stringify(out));
    console.log(`captured ${chunks.length} reads from ${release.label} into ${capturePath(otp)}`);
  } finally {
    await node.stop();
    await erl.stop();
    await epmd.stop();
  }
}

async function main(): Promise<void> {
  if (mode === 'build') {
    const { bundleTo } = await import('../build.ts');
    await bundleTo(arg ?? fileURLToPath(new URL('../dist/msg-path.mjs', import.meta.url)), {
      entryPoints: [fileURLToPath(import.meta.url)],
    });
    return;
  }
  if (mode === 'capture') return capture(arg ?? '25');
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const logger = memoryLogger();
  if (mode === 'send') await send(logger);
  else if (mode === 'recv-bl') await receiveBeamlink(logger);
  else if (/^(recv|call)-erl\d\d$/.test(mode))
    await fromErl(logger, mode.startsWith('call'), mode.slice(-2));
  else throw new Error(`unknown mode ${mode}`);
  const cpu = process.cpuUsage(c0);
  const us = cpu.user + cpu.system;
  console.log(
    JSON.stringify({
      mode,
      N,
      wallMs: Math.round(performance.now() - t0),
      cpuNsPerMessage: Math.round((us * 1000) / N),
    }),
  );
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);

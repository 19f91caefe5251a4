// Connection-level benchmarks, beamlink ⇄ beamlink over loopback TCP:
//   connect        handshake time (initiate + accept), mean and p50
//   one-way        small messages per second (SEND of {count, N}), respecting 'drain'
//   bulk           1 MiB binaries per second → GB/s (fragmented, reassembled)
//   ping-pong      round-trip latency p50 / p99 of a small message
// Run: node --import tsx bench/dist/roundtrip.bench.ts [--quick] [--only=one-way|bulk|connect|ping-pong]
// CPU time per message / per GB is printed too: it stays meaningful on a loaded machine.
// BEAM on the same machine (measured by hand, see the task notes): ~294 k one-way small
// messages/s, 3.9 GB/s with 1 MiB binaries, connect 1.5 ms.
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { accept, initiate, tcpTransport, type Connection } from '../../src/dist/index.ts';
import { Pid, Tuple, atom } from '../../src/term/index.ts';

const quick = process.argv.includes('--quick');
const quiet = { warn: (m: string) => console.error(m) };

async function connectPair(): Promise<{ a: Connection; b: Connection; close: () => Promise<void> }> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const s = connect({ port, host: '127.0.0.1' });
  await once(s, 'connect');
  const [sb] = await accepted;
  const [a, b] = await Promise.all([
    initiate(tcpTransport(s), { localName: 'a@h', localCreation: 1, cookie: 'c', remoteName: 'b@h', logger: quiet }),
    accept(tcpTransport(sb), { localName: 'b@h', localCreation: 2, cookie: 'c', decide: () => 'ok', logger: quiet }),
  ]);
  return {
    a,
    b,
    close: async () => {
      a.close();
      b.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const pa = new Pid(atom('a@h'), 1, 0, 1);
const pb = new Pid(atom('b@h'), 1, 0, 2);

async function benchConnect(n: number): Promise<void> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const conns: Promise<Connection>[] = [];
  server.on('connection', (sb) => {
    conns.push(accept(tcpTransport(sb), { localName: 'b@h', localCreation: 2, cookie: 'c', decide: () => 'ok', logger: quiet }));
  });
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    const s = connect({ port, host: '127.0.0.1' });
    await once(s, 'connect');
    const a = await initiate(tcpTransport(s), { localName: 'a@h', localCreation: 1, cookie: 'c', remoteName: 'b@h', logger: quiet });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    a.close();
  }
  for (const c of await Promise.all(conns)) c.close();
  await new Promise<void>((r) => server.close(() => r()));
  times.sort((x, y) => x - y);
  const mean = times.reduce((s, x) => s + x, 0) / n;
  console.log(`connect     ${n} handshakes: mean ${mean.toFixed(3)} ms, p50 ${times[n >> 1]!.toFixed(3)} ms`);
}

async function benchOneWay(n: number): Promise<void> {
  const { a, b, close } = await connectPair();
  let got = 0;
  const done = new Promise<void>((resolve) =>
    b.on('message', () => {
      if (++got === n) resolve();
    }),
  );
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    if (!a.send({ op: 'SEND', from: pa, to: pb, message: new Tuple([atom('count'), i]) })) await once(a, 'drain');
  }
  await done;
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(c0);
  console.log(
    `one-way     ${n} small messages: ${(n / s / 1000).toFixed(0)} k msg/s, ${((cpu.user + cpu.system) / n).toFixed(2)} CPU µs/msg (send + receive)`,
  );
  await close();
}

async function benchBulk(n: number, size: number): Promise<void> {
  const { a, b, close } = await connectPair();
  const bin = new Uint8Array(size).fill(0xff);
  let got = 0;
  const done = new Promise<void>((resolve) =>
    b.on('message', () => {
      if (++got === n) resolve();
    }),
  );
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    if (!a.send({ op: 'SEND', from: pa, to: pb, message: bin })) await once(a, 'drain');
  }
  await done;
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(c0);
  console.log(
    `bulk        ${n} × ${size >> 20} MiB binaries: ${((n * size) / s / 1e9).toFixed(2)} GB/s, ${((n * size) / ((cpu.user + cpu.system) / 1e6) / 1e9).toFixed(2)} GB per CPU second`,
  );
  await close();
}

async function benchPingPong(n: number): Promise<void> {
  const { a, b, close } = await connectPair();
  b.on('message', (m) => {
    if (m.op === 'SEND') b.send({ op: 'SEND', from: pb, to: pa, message: m.message });
  });
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    const reply = once(a, 'message');
    a.send({ op: 'SEND', from: pa, to: pb, message: i });
    await reply;
    times.push(Number(process.hrtime.bigint() - t0) / 1e3);
  }
  times.sort((x, y) => x - y);
  console.log(`ping-pong   ${n} round trips: p50 ${times[n >> 1]!.toFixed(0)} µs, p99 ${times[Math.floor(n * 0.99)]!.toFixed(0)} µs`);
  await close();
}

console.log(`node ${process.version}, ${quick ? 'quick' : 'full'} run`);
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
if (!only || only === 'connect') await benchConnect(quick ? 50 : 300);
if (!only || only === 'one-way') await benchOneWay(quick ? 100_000 : 1_000_000);
if (!only || only === 'bulk') await benchBulk(quick ? 64 : 512, 1 << 20);
if (!only || only === 'ping-pong') await benchPingPong(quick ? 2_000 : 20_000);

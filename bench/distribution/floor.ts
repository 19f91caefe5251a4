// The floor under any distribution: two bare Node.js processes over loopback TCP, no
// beamlink code. A 12-byte ping-pong (p50/p99 µs) and 40-byte frames (4-byte length +
// 36 bytes, as distribution frames are framed) written coalesced, 1638 per 64 KiB write,
// and counted by walking the lengths on the far side (frames/s). Bulk: 1 MiB frames (4-byte
// length + 1 MiB) received into a fresh buffer per frame, the receive side of a 1 MiB binary
// without any codec, two ways: `data` (Node's 'data' chunks copied into the frame buffer,
// what the dist connection does) and `onread` (net.connect's onread option, the kernel
// reading straight into the frame buffer), in a process that keeps its freed heap
// (src/dist/malloc-tune.ts). floorConnect dials an echo server after idle time (connect + 12 bytes),
// for the `dist floor BEAM` rows against erl. Commands of node-worker.ts.
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { largeFrameReceived } from '../../src/dist/malloc-tune.ts';

let server: Server | undefined;

/** One connection: the first byte says `p` (echo everything) or `f` + u32 N (count N frames). */
function serve(sock: Socket): void {
  sock.setNoDelay(true);
  let head = Buffer.alloc(0);
  let mode = '';
  let expected = 0;
  let count = 0;
  let skip = 0;
  const hdr = Buffer.alloc(4);
  let hdrN = 0;
  const frames = (buf: Buffer, from: number): void => {
    let i = from;
    while (i < buf.length) {
      if (skip > 0) {
        const t = Math.min(skip, buf.length - i);
        skip -= t;
        i += t;
      } else if (hdrN === 0 && i + 4 <= buf.length) {
        skip = buf.readUInt32BE(i);
        i += 4;
        count++;
      } else {
        hdr[hdrN++] = buf[i++]!;
        if (hdrN === 4) {
          skip = hdr.readUInt32BE(0);
          hdrN = 0;
          count++;
        }
      }
    }
    if (count >= expected && skip === 0 && hdrN === 0) sock.write('d');
  };
  sock.on('data', (buf: Buffer) => {
    if (mode === 'p') return void sock.write(buf);
    if (mode === 'f') return frames(buf, 0);
    head = Buffer.concat([head, buf]);
    if (head[0] === 0x70) {
      mode = 'p';
      if (head.length > 1) sock.write(head.subarray(1));
    } else if (head.length >= 5) {
      mode = 'f';
      expected = head.readUInt32BE(1);
      frames(head, 5);
    }
  });
  sock.on('error', () => sock.destroy());
}

async function floorServer(): Promise<number> {
  server = createServer(serve);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as { port: number }).port;
}

async function open(port: number): Promise<Socket> {
  const s = connect({ port, host: '127.0.0.1', noDelay: true });
  await once(s, 'connect');
  return s;
}

/** `warm` then `n` 12-byte round trips: p50, p99 (µs) and round trips per second. */
async function floorPing(port: number, n: number, warm: number) {
  const s = await open(port);
  s.write('p');
  const msg = Buffer.alloc(12, 7);
  let got = 0;
  let wake: (() => void) | undefined;
  s.on('data', (b: Buffer) => {
    got += b.length;
    if (got >= 12) {
      got -= 12;
      wake?.();
    }
  });
  const us: number[] = [];
  const t0 = performance.now();
  for (let i = -warm; i < n; i++) {
    const start = process.hrtime.bigint();
    await new Promise<void>((r) => {
      wake = r;
      s.write(msg);
    });
    if (i >= 0) us.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  const ms = performance.now() - t0;
  s.destroy();
  us.sort((a, b) => a - b);
  return { p50: us[n >> 1]!, p99: us[Math.floor(n * 0.99)]!, perSec: ((n + warm) / ms) * 1000 };
}

const PER_WRITE = 1638;

/** About `n` 40-byte frames, 1638 per write, until the far side has counted them: frames/s. */
async function floorFrames(port: number, n: number): Promise<number> {
  const writes = Math.ceil(n / PER_WRITE);
  const total = writes * PER_WRITE;
  const chunk = Buffer.alloc(PER_WRITE * 40, 1);
  for (let i = 0; i < PER_WRITE; i++) chunk.writeUInt32BE(36, i * 40);
  const s = await open(port);
  const head = Buffer.alloc(5);
  head[0] = 0x66;
  head.writeUInt32BE(total, 1);
  s.write(head);
  const done = once(s, 'data');
  const t0 = performance.now();
  for (let i = 0; i < writes; i++) if (!s.write(chunk)) await once(s, 'drain');
  await done;
  const sec = (performance.now() - t0) / 1000;
  s.destroy();
  return total / sec;
}

const MIB = 1 << 20;
let bulkServer: Server | undefined;

/** A server that writes `mib` 1 MiB frames (4-byte length first) to each connection, then ends it. */
async function floorBulkServer(mib: number): Promise<number> {
  bulkServer?.close();
  const frame = Buffer.alloc(4 + MIB, 0xff);
  frame.writeUInt32BE(MIB, 0);
  bulkServer = createServer((sock) => {
    sock.setNoDelay(true);
    sock.on('error', () => sock.destroy());
    void (async () => {
      for (let i = 0; i < mib; i++) {
        sock.write(frame);
        if (sock.writableLength > 8 * MIB) await once(sock, 'drain');
      }
      sock.end();
    })();
  });
  bulkServer.listen(0, '127.0.0.1');
  await once(bulkServer, 'listening');
  return (bulkServer.address() as { port: number }).port;
}

/** Frame splitting over 'data' chunks: each frame's bytes copied into a fresh buffer. */
function dataReceiver(sock: Socket, frame: (buf: Buffer) => void): void {
  let buf: Buffer | undefined;
  let filled = 0;
  const head = Buffer.alloc(4);
  let headN = 0;
  sock.on('data', (chunk: Buffer) => {
    let i = 0;
    while (i < chunk.length) {
      if (!buf) {
        if (headN === 0 && chunk.length - i >= 4) {
          buf = Buffer.allocUnsafe(chunk.readUInt32BE(i));
          i += 4;
        } else {
          head[headN++] = chunk[i++]!;
          if (headN < 4) continue;
          buf = Buffer.allocUnsafe(head.readUInt32BE(0));
          headN = 0;
        }
        filled = 0;
        continue;
      }
      const n = Math.min(buf.length - filled, chunk.length - i);
      chunk.copy(buf, filled, i, i + n);
      filled += n;
      i += n;
      if (filled === buf.length) {
        const done = buf;
        buf = undefined;
        frame(done);
      }
    }
  });
}

/**
 * Frame splitting with the onread option: the 4-byte length is read on its own, then the
 * kernel writes the frame's bytes straight into its fresh buffer (one read per socket
 * buffer's worth, no copy in JavaScript).
 */
function onreadOptions(frame: (buf: Buffer) => void) {
  const head = Buffer.alloc(4);
  let headN = 0;
  let buf: Buffer | undefined;
  let filled = 0;
  return {
    buffer: () => (buf ? buf.subarray(filled) : head.subarray(headN)),
    callback: (n: number) => {
      if (buf) {
        filled += n;
        if (filled === buf.length) {
          const done = buf;
          buf = undefined;
          frame(done);
        }
        return true;
      }
      headN += n;
      if (headN === 4) {
        headN = 0;
        buf = Buffer.allocUnsafe(head.readUInt32BE(0));
        filled = 0;
        if (buf.length === 0) {
          buf = undefined;
          frame(Buffer.alloc(0));
        }
      }
      return true;
    },
  };
}

/** Receives `mib` 1 MiB frames from floorBulkServer's `port`: GB/s from the first byte to the last frame. */
async function floorBulk(port: number, mib: number, how: 'data' | 'onread'): Promise<number> {
  // Let glibc keep freed heap for reuse, as beamlink's connections do on their first large
  // frame: without it every fresh 1 MiB frame buffer faults its pages in again, and the
  // floor would measure page faults.
  largeFrameReceived();
  let got = 0;
  let t0 = 0;
  let check = 0;
  let finish: (gbps: number) => void = () => {};
  const done = new Promise<number>((r) => (finish = r));
  const frame = (buf: Buffer): void => {
    check ^= buf[buf.length - 1]!;
    if (++got === mib) finish((mib * MIB) / (performance.now() - t0) / 1e6);
  };
  const first = (): void => {
    if (t0 === 0) t0 = performance.now();
  };
  let sock: Socket;
  if (how === 'onread') {
    const o = onreadOptions(frame);
    const callback = o.callback;
    sock = connect({
      port,
      host: '127.0.0.1',
      noDelay: true,
      onread: { buffer: o.buffer, callback: (n: number) => (first(), callback(n)) },
    });
  } else {
    sock = connect({ port, host: '127.0.0.1', noDelay: true });
    sock.on('data', first);
    dataReceiver(sock, frame);
  }
  sock.on('error', () => {});
  const gbps = await done;
  sock.destroy();
  if (check !== (mib & 1 ? 0xff : 0))
    throw new Error('floorBulk: frame bytes differ from what was sent');
  return gbps;
}

/**
 * `k` times, each after `idleMs` of idle time: connect to `port` on loopback, 12 bytes
 * there and back (after the `p` that floorServer's echo mode, or dist_bench.erl's
 * tcp_echo_server, expects), close. The median in milliseconds, connect to the echo.
 */
async function floorConnect(port: number, k: number, idleMs: number): Promise<number> {
  const ms: number[] = [];
  const msg = Buffer.alloc(13);
  msg[0] = 0x70;
  for (let i = 0; i < k; i++) {
    await new Promise((r) => setTimeout(r, idleMs));
    const t0 = performance.now();
    const s = connect({ port, host: '127.0.0.1', noDelay: true });
    await once(s, 'connect');
    let got = 0;
    const echoed = new Promise<void>((resolve) => {
      s.on('data', (b: Buffer) => {
        got += b.length;
        if (got >= 12) resolve();
      });
    });
    s.write(msg);
    await echoed;
    ms.push(performance.now() - t0);
    s.destroy();
  }
  ms.sort((a, b) => a - b);
  return ms[k >> 1]!;
}

export const floorCommands = {
  floorServer,
  floorPing,
  floorFrames,
  floorBulkServer,
  floorBulk,
  floorConnect,
  floorStop: () => {
    server?.close();
    bulkServer?.close();
  },
};

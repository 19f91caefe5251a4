// The floor under any distribution: two bare Node.js processes over loopback TCP, no
// beamlink code. A 12-byte ping-pong (p50/p99 µs) and 40-byte frames (4-byte length +
// 36 bytes, as distribution frames are framed) written coalesced, 1638 per 64 KiB write,
// and counted by walking the lengths on the far side (frames/s). Commands of node-worker.ts.
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';

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

export const floorCommands = {
  floorServer,
  floorPing,
  floorFrames,
  floorStop: () => server?.close(),
};

// A raw TCP client for port mapper tests: sends exact bytes, collects whatever comes back
// until the other side closes (or a window passes), and says how the connection ended.
import { connect, type Socket } from 'node:net';

export interface RawReply {
  /** Everything received. */
  readonly bytes: Buffer;
  /** `true` when the server closed the connection within the window. */
  readonly closed: boolean;
}

/** Connects, writes each chunk in turn, then waits for the server to close (window ms). */
export async function rawRequest(
  port: number,
  chunks: readonly Uint8Array[],
  windowMs = 10_000,
  host = '127.0.0.1',
): Promise<RawReply> {
  const socket = await openRaw(port, host);
  return new Promise((resolve) => {
    const got: Buffer[] = [];
    let finished = false;
    const finish = (closed: boolean) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ bytes: Buffer.concat(got), closed });
    };
    const timer = setTimeout(() => finish(false), windowMs);
    socket.on('data', (d: Buffer) => got.push(d));
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
    for (const c of chunks) socket.write(c);
  });
}

export function openRaw(port: number, host = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host });
    s.once('connect', () => {
      s.removeAllListeners('error');
      resolve(s);
    });
    s.once('error', reject);
  });
}

/** Frames a body with its 16-bit length. */
export function framed(body: readonly number[] | Uint8Array): Buffer {
  const b = Buffer.from(body);
  const out = Buffer.alloc(2 + b.length);
  out.writeUInt16BE(b.length, 0);
  b.copy(out, 2);
  return out;
}

/** Polls `pred` every 20 ms until it holds, or fails after `ms`. */
export async function waitUntil(
  pred: () => boolean | Promise<boolean>,
  ms = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

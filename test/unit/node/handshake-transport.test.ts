import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Transport } from '../../../src/dist/transport.ts';
import { handshakeSafe } from '../../../src/node/handshake-transport.ts';

/** A transport whose incoming bytes the test pushes by hand. */
function fakeTransport(): Transport & { push(b: number[]): void } {
  let onData: (c: Buffer) => void = () => {};
  return {
    push: (b) => onData(Buffer.from(b)),
    write: () => true,
    pendingBytes: 0,
    close: () => {},
    closed: false,
    onData: (h) => {
      onData = h;
    },
    onClose: () => {},
    onDrain: () => {},
    description: 'fake',
  };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

test('node/handshake-transport: hands the handshake one 2-byte frame at a time', async () => {
  const inner = fakeTransport();
  const t = handshakeSafe(inner);
  const seen: number[][] = [];
  t.onData((c) => seen.push([...c]));
  // Two whole frames and half of a third in one chunk.
  inner.push([0, 1, 0xaa, 0, 2, 0xbb, 0xcc, 0, 3, 0xdd]);
  assert.deepEqual(seen, [[0, 1, 0xaa]]);
  await tick();
  assert.deepEqual(seen, [
    [0, 1, 0xaa],
    [0, 2, 0xbb, 0xcc],
  ]);
  inner.push([0xee, 0xff]);
  await tick();
  assert.deepEqual(seen.at(-1), [0, 3, 0xdd, 0xee, 0xff]);
});

test('node/handshake-transport: bytes behind the last frame reach the connection after the caller continues', async () => {
  const inner = fakeTransport();
  const t = handshakeSafe(inner);
  const handshake: number[][] = [];
  t.onData((c) => handshake.push([...c]));
  // The ack frame, then 4-byte-framed data in the same chunk.
  inner.push([0, 1, 0x61, 0, 0, 0, 2, 9, 9]);
  assert.deepEqual(handshake, [[0, 1, 0x61]]);
  // The handshake ends: the connection takes over synchronously...
  const conn: number[][] = [];
  t.onData((c) => conn.push([...c]));
  // ...and the caller's microtasks (attaching listeners) run before anything arrives.
  await Promise.resolve();
  assert.deepEqual(conn, []);
  // A chunk arriving meanwhile queues behind the held bytes: order is kept.
  inner.push([0, 0, 0, 1, 7]);
  assert.deepEqual(conn, []);
  await tick();
  assert.deepEqual(conn, [[0, 0, 0, 2, 9, 9, 0, 0, 0, 1, 7]]);
  inner.push([0, 0, 0, 0]);
  assert.deepEqual(conn.at(-1), [0, 0, 0, 0]);
});

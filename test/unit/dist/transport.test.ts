import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { test } from 'node:test';
import { SlabReads, tcpTransport } from '../../../src/dist/transport.ts';

async function socketPair(): Promise<[Socket, Socket, () => void]> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const a = connect({ port, host: '127.0.0.1' });
  await once(a, 'connect');
  const [b] = await accepted;
  return [a, b, () => server.close()];
}

test('dist/transport: tcp write, writev with a written callback, data and close both ways', async () => {
  const [sa, sb, stop] = await socketPair();
  const a = tcpTransport(sa);
  const b = tcpTransport(sb);
  const got: Buffer[] = [];
  let total = 0;
  const all = new Promise<void>((resolve) =>
    b.onData((c) => {
      got.push(c);
      total += c.length;
      if (total === 9) resolve();
    }),
  );
  a.write(Buffer.from('abc'));
  let written = false;
  a.writev!([Buffer.from('de'), Buffer.from('f'), Buffer.from('ghi')], () => (written = true));
  await all;
  assert.equal(Buffer.concat(got).toString(), 'abcdefghi');
  assert.ok(written);
  assert.match(a.description, /^tcp 127\.0\.0\.1:\d+$/);
  const closedB = new Promise<Error | undefined>((resolve) => b.onClose((e) => resolve(e)));
  a.close();
  assert.ok(a.closed);
  assert.equal(a.write(Buffer.from('x')), false);
  assert.equal(await closedB, undefined);
  assert.ok(b.closed);
  // A handler set after the close still hears about it.
  const late = await new Promise<boolean>((resolve) => a.onClose(() => resolve(true)));
  assert.ok(late);
  stop();
});

/** One read as Node makes it: the next buffer from `onread.buffer()`, filled, then the callback. */
function read(r: SlabReads, bytes: Uint8Array): Uint8Array {
  const target = r.onread.buffer();
  assert.ok(target.length >= bytes.length, 'room for the read');
  target.set(bytes);
  r.onread.callback(bytes.length, target);
  return target;
}

test('dist/transport: SlabReads hands out the rest of a slab, then a new one; chunks are never overwritten', () => {
  const r = new SlabReads(128 * 1024);
  const got: Buffer[] = [];
  // Bytes read before the transport takes over are kept, in order.
  read(r, Buffer.alloc(40 * 1024, 1));
  read(r, Buffer.alloc(30 * 1024, 2));
  r.deliverTo((c) => got.push(c));
  assert.deepEqual(
    got.map((c) => [c.length, c[0]]),
    [
      [40 * 1024, 1],
      [30 * 1024, 2],
    ],
  );
  // 58 KiB left in the first slab: under 64 KiB, so the next read gets a new slab.
  const first = got[0]!.buffer;
  assert.equal(got[1]!.buffer, first, 'two reads share a slab');
  assert.equal(got[1]!.byteOffset, got[0]!.byteOffset + 40 * 1024);
  const t = read(r, Buffer.alloc(100 * 1024, 3));
  assert.notEqual(t.buffer, first);
  assert.equal(t.length, 128 * 1024);
  for (let i = 4; i < 12; i++) read(r, Buffer.alloc(50 * 1024 + i, i));
  assert.equal(got.length, 11);
  got.forEach((c, i) => assert.ok(c.every((b) => b === i + 1), `chunk ${i} intact`));
  assert.throws(() => new SlabReads(1024), RangeError);
});

test('dist/transport: a dialed socket read through SlabReads delivers every byte in order', async () => {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const reads = new SlabReads(128 * 1024);
  const sa = connect({ port, host: '127.0.0.1', onread: reads.onread });
  await once(sa, 'connect');
  const [sb] = await accepted;
  const sent = Buffer.alloc(3 * 1024 * 1024 + 77);
  for (let i = 0; i < sent.length; i++) sent[i] = (i * 7 + (i >> 10)) & 0xff;
  sb.write(sent.subarray(0, 1000));
  const a = tcpTransport(sa, reads);
  const b = tcpTransport(sb);
  const got: Buffer[] = [];
  let total = 0;
  const all = new Promise<void>((resolve) =>
    a.onData((c) => {
      assert.ok(c.length <= 128 * 1024);
      got.push(c);
      total += c.length;
      if (total === sent.length) resolve();
    }),
  );
  for (let off = 1000; off < sent.length; off += 50_000) b.write(sent.subarray(off, Math.min(off + 50_000, sent.length)));
  await all;
  assert.ok(Buffer.concat(got).equals(sent), 'the kept chunks still hold what was read');
  const closedA = new Promise<Error | undefined>((resolve) => a.onClose((e) => resolve(e)));
  b.close();
  assert.equal(await closedA, undefined);
  server.close();
});

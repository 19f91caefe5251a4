import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Connection, type ConnectionOptions } from '../../../src/dist/connection.ts';
import type { ControlMessage } from '../../../src/dist/control-message.ts';
import { DistBusyError, DistClosedError, DistProtocolError } from '../../../src/dist/errors.ts';
import { DEFAULT_FLAGS, DFLAG } from '../../../src/dist/flags.ts';
import { FrameReader, frame4 } from '../../../src/dist/framing.ts';
import { Reassembler } from '../../../src/dist/fragments.ts';
import { accept, initiate } from '../../../src/dist/handshake.ts';
import { encode } from '../../../src/term/encode.ts';
import { Atom, Pid, Ref, Tuple, atom, tuple, type Term } from '../../../src/term/types.ts';
import { loneConnection, memoryEnd, memoryPair, type MemoryTransport } from './memory-transport.ts';

const quiet = { warn: () => {} };
const pa = new Pid(atom('a@h'), 1, 0, 1);
const pa2 = new Pid(atom('a@h'), 2, 0, 1);
const pb = new Pid(atom('b@h'), 1, 0, 2);

async function pair(opts: { flagsA?: bigint; conn?: Partial<ConnectionOptions>; tickTimeMs?: number } = {}) {
  const [ta, tb] = memoryPair();
  const [a, b] = await Promise.all([
    initiate(ta, {
      localName: 'a@h',
      localCreation: 1,
      cookie: 'c',
      remoteName: 'b@h',
      flags: opts.flagsA,
      logger: quiet,
      tickTimeMs: opts.tickTimeMs,
      connection: opts.conn,
    }),
    accept(tb, { localName: 'b@h', localCreation: 2, cookie: 'c', decide: () => 'ok', logger: quiet, tickTimeMs: opts.tickTimeMs }),
  ]);
  return { a, b, ta, tb };
}

function collect(conn: Connection): ControlMessage[] {
  const got: ControlMessage[] = [];
  conn.on('message', (m) => got.push(m));
  return got;
}

async function until(pred: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** A connection on a lone transport: the test writes the peer's bytes by hand. */
const lone = loneConnection;

/** `131,68,0` + terms without the version byte. */
function headerFrame(control: Term, payload?: Term): Buffer {
  const parts = [Buffer.from([131, 68, 0]), encode(control).subarray(1)];
  if (payload !== undefined) parts.push(encode(payload).subarray(1));
  return frame4(Buffer.concat(parts));
}

test('dist/connection: messages both ways in 131,68,0 framing', async () => {
  const { a, b, ta } = await pair();
  const gotA = collect(a);
  const gotB = collect(b);
  const before = ta.written.length;
  a.send({ op: 'REG_SEND', from: pa, to: atom('inbox'), message: new Tuple([atom('hi'), 1]) });
  b.send({ op: 'SEND', from: pb, to: pa, message: 'back' });
  await until(() => gotA.length === 1 && gotB.length === 1);
  assert.deepEqual(gotB[0], { op: 'REG_SEND', from: pa, to: atom('inbox'), message: new Tuple([atom('hi'), 1]) });
  assert.deepEqual(gotA[0], { op: 'SEND', from: pb, to: pa, message: 'back' });
  const frame = ta.written[before]!;
  assert.deepEqual([...frame.subarray(4, 7)], [131, 68, 0]);
  a.close();
});

test("dist/connection: without FRAGMENTS or the atom cache, 'p' pass-through framing", async () => {
  const { a, b, ta } = await pair({ flagsA: DEFAULT_FLAGS & ~DFLAG.FRAGMENTS });
  assert.equal(a.flags & DFLAG.FRAGMENTS, 0n);
  assert.equal(a.inspect().framing, 'pass_through');
  const got = collect(b);
  const before = ta.written.length;
  a.send({ op: 'SEND', to: pb, message: 'x' });
  await until(() => got.length === 1);
  assert.deepEqual(got[0], { op: 'SEND', to: pb, message: 'x' });
  assert.deepEqual([...ta.written[before]!.subarray(4, 6)], [112, 131]);
  a.close();
});

test('dist/connection: frames sent in one turn go out in one write', async () => {
  const { a, b, ta } = await pair();
  const got = collect(b);
  const before = ta.written.length;
  for (let i = 0; i < 100; i++) a.send({ op: 'SEND', from: pa, to: pb, message: i });
  await until(() => got.length === 100);
  assert.equal(ta.written.length, before + 1);
  assert.deepEqual(
    got.map((m) => (m.op === 'SEND' ? m.message : -1)),
    Array.from({ length: 100 }, (_, i) => i),
  );
  a.close();
});

test('dist/connection: a big message is fragmented; others overtake it, its sender\'s later ones do not', async () => {
  const { a, b, ta } = await pair({ conn: { fragmentBudget: 64 * 1024 } });
  const got = collect(b);
  const before = ta.written.length;
  const big = new Uint8Array(1024 * 1024 + 5).fill(0xfe);
  a.send({ op: 'SEND', from: pa, to: pb, message: big });
  a.send({ op: 'SEND', from: pa, to: pb, message: 'after big, same sender' });
  a.send({ op: 'SEND', from: pa2, to: pb, message: 'other sender' });
  await until(() => got.length === 3);
  const order = got.map((m) => (m.op === 'SEND' && typeof m.message === 'string' ? m.message : 'BIG'));
  assert.deepEqual(order, ['other sender', 'BIG', 'after big, same sender']);
  const bigGot = got[1]!;
  assert.ok(bigGot.op === 'SEND' && bigGot.message instanceof Uint8Array);
  assert.equal(bigGot.message.length, big.length);
  assert.ok(bigGot.message.every((x) => x === 0xfe));
  // 17 fragments (1 MiB + header bytes over 64 KiB each): 131,69 then 131,70 …
  const frames = new FrameReader(4);
  for (const c of ta.written.slice(before)) frames.push(c);
  const kinds: number[] = [];
  for (let f = frames.next(); f !== undefined; f = frames.next()) if (typeof f !== 'symbol') kinds.push(f[1]!);
  assert.equal(kinds.filter((k) => k === 69).length, 1);
  assert.equal(kinds.filter((k) => k === 70).length, 16);
  assert.equal(b.inspect().reassembling, 0);
  a.close();
});

test('dist/connection: large binaries go out by reference, byte for byte what encode() writes', async () => {
  const { a, b, ta } = await pair({ conn: { fragmentBudget: 100 * 1024 } });
  const got = collect(b);
  const fill = (n: number, k: number) => Uint8Array.from({ length: n }, (_, i) => (i * k) & 0xff);
  // Binaries at, under and over the 64 KiB reference threshold, between small terms.
  const payload = new Tuple([atom('files'), fill(65536, 3), 'x', fill(65535, 5), [fill(200_001, 7), 42], fill(10, 9)]);
  const before = ta.written.length;
  a.send({ op: 'SEND', from: pa, to: pb, message: payload });
  await until(() => got.length === 1);
  const m = got[0]!;
  assert.ok(m.op === 'SEND');
  assert.deepEqual(encode(m.message), encode(payload));
  // Reassemble the fragments as written: exactly 131,68,0, the control tuple, the payload.
  const frames = new FrameReader(4);
  for (const c of ta.written.slice(before)) frames.push(c);
  const r = new Reassembler();
  let whole: Buffer | undefined;
  for (let f = frames.next(); f !== undefined; f = frames.next()) {
    if (typeof f === 'symbol') continue;
    whole = (f[1] === 69 ? r.start(f) : r.continue(f)) ?? whole;
  }
  const control = new Tuple([22, pa, pb]);
  assert.deepEqual(whole, Buffer.concat([Buffer.of(131, 68, 0), encode(control).subarray(1), encode(payload).subarray(1)]));
  a.close();
});

test("dist/connection: a large binary without FRAGMENTS goes out whole in 'p' framing", async () => {
  const { a, b } = await pair({ flagsA: DEFAULT_FLAGS & ~(DFLAG.FRAGMENTS | DFLAG.DIST_HDR_ATOM_CACHE) });
  const got = collect(b);
  const big = new Uint8Array(300_000).fill(0x5a);
  a.send({ op: 'SEND', to: pb, message: new Tuple([big, 1]) });
  await until(() => got.length === 1);
  const m = got[0]!;
  assert.ok(m.op === 'SEND' && m.message instanceof Tuple);
  assert.deepEqual(encode(m.message), encode(new Tuple([big, 1])));
  a.close();
});

test('dist/connection: backpressure: false at the high water mark, drain later, busy past the limit', async () => {
  const { a, ta } = await pair({ conn: { highWaterMark: 10_000, maxQueuedBytes: 50_000 } });
  ta.full = true;
  const payload = new Uint8Array(4000);
  assert.equal(a.send({ op: 'SEND', to: pb, message: payload }), true);
  assert.equal(a.send({ op: 'SEND', to: pb, message: payload }), true);
  assert.equal(a.send({ op: 'SEND', to: pb, message: payload }), false);
  ta.pending = 12_000; // the bytes sit in the "socket" buffer
  let drained = false;
  a.on('drain', () => (drained = true));
  await new Promise((r) => setImmediate(r)); // flushed; the transport said it is full
  assert.ok(!drained);
  ta.pending = 60_000;
  assert.throws(() => a.send({ op: 'SEND', to: pb, message: 1 }), DistBusyError);
  ta.pending = 0;
  ta.full = false;
  ta.drain();
  assert.ok(drained);
  assert.equal(a.send({ op: 'SEND', to: pb, message: 1 }), true);
  a.close();
  assert.equal(a.queuedBytes, 0);
  assert.throws(() => a.send({ op: 'SEND', to: pb, message: 1 }), DistClosedError);
});

test('dist/connection: UNLINK_ID to a peer without UNLINK_ID goes out as UNLINK and is acked locally', async () => {
  const { a, b } = await pair({ flagsA: DEFAULT_FLAGS & ~DFLAG.UNLINK_ID });
  const gotA = collect(a);
  const gotB = collect(b);
  a.send({ op: 'UNLINK_ID', id: 9n, from: pa, to: pb });
  await until(() => gotA.length === 1 && gotB.length === 1);
  assert.deepEqual(gotA[0], { op: 'UNLINK_ID_ACK', id: 9n, from: pb, to: pa });
  assert.deepEqual(gotB[0], { op: 'UNLINK', from: pa, to: pb });
  a.close();
});

test('dist/connection: close emits the reason once and the peer sees connection_closed', async () => {
  const { a, b } = await pair();
  const reasons: Term[] = [];
  a.on('close', (r) => reasons.push(r));
  const peerReason = new Promise<Term>((resolve) => b.on('close', (r) => resolve(r)));
  a.close('shutdown');
  a.close();
  assert.deepEqual(reasons, [atom('shutdown')]);
  assert.equal(await peerReason, atom('connection_closed'));
  assert.equal(a.state, 'closed');
});

test('dist/connection: ticks keep an idle pair up; a silent peer is net_tick_timeout', async () => {
  const { a, b } = await pair({ tickTimeMs: 400 });
  let closedEarly = false;
  a.on('close', () => (closedEarly = true));
  await new Promise((r) => setTimeout(r, 1300));
  assert.ok(!closedEarly, 'ticks kept the connection up');
  assert.ok((a.inspect().ticksOut as number) >= 2);
  a.close();
  b.close();

  const { conn, closed, logs } = lone(undefined, { tickTimeMs: 200 });
  const t0 = Date.now();
  await until(() => closed.reason !== undefined, 5000);
  const elapsed = Date.now() - t0;
  assert.equal(closed.reason, atom('net_tick_timeout'));
  // Window [T, 1.25 T] plus generous slack for a loaded machine.
  assert.ok(elapsed >= 150 && elapsed < 2000, `${elapsed} ms`);
  assert.ok(logs.some((l) => l.includes('net_tick_timeout')));
  assert.equal(conn.state, 'closed');
});

test('dist/connection: the atom cache: new entries, then references to them', async () => {
  const { t, conn, closed } = lone();
  const got = collect(conn);
  // NumberOfAtomCacheRefs 1, flags: ref 0 new in segment 0; LongAtoms off; index 5 = 'rex'
  const pidBytes = encode(pa).subarray(1);
  const control = Buffer.concat([Buffer.from([104, 4, 97, 6]), pidBytes, Buffer.from([119, 0, 82, 0])]);
  t.inject(frame4(Buffer.concat([Buffer.from([131, 68, 1, 0x08, 5, 3]), Buffer.from('rex'), control, Buffer.from([97, 1])])));
  t.inject(frame4(Buffer.concat([Buffer.from([131, 68, 1, 0x00, 5]), control, Buffer.from([97, 2])])));
  await until(() => got.length === 2);
  assert.deepEqual(got[0], { op: 'REG_SEND', from: pa, to: atom('rex'), message: 1 });
  assert.deepEqual(got[1], { op: 'REG_SEND', from: pa, to: atom('rex'), message: 2 });
  // A reference to an empty slot closes the connection.
  t.inject(frame4(Buffer.concat([Buffer.from([131, 68, 1, 0x00, 6]), control, Buffer.from([97, 3])])));
  await until(() => closed.reason !== undefined);
  assert.equal(closed.reason, atom('protocol_error'));
  assert.ok(closed.error instanceof DistProtocolError && closed.error.reason === 'bad_term');
});

test('dist/connection: messages read in place and the general way, in one chunk, in order', async () => {
  const { t, conn } = lone();
  const got = collect(conn);
  const ref = new Ref(atom('a@h'), 1, [1, 2, 3]);
  const frames = [
    headerFrame(new Tuple([22, pa, pb]), tuple(atom('count'), 1)),
    headerFrame(new Tuple([1, pa, pb])),
    Buffer.alloc(4),
    headerFrame(new Tuple([6, pa, atom(''), atom('rex')]), 2),
    headerFrame(new Tuple([19, pa, atom('rex'), ref])),
    headerFrame(new Tuple([2, atom(''), pb]), 3),
    headerFrame(new Tuple([20, pa, pb, ref])),
  ];
  const chunk = Buffer.concat(frames);
  t.inject(chunk.subarray(0, 50));
  t.inject(chunk.subarray(50));
  await until(() => got.length === 6);
  assert.deepEqual(got, [
    { op: 'SEND', from: pa, to: pb, message: tuple(atom('count'), 1) },
    { op: 'LINK', from: pa, to: pb },
    { op: 'REG_SEND', from: pa, to: atom('rex'), message: 2 },
    { op: 'MONITOR_P', from: pa, to: atom('rex'), ref },
    { op: 'SEND', to: pb, message: 3 },
    { op: 'DEMONITOR_P', from: pa, to: pb, ref },
  ]);
  assert.equal(conn.inspect().messagesIn, 6);
});

test("dist/connection: 'message' listeners added, removed and once each get what emit would give them", async () => {
  const { t, conn } = lone();
  conn.removeAllListeners('message'); // lone()'s counter: these are the only listeners
  const send = (n: number): void => t.inject(headerFrame(new Tuple([22, pa, pb]), n));
  const first: number[] = [];
  const once: number[] = [];
  const second: number[] = [];
  const take = (into: number[]) => (m: ControlMessage) => into.push((m as { message: number }).message);
  const f1 = take(first);
  conn.on('message', f1);
  send(1);
  await until(() => first.length === 1);
  conn.once('message', take(once));
  send(2);
  send(3);
  await until(() => first.length === 3);
  const f2 = take(second);
  conn.on('message', f2);
  send(4);
  await until(() => second.length === 1);
  conn.off('message', f1);
  send(5);
  await until(() => second.length === 2);
  conn.off('message', f2);
  send(6); // kept for the listener to come
  conn.on('message', f1);
  send(7);
  await until(() => first.includes(7));
  assert.deepEqual(first, [1, 2, 3, 4, 6, 7]);
  assert.deepEqual(once, [2]);
  assert.deepEqual(second, [4, 5]);
});

test("dist/connection: a removed 'message' listener gets nothing, also when frames are dropped for want of one", async () => {
  const { t, conn, logs } = lone(undefined, { maxFrame: 100 });
  conn.removeAllListeners('message');
  const got: number[] = [];
  const f = (m: ControlMessage): void => void got.push((m as { message: number }).message);
  conn.on('message', f);
  t.inject(headerFrame(new Tuple([22, pa, pb]), 1));
  await until(() => got.length === 1);
  conn.off('message', f);
  t.inject(Buffer.concat([2, 3, 4].map((n) => headerFrame(new Tuple([22, pa, pb]), n))));
  await until(() => logs.some((l) => l.includes('dropping messages')));
  assert.deepEqual(got, [1]);
});

const abuse: [string, (t: MemoryTransport) => void, string][] = [
  ['an unknown operation', (t) => t.inject(headerFrame(new Tuple([99, pa, pb]))), 'unknown_op'],
  ["a 'p' frame while the header is negotiated", (t) => t.inject(frame4(Buffer.concat([Buffer.of(112), encode(new Tuple([1, pa, pb]))]))), 'bad_header'],
  ['a 4 GiB length', (t) => t.inject(Buffer.from([0xff, 0xff, 0xff, 0xff, 0])), 'frame_too_large'],
  ['garbage terms', (t) => t.inject(frame4(Buffer.from([131, 68, 0, 255, 255]))), 'bad_term'],
  ['trailing bytes', (t) => t.inject(frame4(Buffer.concat([headerFrame(new Tuple([1, pa, pb])).subarray(4), Buffer.of(0)]))), 'trailing_bytes'],
  ['trailing bytes after a SEND_SENDER', (t) => t.inject(frame4(Buffer.concat([headerFrame(new Tuple([22, pa, pb]), 1).subarray(4), Buffer.of(0)]))), 'trailing_bytes'],
  ['a one-byte frame before a message', (t) => t.inject(Buffer.concat([frame4(Buffer.of(131)), headerFrame(new Tuple([22, pa, pb]), 1)])), 'bad_header'],
  ['a cut control tuple before a message', (t) => t.inject(Buffer.concat([frame4(Buffer.of(131, 68, 0, 104, 3, 97)), headerFrame(new Tuple([22, pa, pb]), 1)])), 'bad_term'],
  ['a REG_SEND without its payload', (t) => t.inject(headerFrame(new Tuple([6, pa, atom(''), atom('rex')]))), 'bad_term'],
  ['a MONITOR_P with a number for a reference', (t) => t.inject(headerFrame(new Tuple([19, pa, atom('rex'), 5]))), 'bad_control'],
  ['a continuation of an unknown sequence', (t) => t.inject(frame4(fragment(70, 1n, 1n, Buffer.alloc(10)))), 'unknown_sequence'],
  [
    'a duplicate first fragment',
    (t) => t.inject(Buffer.concat([frame4(fragment(69, 5n, 3n, Buffer.of(0))), frame4(fragment(69, 5n, 3n, Buffer.of(0)))])),
    'duplicate_sequence',
  ],
  [
    'an out-of-order fragment',
    (t) => t.inject(Buffer.concat([frame4(fragment(69, 5n, 3n, Buffer.of(0))), frame4(fragment(70, 5n, 1n, Buffer.of(1)))])),
    'out_of_order',
  ],
  [
    'too many sequences at once',
    (t) => t.inject(Buffer.concat(Array.from({ length: 5 }, (_, i) => frame4(fragment(69, BigInt(i + 1), 2n, Buffer.of(0)))))),
    'too_many_sequences',
  ],
  ['a message announcing too many fragments', (t) => t.inject(frame4(fragment(69, 1n, 1n << 40n, Buffer.of(0)))), 'message_too_large'],
];

function fragment(kind: 69 | 70, seq: bigint, id: bigint, rest: Buffer): Buffer {
  const h = Buffer.alloc(18);
  h[0] = 131;
  h[1] = kind;
  h.writeBigUInt64BE(seq, 2);
  h.writeBigUInt64BE(id, 10);
  return Buffer.concat([h, rest]);
}

for (const [what, inject, reason] of abuse) {
  test(`dist/connection: ${what} closes that connection with a log line, not the others`, async () => {
    const victim = lone(undefined, { maxFrame: 1 << 20, reassembly: { maxSequences: 4, maxBytes: 1 << 20 } });
    const bystander = await pair();
    const got = collect(bystander.b);
    inject(victim.t);
    await until(() => victim.closed.reason !== undefined);
    assert.equal(victim.closed.reason, atom('protocol_error'));
    assert.ok(victim.closed.error instanceof DistProtocolError);
    assert.equal(victim.closed.error.reason, reason);
    assert.equal(victim.closed.error.node, 'a@h');
    assert.ok(victim.logs.some((l) => l.includes('a@h') && l.includes(reason)), victim.logs.join('\n'));
    assert.ok(victim.t.closed);
    assert.equal(victim.conn.inspect().reassemblyBytes, 0);
    bystander.a.send({ op: 'SEND', to: pb, message: 'still fine' });
    await until(() => got.length === 1);
    bystander.a.close();
  });
}

test('dist/connection: inspect() is plain JSON', async () => {
  const { a } = await pair();
  const json = JSON.parse(JSON.stringify(a.inspect()));
  assert.equal(json.peerName, 'b@h');
  assert.equal(json.state, 'up');
  assert.equal(json.framing, 'dist_header');
  assert.match(json.flags, /^0x[0-9a-f]+$/);
  a.close();
});

test('dist/connection: an unencodable value throws and leaves the batch intact', async () => {
  const { a, b } = await pair();
  const got = collect(b);
  a.send({ op: 'SEND', to: pb, message: 1 });
  assert.throws(() => a.send({ op: 'SEND', to: pb, message: Symbol('not a term') as unknown as Term }));
  a.send({ op: 'SEND', to: pb, message: 2 });
  await until(() => got.length === 2);
  assert.deepEqual(
    got.map((m) => (m.op === 'SEND' ? m.message : null)),
    [1, 2],
  );
  assert.ok(Atom.existing('a@h'));
  a.close();
});

test('dist/connection: fragments arriving in small socket chunks reassemble (split-frame path)', async () => {
  const { t, conn, closed } = lone();
  const got = collect(conn);
  const big = Buffer.alloc(300_000, 0xee);
  const body = Buffer.concat([encode(new Tuple([2, atom(''), pb])).subarray(1), encode(big).subarray(1)]);
  const frames: Buffer[] = [];
  const count = Math.ceil(body.length / 65536);
  for (let i = 0; i < count; i++) {
    const data = body.subarray(i * 65536, (i + 1) * 65536);
    frames.push(frame4(Buffer.concat([fragment(i === 0 ? 69 : 70, 77n, BigInt(count - i), i === 0 ? Buffer.of(0) : Buffer.alloc(0)), data])));
  }
  // A small message from elsewhere between the fragments, and every chunk 999 bytes.
  frames.splice(2, 0, headerFrame(new Tuple([2, atom(''), pb]), 'between'));
  const stream = Buffer.concat(frames);
  for (let i = 0; i < stream.length; i += 999) t.inject(stream.subarray(i, i + 999));
  await until(() => got.length === 2);
  assert.equal(closed.reason, undefined);
  assert.deepEqual(got[0], { op: 'SEND', to: pb, message: 'between' });
  const m = got[1]!;
  assert.ok(m.op === 'SEND' && Buffer.isBuffer(m.message));
  assert.ok(Buffer.from(m.message as Uint8Array).equals(big));
  conn.close();
});

test('dist/connection: frames that arrive before a message listener are kept, not lost', async () => {
  const t = memoryEnd();
  const conn = new Connection({
    transport: t,
    reader: new FrameReader(4),
    localName: 'b@h',
    peerName: 'a@h',
    peerFlags: DEFAULT_FLAGS,
    peerCreation: 1,
    flags: DEFAULT_FLAGS,
    logger: quiet,
  });
  t.inject(headerFrame(new Tuple([2, atom(''), pb]), 'early'));
  await until(() => (conn.inspect().bytesIn as number) > 0); // read, with no listener yet
  const got = collect(conn);
  await until(() => got.length === 1);
  assert.deepEqual(got[0], { op: 'SEND', to: pb, message: 'early' });
  conn.close();
});

test('dist/connection: one SequenceId per sender while its fragmented messages are in flight', async () => {
  const { a, b, ta } = await pair();
  const got = collect(b);
  const before = ta.written.length;
  const big = new Uint8Array(100_000).fill(1);
  a.send({ op: 'SEND', from: pa, to: pb, message: big });
  a.send({ op: 'SEND', from: pa, to: pb, message: big });
  a.send({ op: 'SEND', from: pa2, to: pb, message: big });
  await until(() => got.length === 3);
  const frames = new FrameReader(4);
  for (const c of ta.written.slice(before)) frames.push(c);
  const firsts: bigint[] = [];
  for (let f = frames.next(); f !== undefined; f = frames.next()) {
    if (typeof f !== 'symbol' && f[1] === 69) firsts.push(f.readBigUInt64BE(2));
  }
  assert.equal(firsts.length, 3);
  const counts = new Map<bigint, number>();
  for (const id of firsts) counts.set(id, (counts.get(id) ?? 0) + 1);
  // pa's two messages share its SequenceId; pa2 has its own.
  assert.deepEqual([...counts.values()].sort(), [1, 2]);
  a.close();
});

test('dist/connection: a repeated SEND or REG_SEND writes the same bytes as the first (the cached header and control tuple)', async () => {
  const { t, conn } = loneConnection(DEFAULT_FLAGS | DFLAG.PUBLISHED);
  const inbox = atom('inbox');
  const sends: [ControlMessage, Term, Term][] = [
    [{ op: 'SEND', from: pa, to: pb, message: 1 }, new Tuple([22, pa, pb]), 1],
    [{ op: 'SEND', from: pa, to: pb, message: 'two' }, new Tuple([22, pa, pb]), 'two'],
    [{ op: 'SEND', from: pa2, to: pb, message: 3 }, new Tuple([22, pa2, pb]), 3],
    // same sender and destination objects as the SEND before, another op: not its bytes
    [{ op: 'REG_SEND', from: pa2, to: pb as never, message: 4 }, new Tuple([6, pa2, atom(''), pb]), 4],
    [{ op: 'REG_SEND', from: pa2, to: inbox, message: 5 }, new Tuple([6, pa2, atom(''), inbox]), 5],
    [{ op: 'REG_SEND', from: pa2, to: inbox, message: [6] }, new Tuple([6, pa2, atom(''), inbox]), [6]],
    [{ op: 'SEND', from: pa2, to: pb, message: 7, token: 9 }, new Tuple([23, pa2, pb, 9]), 7],
    [{ op: 'SEND', from: pa2, to: pb, message: 8 }, new Tuple([22, pa2, pb]), 8],
    [{ op: 'SEND', to: pb, message: 9 }, new Tuple([2, atom(''), pb]), 9],
  ];
  for (const [m] of sends) conn.send(m);
  // a payload that is not a term fails the send and leaves nothing behind
  assert.throws(() => conn.send({ op: 'SEND', from: pa2, to: pb, message: Symbol('x') as never }));
  conn.send({ op: 'SEND', from: pa2, to: pb, message: 10 });
  await until(() => t.written.length > 0);
  const expected = Buffer.concat([
    ...sends.map(([, control, payload]) => headerFrame(control, payload)),
    headerFrame(new Tuple([22, pa2, pb]), 10),
  ]);
  assert.deepEqual(Buffer.concat(t.written), expected);
  conn.close();
});

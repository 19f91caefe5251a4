import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FRAGMENT_SIZE, FragmentError, Reassembler, splitFragments } from '../../../src/dist/fragments.ts';

test('dist/fragments: BEAM\'s layout: 18-byte headers, 64 KiB of data, ids counting down to 1', () => {
  const data = Buffer.alloc(200 * 1024, 1);
  const frags = [...splitFragments(0x0102n, Buffer.of(0), data)];
  assert.equal(frags.length, 4);
  assert.deepEqual([...frags[0]!.subarray(0, 18)], [131, 69, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 4]);
  assert.equal(frags[0]!.length, 18 + 1 + FRAGMENT_SIZE); // 65555, as BEAM's first fragment
  assert.equal(frags[1]!.length, 18 + FRAGMENT_SIZE);
  assert.deepEqual([...frags[3]!.subarray(0, 2)], [131, 70]);
  assert.equal(frags[3]!.readBigUInt64BE(10), 1n);
  assert.equal(frags[3]!.length, 18 + 200 * 1024 - 3 * FRAGMENT_SIZE);
});

test('dist/fragments: interleaved sequences reassemble into 131,68 messages', () => {
  const r = new Reassembler();
  const x = Buffer.alloc(150_000, 7);
  const y = Buffer.alloc(70_000, 9);
  const fx = [...splitFragments(1n, Buffer.of(0), x)];
  const fy = [...splitFragments(2n, Buffer.of(0), y)];
  const out: Buffer[] = [];
  const feed = (f: Buffer) => {
    const whole = f[1] === 69 ? r.start(f) : r.continue(f);
    if (whole) out.push(whole);
  };
  feed(fx[0]!);
  feed(fy[0]!);
  feed(fx[1]!);
  feed(fy[1]!);
  assert.equal(r.pending, 1);
  feed(fx[2]!);
  assert.equal(out.length, 2);
  assert.deepEqual(out[0], Buffer.concat([Buffer.of(131, 68, 0), y]));
  assert.deepEqual(out[1], Buffer.concat([Buffer.of(131, 68, 0), x]));
  assert.equal(r.pending, 0);
  assert.equal(r.bufferedBytes, 0);
});

test('dist/fragments: a single fragment (id 1) is a whole message at once', () => {
  const r = new Reassembler();
  const [only] = [...splitFragments(3n, Buffer.of(0), Buffer.from('abc'))];
  assert.deepEqual(r.start(only!), Buffer.from([131, 68, 0, 97, 98, 99]));
});

test('dist/fragments: bounded: total bytes and sequences in flight', () => {
  const r = new Reassembler({ maxSequences: 2, maxBytes: 150_000 });
  const frags = [...splitFragments(1n, Buffer.of(0), Buffer.alloc(200_000))];
  r.start(frags[0]!);
  r.continue(frags[1]!);
  assert.throws(
    () => r.continue(frags[2]!),
    (e: unknown) => e instanceof FragmentError && e.reason === 'reassembly_too_large',
  );
  assert.throws(
    () => new Reassembler({ maxBytes: 100_000 }).start(frags[0]!),
    (e: unknown) => e instanceof FragmentError && e.reason === 'message_too_large',
  );
  const r2 = new Reassembler({ maxSequences: 2 });
  r2.start([...splitFragments(1n, Buffer.of(0), Buffer.alloc(70_000))][0]!);
  r2.start([...splitFragments(2n, Buffer.of(0), Buffer.alloc(70_000))][0]!);
  assert.throws(
    () => r2.start([...splitFragments(3n, Buffer.of(0), Buffer.alloc(70_000))][0]!),
    (e: unknown) => e instanceof FragmentError && e.reason === 'too_many_sequences',
  );
  r2.clear();
  assert.equal(r2.pending, 0);
});

test('dist/fragments: fragments of any size reassemble (a first one smaller than the rest, pieces)', () => {
  const r = new Reassembler();
  const data = Buffer.alloc(300_000);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31) & 0xff;
  // A peer that cuts its fragments unevenly: 100 bytes, 70 000, 1, then the rest in three pieces.
  const cuts = [100, 70_100, 70_101, data.length];
  const frame = (first: boolean, id: number, body: Buffer): Buffer => {
    const head = Buffer.alloc(first ? 19 : 18);
    head[0] = 131;
    head[1] = first ? 69 : 70;
    head.writeBigUInt64BE(9n, 2);
    head.writeBigUInt64BE(BigInt(id), 10);
    return Buffer.concat([head, body]);
  };
  assert.equal(r.start(frame(true, 4, data.subarray(0, cuts[0]))), undefined);
  assert.equal(r.continue(frame(false, 3, data.subarray(cuts[0], cuts[1]))), undefined);
  assert.equal(r.continue(frame(false, 2, data.subarray(cuts[1], cuts[2]))), undefined);
  const last = frame(false, 1, data.subarray(cuts[2], cuts[3]));
  const whole = r.continueParts([last.subarray(0, 5), last.subarray(5, 1000), last.subarray(1000)]);
  assert.ok(whole);
  assert.deepEqual(whole, Buffer.concat([Buffer.of(131, 68, 0), data]));
  assert.equal(r.bufferedBytes, 0);
  assert.equal(r.pending, 0);
});

test('dist/fragments: a message claiming many fragments is not allocated up front past the bound', () => {
  const r = new Reassembler();
  const head = Buffer.alloc(19 + FRAGMENT_SIZE);
  head[0] = 131;
  head[1] = 69;
  head.writeBigUInt64BE(1n, 2);
  head.writeBigUInt64BE(8000n, 10); // claims ~500 MiB
  const before = process.memoryUsage().arrayBuffers;
  assert.equal(r.start(head), undefined);
  const allocated = process.memoryUsage().arrayBuffers - before;
  assert.ok(allocated < 64 * 1024 * 1024, `${allocated} bytes allocated for one fragment`);
  assert.equal(r.bufferedBytes, 2 + 1 + FRAGMENT_SIZE);
  r.clear();
});

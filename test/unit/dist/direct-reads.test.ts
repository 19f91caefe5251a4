import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DirectReads } from '../../../src/dist/direct-reads.ts';
import { FrameReader, FrameTooLargeError, TICK } from '../../../src/dist/framing.ts';
import { Reassembler, writeFragmentHeader } from '../../../src/dist/fragments.ts';

// What a connection makes of a byte stream (handshake frame first, then 4-byte frames):
// whole messages (131,68,...) as hex-free byte copies, and ticks, in order.
function consumer(reader: FrameReader) {
  const out: string[] = [];
  const r = new Reassembler();
  const drain = (): void => {
    if (reader.headerSize === 2) return;
    for (;;) {
      if (reader.nextIsSplit()) {
        const parts = reader.nextParts();
        const f = Buffer.concat(parts);
        take(f);
        continue;
      }
      const f = reader.next();
      if (f === undefined) return;
      if (f === TICK) out.push('tick');
      else take(f);
    }
  };
  const take = (f: Buffer): void => {
    const whole = f[1] === 68 ? f : f[1] === 69 ? r.start(f) : r.continue(f);
    if (whole) out.push(`msg ${whole.length} ${sum(whole)}`);
  };
  return { out, drain, reassembler: r };
}

const sum = (b: Uint8Array): number => {
  let h = 0;
  for (let i = 0; i < b.length; i++) h = (h * 31 + b[i]!) >>> 0;
  return h;
};

function frame(payload: Buffer): Buffer {
  const f = Buffer.allocUnsafe(4 + payload.length);
  f.writeUInt32BE(payload.length, 0);
  payload.copy(f, 4);
  return f;
}

let seed = 7;
const rnd = (n: number): number => {
  seed = (seed * 1103515245 + 12345) >>> 0;
  return seed % n;
};
const bytes = (n: number): Buffer => {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = rnd(256);
  return b;
};

const whole = (n: number): Buffer => frame(Buffer.concat([Buffer.of(131, 68), bytes(n)]));
/** The frames of one message of `sizes` fragment data sizes (the first's data includes the cache header). */
function fragments(seq: bigint, sizes: number[]): Buffer[] {
  return sizes.map((size, k) => {
    const p = Buffer.allocUnsafe(18 + size);
    writeFragmentHeader(p, 0, k === 0, seq, BigInt(sizes.length - k));
    bytes(size).copy(p, 18);
    return frame(p);
  });
}
const TICK4 = Buffer.alloc(4);

/**
 * Runs `wire` through DirectReads with reads of `sizes()` bytes (at most what the buffer
 * it offers holds), into a reader switched to 4-byte frames after one handshake frame.
 */
function throughDirect(wire: Buffer, sizes: () => number, maxFrame?: number) {
  const d = new DirectReads();
  const reader = new FrameReader(2);
  const c = consumer(reader);
  d.deliver = (chunk) => {
    reader.push(chunk);
    if (reader.headerSize === 2) {
      const hs = reader.next();
      if (hs === undefined) return;
      assert.ok(Buffer.isBuffer(hs) && hs.toString() === 'hi');
      reader.headerSize = 4;
      if (maxFrame !== undefined) reader.maxFrame = maxFrame;
    }
    c.drain();
  };
  const all = Buffer.concat([Buffer.from([0, 2, 104, 105]), wire]);
  let pos = 0;
  while (pos < all.length) {
    const buf = d.onread.buffer();
    const n = Math.min(buf.length, all.length - pos, Math.max(1, sizes()));
    all.copy(buf, 0, pos, pos + n);
    pos += n;
    d.onread.callback(n);
  }
  return { out: c.out, direct: d.messages, reassembling: c.reassembler.pending };
}

function reference(wire: Buffer): string[] {
  const reader = new FrameReader(4);
  const c = consumer(reader);
  reader.push(wire);
  c.drain();
  return c.out;
}

test('dist/direct-reads: fragmented messages read into their buffer give what the reassembler gives, at every read split', () => {
  const wire = Buffer.concat([
    whole(10),
    ...fragments(5n, [100, 64, 64, 7]),
    TICK4,
    whole(0),
    ...fragments(6n, [30, 30]),
  ]);
  const want = reference(wire);
  assert.equal(want.length, 5);
  let direct = 0;
  for (let size = 1; size <= wire.length + 4; size++) {
    const got = throughDirect(wire, () => size);
    assert.deepEqual(got.out, want, `reads of ${size} bytes`);
    assert.equal(got.reassembling, 0);
    direct += got.direct;
    // Reads that end with the handshake: both sequences are read straight into their buffer.
    if (4 % size === 0) assert.equal(got.direct, 2, `reads of ${size} bytes`);
  }
  // Else a sequence the first read reached into is the reassembler's (about half the sizes).
  assert.ok(direct > wire.length / 2, `${direct} messages read whole`);
});

test('dist/direct-reads: tiny frames and ticks between the fragments of huge messages, random read sizes', () => {
  for (let round = 0; round < 20; round++) {
    const a = fragments(BigInt(round + 1), [65_536 + 9, 65_536, 65_536, 1234]);
    const b = fragments(BigInt(round + 1000), [65_536 + 3, 300]);
    const parts: Buffer[] = [];
    for (let i = 0; i < a.length; i++) {
      parts.push(a[i]!);
      if (rnd(2)) parts.push(TICK4);
      if (rnd(2)) parts.push(whole(rnd(40)));
      if (i === 1) parts.push(b[0]!); // another sender's fragments interleave
      if (i === 2) parts.push(b[1]!);
    }
    parts.push(whole(70_000), TICK4, TICK4);
    const wire = Buffer.concat(parts);
    const want = reference(wire);
    for (const sizes of [() => 1 + rnd(100), () => 1 + rnd(70_000), () => 65_536, () => 1 << 30]) {
      const got = throughDirect(wire, sizes);
      assert.deepEqual(got.out, want);
      assert.equal(got.reassembling, 0);
    }
  }
});

test('dist/direct-reads: an irregular sequence goes to the reassembler, which refuses it as it would', () => {
  const [first, second, third] = fragments(9n, [50, 50, 50]);
  // FragmentId 2 again instead of 1: out of order.
  const bad = Buffer.from(third!);
  bad.writeBigUInt64BE(2n, 4 + 10);
  const wire = Buffer.concat([first!, second!, bad]);
  for (const size of [1, 7, 22, 1 << 20]) {
    assert.throws(
      () => throughDirect(wire, () => size),
      (e: unknown) => e instanceof Error && 'reason' in e && e.reason === 'out_of_order',
    );
  }
  // A second first fragment of the same sequence: a duplicate.
  const again = fragments(9n, [50, 50])[0]!;
  for (const size of [4, 64]) {
    assert.throws(
      () => throughDirect(Buffer.concat([first!, again]), () => size),
      (e: unknown) => e instanceof Error && 'reason' in e && e.reason === 'duplicate_sequence',
    );
  }
});

test('dist/direct-reads: a message past maxFrame is handed to the reassembler; a frame past it is refused', () => {
  const frames = fragments(3n, [1000, 1000, 1000, 1000]);
  const wire = Buffer.concat(frames);
  const got = throughDirect(wire, () => 512, 2500);
  assert.deepEqual(got.out, reference(wire));
  assert.equal(got.direct, 0);
  const huge = Buffer.alloc(8);
  huge.writeUInt32BE(0xffff_fff0, 0);
  assert.throws(
    () => throughDirect(Buffer.concat([whole(5), huge]), () => 100, 1 << 20),
    (e: unknown) => e instanceof FrameTooLargeError,
  );
});

test('dist/direct-reads: reads go into 1 KiB until one fills it, then into 64 KiB; the bytes come through intact', () => {
  const d = new DirectReads();
  const reader = new FrameReader(2);
  const c = consumer(reader);
  const delivered: Buffer[] = [];
  d.deliver = (chunk) => {
    delivered.push(Buffer.from(chunk));
    reader.push(chunk);
    if (reader.headerSize === 2 && reader.next() !== undefined) reader.headerSize = 4;
    c.drain();
  };
  const sizes: number[] = [];
  const read = (bytes: Buffer): void => {
    const buf = d.onread.buffer();
    sizes.push(buf.length);
    assert.ok(bytes.length <= buf.length);
    bytes.copy(buf);
    d.onread.callback(bytes.length);
  };
  const wire = [Buffer.from([0, 2, 104, 105]), whole(100), whole(1018), whole(300), whole(40_000)];
  for (const w of wire) read(w);
  sizes.push(d.onread.buffer().length); // the next read's
  assert.deepEqual(sizes, [1024, 1024, 1024, 65_536, 65_536, 65_536]);
  assert.deepEqual(Buffer.concat(delivered), Buffer.concat(wire));
  assert.deepEqual(c.out, reference(Buffer.concat(wire.slice(1))));
});

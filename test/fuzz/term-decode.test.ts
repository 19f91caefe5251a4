// Fuzzing the decoder: well over 100,000 random and mutated buffers per run (every-byte
// truncations and bit flips of valid terms, absurd lengths, random bytes, deep nesting,
// compression bombs). Only TermDecodeError may escape; nothing may hang.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import {
  atom,
  AtomCache,
  decode,
  decodeAt,
  decodeDistMessage,
  encode,
  TermDecodeError,
  tuple,
  type Term,
} from '../../src/term/index.ts';
import { anyTerm } from '../unit/term/arbitrary.ts';

const seed = Number(process.env.BEAMLINK_SEED ?? Date.now() % 2 ** 31);
/** A decode slower than this is a hang, not a slow machine. */
const HANG_MS = 5_000;

let inputs = 0;
let decoded = 0;
let rejected = 0;
let slowest = 0;

function tryDecode(bytes: Buffer, fn: (b: Buffer) => unknown = (b) => decode(b)): void {
  inputs++;
  const t0 = performance.now();
  try {
    fn(bytes);
    decoded++;
  } catch (e) {
    if (!(e instanceof TermDecodeError)) {
      assert.fail(
        `${String(e)} escaped for ${bytes.subarray(0, 64).toString('hex')} (seed ${seed})`,
      );
    }
    assert.ok(e.offset >= 0, 'offset is set');
    rejected++;
  }
  const ms = performance.now() - t0;
  slowest = Math.max(slowest, ms);
  assert.ok(ms < HANG_MS, `decode took ${ms} ms for ${bytes.subarray(0, 64).toString('hex')}`);
}

/** A small deterministic PRNG so a failing run can be replayed with BEAMLINK_SEED. */
function rng(s: number): () => number {
  let x = s >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

describe('fuzz/term-decode: only TermDecodeError escapes, nothing hangs', () => {
  const random = rng(seed);
  const corpus: Buffer[] = fc
    .sample(anyTerm(), { numRuns: 400, seed })
    .map((t: Term) => encode(t))
    .concat([
      encode(new Array(50).fill(tuple(atom('a'), 'xyz')), { compressed: true }),
      encode({ map: new Map<Term, Term>([[1, 2]]), big: 1n << 300n, f: 1.5 }),
    ]);

  it('every-byte truncations of valid terms', () => {
    for (const b of corpus) for (let n = 0; n < b.length; n++) tryDecode(b.subarray(0, n));
  });

  it('bit flips and byte substitutions', () => {
    const interesting = [0, 1, 0x7f, 0x80, 0xfe, 0xff];
    for (let round = 0; round < 40; round++) {
      for (const b of corpus) {
        const m = Buffer.from(b);
        const flips = 1 + Math.floor(random() * 3);
        for (let k = 0; k < flips; k++) {
          const i = Math.floor(random() * m.length);
          if (random() < 0.5) m[i] = m[i]! ^ (1 << Math.floor(random() * 8));
          else m[i] = interesting[Math.floor(random() * interesting.length)]!;
        }
        tryDecode(m);
      }
    }
  });

  it('absurd lengths written over length fields', () => {
    for (const b of corpus) {
      for (let k = 0; k < 20; k++) {
        const m = Buffer.from(b);
        const i = 1 + Math.floor(random() * Math.max(1, m.length - 4));
        if (i + 4 <= m.length) m.writeUInt32BE(random() < 0.5 ? 0xffffffff : 0x7fffffff, i);
        tryDecode(m);
      }
    }
  });

  it('random bytes after the version byte, and random bytes at an offset with atom refs', () => {
    const refs = [atom('a'), atom('b')];
    for (let k = 0; k < 40_000; k++) {
      const n = 1 + Math.floor(random() * 24);
      const m = Buffer.allocUnsafe(n + 1);
      m[0] = 131;
      for (let i = 1; i <= n; i++) m[i] = Math.floor(random() * 256);
      tryDecode(m);
      tryDecode(m, (b) => decodeAt(b, 1, { atomRefs: refs }));
    }
  });

  it('mutated distribution headers', () => {
    const base = Buffer.from([
      131, 68, 2, 0x88, 0x00, 1, 3, 97, 98, 99, 2, 1, 100, 104, 2, 82, 0, 82, 1,
    ]);
    for (let n = 0; n <= base.length; n++)
      tryDecode(base.subarray(0, n), (b) => decodeDistMessage(b, 0, new AtomCache()));
    for (let k = 0; k < 5_000; k++) {
      const m = Buffer.from(base);
      m[Math.floor(random() * m.length)] = Math.floor(random() * 256);
      tryDecode(m, (b) => decodeDistMessage(b, 0, new AtomCache()));
    }
  });

  it('deep nesting: a million unfinished tuples, lists and maps', () => {
    for (const [tag, head] of [
      [104, [104, 1]],
      [108, [108, 0, 0, 0, 1]],
      [116, [116, 0, 0, 0, 1, 97, 1]],
    ] as const) {
      const n = 1_000_000;
      const m = Buffer.alloc(1 + n * head.length);
      m[0] = 131;
      for (let i = 0; i < n; i++) m.set(head, 1 + i * head.length);
      assert.equal(m[1], tag);
      tryDecode(m);
    }
  });

  it('compression bombs and size lies', () => {
    const zeros = deflateSync(Buffer.alloc(200 * 1024 * 1024));
    const frame = (size: number, body: Buffer) => {
      const h = Buffer.from([131, 80, 0, 0, 0, 0]);
      h.writeUInt32BE(size >>> 0, 2);
      return Buffer.concat([h, body]);
    };
    tryDecode(frame(200 * 1024 * 1024, zeros)); // over the default 64 MiB cap
    tryDecode(frame(1000, zeros)); // inflates past its declared size
    tryDecode(frame(0xffffffff, zeros));
    const ok = encode(new Array(1000).fill(atom('z')), { compressed: true });
    for (let n = 0; n < ok.length; n++) tryDecode(ok.subarray(0, n));
  });

  it('ran at least 100,000 inputs', () => {
    console.log(
      `fuzz: ${inputs} inputs (seed ${seed}): ${decoded} decoded, ${rejected} rejected, slowest ${slowest.toFixed(1)} ms`,
    );
    assert.ok(inputs >= 100_000, `only ${inputs} inputs`);
  });
});

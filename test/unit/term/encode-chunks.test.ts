// encodeChunks: the same bytes as encode, with binaries of 64 KiB or more referenced.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  atom,
  BitBinary,
  encode,
  encodeChunks,
  Fun,
  Pid,
  TermEncodeError,
  tuple,
  Writer,
  encodeInto,
  type Term,
} from '../../../src/term/index.ts';

const concat = (pieces: Uint8Array[]): Buffer => Buffer.concat(pieces);

function sameAsEncode(term: Term): Uint8Array[] {
  const pieces = encodeChunks(term);
  assert.deepEqual(concat(pieces), encode(term));
  for (const p of pieces) assert.ok(p.length > 0, 'no empty pieces');
  return pieces;
}

describe('term/encodeChunks', () => {
  it('gives a small term as one piece equal to encode', () => {
    const pieces = sameAsEncode(tuple(atom('ok'), 1, 'text', [1, 2, 3], { a: 1 }));
    assert.equal(pieces.length, 1);
  });

  it('references a 1 MiB binary instead of copying it', () => {
    const big = Buffer.alloc(1 << 20, 7);
    const pieces = sameAsEncode(big);
    assert.equal(pieces.length, 2);
    assert.equal(pieces[1], big);
    assert.deepEqual([...pieces[0]!], [131, 109, 0, 16, 0, 0]);
  });

  it('references binaries of exactly 64 KiB, copies smaller ones', () => {
    const at = new Uint8Array(65536).fill(1);
    const below = Buffer.alloc(65535, 2);
    const pieces = sameAsEncode(tuple(at, below));
    assert.ok(pieces.includes(at));
    assert.ok(!pieces.includes(below));
  });

  it('keeps the order of several large binaries between small terms', () => {
    const a = Buffer.alloc(100_000, 1);
    const b = Buffer.alloc(70_000, 2);
    const term = tuple(atom('file'), a, 'x', [b, a], 42);
    const pieces = sameAsEncode(term);
    assert.deepEqual(
      pieces.filter((p) => p === a || p === b),
      [a, b, a],
    );
  });

  it('ends with a large binary without an empty trailing piece', () => {
    const big = Buffer.alloc(80_000, 3);
    const pieces = sameAsEncode(tuple(1, big));
    assert.equal(pieces.at(-1), big);
  });

  it('handles large bit binaries and large binaries inside funs', () => {
    const bits = new BitBinary(new Uint8Array(70_000).fill(0xff), 3);
    sameAsEncode(bits);
    const f = new Fun({
      arity: 0,
      uniq: new Uint8Array(16),
      index: 0,
      module: atom('m'),
      oldIndex: 0,
      oldUniq: 0,
      pid: new Pid(atom('a@b'), 1, 0, 1),
      freeVars: [Buffer.alloc(90_000, 4)],
    });
    sameAsEncode(f);
  });

  it('returns one piece when compressed, equal to encode with the same options', () => {
    const term = tuple(Buffer.alloc(100_000, 5), 'x'.repeat(1000));
    const pieces = encodeChunks(term, { compressed: true });
    assert.equal(pieces.length, 1);
    assert.deepEqual(concat(pieces), encode(term, { compressed: true }));
  });

  it('throws TermEncodeError for a value that is not a term', () => {
    assert.throws(
      () => encodeChunks(tuple(Buffer.alloc(70_000), undefined as unknown as Term)),
      (e: unknown) => e instanceof TermEncodeError && e.path === '$[1]',
    );
  });

  it('does not disturb encode results made before or after', () => {
    const before = encode(tuple(atom('a'), 1));
    encodeChunks([Buffer.alloc(70_000), 'y']);
    const after = encode(tuple(atom('b'), 2));
    assert.deepEqual([...before], [131, 104, 2, 119, 1, 97, 97, 1]);
    assert.deepEqual([...after], [131, 104, 2, 119, 1, 98, 97, 2]);
  });
});

describe('term/Writer.pieces', () => {
  it('starts at an offset and equals copy(start)', () => {
    const w = new Writer(16);
    w.deferLarge = true;
    w.u8(1).u8(2);
    const big = Buffer.alloc(65536, 9);
    encodeInto(w, tuple(big, 'z'));
    assert.deepEqual(Buffer.concat(w.pieces(2)), w.copy(2));
    assert.deepEqual(Buffer.concat(w.pieces()), w.copy());
  });

  it('is one (possibly empty) view without deferred arrays', () => {
    const w = new Writer(16);
    assert.deepEqual(w.pieces().length, 1);
    assert.equal(w.pieces()[0]!.length, 0);
  });
});

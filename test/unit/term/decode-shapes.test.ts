// Maps with atom keys decoded many times (past the point where a key set gets an object
// factory, see src/term/map-shapes.ts), and nesting past the recursive-descent depth
// (src/term/decode.ts, DESCENT): the results must not depend on how often a shape was seen
// or how deep a container is.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  atom,
  decode,
  encode,
  ImproperList,
  TermDecodeError,
  tuple,
  type Term,
} from '../../../src/term/index.ts';

/** MAP_EXT with the given atom keys (UTF-8 names) and small-integer values. */
function mapBytes(keys: string[], values: number[]): Buffer {
  const parts: number[] = [131, 116, 0, 0, 0, keys.length];
  keys.forEach((k, i) => {
    const name = Buffer.from(k, 'utf8');
    parts.push(119, name.length, ...name, 97, values[i]!);
  });
  return Buffer.from(parts);
}

describe('decoding maps whose key set repeats', () => {
  it('gives the same object on every decode, key names of any text', () => {
    const keys = [
      'id',
      'a"b',
      'back\\slash',
      'line\u2028sep',
      "it's",
      '${x}',
      '1',
      'é',
      'true',
      'nil',
    ];
    for (let round = 0; round < 10; round++) {
      const values = keys.map((_, i) => (i + round) % 256);
      const got = decode(mapBytes(keys, values)) as Record<string, Term>;
      assert.equal(Object.getPrototypeOf(got), Object.prototype);
      const want: Record<string, Term> = {};
      keys.forEach((k, i) => (want[k] = values[i]!));
      assert.deepEqual(got, want);
      assert.deepEqual(Object.keys(got), Object.keys(want));
    }
  });

  it('keeps a __proto__ key an own property every time', () => {
    for (let round = 0; round < 10; round++) {
      const got = decode(mapBytes(['a', '__proto__'], [1, round])) as Record<string, Term>;
      assert.equal(Object.getPrototypeOf(got), Object.prototype);
      assert.ok(Object.hasOwn(got, '__proto__'));
      assert.equal(Object.getOwnPropertyDescriptor(got, '__proto__')?.value, round);
      assert.equal(got.a, 1);
    }
  });

  it('still rejects a repeated key after the key set without it was seen', () => {
    for (let round = 0; round < 10; round++) decode(mapBytes(['x', 'y'], [1, 2]));
    assert.throws(() => decode(mapBytes(['x', 'x'], [1, 2])), TermDecodeError);
    assert.throws(() => decode(mapBytes(['x', 'y', 'x'], [1, 2, 3])), TermDecodeError);
  });

  it('gives each decode its own object', () => {
    const bytes = mapBytes(['k'], [7]);
    const objs = Array.from({ length: 8 }, () => decode(bytes) as Record<string, Term>);
    objs[7]!.k = 8;
    assert.equal(objs[6]!.k, 7);
  });

  it('decodes booleans and nil as keys as before', () => {
    for (let round = 0; round < 6; round++) {
      const got = decode(
        encode(
          new Map<Term, Term>([
            [true, 1],
            [false, 2],
            [null, 3],
          ]),
        ),
      );
      assert.deepEqual(got, { false: 2, nil: 3, true: 1 });
    }
  });
});

describe('decoding nested containers at every depth', () => {
  it('round-trips nesting across the recursive-descent limit', () => {
    for (const depth of [1, 2, 31, 32, 33, 34, 64, 200]) {
      let t: Term = atom('leaf');
      for (let i = 0; i < depth; i++) {
        const k = i % 4;
        t =
          k === 0
            ? tuple(t, i)
            : k === 1
              ? [i, t, 'x']
              : k === 2
                ? { v: t, n: i }
                : new ImproperList([t], i);
      }
      assert.deepEqual(decode(encode(t)), t, `depth ${depth}`);
    }
  });
});

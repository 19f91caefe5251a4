import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decode, encode, equals, format } from '../../../src/term/index.ts';
import { anyTerm } from './arbitrary.ts';

describe('term/roundtrip: decode(encode(x)) equals x', () => {
  it('for generated terms of every kind', () => {
    fc.assert(
      fc.property(anyTerm(), (t) => {
        const back = decode(encode(t));
        assert.ok(equals(back, t), `${format(t)} came back as ${format(back)}`);
        // Decoding is canonical: encoding what came back gives the same bytes.
        assert.deepEqual(encode(back), encode(t));
      }),
      { numRuns: 2000 },
    );
  });

  it('with compression', () => {
    fc.assert(
      fc.property(anyTerm(), fc.integer({ min: 1, max: 9 }), (t, level) => {
        assert.ok(equals(decode(encode(t, { compressed: level })), t));
      }),
      { numRuns: 300 },
    );
  });
});

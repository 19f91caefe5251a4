import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkDigest, digestMatches, genChallenge, genDigest } from '../../../src/dist/digest.ts';

// Vectors from OTP 25: erl -noshell -eval 'io:format("~w~n", [binary_to_list(erlang:md5("secret51966"))]), halt().'
test('dist/digest: MD5(cookie ++ decimal challenge) as erlang:md5 computes it', () => {
  assert.deepEqual(
    [...genDigest(51966, 'secret')],
    [166, 229, 90, 211, 69, 240, 212, 41, 29, 111, 153, 108, 70, 248, 152, 148],
  );
  // The challenge is unsigned: 0xFFFFFFFF is 4294967295, never -1.
  assert.deepEqual(
    [...genDigest(0xffffffff, 'dist_cookie')],
    [108, 149, 234, 133, 146, 110, 199, 27, 93, 48, 89, 227, 228, 125, 202, 249],
  );
  assert.deepEqual(genDigest(-1, 'dist_cookie'), genDigest(0xffffffff, 'dist_cookie'));
});

test('dist/digest: checkDigest accepts the right digest only, any length', () => {
  const d = genDigest(1234, 'c');
  assert.ok(checkDigest(d, 1234, 'c'));
  assert.ok(!checkDigest(d, 1235, 'c'));
  assert.ok(!checkDigest(d, 1234, 'd'));
  assert.ok(!checkDigest(d.subarray(0, 15), 1234, 'c'));
  assert.ok(!checkDigest(new Uint8Array(0), 1234, 'c'));
  assert.ok(digestMatches(d, genDigest(1234, 'c')));
  assert.ok(!digestMatches(d, genDigest(1235, 'c')));
  assert.ok(!digestMatches(d.subarray(1), d));
});

test('dist/digest: challenges are 32-bit unsigned and vary', () => {
  const seen = new Set<number>();
  for (let i = 0; i < 100; i++) {
    const c = genChallenge();
    assert.ok(Number.isInteger(c) && c >= 0 && c <= 0xffffffff);
    seen.add(c);
  }
  assert.ok(seen.size > 90);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHash } from 'node:crypto';
import { checkDigest, digestMatches, genChallenge, genDigest, md5Latin1 } from '../../../src/dist/digest.ts';

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

test('dist/digest: md5Latin1 is MD5 of the Latin-1 bytes, at every length over several blocks', () => {
  let seed = 11;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  for (let len = 0; len <= 300; len++) {
    for (const range of [128, 256, 0x3000]) {
      let text = '';
      for (let i = 0; i < len; i++) text += String.fromCharCode(rnd(range));
      assert.deepEqual(
        md5Latin1(text),
        createHash('md5').update(Buffer.from(text, 'latin1')).digest(),
        `length ${len}, characters below ${range}`,
      );
    }
  }
  // RFC 1321's test suite
  assert.equal(md5Latin1('').toString('hex'), 'd41d8cd98f00b204e9800998ecf8427e');
  assert.equal(md5Latin1('message digest').toString('hex'), 'f96b697d7cb7938d525a2f31aaf161d0');
  assert.equal(
    md5Latin1('12345678901234567890123456789012345678901234567890123456789012345678901234567890').toString('hex'),
    '57edf4a22be3c955ac49da2e2107b67a',
  );
});

/**
 * The cookie digest and challenges of the handshake (erl_dist_protocol, "Distribution
 * Handshake"; dist_util's `gen_digest/2` and `gen_challenge/0`).
 *
 * `Digest = MD5(Cookie ++ integer_to_list(Challenge))`: the challenge as an unsigned
 * decimal string. Challenges are 32 random bits from `crypto`; digests are compared in
 * constant time.
 *
 * Both run once or twice per connection setup, on its critical path, where the code is
 * cold: a digest is one call of the one-shot `crypto.hash` where Node has it (20.12+),
 * and challenges come from a small buffer of random bytes refilled 64 challenges at a time.
 *
 * @module
 */
import * as nodeCrypto from 'node:crypto';
import { createHash, randomFillSync, timingSafeEqual } from 'node:crypto';

/** `crypto.hash` (Node 20.12+, 21.7+), read through the namespace so older Nodes load. */
const oneShot = (nodeCrypto as { hash?: typeof nodeCrypto.hash }).hash;

/**
 * The length of an MD5 digest, which is what `'r'` and `'a'` carry.
 *
 * @example
 * ```ts
 * genDigest(challenge, cookie).length === DIGEST_LENGTH; // true
 * ```
 */
export const DIGEST_LENGTH = 16;

/**
 * MD5 of the cookie followed by the challenge in decimal. The cookie is taken as
 * Latin-1, as `erlang:md5(atom_to_list(Cookie))` takes it.
 *
 * @example
 * ```ts
 * genDigest(0xcafe, 'secret').toString('hex'); // the same bytes erlang:md5("secret51966") gives
 * ```
 */
export function genDigest(challenge: number, cookie: string): Buffer {
  const input = Buffer.from(cookie + String(challenge >>> 0), 'latin1');
  return oneShot ? oneShot('md5', input, 'buffer') : createHash('md5').update(input).digest();
}

/** Random bytes handed out four at a time (see {@link genChallenge}). */
const pool = Buffer.alloc(256);
let poolAt = pool.length;

/**
 * A fresh 32-bit challenge from the system's random source (`randomFillSync`, through a
 * 256-byte buffer: one system call per 64 challenges).
 *
 * @example
 * ```ts
 * const ours = genChallenge(); // 0 … 4294967295
 * ```
 */
export function genChallenge(): number {
  if (poolAt + 4 > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const challenge = pool.readUInt32BE(poolAt);
  pool.fill(0, poolAt, poolAt + 4); // a challenge handed out leaves no copy behind
  poolAt += 4;
  return challenge;
}

/**
 * Whether `received` is the digest of `challenge` under `cookie`, compared in constant
 * time. A digest of the wrong length is simply wrong.
 *
 * @example
 * ```ts
 * if (!checkDigest(reply.digest, ourChallenge, cookie)) refuse('invalid challenge reply');
 * ```
 */
export function checkDigest(received: Uint8Array, challenge: number, cookie: string): boolean {
  return digestMatches(received, genDigest(challenge, cookie));
}

/**
 * Whether `received` equals `expected` (a digest from {@link genDigest}), compared in
 * constant time; a digest of the wrong length is simply wrong. The handshake computes
 * `expected` while the peer works on its answer, then checks the answer with this.
 *
 * @example
 * ```ts
 * const expected = genDigest(ourChallenge, cookie); // before the reply arrives
 * if (!digestMatches(reply.digest, expected)) refuse('invalid challenge reply');
 * ```
 */
export function digestMatches(received: Uint8Array, expected: Uint8Array): boolean {
  if (received.length !== expected.length) return false;
  return timingSafeEqual(received, expected);
}

/**
 * The cookie digest and challenges of the handshake (erl_dist_protocol, "Distribution
 * Handshake"; dist_util's `gen_digest/2` and `gen_challenge/0`).
 *
 * `Digest = MD5(Cookie ++ integer_to_list(Challenge))`: the challenge as an unsigned
 * decimal string. Challenges are 32 random bits from `crypto`; digests are compared in
 * constant time.
 *
 * @module
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

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
  return createHash('md5')
    .update(Buffer.from(cookie, 'latin1'))
    .update(String(challenge >>> 0), 'latin1')
    .digest();
}

/**
 * A fresh 32-bit challenge from the system's random source.
 *
 * @example
 * ```ts
 * const ours = genChallenge(); // 0 … 4294967295
 * ```
 */
export function genChallenge(): number {
  return randomBytes(4).readUInt32BE(0);
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
  const expected = genDigest(challenge, cookie);
  if (received.length !== expected.length) return false;
  return timingSafeEqual(received, expected);
}

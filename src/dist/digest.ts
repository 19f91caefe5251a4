/**
 * The cookie digest and challenges of the handshake (erl_dist_protocol, "Distribution
 * Handshake"; dist_util's `gen_digest/2` and `gen_challenge/0`).
 *
 * `Digest = MD5(Cookie ++ integer_to_list(Challenge))`: the challenge as an unsigned
 * decimal string. Challenges are 32 random bits from `crypto`; digests are compared in
 * constant time.
 *
 * Both run once or twice per connection setup, on its critical path, where the code is
 * cold. A digest is computed here, in JavaScript ({@link md5Latin1}): the input is one or
 * a few 64-byte blocks, and OpenSSL's MD5 behind `crypto.hash` costs some 90 µs when
 * called cold (once per connection, after idle) against some 25 µs for this. Challenges
 * come from a small buffer of random bytes refilled 64 challenges at a time.
 *
 * @module
 */
import { randomFillSync, timingSafeEqual } from 'node:crypto';

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
  return md5Latin1(cookie + String(challenge >>> 0));
}

/** MD5's per-step shifts, four per round. */
const SHIFTS = Uint8Array.of(7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21);
/** MD5's sine table: floor(|sin(i + 1)| × 2³²), as 32-bit integers (RFC 1321, 3.4). */
const SINES = new Int32Array(64);
for (let i = 0; i < 64; i++) SINES[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0;
/** The block being hashed, as 16 little-endian words. */
const WORDS = new Int32Array(16);

/**
 * MD5 (RFC 1321) of the Latin-1 bytes of `text` (each character's low 8 bits, as
 * `Buffer.from(text, 'latin1')` takes them).
 *
 * @example
 * ```ts
 * md5Latin1('secret51966').equals(createHash('md5').update('secret51966', 'latin1').digest()); // true
 * ```
 */
export function md5Latin1(text: string): Buffer {
  const n = text.length;
  // Padding: 0x80, zeros, then the length in bits as 64 bits: (n + 9) bytes rounded up to 64.
  const blocks = ((n + 8) >>> 6) + 1;
  let h0 = 0x67452301;
  let h1 = 0xefcdab89 | 0;
  let h2 = 0x98badcfe | 0;
  let h3 = 0x10325476;
  const x = WORDS;
  for (let block = 0; block < blocks; block++) {
    x.fill(0);
    const base = block << 6;
    const end = Math.min(n, base + 64);
    for (let i = base; i < end; i++) x[(i - base) >> 2]! |= (text.charCodeAt(i) & 0xff) << (((i - base) & 3) << 3);
    if (n >= base && n < base + 64) x[(n - base) >> 2]! |= 0x80 << (((n - base) & 3) << 3);
    if (block === blocks - 1) {
      x[14] = n << 3;
      x[15] = n >>> 29;
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    for (let i = 0; i < 64; i++) {
      let f: number;
      let g: number;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) & 15;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) & 15;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) & 15;
      }
      const s = SHIFTS[((i >> 4) << 2) | (i & 3)]!;
      const sum = (a + f + SINES[i]! + x[g]!) | 0;
      a = d;
      d = c;
      c = b;
      b = (b + ((sum << s) | (sum >>> (32 - s)))) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
  }
  const out = Buffer.allocUnsafe(DIGEST_LENGTH);
  out.writeInt32LE(h0, 0);
  out.writeInt32LE(h1, 4);
  out.writeInt32LE(h2, 8);
  out.writeInt32LE(h3, 12);
  return out;
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

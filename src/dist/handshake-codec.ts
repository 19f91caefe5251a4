/**
 * The handshake frames as pure data (erl_dist_protocol, "Distribution Handshake"; the
 * layouts of dist_util's `send_name/1`, `send_challenge/2`, `send_challenge_reply/3`,
 * `send_challenge_ack/2`, `send_status/2`). Each function works on one frame's payload,
 * without the 2-byte length that {@link ./framing.ts} adds.
 *
 * Node names stay strings here: a name offered by an unauthenticated peer must never
 * become an atom. Names travel as Latin-1, as dist_util's `atom_to_binary(Node, latin1)`.
 * Trailing bytes after a frame's fields are ignored where OTP ignores them (send_name,
 * challenge, status); the digest frames must be exact, as OTP requires.
 *
 * @see https://www.erlang.org/doc/apps/erts/erl_dist_protocol.html#distribution-handshake
 * @module
 */
import { DIGEST_LENGTH } from './digest.ts';
import { HandshakeError } from './errors.ts';

/**
 * The tag bytes of the handshake frames.
 *
 * @example
 * ```ts
 * frame[0] === HS_TAG.STATUS; // 's'
 * ```
 */
export const HS_TAG = {
  /** `'N'`: send_name (new, OTP 23+) and the challenge. */
  NAME_NEW: 0x4e,
  /** `'n'`: the old send_name of OTP ≤ 22 (version 5). */
  NAME_OLD: 0x6e,
  /** `'c'`: the complement that follows an old `'n'` name. */
  COMPLEMENT: 0x63,
  /** `'s'`: status. */
  STATUS: 0x73,
  /** `'r'`: challenge reply. */
  CHALLENGE_REPLY: 0x72,
  /** `'a'`: challenge ack. */
  CHALLENGE_ACK: 0x61,
} as const;

/**
 * What a send_name frame says: the initiator's flags, creation and name.
 *
 * @example
 * ```ts
 * const sn: SendName = { form: 'N', flags: DEFAULT_FLAGS, creation: 1, name: 'ts@host' };
 * ```
 */
export interface SendName {
  /** `'N'` (OTP 23+) or the old `'n'` (then `creation` is 0 and `flags` 32 bits wide). */
  readonly form: 'N' | 'n';
  readonly flags: bigint;
  readonly creation: number;
  /** The node name, or only the host part when NAME_ME is set. */
  readonly name: string;
  /** The protocol version of an old `'n'` frame (5). */
  readonly version?: number;
}

/**
 * The acceptor's challenge: its flags, challenge, creation and name.
 *
 * @example
 * ```ts
 * const c: Challenge = { flags: DEFAULT_FLAGS, challenge: genChallenge(), creation: 1, name: 'ts@host' };
 * ```
 */
export interface Challenge {
  readonly flags: bigint;
  readonly challenge: number;
  readonly creation: number;
  readonly name: string;
}

/**
 * The initiator's reply: its own challenge and the digest of the acceptor's.
 *
 * @example
 * ```ts
 * const r: ChallengeReply = { challenge: genChallenge(), digest: genDigest(theirs.challenge, cookie) };
 * ```
 */
export interface ChallengeReply {
  readonly challenge: number;
  readonly digest: Uint8Array;
}

/**
 * The statuses an acceptor sends.
 *
 * @example
 * ```ts
 * const s: HandshakeStatus = 'not_allowed'; // what an acceptor sends for a refused name
 * ```
 */
export type HandshakeStatus = 'ok' | 'ok_simultaneous' | 'nok' | 'not_allowed' | 'alive';

/**
 * A decoded status frame: a plain status, the `named:` form, or an alive answer.
 *
 * @example
 * ```ts
 * const f: StatusFrame = { status: 'ok' };
 * ```
 */
export type StatusFrame =
  | { readonly status: HandshakeStatus }
  | { readonly status: 'named'; readonly name: string; readonly creation: number }
  | { readonly status: 'true' | 'false' }
  | { readonly status: 'unknown'; readonly text: string };

function fail(message: string): never {
  throw new HandshakeError('', 'bad_frame', message);
}

function nameBytes(name: string): Buffer {
  for (let i = 0; i < name.length; i++) {
    if (name.charCodeAt(i) > 0xff) fail(`node name ${JSON.stringify(name)} is not Latin-1`);
  }
  const bytes = Buffer.from(name, 'latin1');
  if (bytes.length > 0xffff) fail('node name longer than 65535 bytes');
  return bytes;
}

/**
 * `'N', Flags:64, Creation:32, NameLen:16, Name`.
 *
 * @example
 * ```ts
 * encodeSendName({ flags: DEFAULT_FLAGS, creation: 1, name: 'ts@host' });
 * ```
 */
export function encodeSendName(frame: { flags: bigint; creation: number; name: string }): Buffer {
  const name = nameBytes(frame.name);
  const out = Buffer.allocUnsafe(15 + name.length);
  out[0] = HS_TAG.NAME_NEW;
  out.writeBigUInt64BE(BigInt.asUintN(64, frame.flags), 1);
  out.writeUInt32BE(frame.creation >>> 0, 9);
  out.writeUInt16BE(name.length, 13);
  name.copy(out, 15);
  return out;
}

/**
 * Decodes a send_name frame: the new `'N'` form or the old `'n'`
 * (`'n', Version:16, Flags:32, Name`). Throws `HandshakeError` (`bad_frame`) on anything
 * else.
 *
 * @example
 * ```ts
 * const { name, flags, creation } = decodeSendName(frame);
 * ```
 */
export function decodeSendName(frame: Buffer): SendName {
  if (frame.length >= 1 && frame[0] === HS_TAG.NAME_NEW) {
    if (frame.length < 15) fail(`send_name 'N' of ${frame.length} bytes is too short`);
    const len = frame.readUInt16BE(13);
    if (frame.length < 15 + len) fail(`send_name 'N' name of ${len} bytes is cut short`);
    return {
      form: 'N',
      flags: frame.readBigUInt64BE(1),
      creation: frame.readUInt32BE(9),
      name: frame.toString('latin1', 15, 15 + len),
    };
  }
  if (frame.length >= 1 && frame[0] === HS_TAG.NAME_OLD) {
    if (frame.length < 7) fail(`send_name 'n' of ${frame.length} bytes is too short`);
    return {
      form: 'n',
      version: frame.readUInt16BE(1),
      flags: BigInt(frame.readUInt32BE(3)),
      creation: 0,
      name: frame.toString('latin1', 7),
    };
  }
  return fail(`expected send_name ('N'), got tag ${frame[0] ?? 'none'}`);
}

/**
 * `'c', FlagsHigh:32, Creation:32`: what an old-form initiator sends after the challenge.
 *
 * @example
 * ```ts
 * const { flagsHigh, creation } = decodeComplement(frame);
 * ```
 */
export function decodeComplement(frame: Buffer): { flagsHigh: bigint; creation: number } {
  if (frame.length < 9 || frame[0] !== HS_TAG.COMPLEMENT) fail("expected complement ('c')");
  return { flagsHigh: BigInt(frame.readUInt32BE(1)) << 32n, creation: frame.readUInt32BE(5) };
}

/**
 * Encodes a complement frame (for tests of the old form).
 *
 * @example
 * ```ts
 * encodeComplement({ flagsHigh: DFLAG.SPAWN, creation: 7 });
 * ```
 */
export function encodeComplement(frame: { flagsHigh: bigint; creation: number }): Buffer {
  const out = Buffer.allocUnsafe(9);
  out[0] = HS_TAG.COMPLEMENT;
  out.writeUInt32BE(Number(BigInt.asUintN(32, frame.flagsHigh >> 32n)), 1);
  out.writeUInt32BE(frame.creation >>> 0, 5);
  return out;
}

/**
 * `'s', Status` — or `'s', "named:", NameLen:16, Name, Creation:32` for a dynamic name,
 * or the initiator's `'s', "true" | "false"` answer to `alive`.
 *
 * @example
 * ```ts
 * encodeStatus({ status: 'ok' }); // <<"sok">>
 * ```
 */
export function encodeStatus(frame: StatusFrame): Buffer {
  if (frame.status === 'named') {
    const name = nameBytes(frame.name);
    const out = Buffer.allocUnsafe(1 + 6 + 2 + name.length + 4);
    out[0] = HS_TAG.STATUS;
    out.write('named:', 1, 'latin1');
    out.writeUInt16BE(name.length, 7);
    name.copy(out, 9);
    out.writeUInt32BE(frame.creation >>> 0, 9 + name.length);
    return out;
  }
  const text = frame.status === 'unknown' ? frame.text : frame.status;
  const out = Buffer.allocUnsafe(1 + text.length);
  out[0] = HS_TAG.STATUS;
  out.write(text, 1, 'latin1');
  return out;
}

const STATUSES = new Set(['ok', 'ok_simultaneous', 'nok', 'not_allowed', 'alive', 'true', 'false']);

/**
 * Decodes a status frame. An unknown status decodes as `{ status: 'unknown', text }`,
 * which the handshake refuses.
 *
 * @example
 * ```ts
 * decodeStatus(Buffer.from('sok')); // { status: 'ok' }
 * ```
 */
export function decodeStatus(frame: Buffer): StatusFrame {
  if (frame.length < 1 || frame[0] !== HS_TAG.STATUS) fail("expected status ('s')");
  if (frame.length >= 7 && frame.toString('latin1', 1, 7) === 'named:') {
    if (frame.length < 9) fail('named: status is too short');
    const len = frame.readUInt16BE(7);
    if (frame.length < 9 + len + 4) fail('named: status is cut short');
    return {
      status: 'named',
      name: frame.toString('latin1', 9, 9 + len),
      creation: frame.readUInt32BE(9 + len),
    };
  }
  const text = frame.toString('latin1', 1);
  if (STATUSES.has(text)) return { status: text as HandshakeStatus | 'true' | 'false' };
  return { status: 'unknown', text: text.slice(0, 64) };
}

/**
 * `'N', Flags:64, Challenge:32, Creation:32, NameLen:16, Name`.
 *
 * @example
 * ```ts
 * encodeChallenge({ flags, challenge: genChallenge(), creation: 1, name: 'ts@host' });
 * ```
 */
export function encodeChallenge(frame: Challenge): Buffer {
  const name = nameBytes(frame.name);
  const out = Buffer.allocUnsafe(19 + name.length);
  out[0] = HS_TAG.NAME_NEW;
  out.writeBigUInt64BE(BigInt.asUintN(64, frame.flags), 1);
  out.writeUInt32BE(frame.challenge >>> 0, 9);
  out.writeUInt32BE(frame.creation >>> 0, 13);
  out.writeUInt16BE(name.length, 17);
  name.copy(out, 19);
  return out;
}

/**
 * Decodes the acceptor's challenge (only the `'N'` form, as OTP 25 accepts only it).
 *
 * @example
 * ```ts
 * const { challenge, name } = decodeChallenge(frame);
 * ```
 */
export function decodeChallenge(frame: Buffer): Challenge {
  if (frame.length < 1 || frame[0] !== HS_TAG.NAME_NEW) fail("expected challenge ('N')");
  if (frame.length < 19) fail(`challenge of ${frame.length} bytes is too short`);
  const len = frame.readUInt16BE(17);
  if (frame.length < 19 + len) fail(`challenge name of ${len} bytes is cut short`);
  return {
    flags: frame.readBigUInt64BE(1),
    challenge: frame.readUInt32BE(9),
    creation: frame.readUInt32BE(13),
    name: frame.toString('latin1', 19, 19 + len),
  };
}

/**
 * `'r', Challenge:32, Digest:16`.
 *
 * @example
 * ```ts
 * encodeChallengeReply({ challenge: ours, digest: genDigest(theirs, cookie) });
 * ```
 */
export function encodeChallengeReply(frame: ChallengeReply): Buffer {
  const out = Buffer.allocUnsafe(5 + DIGEST_LENGTH);
  out[0] = HS_TAG.CHALLENGE_REPLY;
  out.writeUInt32BE(frame.challenge >>> 0, 1);
  out.set(frame.digest.subarray(0, DIGEST_LENGTH), 5);
  return out;
}

/**
 * Decodes `'r'`; the digest must be exactly 16 bytes (dist_util's
 * `length(SumB) =:= 16`).
 *
 * @example
 * ```ts
 * const { challenge, digest } = decodeChallengeReply(frame);
 * ```
 */
export function decodeChallengeReply(frame: Buffer): ChallengeReply {
  if (frame.length !== 5 + DIGEST_LENGTH || frame[0] !== HS_TAG.CHALLENGE_REPLY) {
    fail(`expected challenge_reply ('r', 21 bytes), got ${frame.length} bytes`);
  }
  return { challenge: frame.readUInt32BE(1), digest: frame.subarray(5) };
}

/**
 * `'a', Digest:16`.
 *
 * @example
 * ```ts
 * encodeChallengeAck(genDigest(theirChallenge, cookie));
 * ```
 */
export function encodeChallengeAck(digest: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(1 + DIGEST_LENGTH);
  out[0] = HS_TAG.CHALLENGE_ACK;
  out.set(digest.subarray(0, DIGEST_LENGTH), 1);
  return out;
}

/**
 * Decodes `'a'`; the digest must be exactly 16 bytes.
 *
 * @example
 * ```ts
 * const digest = decodeChallengeAck(frame);
 * ```
 */
export function decodeChallengeAck(frame: Buffer): Uint8Array {
  if (frame.length !== 1 + DIGEST_LENGTH || frame[0] !== HS_TAG.CHALLENGE_ACK) {
    fail(`expected challenge_ack ('a', 17 bytes), got ${frame.length} bytes`);
  }
  return frame.subarray(1);
}

/**
 * Whether `name` is a valid node name: `Name@Host` with both parts non-empty and one `@`
 * (dist_util's `is_name_ok/2`); with `dynamic`, a bare host.
 *
 * @example
 * ```ts
 * isNodeName('a@host'); // true
 * isNodeName('a@'); // false
 * ```
 */
export function isNodeName(name: string, dynamic = false): boolean {
  const parts = name.split('@');
  if (dynamic) return parts.length === 1 && parts[0]!.length > 0;
  return parts.length === 2 && parts[0]!.length > 0 && parts[1]!.length > 0;
}

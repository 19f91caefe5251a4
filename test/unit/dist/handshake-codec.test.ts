import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HandshakeError } from '../../../src/dist/errors.ts';
import {
  decodeChallenge,
  decodeChallengeAck,
  decodeChallengeReply,
  decodeComplement,
  decodeSendName,
  decodeStatus,
  encodeChallenge,
  encodeChallengeAck,
  encodeChallengeReply,
  encodeComplement,
  encodeSendName,
  encodeStatus,
  isNodeName,
} from '../../../src/dist/handshake-codec.ts';

const b = (...parts: (number[] | string)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

test("dist/handshake-codec: send_name 'N' bytes", () => {
  const bytes = encodeSendName({ flags: 0xd07df7fbdn, creation: 0x01020304, name: 'a@h' });
  assert.deepEqual(bytes, b([0x4e, 0, 0, 0, 0x0d, 0x07, 0xdf, 0x7f, 0xbd, 1, 2, 3, 4, 0, 3], 'a@h'));
  assert.deepEqual(decodeSendName(bytes), { form: 'N', flags: 0xd07df7fbdn, creation: 0x01020304, name: 'a@h' });
});

test("dist/handshake-codec: send_name ignores trailing bytes, as OTP does", () => {
  const bytes = b(encodeSendName({ flags: 5n, creation: 1, name: 'a@h' }) as unknown as number[], [9, 9, 9, 9]);
  assert.equal(decodeSendName(bytes).name, 'a@h');
});

test("dist/handshake-codec: the old 'n' form and its 'c' complement", () => {
  const old = b([0x6e, 0, 5, 0x01, 0x07, 0xdf, 0x7f], 'old@h');
  assert.deepEqual(decodeSendName(old), { form: 'n', version: 5, flags: 0x0107df7fn, creation: 0, name: 'old@h' });
  const c = encodeComplement({ flagsHigh: 0xd00000000n, creation: 77 });
  assert.deepEqual(c, b([0x63, 0, 0, 0, 0x0d, 0, 0, 0, 77]));
  assert.deepEqual(decodeComplement(c), { flagsHigh: 0xd00000000n, creation: 77 });
});

test('dist/handshake-codec: status frames, named:, alive answers, unknown', () => {
  assert.deepEqual(encodeStatus({ status: 'ok' }), b('sok'));
  assert.deepEqual(encodeStatus({ status: 'ok_simultaneous' }), b('sok_simultaneous'));
  assert.deepEqual(encodeStatus({ status: 'not_allowed' }), b('snot_allowed'));
  assert.deepEqual(encodeStatus({ status: 'true' }), b('strue'));
  const named = encodeStatus({ status: 'named', name: 'x@h', creation: 0x0a0b0c0d });
  assert.deepEqual(named, b('snamed:', [0, 3], 'x@h', [0x0a, 0x0b, 0x0c, 0x0d]));
  assert.deepEqual(decodeStatus(named), { status: 'named', name: 'x@h', creation: 0x0a0b0c0d });
  for (const s of ['ok', 'ok_simultaneous', 'nok', 'not_allowed', 'alive', 'true', 'false'] as const) {
    assert.deepEqual(decodeStatus(b('s', s)), { status: s });
  }
  assert.deepEqual(decodeStatus(b('sbogus')), { status: 'unknown', text: 'bogus' });
});

test("dist/handshake-codec: challenge 'N' bytes", () => {
  const bytes = encodeChallenge({ flags: 0x1n, challenge: 0xdeadbeef, creation: 9, name: 'b@h' });
  assert.deepEqual(bytes, b([0x4e, 0, 0, 0, 0, 0, 0, 0, 1, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 9, 0, 3], 'b@h'));
  assert.deepEqual(decodeChallenge(bytes), { flags: 1n, challenge: 0xdeadbeef, creation: 9, name: 'b@h' });
});

test("dist/handshake-codec: challenge_reply 'r' and ack 'a' are exact: 16 digest bytes", () => {
  const digest = Buffer.alloc(16, 7);
  const r = encodeChallengeReply({ challenge: 0x01020304, digest });
  assert.deepEqual(r, b([0x72, 1, 2, 3, 4], [...digest]));
  assert.deepEqual(decodeChallengeReply(r), { challenge: 0x01020304, digest });
  const a = encodeChallengeAck(digest);
  assert.deepEqual(a, b([0x61], [...digest]));
  assert.deepEqual(Buffer.from(decodeChallengeAck(a)), digest);
  assert.throws(() => decodeChallengeReply(b([0x72, 1, 2, 3, 4], [...digest], [0])), HandshakeError);
  assert.throws(() => decodeChallengeAck(a.subarray(0, 16)), HandshakeError);
});

test('dist/handshake-codec: malformed frames throw bad_frame, never anything else', () => {
  const bad = [b([]), b([0x4e]), b([0x4e, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 50], 'short'), b('x'), b([0x6e, 0])];
  for (const frame of bad) {
    assert.throws(
      () => decodeSendName(frame),
      (e: unknown) => e instanceof HandshakeError && e.status === 'bad_frame',
    );
  }
  assert.throws(() => decodeChallenge(b([0x4e, 1, 2])), HandshakeError);
  assert.throws(() => decodeStatus(b('x')), HandshakeError);
  assert.throws(() => encodeSendName({ flags: 0n, creation: 0, name: 'ü€@h' }), HandshakeError);
});

test('dist/handshake-codec: node names are Name@Host with both parts', () => {
  assert.ok(isNodeName('a@h'));
  assert.ok(!isNodeName('a@'));
  assert.ok(!isNodeName('@h'));
  assert.ok(!isNodeName('ah'));
  assert.ok(!isNodeName('a@b@c'));
  assert.ok(isNodeName('host', true));
});

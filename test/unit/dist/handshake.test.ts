import assert from 'node:assert/strict';
import { test } from 'node:test';
import { genDigest } from '../../../src/dist/digest.ts';
import { HandshakeError } from '../../../src/dist/errors.ts';
import { DEFAULT_FLAGS, DFLAG, MANDATORY_DFLAGS_25 } from '../../../src/dist/flags.ts';
import { FrameReader, frame2 } from '../../../src/dist/framing.ts';
import {
  decodeChallenge,
  decodeChallengeAck,
  decodeStatus,
  encodeChallenge,
  encodeChallengeReply,
  encodeComplement,
  encodeSendName,
  encodeStatus,
} from '../../../src/dist/handshake-codec.ts';
import { accept, initiate, type StatusDecision } from '../../../src/dist/handshake.ts';
import { Atom } from '../../../src/term/types.ts';
import { memoryEnd, memoryPair, type MemoryTransport } from './memory-transport.ts';

const quiet = { warn: () => {} };

function both(
  opts: { cookieA?: string; cookieB?: string; decide?: StatusDecision; remoteName?: string; hiddenA?: boolean } = {},
) {
  const [ta, tb] = memoryPair();
  const logs: string[] = [];
  const logger = { warn: (m: string) => logs.push(m) };
  const a = initiate(ta, {
    localName: 'a@h',
    localCreation: 1,
    cookie: opts.cookieA ?? 'c',
    remoteName: opts.remoteName ?? 'b@h',
    hidden: opts.hiddenA,
    logger,
    setupTimeoutMs: 2000,
  });
  const b = accept(tb, {
    localName: 'b@h',
    localCreation: 2,
    cookie: opts.cookieB ?? 'c',
    decide: () => opts.decide ?? 'ok',
    logger,
    setupTimeoutMs: 2000,
  });
  return { a, b, logs };
}

/** Reads the frames a lone transport was sent, as 2-byte-framed payloads. */
function sentFrames(t: MemoryTransport): Buffer[] {
  const r = new FrameReader(2);
  for (const c of t.written) r.push(c);
  const out: Buffer[] = [];
  for (let f = r.next(); f !== undefined; f = r.next()) if (typeof f !== 'symbol') out.push(f);
  return out;
}

const tick = () => new Promise((r) => setImmediate(r));

test('dist/handshake: both sides agree; names, creations and negotiated flags', async () => {
  const { a, b } = both();
  const [ca, cb] = await Promise.all([a, b]);
  assert.equal(ca.peerName, 'b@h');
  assert.equal(cb.peerName, 'a@h');
  assert.equal(ca.peerCreation, 2);
  assert.equal(cb.peerCreation, 1);
  assert.equal(ca.flags, cb.flags);
  assert.equal(ca.flags & DFLAG.PUBLISHED, DFLAG.PUBLISHED);
  ca.close();
  cb.close();
});

test('dist/handshake: a hidden initiator does not set PUBLISHED', async () => {
  const { a, b } = both({ hiddenA: true });
  const [ca, cb] = await Promise.all([a, b]);
  assert.equal(cb.peerFlags & DFLAG.PUBLISHED, 0n);
  assert.equal(ca.flags & DFLAG.PUBLISHED, 0n);
  ca.close();
  cb.close();
});

test('dist/handshake: a wrong cookie is refused on both sides with a log line', async () => {
  const { a, b, logs } = both({ cookieA: 'x', cookieB: 'y' });
  await Promise.all([
    assert.rejects(b, (e: unknown) => e instanceof HandshakeError && e.status === 'bad_cookie' && e.node === 'a@h'),
    assert.rejects(a, (e: unknown) => e instanceof HandshakeError && e.status === 'bad_cookie' && e.node === 'b@h'),
  ]);
  assert.ok(logs.some((l) => l.includes('Invalid challenge reply') && l.includes('a@h')));
});

test('dist/handshake: the peer must be the node dialled', async () => {
  const { a, b } = both({ remoteName: 'c@h' });
  await Promise.all([
    assert.rejects(a, (e: unknown) => e instanceof HandshakeError && e.status === 'name_mismatch'),
    assert.rejects(b, HandshakeError),
  ]);
});

for (const status of ['nok', 'not_allowed'] as const) {
  test(`dist/handshake: status ${status} ends both sides`, async () => {
    const { a, b } = both({ decide: status });
    await Promise.all([
      assert.rejects(a, (e: unknown) => e instanceof HandshakeError && e.status === status),
      assert.rejects(b, (e: unknown) => e instanceof HandshakeError && e.status === 'refused'),
    ]);
  });
}

test('dist/handshake: ok_simultaneous and alive (answered true) continue', async () => {
  for (const decide of ['ok_simultaneous', 'alive'] as const) {
    const { a, b } = both({ decide });
    const [ca, cb] = await Promise.all([a, b]);
    assert.equal(ca.state, 'up', decide);
    assert.equal(cb.state, 'up', decide);
    assert.equal(ca.peerName, 'b@h');
    assert.equal(cb.peerName, 'a@h');
    ca.close();
    cb.close();
  }
});

test('dist/handshake: alive answered false ends the handshake', async () => {
  const [ta, tb] = memoryPair();
  const a = initiate(ta, {
    localName: 'a@h',
    localCreation: 1,
    cookie: 'c',
    remoteName: 'b@h',
    isPending: () => false,
    logger: quiet,
  });
  const b = accept(tb, { localName: 'b@h', localCreation: 2, cookie: 'c', decide: () => 'alive', logger: quiet });
  await Promise.all([
    assert.rejects(a, (e: unknown) => e instanceof HandshakeError && e.status === 'alive_false'),
    assert.rejects(b, (e: unknown) => e instanceof HandshakeError && e.status === 'alive_false'),
  ]);
});

test('dist/handshake: a peer without MAP_TAG gets not_allowed, and the log names the flag', async () => {
  const t = memoryEnd();
  const logs: string[] = [];
  const p = accept(t, { localName: 'b@h', localCreation: 2, cookie: 'c', decide: () => 'ok', logger: { warn: (m) => logs.push(m) } });
  t.inject(frame2(encodeSendName({ flags: MANDATORY_DFLAGS_25 & ~DFLAG.MAP_TAG, creation: 1, name: 'old@h' })));
  await assert.rejects(p, (e: unknown) => e instanceof HandshakeError && e.status === 'missing_flags');
  assert.deepEqual(decodeStatus(sentFrames(t)[0]!), { status: 'not_allowed' });
  assert.ok(logs.some((l) => l.includes('MAP_TAG (maps)') && l.includes('old@h')));
  assert.ok(t.closed);
});

test("dist/handshake: the acceptor takes the old 'n' name with its 'c' complement", async () => {
  const t = memoryEnd();
  const p = accept(t, { localName: 'b@h', localCreation: 2, cookie: 'c', decide: () => 'ok', logger: quiet });
  const flags = DEFAULT_FLAGS | DFLAG.PUBLISHED;
  const old = Buffer.alloc(7);
  old[0] = 0x6e;
  old.writeUInt16BE(5, 1);
  old.writeUInt32BE(Number(flags & 0xffffffffn), 3);
  t.inject(frame2(Buffer.concat([old, Buffer.from('old@h')])));
  await tick();
  const [status, challengeFrame] = sentFrames(t);
  assert.deepEqual(decodeStatus(status!), { status: 'ok' });
  const challenge = decodeChallenge(challengeFrame!);
  t.inject(frame2(encodeComplement({ flagsHigh: flags & ~0xffffffffn, creation: 42 })));
  t.inject(frame2(encodeChallengeReply({ challenge: 99, digest: genDigest(challenge.challenge, 'c') })));
  const conn = await p;
  assert.equal(conn.peerName, 'old@h');
  assert.equal(conn.peerCreation, 42);
  assert.equal(conn.peerFlags & DFLAG.SPAWN, DFLAG.SPAWN, 'high flags from the complement');
  assert.deepEqual(Buffer.from(decodeChallengeAck(sentFrames(t)[2]!)), genDigest(99, 'c'));
  conn.close();
});

test('dist/handshake: ok and the challenge are the bytes of encodeStatus and encodeChallenge, accept after accept, whatever the node', async () => {
  const seen = new Set<number>();
  const nodes = [
    { localName: 'b@h', localCreation: 2 },
    { localName: 'b@h', localCreation: 2 },
    { localName: 'b@h', localCreation: 3 },
    { localName: 'longer_name@some.host', localCreation: 3 },
    { localName: 'longer_name@some.host', localCreation: 3, hidden: true },
    { localName: 'b@h', localCreation: 2, flags: DEFAULT_FLAGS & ~DFLAG.SPAWN },
  ];
  for (const node of nodes) {
    const t = memoryEnd();
    const p = accept(t, { ...node, cookie: 'c', decide: () => 'ok', logger: quiet });
    t.inject(frame2(encodeSendName({ flags: DEFAULT_FLAGS | DFLAG.PUBLISHED, creation: 1, name: 'a@h' })));
    await tick();
    assert.equal(t.written.length, 1);
    const challenge = decodeChallenge(sentFrames(t)[1]!).challenge;
    seen.add(challenge);
    const base = node.flags ?? DEFAULT_FLAGS;
    const flags = node.hidden ? base & ~DFLAG.PUBLISHED : base | DFLAG.PUBLISHED;
    assert.deepEqual(
      t.written[0],
      Buffer.concat([
        frame2(encodeStatus({ status: 'ok' })),
        frame2(encodeChallenge({ flags, challenge, creation: node.localCreation, name: node.localName })),
      ]),
    );
    t.inject(frame2(encodeChallengeReply({ challenge: 7, digest: genDigest(challenge, 'c') })));
    (await p).close();
  }
  assert.equal(seen.size, nodes.length, 'a fresh challenge each time');
});

test('dist/handshake: the acceptor writes status and challenge in one write, alive waits for the answer', async () => {
  // ok (sync or async verdict): one write holding both frames, the same bytes as two writes.
  for (const decide of [() => 'ok' as const, () => Promise.resolve('ok' as const)]) {
    const t = memoryEnd();
    const p = accept(t, { localName: 'b@h', localCreation: 2, cookie: 'c', decide, logger: quiet });
    t.inject(frame2(encodeSendName({ flags: DEFAULT_FLAGS | DFLAG.PUBLISHED, creation: 1, name: 'a@h' })));
    await tick();
    assert.equal(t.written.length, 1);
    const [status, challengeFrame] = sentFrames(t);
    assert.deepEqual(decodeStatus(status!), { status: 'ok' });
    const challenge = decodeChallenge(challengeFrame!);
    assert.equal(challenge.name, 'b@h');
    assert.deepEqual(
      t.written[0],
      Buffer.concat([frame2(encodeStatus({ status: 'ok' })), frame2(challengeFrame!)]),
    );
    t.inject(frame2(encodeChallengeReply({ challenge: 7, digest: genDigest(challenge.challenge, 'c') })));
    const conn = await p;
    assert.deepEqual(Buffer.from(decodeChallengeAck(sentFrames(t)[2]!)), genDigest(7, 'c'));
    conn.close();
  }
  // alive: the status goes alone; the challenge only after the peer answers true.
  const t = memoryEnd();
  const p = accept(t, { localName: 'b@h', localCreation: 2, cookie: 'c', decide: () => 'alive', logger: quiet });
  t.inject(frame2(encodeSendName({ flags: DEFAULT_FLAGS | DFLAG.PUBLISHED, creation: 1, name: 'a@h' })));
  await tick();
  assert.equal(sentFrames(t).length, 1);
  assert.deepEqual(decodeStatus(sentFrames(t)[0]!), { status: 'alive' });
  t.inject(frame2(encodeStatus({ status: 'true' })));
  await tick();
  const challenge = decodeChallenge(sentFrames(t)[1]!);
  t.inject(frame2(encodeChallengeReply({ challenge: 8, digest: genDigest(challenge.challenge, 'c') })));
  (await p).close();
});

test('dist/handshake: a silent peer hits the deadline and the transport closes', async () => {
  const t = memoryEnd();
  const started = Date.now();
  await assert.rejects(
    accept(t, { localName: 'b@h', localCreation: 2, cookie: 'c', decide: () => 'ok', setupTimeoutMs: 100, logger: quiet }),
    (e: unknown) => e instanceof HandshakeError && e.status === 'timeout',
  );
  assert.ok(Date.now() - started >= 90);
  assert.ok(t.closed);
  const t2 = memoryEnd();
  const p = initiate(t2, { localName: 'a@h', localCreation: 1, cookie: 'c', remoteName: 'b@h', setupTimeoutMs: 100, logger: quiet });
  t2.inject(frame2(encodeStatus({ status: 'ok' })));
  await assert.rejects(p, (e: unknown) => e instanceof HandshakeError && e.status === 'timeout');
});

test('dist/handshake: 10,000 failed handshakes with unique names leave the atom table flat', async () => {
  const before = Atom.count();
  const digest = Buffer.alloc(16);
  for (let i = 0; i < 10_000; i++) {
    const t = memoryEnd();
    const p = accept(t, { localName: 'b@h', localCreation: 2, cookie: 'c', decide: () => 'ok', logger: quiet });
    t.inject(
      Buffer.concat([
        frame2(encodeSendName({ flags: DEFAULT_FLAGS, creation: 1, name: `intruder_${i}_${Date.now()}@h` })),
        frame2(encodeChallengeReply({ challenge: i, digest })),
      ]),
    );
    await assert.rejects(p, (e: unknown) => e instanceof HandshakeError && e.status === 'bad_cookie');
  }
  assert.equal(Atom.count(), before);
  assert.equal(Atom.existing('intruder_1'), undefined);
});

test('dist/handshake: NAME_ME: the acceptor names the peer with a named: status', async () => {
  const t = memoryEnd();
  const p = accept(t, {
    localName: 'b@h',
    localCreation: 2,
    cookie: 'c',
    decide: () => 'not_allowed',
    assignName: (host) => ({ name: `dyn_1@${host}`, creation: 55 }),
    logger: quiet,
  });
  t.inject(frame2(encodeSendName({ flags: DEFAULT_FLAGS | DFLAG.NAME_ME, creation: 0, name: 'farhost' })));
  await tick();
  const [status, challengeFrame] = sentFrames(t);
  assert.deepEqual(decodeStatus(status!), { status: 'named', name: 'dyn_1@farhost', creation: 55 });
  const challenge = decodeChallenge(challengeFrame!);
  t.inject(frame2(encodeChallengeReply({ challenge: 1, digest: genDigest(challenge.challenge, 'c') })));
  const conn = await p;
  assert.equal(conn.peerName, 'dyn_1@farhost');
  assert.equal(conn.peerCreation, 55);
  conn.close();

  const t2 = memoryEnd();
  const p2 = accept(t2, { localName: 'b@h', localCreation: 2, cookie: 'c', decide: () => 'ok', logger: quiet });
  t2.inject(frame2(encodeSendName({ flags: DEFAULT_FLAGS | DFLAG.NAME_ME, creation: 0, name: 'farhost' })));
  await assert.rejects(p2, (e: unknown) => e instanceof HandshakeError && e.status === 'not_allowed');
  assert.deepEqual(decodeStatus(sentFrames(t2)[0]!), { status: 'not_allowed' });
});

// Fuzz: arbitrary bytes from a peer during the handshake end it with a HandshakeError
// (bad_frame, closed or the deadline); no other exception, no connection, no hang.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { HandshakeError } from '../../src/dist/errors.ts';
import { DEFAULT_FLAGS } from '../../src/dist/flags.ts';
import { frame2 } from '../../src/dist/framing.ts';
import { encodeSendName, encodeStatus } from '../../src/dist/handshake-codec.ts';
import { accept, initiate } from '../../src/dist/handshake.ts';
import { Atom } from '../../src/term/types.ts';
import { memoryEnd } from '../unit/dist/memory-transport.ts';

const quiet = { warn: () => {} };
const chunk = fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.from(b));
// Sometimes a good first frame, then garbage: reaches the later steps too.
const acceptorInput = fc
  .tuple(fc.boolean(), fc.array(chunk, { maxLength: 4 }), fc.string({ maxLength: 20 }))
  .map(([good, rest, name]) =>
    good
      ? [frame2(encodeSendName({ flags: DEFAULT_FLAGS, creation: 1, name: `${name}@h` })), ...rest]
      : rest,
  );
const initiatorInput = fc
  .tuple(fc.boolean(), fc.array(chunk, { maxLength: 4 }))
  .map(([good, rest]) => (good ? [frame2(encodeStatus({ status: 'ok' })), ...rest] : rest));

const isHandshakeError = (e: unknown) => e instanceof HandshakeError;

test('fuzz/dist-handshake: arbitrary bytes to the acceptor end in a HandshakeError', async () => {
  const atoms = Atom.count();
  await fc.assert(
    fc.asyncProperty(acceptorInput, fc.boolean(), async (chunks, closeAfter) => {
      const t = memoryEnd();
      const p = accept(t, {
        localName: 'b@h',
        localCreation: 2,
        cookie: 'c',
        decide: () => 'ok',
        setupTimeoutMs: 30,
        logger: quiet,
      });
      for (const c of chunks) t.inject(c);
      if (closeAfter) t.close();
      await assert.rejects(p, isHandshakeError);
      assert.ok(t.closed);
    }),
    { numRuns: 200, interruptAfterTimeLimit: 15_000 },
  );
  assert.equal(Atom.count(), atoms);
});

test('fuzz/dist-handshake: arbitrary bytes to the initiator end in a HandshakeError', async () => {
  await fc.assert(
    fc.asyncProperty(initiatorInput, async (chunks) => {
      const t = memoryEnd();
      const p = initiate(t, {
        localName: 'a@h',
        localCreation: 1,
        cookie: 'c',
        remoteName: 'b@h',
        setupTimeoutMs: 30,
        logger: quiet,
      });
      for (const c of chunks) t.inject(c);
      await assert.rejects(p, isHandshakeError);
    }),
    { numRuns: 200, interruptAfterTimeLimit: 15_000 },
  );
});

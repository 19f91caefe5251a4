// Fuzz: whatever mix of small and large terms several senders send, the peer receives
// each sender's messages whole and in order, byte for byte what encode() makes of them
// (large binaries go out by reference in fragments; small messages overtake them).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { ControlMessage } from '../../src/dist/control-message.ts';
import { accept, initiate } from '../../src/dist/handshake.ts';
import { encode } from '../../src/term/encode.ts';
import { Pid, Tuple, atom, type Term } from '../../src/term/types.ts';
import { until } from '../support/wait.ts';
import { memoryPair } from '../unit/dist/memory-transport.ts';

const quiet = { warn: () => {} };
const to = new Pid(atom('b@h'), 1, 0, 2);
const senders = [1, 2, 3].map((n) => new Pid(atom('a@h'), n, 0, 1));

// Binary sizes around the 64 KiB reference threshold and the fragment size.
const binary = fc
  .constantFrom(0, 10, 1000, 65535, 65536, 65537, 70_000, 131_072, 200_003)
  .chain((n) => fc.integer({ min: 0, max: 255 }).map((k) => new Uint8Array(n).fill(k)));
const term: fc.Arbitrary<Term> = fc.oneof(
  binary,
  fc.integer(),
  fc.string({ maxLength: 20 }),
  fc.array(binary, { maxLength: 3 }).map((xs) => new Tuple([atom('t'), ...xs])),
);

test("fuzz/dist-send: every sender's messages arrive whole and in order", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), term), { minLength: 1, maxLength: 8 }),
      fc.constantFrom(1, 64 * 1024, 100_000, 1024 * 1024),
      async (sends, fragmentBudget) => {
        const [ta, tb] = memoryPair();
        const [a, b] = await Promise.all([
          initiate(ta, {
            localName: 'a@h',
            localCreation: 1,
            cookie: 'c',
            remoteName: 'b@h',
            logger: quiet,
            connection: { fragmentBudget },
          }),
          accept(tb, {
            localName: 'b@h',
            localCreation: 2,
            cookie: 'c',
            decide: () => 'ok',
            logger: quiet,
          }),
        ]);
        const got: ControlMessage[] = [];
        b.on('message', (m) => got.push(m));
        try {
          for (const [s, message] of sends) a.send({ op: 'SEND', from: senders[s]!, to, message });
          await until(() => got.length === sends.length, 'all messages', 20_000);
          for (const [s] of senders.entries()) {
            const sent = sends.filter(([k]) => k === s).map(([, m]) => encode(m));
            const received = got
              .filter((m) => m.op === 'SEND' && m.from?.key === senders[s]!.key)
              .map((m) => encode((m as { message: Term }).message));
            assert.deepEqual(received, sent);
          }
          assert.equal(b.inspect().reassembling, 0);
        } finally {
          a.close();
        }
      },
    ),
    { numRuns: 30 },
  );
});

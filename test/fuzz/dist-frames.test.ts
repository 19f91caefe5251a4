// Fuzz: whatever bytes a connected peer sends, the connection either keeps going or
// closes with a DistProtocolError and a log line; nothing escapes, nothing hangs, and
// other connections carry on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DistProtocolError } from '../../src/dist/errors.ts';
import { DEFAULT_FLAGS, DFLAG } from '../../src/dist/flags.ts';
import { encode } from '../../src/term/encode.ts';
import { Pid, Tuple, atom, type Term } from '../../src/term/types.ts';
import { loneConnection } from '../unit/dist/memory-transport.ts';

const pa = new Pid(atom('a@h'), 1, 0, 1);

/** A lone connection with small limits, so the fuzz reaches them. */
const lone = (flags: bigint) =>
  loneConnection(flags, { maxFrame: 1 << 20, reassembly: { maxSequences: 8, maxBytes: 1 << 20 } });

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};

// Frames that are nearly right: real control tuples with random ops and fields,
// fragment headers with random ids, random bytes after a good header.
const term = fc.oneof(
  fc.integer({ min: -1, max: 40 }),
  fc.constant(pa as Term),
  fc.constant(atom('x') as Term),
  fc.string(),
);
const nearFrame = fc.oneof(
  fc
    .array(term, { minLength: 0, maxLength: 6 })
    .map((els) => Buffer.concat([Buffer.of(131, 68, 0), encode(new Tuple(els)).subarray(1)])),
  fc
    .tuple(
      fc.constantFrom(69, 70),
      fc.bigInt({ min: 0n, max: 10n }),
      fc.bigInt({ min: 0n, max: 5n }),
      fc.uint8Array({ maxLength: 64 }),
    )
    .map(([k, seq, id, rest]) => {
      const h = Buffer.alloc(18);
      h[0] = 131;
      h[1] = k;
      h.writeBigUInt64BE(seq, 2);
      h.writeBigUInt64BE(id, 10);
      return Buffer.concat([h, rest]);
    }),
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.concat([Buffer.of(131, 68), b])),
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
);
const stream = fc.oneof(
  fc
    .array(nearFrame, { maxLength: 8 })
    .map((frames) => Buffer.concat(frames.flatMap((f) => [u32(f.length), f]))),
  fc.uint8Array({ maxLength: 256 }).map((b) => Buffer.from(b)),
);

for (const [label, flags] of [
  ['header framing', DEFAULT_FLAGS | DFLAG.PUBLISHED],
  ['pass-through framing', (DEFAULT_FLAGS | DFLAG.PUBLISHED) & ~DFLAG.FRAGMENTS],
] as const) {
  test(`fuzz/dist-frames: arbitrary peer bytes (${label}) close cleanly or pass`, async () => {
    await fc.assert(
      fc.asyncProperty(stream, fc.integer({ min: 1, max: 64 }), async (bytes, step) => {
        const { t, conn, logs, closed } = lone(flags);
        for (let i = 0; i < bytes.length; i += step) t.inject(bytes.subarray(i, i + step));
        await new Promise((r) => setImmediate(r));
        if (conn.state === 'closed') {
          assert.equal(closed.reason, atom('protocol_error'));
          assert.ok(closed.error instanceof DistProtocolError);
          assert.ok(logs.length >= 1);
          assert.ok(t.closed);
        } else {
          conn.close();
        }
      }),
      { numRuns: 400, interruptAfterTimeLimit: 20_000 },
    );
  });
}

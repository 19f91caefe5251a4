// Hostile input against the port mapper daemon: at least 10,000 malformed requests per
// run (random bytes behind an unknown tag, truncations, lengths that lie both ways,
// ALIVE2 requests whose inner lengths overrun, zero and oversized lengths, a 65,535-byte
// request) plus thousands of idle connections. Each offending connection must be closed
// without a reply, nothing may be registered, and a well-behaved client must be served
// throughout.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import {
  EpmdDaemon,
  EpmdTag,
  encodeAlive2Req,
  encodeNamesReq,
  encodePortPlease2Req,
  lookup,
  MAX_REQUEST_BODY,
  names,
  register,
  type Registration,
} from '../../src/epmd/index.ts';

const RUNS = Number(process.env.BEAMLINK_FUZZ_EPMD_RUNS ?? 10_000);
const SEED = Number(process.env.BEAMLINK_FUZZ_SEED ?? Date.now() % 2 ** 31);
const KNOWN_TAGS: Set<number> = new Set(Object.values(EpmdTag));

interface Case {
  readonly kind: string;
  readonly bytes: Buffer;
  /** Half-close after writing (a client that gives up), else leave it to the idle timeout. */
  readonly fin: boolean;
}

const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const frameWith = (declared: number, body: Uint8Array) => Buffer.concat([u16(declared), body]);

const validRequests = fc.oneof(
  fc.constant(encodeNamesReq()),
  fc.stringMatching(/^[a-z]{1,20}$/).map((n) => encodePortPlease2Req(n)),
  fc
    .record({ name: fc.stringMatching(/^[a-z]{1,20}$/), port: fc.integer({ min: 1, max: 65535 }) })
    .map(({ name, port }) =>
      encodeAlive2Req({
        port,
        nodeType: 77,
        protocol: 0,
        highest: 6,
        lowest: 6,
        name,
        extra: Buffer.alloc(0),
      }),
    ),
);

const malformed: fc.Arbitrary<Case> = fc.oneof(
  // random bytes behind an unknown tag, correctly framed
  fc
    .record({
      tag: fc.integer({ min: 0, max: 255 }).filter((t) => !KNOWN_TAGS.has(t)),
      rest: fc.uint8Array({ maxLength: 200 }),
    })
    .map(({ tag, rest }) => ({
      kind: 'unknown tag',
      bytes: frameWith(rest.length + 1, Buffer.concat([Buffer.of(tag), rest])),
      fin: false,
    })),
  // a valid request cut short; the client then half-closes, or (1 in 10) just stalls
  // until the daemon's idle timeout closes it
  validRequests.chain((req) =>
    fc
      .record({
        cut: fc.integer({ min: 0, max: req.length - 1 }),
        stall: fc.integer({ min: 0, max: 9 }),
      })
      .map(({ cut, stall }) => ({
        kind: stall === 0 ? 'truncated, stalled' : 'truncated',
        bytes: req.subarray(0, cut),
        fin: stall !== 0,
      })),
  ),
  // the length says more than is sent (then FIN) or less than is sent (extra bytes)
  fc
    .record({
      body: fc.uint8Array({ minLength: 1, maxLength: 200 }),
      delta: fc.integer({ min: 1, max: 300 }),
      more: fc.boolean(),
    })
    .map(({ body, delta, more }) => {
      if (more) {
        return {
          kind: 'length too long',
          bytes: frameWith(Math.min(MAX_REQUEST_BODY, body.length + delta), body),
          fin: true,
        };
      }
      const declared = Math.max(1, body.length - delta);
      const padded =
        body.length > declared
          ? body
          : Buffer.concat([body, Buffer.alloc(declared + 1 - body.length)]);
      return { kind: 'length too short', bytes: frameWith(declared, padded), fin: false };
    }),
  // ALIVE2_REQ whose name or extra length overruns the request
  fc
    .record({
      name: fc.uint8Array({ minLength: 1, maxLength: 30 }),
      extra: fc.uint8Array({ maxLength: 30 }),
      nameLie: fc.integer({ min: 1, max: 1000 }),
      lieOnName: fc.boolean(),
    })
    .map(({ name, extra, nameLie, lieOnName }) => {
      const body = Buffer.alloc(13 + name.length + extra.length);
      body[0] = EpmdTag.ALIVE2_REQ;
      body.writeUInt16BE(4000, 1);
      body[3] = 77;
      body.writeUInt16BE(6, 5);
      body.writeUInt16BE(6, 7);
      body.writeUInt16BE(lieOnName ? name.length + extra.length + nameLie : name.length, 9);
      body.set(name, 11);
      body.writeUInt16BE(lieOnName ? extra.length : extra.length + nameLie, 11 + name.length);
      body.set(extra, 13 + name.length);
      return { kind: 'alive2 overrun', bytes: frameWith(body.length, body), fin: false };
    }),
  // ALIVE2_REQ too short to hold a name
  fc.uint8Array({ maxLength: 12 }).map((rest) => ({
    kind: 'alive2 short',
    bytes: frameWith(rest.length + 1, Buffer.concat([Buffer.of(EpmdTag.ALIVE2_REQ), rest])),
    fin: false,
  })),
  // lengths out of range: zero, or above what epmd reads
  fc.integer({ min: MAX_REQUEST_BODY + 1, max: 65535 }).map((n) => ({
    kind: 'oversized length',
    bytes: u16(n),
    fin: false,
  })),
  fc.constant<Case>({ kind: 'zero length', bytes: u16(0), fin: false }),
);

/** Sends one case; resolves with what came back and whether the daemon closed. */
function send(
  port: number,
  c: Case,
  windowMs: number,
): Promise<{ reply: Buffer; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const got: Buffer[] = [];
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ reply: Buffer.concat(got), closed });
    };
    const timer = setTimeout(() => finish(false), windowMs);
    socket.on('data', (d: Buffer) => got.push(d));
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
    socket.once('connect', () => {
      socket.write(c.bytes);
      if (c.fin) socket.end();
    });
  });
}

async function inParallel<T>(
  items: readonly T[],
  width: number,
  fn: (t: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

describe('fuzz/epmd-daemon: malformed requests', () => {
  let daemon: EpmdDaemon;
  let good: Registration;
  const o = () => ({ epmdPort: daemon.port });
  before(async () => {
    // a short idle window so requests that stop half-way are closed within the test
    daemon = await EpmdDaemon.start({ port: 0, idleTimeoutMs: 1_000, maxConnections: 512 });
    good = await register({ name: 'good', port: 4242, epmdPort: daemon.port });
  });
  after(async () => {
    await good?.close();
    await daemon?.stop();
  });

  it(`fuzz/epmd-daemon: ${RUNS} malformed requests are closed without a reply (seed ${SEED})`, async () => {
    const cases = fc.sample(malformed, { numRuns: RUNS, seed: SEED });
    cases.push({
      kind: '65,535-byte request',
      bytes: Buffer.concat([u16(65535), Buffer.alloc(65535, 7)]),
      fin: false,
    });
    const kinds = new Map<string, number>();
    const failures: string[] = [];
    let sent = 0;
    await inParallel(cases, 48, async (c) => {
      const r = await send(daemon.port, c, 15_000);
      kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
      if (!r.closed || r.reply.length > 0) {
        failures.push(
          `${c.kind}: ${c.bytes.subarray(0, 40).toString('hex')} → closed=${r.closed} reply=${r.reply.toString('hex')}`,
        );
      }
      if (++sent % 2_000 === 0) {
        // the well-behaved client is served in the middle of the storm
        assert.equal((await lookup('good', undefined, o()))?.port, 4242);
      }
    });
    assert.deepEqual(failures.slice(0, 10), [], `seed ${SEED}`);
    assert.ok(cases.length >= 10_000 || RUNS < 10_000);
    for (const kind of [
      'unknown tag',
      'truncated',
      'length too long',
      'length too short',
      'alive2 overrun',
      'oversized length',
    ]) {
      assert.ok((kinds.get(kind) ?? 0) > 0, `no ${kind} case generated`);
    }
    // nothing registered by garbage; the good registration is intact and served
    assert.deepEqual(
      daemon.nodes().map((n) => n.name),
      ['good'],
    );
    assert.equal((await names(undefined, o())).text, 'name good at port 4242\n');
    assert.equal(good.active, true);
    const { badRequests, incomplete, requests, timedOut } = daemon.stats;
    // the stalled ones were closed by the idle timeout, not by the client
    assert.ok(timedOut >= (kinds.get('truncated, stalled') ?? 0), `timed out ${timedOut}`);
    assert.ok(
      badRequests + incomplete >= cases.length,
      `bad ${badRequests} + incomplete ${incomplete} < ${cases.length}`,
    );
    // every request that got through was the good client's (register, lookups, names)
    assert.ok(requests - badRequests <= 10, `requests ${requests}, bad ${badRequests}`);
    assert.equal(daemon.inspect().state, 'running');
    // nothing lingers: only the registration's connection stays open
    const deadline = Date.now() + 10_000;
    while (daemon.inspect().connections.open > 1 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(daemon.inspect().connections.open, 1);
  });

  it('fuzz/epmd-daemon: thousands of idle connections do not lock out a registering node', async () => {
    const idle = [];
    for (let i = 0; i < 2_000; i++) {
      const s = connect({ port: daemon.port, host: '127.0.0.1' });
      s.on('error', () => {});
      s.resume();
      idle.push(s);
      if (i % 200 === 0) await new Promise((r) => setImmediate(r));
    }
    try {
      const late = await register({ name: 'late', port: 4343, epmdPort: daemon.port });
      assert.equal((await lookup('late', undefined, o()))?.port, 4343);
      assert.ok(daemon.inspect().connections.open <= 512);
      await late.close();
    } finally {
      for (const s of idle) s.destroy();
    }
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(good.active, true);
    assert.equal((await lookup('good', undefined, o()))?.port, 4242);
  });
});

// The node's outgoing buffer against a slow peer: past `distBuffer.busyLimit` a send
// returns the busy promise (and `whenWritable` waits), the promise resolves once the peer
// reads again, and a sender that waits on it loses nothing — while one that does not
// wait overruns the hard limit and has messages dropped, with a warning.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ControlMessage } from '../../../src/dist/control-message.ts';
import { EpmdDaemon } from '../../../src/epmd/daemon.ts';
import type { NodeLogLevel } from '../../../src/node/connections.ts';
import { Node } from '../../../src/node/node.ts';
import { atom, Pid, Tuple, tuple } from '../../../src/term/types.ts';
import { until } from '../../support/wait.ts';
import { SlowPeer } from './slow-peer.ts';

const COOKIE = 'bp_cookie';
const HOST = 'localhost';
const BUSY = 256 * 1024;
const MAX = 1024 * 1024;
const CHUNK = Buffer.alloc(16 * 1024, 0xab);

describe('node: outgoing buffer backpressure (distBuffer, whenWritable)', () => {
  let daemon: EpmdDaemon;
  const lines: { level: NodeLogLevel; message: string }[] = [];
  const logger = { log: (level: NodeLogLevel, message: string) => lines.push({ level, message }) };

  before(async () => {
    daemon = await EpmdDaemon.start({ port: 0 });
  });
  after(async () => {
    await daemon.stop();
  });

  async function pair(
    alive: string,
  ): Promise<{ node: Node; peer: SlowPeer; to: ReturnType<typeof atom> }> {
    const peer = await SlowPeer.start(alive, HOST, COOKIE, daemon.port);
    const node = await Node.start({
      sname: `${alive}_src@${HOST}`,
      cookie: COOKIE,
      epmdPort: daemon.port,
      startPortMapper: false,
      logger,
      distBuffer: { busyLimit: BUSY, maxBytes: MAX },
    });
    node.attach({ handleControl: () => {}, nodeDown: () => {} });
    assert.equal(await node.connect(peer.name), true);
    await until(() => peer.connected, 'the peer has the connection');
    return { node, peer, to: atom(peer.name) };
  }

  function message(node: Node, i: number): ControlMessage {
    return {
      op: 'REG_SEND',
      from: new Pid(node.nameAtom, 1, 0, node.creation),
      to: atom('sink'),
      message: tuple(i, CHUNK),
    };
  }

  it('a sender that waits on the busy promise stays under the limit and loses nothing', async () => {
    const { node, peer, to } = await pair('bp_wait');
    try {
      peer.pause();
      // 16 MB: past the hard limit many times, and past what the kernel's socket buffers
      // hold for a peer that does not read (a few MB)
      const N = 1000;
      let sent = 0;
      let waits = 0;
      let blocked = false;
      let maxQueued = 0;
      const queued = (): number => node.inspect().connections[0]!.queuedBytes;
      const sender = (async () => {
        for (let i = 0; i < N; i++) {
          const busy = node.sendControl(to, message(node, i));
          sent++;
          maxQueued = Math.max(maxQueued, queued());
          if (busy) {
            waits++;
            blocked = true;
            await busy;
            blocked = false;
          }
        }
      })();
      await until(() => blocked && queued() >= BUSY, 'the sender waits on a full buffer');
      assert.ok(sent < N, `the sender stopped early (sent ${sent} of ${N})`);
      assert.equal(node.inspect().connections[0]!.busy, true);
      let resolved = false;
      void node.whenWritable(to).then(() => (resolved = true));

      peer.resume();
      await sender;
      await until(() => peer.received.length === N, `all ${N} messages arrive`);
      assert.ok(waits > 0);
      assert.ok(maxQueued >= BUSY, `the buffer filled (${maxQueued} bytes)`);
      assert.ok(maxQueued < BUSY + 2 * CHUNK.length, `and stayed at the busy limit (${maxQueued})`);
      peer.received.forEach((m, i) => {
        assert.ok(m.op === 'REG_SEND' && m.message instanceof Tuple);
        assert.equal(m.message.elements[0], i, 'in order');
      });
      assert.equal(resolved, true);
      assert.equal(
        lines.filter((l) => l.message.includes('dropped')).length,
        0,
        'no message was dropped',
      );
      await node.whenWritable(to); // not busy: resolves at once
    } finally {
      await node.stop();
      await peer.stop();
    }
  });

  it('a sender that ignores it overruns the hard limit: messages are dropped with a warning', async () => {
    const { node, peer, to } = await pair('bp_flood');
    try {
      peer.pause();
      let busyReturned = 0;
      for (let i = 0; i < 400; i++) if (node.sendControl(to, message(node, i))) busyReturned++;
      assert.ok(busyReturned > 0);
      const drops = lines.filter(
        (l) => l.level === 'warn' && l.message.includes(`a message to ${peer.name} was dropped`),
      );
      assert.ok(drops.length > 0, 'past maxBytes sends are dropped');
      peer.resume();
      await node.whenWritable(to);
      await until(() => peer.received.length === 400 - drops.length, 'the queued ones arrive');
    } finally {
      await node.stop();
      await peer.stop();
    }
  });

  it('rejects bad distBuffer limits before opening anything', async () => {
    await assert.rejects(
      Node.start({ sname: `bp_bad@${HOST}`, cookie: COOKIE, distBuffer: { busyLimit: -1 } }),
      RangeError,
    );
  });
});

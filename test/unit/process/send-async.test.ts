// `self.sendAsync`: a process sending to a node whose connection is busy (a peer that does
// not read) waits — as BEAM suspends a sender on a busy distribution port — and resumes
// once the peer reads again; nothing is lost and the order holds. Local sends and sends
// on a connection that is not busy resolve at once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EpmdDaemon } from '../../../src/epmd/daemon.ts';
import { Node } from '../../../src/node/node.ts';
import { memoryLogger } from '../../../src/process/logger.ts';
import { Runtime } from '../../../src/process/runtime.ts';
import { atom, Tuple, tuple } from '../../../src/term/types.ts';
import { until } from '../../support/wait.ts';
import { SlowPeer } from '../node/slow-peer.ts';

const COOKIE = 'sa_cookie';
const HOST = 'localhost';
const CHUNK = Buffer.alloc(16 * 1024, 0xcd);

describe('process: sendAsync waits on a busy connection', () => {
  let daemon: EpmdDaemon;
  let peer: SlowPeer;
  let node: Node;
  let rt: Runtime;

  before(async () => {
    daemon = await EpmdDaemon.start({ port: 0 });
    peer = await SlowPeer.start('sa_peer', HOST, COOKIE, daemon.port);
    node = await Node.start({
      sname: `sa_src@${HOST}`,
      cookie: COOKIE,
      epmdPort: daemon.port,
      startPortMapper: false,
      logger: { log: () => {} },
      distBuffer: { busyLimit: 128 * 1024 },
    });
    rt = new Runtime({ node: node.nameAtom, creation: node.creation, logger: memoryLogger() });
    // wired as startNode wires them
    rt.attachDistribution({ sendControl: (to, msg) => node.sendControl(to, msg) });
    node.attach(rt);
  });
  after(async () => {
    await node.stop();
    await peer.stop();
    await daemon.stop();
  });

  it('a producer paced by sendAsync stalls while the peer does not read, then delivers everything in order', async () => {
    assert.equal(await node.connect(peer.name), true);
    await until(() => peer.connected, 'the peer has the connection');
    peer.pause();
    const N = 1000; // 16 MB: more than the kernel buffers for a peer that does not read
    let sent = 0;
    let waiting = false;
    let done = false;
    rt.spawn(async (self) => {
      for (let i = 0; i < N; i++) {
        const p = self.sendAsync(['sink', peer.name], tuple(i, CHUNK));
        sent++;
        waiting = true;
        await p;
        waiting = false;
      }
      done = true;
    });
    await until(
      () => waiting && node.inspect().connections[0]!.busy,
      'the producer waits on the busy connection',
    );
    assert.ok(sent < N, `the producer is held back (sent ${sent} of ${N})`);
    assert.equal(done, false);
    peer.resume();
    await until(() => done && peer.received.length === N, `all ${N} messages arrive`);
    peer.received.forEach((m, i) => {
      assert.ok(m.op === 'REG_SEND' && m.message instanceof Tuple);
      assert.equal(m.message.elements[0], i, 'in order');
    });
  });

  it('a send that starts a connection waits for the setup to end (up, or failed)', async () => {
    const fresh = await SlowPeer.start('sa_fresh', HOST, COOKIE, daemon.port);
    try {
      const states: unknown[] = [];
      let finished = false;
      rt.spawn(async (self) => {
        await self.sendAsync(['sink', fresh.name], atom('first'));
        states.push(node.connectionState(fresh.name));
        await self.sendAsync(['sink', `sa_nobody@${HOST}`], atom('lost'));
        states.push(node.connectionState(`sa_nobody@${HOST}`));
        finished = true;
      });
      await until(() => finished, 'both sends resolve');
      assert.deepEqual(states, ['up', undefined]);
      await until(
        () => fresh.received.some((m) => m.op === 'REG_SEND' && m.message === atom('first')),
        'the first message arrives',
      );
    } finally {
      node.disconnect(fresh.name);
      await fresh.stop();
    }
  });

  it('resolves at once for local destinations and connections that are not busy', async () => {
    const got: unknown[] = [];
    const sink = rt.spawn((self) => self.handle((m) => void got.push(m)));
    let finished = false;
    rt.spawn(async (self) => {
      await self.sendAsync(sink, atom('local'));
      await self.sendAsync(['sink', peer.name], atom('remote'));
      finished = true;
    });
    await until(() => finished && got.length === 1, 'both sends resolve');
    await until(
      () => peer.received.some((m) => m.op === 'REG_SEND' && m.message === atom('remote')),
      'the remote one arrives',
    );
  });

  it('rejects (does not throw) for a local name nobody registered, as send throws', async () => {
    let outcome: unknown;
    rt.spawn(async (self) => {
      const p = self.sendAsync('nobody_here', atom('hello'));
      outcome = await p.then(
        () => 'resolved',
        (e: unknown) => e,
      );
    });
    await until(() => outcome !== undefined, 'the send settles');
    assert.ok(outcome instanceof Error, `expected an error, got ${String(outcome)}`);
    assert.match(outcome.message, /nobody_here is not registered/);
  });
});

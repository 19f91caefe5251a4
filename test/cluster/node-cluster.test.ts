// Several beamlink nodes in one JS process (and across OS processes), with beamlink's
// own port mapper: simultaneous connects, transitive connections, queueing, allow lists,
// a restarted peer, stop().
import assert from 'node:assert/strict';
import diagnostics from 'node:diagnostics_channel';
import { connect as tcpConnect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { lookup } from '../../src/epmd/client.ts';
import { EpmdDaemon } from '../../src/epmd/daemon.ts';
import { startNode, type BeamNode } from '../../src/kernel/start-node.ts';
import type { NodeEvent } from '../../src/node/events.ts';
import { memoryLogger } from '../../src/process/logger.ts';
import { atom, Tuple, type Term } from '../../src/term/types.ts';
import { uniqueName } from '../support/erlang-peer.ts';
import { startTestNode } from '../support/test-node.ts';
import { until } from '../support/wait.ts';
import { ChildNode as Child } from './child-node.ts';

const names = (n: BeamNode): string[] =>
  n
    .nodes()
    .map((a) => a.name)
    .sort();

describe('cluster/node: beamlink nodes together', () => {
  let epmd: EpmdDaemon;
  const started: BeamNode[] = [];
  const start = async (
    prefix: string,
    extra: Partial<Parameters<typeof startNode>[0]> = {},
  ): Promise<BeamNode> => {
    const n = await startTestNode(prefix, { cookie: 'cluster', epmdPort: epmd.port, ...extra });
    started.push(n);
    return n;
  };

  before(async () => {
    epmd = await EpmdDaemon.start({ port: 0 });
  });
  after(async () => {
    for (const n of started) await n.stop();
    await epmd.stop();
  });

  it('simultaneous connect ends with exactly one connection, every time', async () => {
    for (let round = 0; round < 5; round++) {
      const a = await start('sima');
      const b = await start('simb');
      const evA: NodeEvent[] = [];
      const evB: NodeEvent[] = [];
      a.monitorNodes((e) => evA.push(e));
      b.monitorNodes((e) => evB.push(e));
      const [ra, rb] = await Promise.all([a.connect(b.name), b.connect(a.name)]);
      assert.equal(ra, true);
      assert.equal(rb, true);
      assert.deepEqual(names(a), [b.name]);
      assert.deepEqual(names(b), [a.name]);
      // Give a losing attempt time to show up as a second nodeup or a nodedown.
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(
        evA.map((e) => e.type),
        ['nodeup'],
      );
      assert.deepEqual(
        evB.map((e) => e.type),
        ['nodeup'],
      );
      assert.equal(await a.ping(b.name), 'pong');
      assert.equal(a.dist.inspect().connections.length, 1);
      assert.equal(b.dist.inspect().connections.length, 1);
      await a.stop();
      await b.stop();
    }
  });

  it('nodeup/nodedown go to monitorNodes listeners and diagnostics channels', async () => {
    const seen: unknown[] = [];
    const onUp = (m: unknown): void => void seen.push(['up', m]);
    const onDown = (m: unknown): void => void seen.push(['down', m]);
    diagnostics.subscribe('beamlink:node:nodeup', onUp);
    diagnostics.subscribe('beamlink:node:nodedown', onDown);
    try {
      const a = await start('da');
      const b = await start('db');
      const all: NodeEvent[] = [];
      const visible: NodeEvent[] = [];
      const off = a.monitorNodes((e) => all.push(e), { nodeType: 'all', nodedownReason: false });
      a.monitorNodes((e) => visible.push(e));
      assert.equal(await a.connect(b.name), true);
      a.disconnect(b.name);
      off();
      assert.equal(await a.connect(b.name), true);
      assert.deepEqual(
        all.map((e) => [e.type, e.node.name, e.type === 'nodedown' ? e.reason : '']),
        [
          ['nodeup', b.name, ''],
          ['nodedown', b.name, ''],
        ],
      );
      assert.deepEqual(
        visible.map((e) => (e.type === 'nodedown' ? `${e.type}:${e.reason}` : e.type)),
        ['nodeup', 'nodedown:disconnect', 'nodeup'],
      );
      assert.deepEqual(
        seen.filter((x) => (x as [string, { node: string }])[1].node === a.name),
        [
          ['up', { node: a.name, peer: b.name, nodeType: 'visible' }],
          ['down', { node: a.name, peer: b.name, nodeType: 'visible', reason: 'disconnect' }],
          ['up', { node: a.name, peer: b.name, nodeType: 'visible' }],
        ],
      );
    } finally {
      diagnostics.unsubscribe('beamlink:node:nodeup', onUp);
      diagnostics.unsubscribe('beamlink:node:nodedown', onDown);
    }
  });

  it('connections among beamlink nodes are transitive (A-B, B-C make A-C)', async () => {
    const a = await start('ta');
    const b = await start('tb');
    const c = await start('tc');
    assert.equal(await a.connect(b.name), true);
    assert.equal(await c.connect(b.name), true);
    await until(
      () => names(a).includes(c.name) && names(c).includes(a.name),
      'A and C connected through B',
      10_000,
    );
    assert.deepEqual(names(a), [b.name, c.name].sort());
    assert.deepEqual(names(b), [a.name, c.name].sort());
    assert.deepEqual(names(c), [a.name, b.name].sort());
    // A fourth node joining one of them reaches all.
    const d = await start('td');
    assert.equal(await d.connect(c.name), true);
    await until(
      () => [a, b, c].every((n) => names(n).includes(d.name)) && names(d).length === 3,
      'D connected to all',
      10_000,
    );
  });

  it('hidden nodes are not transitive and not in nodes()', async () => {
    const a = await start('ha');
    const b = await start('hb');
    const h = await start('hh', { hidden: true });
    assert.equal(await a.connect(b.name), true);
    assert.equal(await h.connect(b.name), true);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(h.connectionState(a.name), undefined);
    assert.deepEqual(names(b), [a.name]);
    assert.deepEqual(
      b.nodes('hidden').map((n) => n.name),
      [h.name],
    );
    assert.deepEqual(
      b
        .nodes('connected')
        .map((n) => n.name)
        .sort(),
      [a.name, h.name].sort(),
    );
  });

  it('a send to an unconnected node waits for the connection; messages keep their order', async () => {
    const a = await start('qa');
    const b = await start('qb');
    const got: Term[] = [];
    b.spawn(
      async (self) => {
        for (;;) got.push((await self.receive())!);
      },
      { name: 'sink' },
    );
    for (let i = 0; i < 1000; i++) a.send(['sink', b.name], i);
    assert.equal(a.connectionState(b.name), 'pending');
    await until(() => got.length === 1000, '1000 messages', 10_000);
    assert.deepEqual(
      got,
      Array.from({ length: 1000 }, (_, i) => i),
    );
  });

  it('the queue of a pending connection is bounded (maxWaiting), with one warning', async () => {
    const logger = memoryLogger();
    const a = await start('wa', { maxWaiting: 10, logger });
    const b = await start('wb');
    const got: Term[] = [];
    b.spawn(
      async (self) => {
        for (;;) got.push((await self.receive())!);
      },
      { name: 'sink' },
    );
    for (let i = 0; i < 25; i++) a.send(['sink', b.name], i);
    const info = a.dist.inspect().connections.find((c) => c.node === b.name);
    assert.equal(info?.waiting, 10);
    assert.equal(info?.dropped, 15);
    await until(() => got.length === 10, 'the queued ten', 10_000);
    assert.deepEqual(
      got,
      Array.from({ length: 10 }, (_, i) => i),
    );
    assert.equal(logger.entries.filter((e) => /dropping further ones/.test(e.message)).length, 1);
  });

  it('monitors toward a node that cannot be reached fire noconnection', async () => {
    const a = await start('na');
    const ghost = `${uniqueName('ghost')}@${a.name.split('@')[1]}`;
    const down = await new Promise<Term | undefined>((resolve) => {
      a.spawn(async (self) => {
        self.monitor(['anything', ghost]);
        resolve(await self.receive(undefined, { timeout: 10_000 }));
      });
    });
    assert.ok(down instanceof Tuple, String(down));
    assert.equal(down.elements[0], atom('DOWN'));
    assert.equal(down.elements[4], atom('noconnection'));
    assert.equal(await a.ping(ghost), 'pang');
  });

  it('the allow list refuses others both ways', async () => {
    const a = await start('aa');
    const b = await start('ab');
    const picky = await start('ap', { allow: [a.name] });
    assert.equal(await picky.connect(b.name), false);
    assert.equal(await b.connect(picky.name), false);
    assert.equal(await a.connect(picky.name), true);
    assert.deepEqual(picky.dist.allowed(), [a.name]);
  });

  it('a peer that restarts under the same name comes back with a new creation', async () => {
    const a = await start('ra');
    const bName = uniqueName('rb');
    const b1 = await start('x', { sname: bName });
    const evA: NodeEvent[] = [];
    a.monitorNodes((e) => evA.push(e));
    assert.equal(await a.connect(b1.name), true);
    const oldCreation = b1.creation;
    await b1.stop();
    await until(() => evA.some((e) => e.type === 'nodedown'), 'nodedown', 5_000);
    const b2 = await start('x', { sname: bName });
    assert.notEqual(b2.creation, oldCreation);
    assert.equal(await a.ping(b2.name), 'pong');
    assert.deepEqual(
      evA.map((e) => e.type),
      ['nodeup', 'nodedown', 'nodeup'],
    );
    const info = a.dist.inspect().connections.find((c) => c.node === b2.name);
    assert.equal(info?.creation, b2.creation);
  });

  it('a reconnect soon after a disconnect dials the port it used, without the port mapper', async () => {
    const ownEpmd = await EpmdDaemon.start({ port: 0 });
    const a = await startTestNode('pa', { cookie: 'cluster', epmdPort: ownEpmd.port });
    const b = await startTestNode('pb', { cookie: 'cluster', epmdPort: ownEpmd.port });
    try {
      assert.equal(await a.ping(b.name), 'pong');
      a.disconnect(b.name);
      await until(() => b.connectionState(a.name) === undefined, 'b sees the disconnect', 5_000);
      await ownEpmd.stop(); // nobody can look b up any more
      assert.equal(await a.ping(b.name), 'pong');
    } finally {
      await a.stop();
      await b.stop();
      await ownEpmd.stop();
    }
  });

  it('a pid of an earlier incarnation is never delivered to the new one', async () => {
    const a = await start('ia');
    const bName = uniqueName('ib');
    const spawnSink = (n: BeamNode, got: Term[]) =>
      n.spawn(async (self) => {
        for (;;) got.push((await self.receive())!);
      });
    const b1 = await start('x', { sname: bName });
    const old = spawnSink(b1, []);
    assert.equal(await a.connect(b1.name), true);
    await b1.stop();
    await until(() => a.connectionState(b1.name) === undefined, 'nodedown', 5_000);
    const b2 = await start('x', { sname: bName });
    const got: Term[] = [];
    const fresh = spawnSink(b2, got);
    // Same node name, same process number, different creation.
    assert.equal(fresh.id, old.id);
    assert.notEqual(fresh.creation, old.creation);
    a.send(old, 'to the old incarnation');
    a.send(fresh, 'to the new one');
    await until(() => got.length > 0, 'delivery', 5_000);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(got, ['to the new one']);
  });

  it('a peer that comes back while its old connection still looks up replaces it (alive)', async () => {
    const a = await start('ua');
    const bName = uniqueName('ub');
    const b1 = await start('x', { sname: bName });
    const evA: NodeEvent[] = [];
    a.monitorNodes((e) => evA.push(e));
    assert.equal(await a.connect(b1.name), true);
    // b1 goes silent without closing its connection: it leaves the port mapper and stops
    // listening, as a frozen node whose TCP connection nobody has noticed is dead yet.
    const internals = b1.dist as unknown as {
      registration: { close(): Promise<void> };
      server: { close(): void };
    };
    await internals.registration.close();
    internals.server.close();
    const b2 = await start('x', { sname: bName });
    assert.equal(a.connectionState(b2.name), 'up'); // still the old one
    assert.equal(await b2.connect(a.name), true);
    await until(
      () => evA.filter((e) => e.type === 'nodeup').length === 2,
      'the new connection up',
      10_000,
    );
    assert.deepEqual(
      evA.map((e) => e.type),
      ['nodeup', 'nodedown', 'nodeup'],
    );
    const info = a.dist.inspect().connections.find((c) => c.node === b2.name);
    assert.equal(info?.creation, b2.creation);
    assert.equal(await a.ping(b2.name), 'pong');
  });

  it('a flood of silent connections is capped; the node still accepts real peers', async () => {
    const logs = memoryLogger();
    const a = await start('flooded', { logger: logs });
    const b = await start('flooder');
    const info = await lookup(a.name.split('@')[0]!, '127.0.0.1', { epmdPort: epmd.port });
    assert.ok(info, 'a is registered');
    const FLOOD = 256 + 20; // past the cap on incoming handshakes under way
    const sockets: Socket[] = [];
    let closedByPeer = 0;
    for (let i = 0; i < FLOOD; i++) {
      const s = tcpConnect({ host: '127.0.0.1', port: info.port });
      s.on('error', () => {});
      s.once('close', () => closedByPeer++);
      await new Promise((r) => s.once('connect', r));
      sockets.push(s);
    }
    try {
      // The sockets past the cap are closed at once, the others wait for their setup time.
      await until(() => closedByPeer >= FLOOD - 256, 'the excess sockets closed', 10_000);
      assert.ok(closedByPeer < FLOOD, 'the first ones are still waiting on their handshakes');
      assert.ok(logs.entries.some((e) => /incoming handshakes already under way/.test(e.message)));
    } finally {
      for (const s of sockets) s.destroy();
    }
    assert.equal(await b.connect(a.name), true);
  });

  it('stop() says nodedown to peers and leaves the port mapper', async () => {
    const a = await start('sa');
    const b = await start('sb');
    const ev: NodeEvent[] = [];
    b.monitorNodes((e) => ev.push(e));
    assert.equal(await a.connect(b.name), true);
    await a.stop();
    await until(() => ev.some((e) => e.type === 'nodedown'), 'nodedown at b', 5_000);
    assert.equal(await lookup(a.name.split('@')[0]!, '127.0.0.1', { epmdPort: epmd.port }), null);
  });

  it('across OS processes: three beamlink nodes become fully connected', async () => {
    const children: Child[] = [];
    try {
      const x = await Child.start(uniqueName('px'), epmd.port);
      children.push(x);
      const y = await Child.start(uniqueName('py'), epmd.port);
      children.push(y);
      const local = await start('pl');
      // local - x, local - y: x and y must find each other through us.
      assert.equal(await local.connect(x.name), true);
      assert.equal(await local.connect(y.name), true);
      for (const c of [x, y]) {
        const others = [local.name, c === x ? y.name : x.name].sort();
        const deadline = Date.now() + 15_000;
        for (;;) {
          const seen = (await c.request('nodes')).split(',').filter(Boolean).sort();
          if (JSON.stringify(seen) === JSON.stringify(others)) break;
          if (Date.now() > deadline) throw new Error(`${c.name} sees ${seen.join(',')}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      assert.equal(await x.request(`ping ${y.name}`), 'pong');
    } finally {
      for (const c of children) await c.stop();
    }
  });
});

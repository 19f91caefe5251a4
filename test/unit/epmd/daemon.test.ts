import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  EpmdDaemon,
  EpmdListenError,
  EpmdNameTakenError,
  encodeAlive2Req,
  encodeKillReq,
  encodeNamesReq,
  encodeStopReq,
  isLoopbackAddress,
  kill,
  lookup,
  names,
  register,
  type NodeInfo,
} from '../../../src/epmd/index.ts';
import { framed, openRaw, rawRequest, waitUntil } from './raw-client.ts';

const base: NodeInfo = {
  port: 5000,
  nodeType: 77,
  protocol: 0,
  highest: 6,
  lowest: 6,
  name: 'x',
  extra: Buffer.alloc(0),
};

describe('epmd/daemon', () => {
  let daemon: EpmdDaemon;
  let o: { epmdPort: number };
  before(async () => {
    daemon = await EpmdDaemon.start({ port: 0 });
    o = { epmdPort: daemon.port };
  });
  after(async () => {
    await daemon.stop();
  });

  it('epmd/daemon: listens on loopback and answers NAMES with its own port', async () => {
    assert.ok(daemon.port > 0);
    assert.ok(daemon.addresses.includes('127.0.0.1'));
    const r = await names(undefined, o);
    assert.equal(r.epmdPort, daemon.port);
  });

  it('epmd/daemon: registers, looks up, lists newest first, and forgets on close', async () => {
    const a = await register({ name: 'reg_a', port: 4001, ...o });
    const b = await register({
      name: 'reg_b',
      port: 4002,
      hidden: true,
      extra: Buffer.from('e'),
      ...o,
    });
    const listed = await names(undefined, o);
    assert.equal(listed.text, 'name reg_b at port 4002\nname reg_a at port 4001\n');
    const info = await lookup('reg_b', undefined, o);
    assert.deepEqual(info, {
      port: 4002,
      nodeType: 72,
      protocol: 0,
      highest: 6,
      lowest: 6,
      name: 'reg_b',
      extra: Buffer.from('e'),
    });
    assert.equal((await lookup('reg_a@127.0.0.1', undefined, o))?.port, 4001);
    assert.equal(await lookup('nobody', undefined, o), null);
    await a.close();
    await waitUntil(
      async () => (await lookup('reg_a', undefined, o)) === null,
      10_000,
      'unregister',
    );
    assert.deepEqual((await names(undefined, o)).names, [{ name: 'reg_b', port: 4002 }]);
    await b.close();
    await waitUntil(() => daemon.inspect().nodes.length === 0, 10_000, 'empty');
  });

  it('epmd/daemon: refuses a taken name with result 1 and creation 99, in both reply forms', async () => {
    const a = await register({ name: 'taken', port: 4003, ...o });
    await assert.rejects(register({ name: 'taken', port: 4004, ...o }), (e: unknown) => {
      assert.ok(e instanceof EpmdNameTakenError);
      assert.equal(e.code, 'BL_ERR_EPMD_NAME_TAKEN');
      assert.equal(e.nodeName, 'taken');
      assert.equal(e.port, daemon.port);
      return true;
    });
    const x = await rawRequest(daemon.port, [encodeAlive2Req({ ...base, name: 'taken' })]);
    assert.deepEqual([...x.bytes], [118, 1, 0, 0, 0, 99]);
    assert.equal(x.closed, true);
    const legacy = await rawRequest(daemon.port, [
      encodeAlive2Req({ ...base, name: 'taken', highest: 5, lowest: 5 }),
    ]);
    assert.deepEqual([...legacy.bytes], [121, 1, 0, 99]);
    assert.equal((await lookup('taken', undefined, o))?.port, 4003);
    await a.close();
  });

  it('epmd/daemon: creation starts at the clock in seconds and bumps per name, as epmd', async () => {
    const before = Math.floor(Date.now() / 1000);
    const first = await register({ name: 'cr', port: 4005, ...o });
    const after = Math.floor(Date.now() / 1000);
    assert.ok(first.extended);
    assert.ok(first.creation >= before + 1 && first.creation <= after + 1, String(first.creation));
    await first.close();
    await waitUntil(() => !daemon.nodes().some((n) => n.name === 'cr'));
    const second = await register({ name: 'cr', port: 4005, ...o });
    assert.equal(second.creation, first.creation + 1);
    await second.close();
    await waitUntil(() => !daemon.nodes().some((n) => n.name === 'cr'));
    // legacy (Highest 5) nodes get counter % 3 + 1, continuing the same counter
    const legacy = await register({ name: 'cr', port: 4005, highest: 5, lowest: 5, ...o });
    assert.equal(legacy.extended, false);
    assert.equal(legacy.creation, ((first.creation + 2) % 3) + 1);
    await legacy.close();
  });

  it('epmd/daemon: any byte on a registration connection unregisters it (epmd does so)', async () => {
    const s = await openRaw(daemon.port);
    s.resume();
    s.write(encodeAlive2Req({ ...base, name: 'chatty' }));
    await waitUntil(() => daemon.nodes().some((n) => n.name === 'chatty'));
    const closed = new Promise((r) => s.once('close', r));
    s.on('error', () => {});
    s.write(Buffer.from([0, 1, 110]));
    await closed;
    await waitUntil(() => !daemon.nodes().some((n) => n.name === 'chatty'));
  });

  it('epmd/daemon: closes malformed requests without a reply and keeps serving', async () => {
    const bad = [
      [Buffer.from([0, 0])], // zero length
      [Buffer.from([0xff, 0xff]), Buffer.alloc(65535, 120)], // 65,535-byte request
      [framed([99])], // unknown tag
      [framed([120, 0, 1, 77, 0, 0, 6, 0, 6, 0, 200, 97, 0, 0])], // name length lies
      [Buffer.concat([framed([110]), Buffer.from([1, 2, 3])])], // bytes after the request
      [framed([122])], // no name
    ];
    for (const chunks of bad) {
      const r = await rawRequest(daemon.port, chunks);
      assert.equal(r.closed, true);
      assert.equal(r.bytes.length, 0, `reply to ${chunks[0]!.toString('hex')}`);
    }
    assert.equal((await names(undefined, o)).epmdPort, daemon.port);
    assert.ok(daemon.stats.badRequests >= bad.length);
  });

  it('epmd/daemon: a name epmd refuses (bad UTF-8) gets result 1, not a registration', async () => {
    const req = encodeAlive2Req({ ...base, name: 'ab' });
    req[13] = 0xff;
    const r = await rawRequest(daemon.port, [req]);
    assert.deepEqual([...r.bytes], [118, 1, 0, 0, 0, 99]);
    assert.equal(daemon.nodes().length, 0);
  });

  it('epmd/daemon: DUMP lists active and old names', async () => {
    const a = await register({ name: 'dumped', port: 4010, ...o });
    const r = await rawRequest(daemon.port, [framed([100])]);
    const text = r.bytes.subarray(4).toString();
    assert.match(text, /^active name {5}<dumped> at port 4010, fd = \d+\n\0/);
    assert.match(text, /old\/unused name <cr>, port = 4005, fd = -1 \n\0/);
    await a.close();
  });

  it('epmd/daemon: KILL answers NO while nodes are registered', async () => {
    const a = await register({ name: 'alive_k', port: 4011, ...o });
    assert.equal(await kill(undefined, o), 'NO');
    await a.close();
  });

  it('epmd/daemon: STOP is ignored without relaxedCommandCheck', async () => {
    const a = await register({ name: 'stop_me', port: 4012, ...o });
    const r = await rawRequest(daemon.port, [encodeStopReq('stop_me')]);
    assert.deepEqual(r, { bytes: Buffer.alloc(0), closed: true });
    assert.ok(a.active);
    await a.close();
  });
});

describe('epmd/daemon: policies', () => {
  it('epmd/daemon: isLoopbackAddress accepts 127/8, ::1 and mapped 127/8 only', () => {
    for (const a of ['127.0.0.1', '127.255.0.9', '::1', '::ffff:127.0.0.1', '0:0:0:0:0:0:0:1']) {
      assert.equal(isLoopbackAddress(a), true, a);
    }
    for (const a of ['10.0.0.1', '::ffff:10.0.0.1', '128.0.0.1', 'fe80::1', '', '1.127.0.0.1']) {
      assert.equal(isLoopbackAddress(a), false, a);
    }
  });

  it('epmd/daemon: a remote peer may ask for ports and names, but not register, dump, kill or stop', async () => {
    // Every peer is treated as remote (this machine cannot make a non-loopback connection
    // to itself in every environment), so the refusal path runs on real sockets.
    const d = await EpmdDaemon.start({
      port: 0,
      relaxedCommandCheck: true,
      isLocalPeer: () => false,
    });
    try {
      for (const req of [
        encodeAlive2Req({ ...base, name: 'intruder' }),
        framed([100]),
        encodeKillReq(),
        encodeStopReq('x'),
      ]) {
        const r = await rawRequest(d.port, [req]);
        assert.deepEqual(r, { bytes: Buffer.alloc(0), closed: true }, req.toString('hex'));
      }
      assert.equal(d.nodes().length, 0);
      assert.equal(d.inspect().state, 'running');
      assert.equal(d.stats.refusedRemote, 4);
      const n = await rawRequest(d.port, [encodeNamesReq()]);
      assert.equal(n.bytes.readUInt32BE(0), d.port);
      assert.equal(await lookup('intruder', undefined, { epmdPort: d.port }), null);
    } finally {
      await d.stop();
    }
  });

  it('epmd/daemon: STOP and KILL with relaxedCommandCheck', async () => {
    const d = await EpmdDaemon.start({ port: 0, relaxedCommandCheck: true });
    const o = { epmdPort: d.port };
    const a = await register({ name: 'victim', port: 4030, ...o });
    assert.equal((await rawRequest(d.port, [encodeStopReq('victim')])).bytes.toString(), 'STOPPED');
    await a.closed;
    assert.equal((await rawRequest(d.port, [encodeStopReq('victim')])).bytes.toString(), 'NOEXIST');
    await register({ name: 'still', port: 4031, ...o });
    assert.equal(await kill(undefined, o), 'OK');
    await d.stopped;
    await assert.rejects(names(undefined, o), { code: 'BL_ERR_EPMD_UNREACHABLE' });
  });

  it('epmd/daemon: idle connections time out; the cap evicts idle ones, never registrations', async () => {
    const d = await EpmdDaemon.start({ port: 0, maxConnections: 20, idleTimeoutMs: 60_000 });
    const o = { epmdPort: d.port };
    try {
      const regs = [];
      for (let i = 0; i < 5; i++)
        regs.push(await register({ name: `keep${i}`, port: 4100 + i, ...o }));
      const idle = [];
      for (let i = 0; i < 200; i++) {
        const s = await openRaw(d.port);
        s.resume();
        s.on('error', () => {});
        idle.push(s);
      }
      await waitUntil(() => d.inspect().connections.open <= 20, 10_000, 'cap');
      assert.ok(d.stats.evicted >= 185, String(d.stats.evicted));
      assert.equal(d.nodes().length, 5);
      const fresh = await register({ name: 'late', port: 4200, ...o });
      assert.equal((await lookup('late', undefined, o))?.port, 4200);
      for (const s of idle) s.destroy();
      for (const r of [...regs, fresh]) await r.close();
    } finally {
      await d.stop();
    }
    const t = await EpmdDaemon.start({ port: 0, idleTimeoutMs: 200 });
    try {
      const r = await rawRequest(t.port, [Buffer.from([0, 5, 110])], 10_000);
      assert.equal(r.closed, true);
      assert.equal(t.stats.timedOut, 1);
    } finally {
      await t.stop();
    }
  });

  it('epmd/daemon: a taken port is a typed EpmdListenError', async () => {
    const d = await EpmdDaemon.start({ port: 0 });
    try {
      await assert.rejects(EpmdDaemon.start({ port: d.port }), (e: unknown) => {
        assert.ok(e instanceof EpmdListenError);
        assert.equal(e.syscallCode, 'EADDRINUSE');
        return true;
      });
    } finally {
      await d.stop();
    }
  });

  it('epmd/daemon: inspect() is plain JSON', async () => {
    const d = await EpmdDaemon.start({ port: 0 });
    const reg = await register({
      name: 'json',
      port: 4300,
      extra: Buffer.from([1]),
      epmdPort: d.port,
    });
    const snap = d.inspect();
    assert.deepEqual(JSON.parse(JSON.stringify(snap)), snap);
    assert.equal(snap.nodes[0]!.name, 'json');
    assert.equal(snap.nodes[0]!.extra, '01');
    await reg.close();
    await d.stop();
  });
});

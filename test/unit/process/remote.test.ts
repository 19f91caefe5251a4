// Two runtimes wired through the memory distribution: control messages both ways.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ControlMessage } from '../../../src/dist/control-message.ts';
import { Runtime, memoryLogger, samePid, type Process } from '../../../src/process/index.ts';
import { Atom, atom, Pid, Ref, Tuple, tuple, type Term } from '../../../src/term/types.ts';
import { MemoryNetwork } from '../../support/memory-distribution.ts';

function pair() {
  const net = new MemoryNetwork();
  const a = net.add(new Runtime({ node: 'a@mem', creation: 1, logger: memoryLogger() }));
  const b = net.add(new Runtime({ node: 'b@mem', creation: 1, logger: memoryLogger() }));
  const run = <T>(
    rt: Runtime,
    fn: (self: Process) => Promise<T>,
    opts?: { trapExit?: boolean },
  ): Promise<T> =>
    new Promise<T>((resolve, reject) =>
      rt.spawn(async (self) => fn(self).then(resolve, reject), opts),
    );
  return { net, a, b, run };
}

const isTuple = (tag: string) => (m: Term) => m instanceof Tuple && m.elements[0] === atom(tag);
const ops = (net: MemoryNetwork) => net.trace.map((t) => t.message.op);

function waitUntil(pred: () => boolean, ms = 5000): Promise<void> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (pred()) resolve();
      else if (Date.now() - start > ms) reject(new Error('condition not met'));
      else setImmediate(tick);
    };
    tick();
  });
}

describe('process/remote: messages between two runtimes', () => {
  it('process/remote: send by pid, by [name, node], and to an alias; replies come back', async () => {
    const { a, b, run, net } = pair();
    b.spawn(
      (s) =>
        s.handle((m) => {
          const [from, body] = (m as Tuple).elements;
          s.send(from as Pid, tuple(atom('echo'), body!));
        }),
      { name: 'echo' },
    );
    const got = await run(a, async (self) => {
      self.send(['echo', 'b@mem'], tuple(self.pid, 1));
      const r1 = (await self.receive()) as Tuple;
      const alias = self.alias();
      self.send(['echo', 'b@mem'], tuple(alias as unknown as Pid, 2));
      const r2 = (await self.receive()) as Tuple;
      return [r1.elements[1], r2.elements[1]];
    });
    assert.deepEqual(got, [1, 2]);
    assert.deepEqual(ops(net).slice(0, 4), ['REG_SEND', 'SEND', 'REG_SEND', 'ALIAS_SEND']);
    const regSend = net.trace[0]!.message as ControlMessage & { op: 'REG_SEND' };
    assert.equal(regSend.to, atom('echo'));
    assert.equal(regSend.from.node, atom('a@mem'));
  });

  it('process/remote: sends from outside a process name the system pid; unknown remote names drop', async () => {
    const { a, b, net } = pair();
    const got: Term[] = [];
    b.spawn((s) => s.handle((m) => void got.push(m)), { name: 'sink' });
    a.send(['nobody', 'b@mem'], 'lost');
    a.send(['sink', 'b@mem'], 'hello');
    await waitUntil(() => got.length === 1);
    assert.deepEqual(got, ['hello']);
    const m = net.trace[1]!.message as ControlMessage & { op: 'REG_SEND' };
    assert.ok(samePid(m.from, a.systemPid));
  });

  it('process/remote: a message for a pid of an old creation is dropped', async () => {
    const { a, b } = pair();
    const got: Term[] = [];
    const pid = b.spawn((s) => s.handle((m) => void got.push(m)));
    b.handleControl(atom('a@mem'), {
      op: 'SEND',
      to: new Pid(pid.node, pid.id, pid.serial, 0),
      message: 'old',
    });
    a.send(pid, 'new');
    await waitUntil(() => got.length === 1);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(got, ['new']);
  });
});

describe('process/remote: links across nodes', () => {
  it('process/remote: a remote exit reaches a trapping linked process as EXIT', async () => {
    const { a, b, run, net } = pair();
    const remote = b.spawn(async (s) => {
      await s.receive();
      s.exit(atom('boom'));
    });
    const got = await run(
      a,
      async (self) => {
        self.link(remote);
        await waitUntil(() => b.processInfo(remote)!.links.length === 1);
        self.send(remote, 'go');
        return (await self.receive(isTuple('EXIT'))) as Tuple;
      },
      { trapExit: true },
    );
    assert.ok(samePid(got.elements[1] as Pid, remote));
    assert.equal(got.elements[2], atom('boom'));
    assert.deepEqual(ops(net), ['LINK', 'SEND', 'EXIT']);
  });

  it('process/remote: a non-trapping process dies with the remote reason; its own death reaches the other side', async () => {
    const { a, b, run } = pair();
    const watcherGot = await run(b, async (bself) => {
      const local = a.spawn(async (s) => {
        s.link(bself.pid);
        await s.receive();
      });
      bself.trapExit(true);
      await waitUntil(() => (bself.runtime.processInfo(bself.pid)?.links.length ?? 0) === 1);
      a.exit(local, atom('kill'));
      return (await bself.receive(isTuple('EXIT'))) as Tuple;
    });
    assert.equal(watcherGot.elements[2], atom('killed'));
  });

  it('process/remote: LINK to a dead remote pid answers EXIT noproc', async () => {
    const { a, b, run } = pair();
    const [dead, ref] = await run(b, async (s) => {
      const r = s.spawnMonitor(() => undefined);
      await s.receive();
      return r;
    });
    void ref;
    const got = await run(
      a,
      async (self) => {
        self.link(dead);
        return (await self.receive()) as Tuple;
      },
      { trapExit: true },
    );
    assert.equal(got.elements[0], atom('EXIT'));
    assert.equal(got.elements[2], atom('noproc'));
  });

  it('process/remote: nodeDown fires noconnection on links and monitors, and drops remote watchers', async () => {
    const { a, b, run, net } = pair();
    const remote = b.spawn(async (s) => void (await s.receive((m) => m === 'never')), {
      trapExit: true,
    });
    const got = await run(
      a,
      async (self) => {
        self.link(remote);
        const ref = self.monitor(remote);
        await waitUntil(
          () =>
            b.processInfo(remote)!.monitoredBy.length === 1 &&
            b.processInfo(remote)!.links.length === 1,
        );
        net.disconnect('a@mem', 'b@mem');
        const exit = (await self.receive(isTuple('EXIT'))) as Tuple;
        const down = (await self.receive(isTuple('DOWN'))) as Tuple;
        assert.equal(down.elements[1], ref);
        return [exit.elements[2], down.elements[4]];
      },
      { trapExit: true },
    );
    assert.deepEqual(got, [atom('noconnection'), atom('noconnection')]);
    assert.deepEqual(b.processInfo(remote)!.monitoredBy, []);
    assert.deepEqual(b.processInfo(remote)!.links, []);
  });

  it('process/remote: after a nodeDown and a reconnect, new links and monitors are tracked again', async () => {
    const { a, b, run, net } = pair();
    const remote = b.spawn(async (s) => void (await s.receive((m) => m === 'never')), {
      trapExit: true,
    });
    const watched = () => b.processInfo(remote)!;
    const got = await run(
      a,
      async (self) => {
        const reasons: Term[] = [];
        for (let round = 0; round < 2; round++) {
          self.link(remote);
          self.monitor(remote);
          await waitUntil(() => watched().monitoredBy.length === 1 && watched().links.length === 1);
          net.disconnect('a@mem', 'b@mem');
          reasons.push(((await self.receive(isTuple('DOWN'))) as Tuple).elements[4]!);
          reasons.push(((await self.receive(isTuple('EXIT'))) as Tuple).elements[2]!);
          assert.deepEqual(watched().monitoredBy, [], `round ${round}: watcher dropped`);
          assert.deepEqual(watched().links, [], `round ${round}: link dropped`);
          net.reconnect('a@mem', 'b@mem');
        }
        return reasons;
      },
      { trapExit: true },
    );
    assert.deepEqual(got, Array(4).fill(atom('noconnection')));
  });

  it('process/remote: a non-trapping linked process dies with noconnection', async () => {
    const { a, b, net } = pair();
    const remote = b.spawn(async (s) => void (await s.receive()));
    const local = a.spawn(async (s) => {
      s.link(remote);
      await s.receive();
    });
    await waitUntil(() => b.processInfo(remote)!.links.length === 1);
    const [w, ref] = await new Promise<[Pid, Ref]>((resolve) =>
      a.spawn(async (s) => {
        const r = s.monitor(local);
        resolve([s.pid, r]);
        await s.receive();
      }),
    );
    void w;
    void ref;
    net.disconnect('a@mem', 'b@mem');
    assert.equal(a.isAlive(local), false);
  });

  it('process/remote: unlink runs the UNLINK_ID protocol; the ack removes the state', async () => {
    const { a, b, run, net } = pair();
    const remote = b.spawn(async (s) => void (await s.receive()));
    await run(a, async (self) => {
      self.link(remote);
      await waitUntil(() => b.processInfo(remote)!.links.length === 1);
      self.unlink(remote);
      assert.deepEqual(a.processInfo(self.pid)!.links, [], 'an unlinking link is not shown');
      await waitUntil(() => net.trace.some((t) => t.message.op === 'UNLINK_ID_ACK'));
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(b.processInfo(remote)!.links, []);
    });
    const unl = net.trace.find((t) => t.message.op === 'UNLINK_ID')!.message as ControlMessage & {
      op: 'UNLINK_ID';
    };
    const ack = net.trace.find((t) => t.message.op === 'UNLINK_ID_ACK')!
      .message as ControlMessage & { op: 'UNLINK_ID_ACK' };
    assert.equal(ack.id, unl.id);
    assert.ok(samePid(ack.from, remote));
  });

  it('process/remote: an EXIT that crosses our UNLINK_ID is ignored (the unlinker survives)', async () => {
    const { a, b, net } = pair();
    const remote = b.spawn(async (s) => {
      await s.receive();
      s.exit(atom('boom'));
    });
    const local = a.spawn(async (s) => {
      s.link(remote);
      await s.receive((m) => m === 'unlink');
      s.unlink(remote);
      await s.receive((m) => m === 'finish');
    });
    await waitUntil(() => b.processInfo(remote)?.links.length === 1);
    // hold a → b traffic so that b's EXIT crosses a's UNLINK_ID
    net.hold = (from) => from === atom('a@mem');
    a.send(local, 'unlink');
    await waitUntil(() => a.processInfo(local)!.links.length === 0);
    b.send(remote, 'die');
    await waitUntil(() => net.trace.some((t) => t.message.op === 'EXIT'));
    await new Promise((r) => setImmediate(r));
    assert.equal(a.isAlive(local), true, 'the EXIT met an unlink in flight');
    net.release();
    await waitUntil(
      () => net.trace.some((t) => t.message.op === 'UNLINK_ID_ACK') || !b.isAlive(remote),
    );
    a.send(local, 'finish');
  });

  it('process/remote: a LINK that arrives while our unlink is outstanding is ignored', () => {
    const { a } = pair();
    const local = a.spawn(async (s) => void (await s.receive()));
    const remote = new Pid(atom('b@mem'), 77, 0, 1);
    a.handleControl(atom('b@mem'), { op: 'LINK', from: remote, to: local });
    assert.equal(a.processInfo(local)!.links.length, 1);
    const p = (a as unknown as { local(p: Pid): Process }).local(local);
    p.unlink(remote);
    a.handleControl(atom('b@mem'), { op: 'LINK', from: remote, to: local });
    assert.equal(a.processInfo(local)!.links.length, 0);
    a.handleControl(atom('b@mem'), { op: 'EXIT', from: remote, to: local, reason: atom('boom') });
    assert.equal(a.isAlive(local), true);
  });
});

describe('process/remote: monitors across nodes', () => {
  it('process/remote: monitor by [name, node]: DOWN names {Name, Node}', async () => {
    const { a, b, run, net } = pair();
    const remote = b.spawn(
      async (s) => {
        await s.receive();
        s.exit(atom('bye'));
      },
      { name: 'svc' },
    );
    const down = await run(a, async (self) => {
      const ref = self.monitor(['svc', 'b@mem']);
      await waitUntil(() => b.processInfo(remote)!.monitoredBy.length === 1);
      self.send(remote, 'go');
      const d = (await self.receive()) as Tuple;
      assert.equal(d.elements[1], ref);
      return d;
    });
    assert.deepEqual((down.elements[3] as Tuple).elements, [atom('svc'), atom('b@mem')]);
    assert.equal(down.elements[4], atom('bye'));
    const exit = net.trace.find((t) => t.message.op === 'MONITOR_P_EXIT')!
      .message as ControlMessage & { op: 'MONITOR_P_EXIT' };
    assert.equal(exit.from, atom('svc'), 'a name monitor fires from the name');
  });

  it('process/remote: monitor of an unknown remote name: MONITOR_P_EXIT noproc from the atom', async () => {
    const { a, run, net } = pair();
    const down = await run(a, async (self) => {
      self.monitor(['ghost', 'b@mem']);
      return (await self.receive()) as Tuple;
    });
    assert.equal(down.elements[4], atom('noproc'));
    assert.deepEqual((down.elements[3] as Tuple).elements, [atom('ghost'), atom('b@mem')]);
    const exit = net.trace.find((t) => t.message.op === 'MONITOR_P_EXIT')!
      .message as ControlMessage & { op: 'MONITOR_P_EXIT' };
    assert.equal(exit.from, atom('ghost'));
  });

  it('process/remote: monitor of a dead remote pid gives noproc; demonitor sends DEMONITOR_P', async () => {
    const { a, b, run, net } = pair();
    const live = b.spawn(async (s) => void (await s.receive()));
    const reason = await run(a, async (self) => {
      const dead = new Pid(atom('b@mem'), 9999, 0, 1);
      self.monitor(dead);
      const d = (await self.receive()) as Tuple;
      const ref = self.monitor(live);
      await waitUntil(() => b.processInfo(live)!.monitoredBy.length === 1);
      assert.equal(self.demonitor(ref), true);
      await waitUntil(() => b.processInfo(live)!.monitoredBy.length === 0);
      return d.elements[4];
    });
    assert.equal(reason, atom('noproc'));
    assert.ok(ops(net).includes('DEMONITOR_P'));
  });

  it('process/remote: a watcher that dies sends DEMONITOR_P for its remote monitors', async () => {
    const { a, b, net } = pair();
    const live = b.spawn(async (s) => void (await s.receive()));
    const w = a.spawn(async (s) => {
      s.monitor(live);
      await s.receive();
    });
    await waitUntil(() => b.processInfo(live)?.monitoredBy.length === 1);
    a.exit(w, atom('kill'));
    await waitUntil(() => b.processInfo(live)!.monitoredBy.length === 0);
    assert.ok(ops(net).includes('DEMONITOR_P'));
  });

  it('process/remote: exit/2 to a remote pid travels as EXIT2', async () => {
    const { a, b, net } = pair();
    const remote = b.spawn(async (s) => void (await s.receive()));
    a.exit(remote, atom('shutdown'));
    await waitUntil(() => !b.isAlive(remote));
    assert.deepEqual(ops(net), ['EXIT2']);
  });
});

describe('process/remote: spawn requests', () => {
  it('process/remote: without a handler the process dies with undef, as BEAM does', async () => {
    const { a, run } = pair();
    const [reply, down] = await run(a, async (self) => {
      const req = self.spawnRequest('b@mem', 'no_mod', 'no_fun', [1], { monitor: true });
      const r = (await self.receive(isTuple('spawn_reply'))) as Tuple;
      assert.equal(r.elements[1], req);
      const d = (await self.receive(isTuple('DOWN'))) as Tuple;
      assert.equal(d.elements[1], req);
      return [r, d];
    });
    assert.equal(reply.elements[2], atom('ok'));
    assert.ok(reply.elements[3] instanceof Pid);
    const reason = down.elements[4] as Tuple;
    assert.equal(reason.elements[0], atom('undef'));
    const [mfa] = reason.elements[1] as Tuple[];
    assert.deepEqual(mfa!.elements.slice(0, 3), [atom('no_mod'), atom('no_fun'), [1]]);
  });

  it('process/remote: a spawn handler serves the request; link and monitor flags are honoured', async () => {
    const { a, b, run, net } = pair();
    b.setSpawnHandler((req, fromNode) => {
      assert.equal(fromNode, atom('a@mem'));
      if (req.module !== atom('calc')) return undefined;
      return (self) => self.exit(tuple(atom('result'), (req.args[0] as number) * 2));
    });
    const got = await run(
      a,
      async (self) => {
        self.spawnRequest('b@mem', 'calc', 'double', [21], { monitor: true, link: true });
        const r = (await self.receive(isTuple('spawn_reply'))) as Tuple;
        const d = (await self.receive(isTuple('DOWN'))) as Tuple;
        const e = (await self.receive(isTuple('EXIT'))) as Tuple;
        return [r.elements[2], d.elements[4], e.elements[2]];
      },
      { trapExit: true },
    );
    const result = tuple(atom('result'), 42);
    assert.deepEqual(got, [atom('ok'), result, result]);
    const reply = net.trace.find((t) => t.message.op === 'SPAWN_REPLY')!
      .message as ControlMessage & { op: 'SPAWN_REPLY' };
    assert.equal(reply.flags, 3);
  });

  it('process/remote: an InstantSpawn that needs no process answers SPAWN_REPLY then MONITOR_P_EXIT from the same pid, and leaves no process', async () => {
    const { a, b, run, net } = pair();
    b.setSpawnHandler((req) => ({ run: () => tuple(atom('result'), (req.args[0] as number) * 2) }));
    const before = b.processCount;
    const [r, d] = await run(a, async (self) => {
      self.spawnRequest('b@mem', 'calc', 'double', [21], { monitor: true });
      const r = (await self.receive(isTuple('spawn_reply'))) as Tuple;
      const d = (await self.receive(isTuple('DOWN'))) as Tuple;
      return [r, d];
    });
    assert.equal(r.elements[2], atom('ok'));
    const pid = r.elements[3] as Pid;
    assert.ok(samePid(d.elements[3] as Pid, pid));
    assert.deepEqual(d.elements[4], tuple(atom('result'), 42));
    assert.equal(b.processCount, before);
    assert.equal(b.isAlive(pid), false);
    const sent = net.trace.filter((t) => t.from === 'b@mem').map((t) => t.message);
    assert.deepEqual(
      sent.map((m) => m.op),
      ['SPAWN_REPLY', 'MONITOR_P_EXIT'],
    );
    const reply = sent[0] as ControlMessage & { op: 'SPAWN_REPLY' };
    const exit = sent[1] as ControlMessage & { op: 'MONITOR_P_EXIT' };
    assert.equal(reply.flags, 2);
    assert.ok(samePid(exit.from as Pid, pid));
    assert.equal(exit.ref, reply.reqId);
    // the next process gets a fresh pid
    const next = b.spawn(async () => undefined);
    assert.ok(!samePid(next, pid));
  });

  it('process/remote: an InstantSpawn that asks for self gets a real process with that pid, monitored by the caller', async () => {
    const { a, b, run } = pair();
    let selfPid: Pid | undefined;
    let label: string | undefined;
    let leader: Pid | undefined;
    b.setSpawnHandler(() => ({
      label: 'instant',
      run: (self) => {
        const p = self();
        assert.equal(self(), p);
        selfPid = p.pid;
        label = b.processInfo(p.pid)!.currentFunction;
        leader = b.processInfo(p.pid)!.groupLeader;
        return tuple(atom('me'), p.pid);
      },
    }));
    const [r, d] = await run(a, async (self) => {
      self.spawnRequest('b@mem', 'm', 'f', [], { monitor: true });
      const r = (await self.receive(isTuple('spawn_reply'))) as Tuple;
      const d = (await self.receive(isTuple('DOWN'))) as Tuple;
      return [r, d];
    });
    assert.ok(samePid(r.elements[3] as Pid, selfPid!));
    assert.equal(label, 'instant');
    assert.equal(leader!.node, atom('a@mem'));
    assert.deepEqual((d.elements[4] as Tuple).elements[0], atom('me'));
    assert.ok(samePid((d.elements[4] as Tuple).elements[1] as Pid, selfPid!));
    await waitUntil(() => !b.isAlive(selfPid!));
  });

  it('process/remote: an InstantSpawn that returns a body keeps running as a process', async () => {
    const { a, b, run } = pair();
    b.setSpawnHandler(() => ({
      run: () => async (self: Process) => {
        const m = await self.receive();
        self.exit(tuple(atom('got'), m!));
      },
    }));
    const got = await run(a, async (self) => {
      self.spawnRequest('b@mem', 'm', 'f', [], { monitor: true });
      const r = (await self.receive(isTuple('spawn_reply'))) as Tuple;
      const pid = r.elements[3] as Pid;
      assert.ok(b.isAlive(pid));
      self.send(pid, 7);
      return ((await self.receive(isTuple('DOWN'))) as Tuple).elements[4];
    });
    assert.deepEqual(got, tuple(atom('got'), 7));
  });

  it('process/remote: an InstantSpawn that throws crashes its process; with link it runs as a plain body', async () => {
    const { a, b, run } = pair();
    b.setSpawnHandler((req) =>
      req.function === atom('boom')
        ? {
            run: () => {
              throw new Error('instant failure');
            },
          }
        : { run: (self) => tuple(atom('linked'), self().pid) },
    );
    const got = await run(
      a,
      async (self) => {
        self.spawnRequest('b@mem', 'm', 'boom', [], { monitor: true });
        const d1 = (await self.receive(isTuple('DOWN'))) as Tuple;
        self.spawnRequest('b@mem', 'm', 'ok', [], { monitor: true, link: true });
        const d2 = (await self.receive(isTuple('DOWN'))) as Tuple;
        const e = (await self.receive(isTuple('EXIT'))) as Tuple;
        return [d1.elements[4], d2.elements[4], e.elements[2]];
      },
      { trapExit: true },
    );
    assert.notEqual(got[0], atom('normal'));
    assert.equal((got[1] as Tuple).elements[0], atom('linked'));
    assert.deepEqual(got[2], got[1]);
  });

  it('process/remote: a spawn request to a node that goes down replies error noconnection', async () => {
    const { a, run, net } = pair();
    net.hold = () => true;
    const got = await run(a, async (self) => {
      self.spawnRequest('b@mem', 'm', 'f', []);
      a.nodeDown('b@mem');
      return (await self.receive()) as Tuple;
    });
    assert.deepEqual(got.elements.slice(2), [atom('error'), atom('noconnection')]);
  });

  it('process/remote: GROUP_LEADER sets the group leader', () => {
    const { a } = pair();
    const pid = a.spawn(async (s) => void (await s.receive()));
    const gl = new Pid(Atom.of('b@mem'), 5, 0, 1);
    a.handleControl(atom('b@mem'), { op: 'GROUP_LEADER', from: gl, to: pid });
    assert.equal(a.processInfo(pid)!.groupLeader, gl);
  });
});

describe('process/remote: group leaders', () => {
  it('process/remote: setGroupLeader sets a local leader and sends GROUP_LEADER for a remote pid', async () => {
    const { a, b, net } = pair();
    const leader = a.spawn(async (s) => void (await s.receive()));
    const local = a.spawn(async (s) => void (await s.receive()));
    a.setGroupLeader(leader, local);
    assert.equal(a.processInfo(local)!.groupLeader, leader);
    const remote = b.spawn(async (s) => void (await s.receive()));
    a.setGroupLeader(leader, remote);
    await waitUntil(() => b.processInfo(remote)!.groupLeader !== undefined);
    assert.equal(b.processInfo(remote)!.groupLeader!.key, leader.key);
    assert.deepEqual(ops(net), ['GROUP_LEADER']);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  NameError,
  NoProcError,
  Runtime,
  memoryLogger,
  type Process,
} from '../../../src/process/index.ts';
import { atom, Pid, Ref, Tuple, type Term } from '../../../src/term/types.ts';

function setup() {
  const rt = new Runtime({ node: 'reg@local', creation: 3, logger: memoryLogger() });
  const run = <T>(fn: (self: Process) => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => rt.spawn(async (self) => fn(self).then(resolve, reject)));
  return { rt, run };
}

describe('process/registry: names', () => {
  it('process/registry: register, whereis, registered, unregister', async () => {
    const { rt, run } = setup();
    const pid = rt.spawn(async (s) => {
      await s.receive();
    });
    rt.register('db', pid);
    assert.equal(rt.whereis('db'), pid);
    assert.equal(rt.whereis(atom('db')), pid);
    assert.deepEqual(
      rt.registered().map((a) => a.name),
      ['db'],
    );
    assert.equal(rt.processInfo(pid)!.registeredName, atom('db'));
    assert.throws(() => rt.register('db', pid), NameError);
    const other = rt.spawn(async (s) => {
      await s.receive();
    });
    assert.throws(() => rt.register('db', other), NameError);
    assert.throws(() => rt.register('other', pid), NameError, 'a process has one name');
    assert.throws(() => rt.register('undefined', other), NameError);
    rt.unregister('db');
    assert.equal(rt.whereis('db'), undefined);
    assert.throws(() => rt.unregister('db'), NameError);
    rt.register('db', other);
    assert.equal(rt.whereis('db'), other, 'the name again, for another process');
    rt.unregister('db');
    rt.register('db', pid);
    assert.equal(rt.whereis('db'), pid);
    rt.unregister('db');
    await run(async () => undefined);
  });

  it('process/registry: a name goes away with its process; a dead pid cannot be registered', async () => {
    const { rt, run } = setup();
    await run(async (self) => {
      const [pid, ref] = self.spawnMonitor(async (s) => {
        await s.receive();
      });
      rt.register('temp', pid);
      self.send('temp', 'bye');
      await self.receive((m) => m instanceof Tuple && m.elements[1] === ref);
      assert.equal(rt.whereis('temp'), undefined);
      assert.throws(() => rt.register('temp', pid), NoProcError);
    });
  });

  it('process/registry: sending to an unregistered atom throws; to {name, node()} is dropped', () => {
    const { rt } = setup();
    assert.throws(() => rt.send('nobody', 1), NameError);
    rt.send(['nobody', rt.node], 1);
  });

  it('process/registry: spawn with a taken name fails and leaves no process behind', () => {
    const { rt } = setup();
    rt.spawn(async (s) => void (await s.receive()), { name: 'one' });
    const before = rt.processCount;
    assert.throws(() => rt.spawn(async () => undefined, { name: 'one' }), NameError);
    assert.equal(rt.processCount, before);
  });
});

describe('process/pid: pids and refs', () => {
  it('process/pid: pids carry node and creation, split id/serial as BEAM does', () => {
    const rt = new Runtime({ node: 'p@h', creation: 7, logger: memoryLogger() });
    const pid = rt.spawn(() => undefined);
    assert.equal(pid.node, atom('p@h'));
    assert.equal(pid.creation, 7);
    assert.ok(pid.id < 32768);
    assert.equal(rt.systemPid.id, 0);
  });

  it('process/pid: refs are unique per runtime and carry node and creation', () => {
    const rt = new Runtime({ node: 'p@h', creation: 7, logger: memoryLogger() });
    const keys = new Set<string>();
    for (let i = 0; i < 300_000; i++) keys.add(rt.makeRef().key);
    assert.equal(keys.size, 300_000);
    const r = rt.makeRef();
    assert.equal(r.node, atom('p@h'));
    assert.equal(r.creation, 7);
    assert.equal(r.ids.length, 3);
    assert.ok(r.ids[0]! < 2 ** 18);
    const other = new Runtime({ node: 'p@h', creation: 7, logger: memoryLogger() });
    assert.notEqual(other.makeRef().key, rt.makeRef().key, 'a new incarnation mints other refs');
  });

  it('process/pid: a pid of an old creation reaches nobody', () => {
    const rt = new Runtime({ node: 'p@h', creation: 2, logger: memoryLogger() });
    const got: Term[] = [];
    const pid = rt.spawn((s) => s.handle((m) => void got.push(m)));
    const stale = new Pid(pid.node, pid.id, pid.serial, 1);
    rt.send(stale, 'old');
    assert.equal(rt.isAlive(stale), false);
    assert.equal(rt.processInfo(stale), undefined);
    rt.send(pid, 'new');
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        assert.deepEqual(got, ['new']);
        resolve();
      }),
    );
  });
});

describe('process/alias: aliases (OTP 24)', () => {
  it('process/alias: messages reach the process while the alias is active', async () => {
    const { run } = setup();
    const got = await run(async (self) => {
      const a = self.alias();
      self.send(a, 1);
      const first = await self.receive(undefined, { timeout: 0 });
      self.unalias(a);
      self.send(a, 2);
      const second = await self.receive(undefined, { timeout: 10 });
      return [first, second, self.unalias(a)];
    });
    assert.deepEqual(got, [1, undefined, false]);
  });

  it('process/alias: a reply alias takes one message only', async () => {
    const { run } = setup();
    const got = await run(async (self) => {
      const a = self.alias({ reply: true });
      self.send(a, 1);
      self.send(a, 2);
      return [self.poll(), self.poll()];
    });
    assert.deepEqual(got, [1, undefined]);
  });

  it('process/alias: a monitor alias (demonitor) dies with the monitor', async () => {
    const { run } = setup();
    const got = await run(async (self) => {
      const target = self.spawn(async (s) => void (await s.receive()));
      const ref = self.monitor(target, { alias: 'demonitor' });
      self.send(ref, 'via alias');
      const first = self.poll();
      self.demonitor(ref, { flush: true });
      self.send(ref, 'after');
      return [first, self.poll()];
    });
    assert.deepEqual(got, ['via alias', undefined]);
  });

  it('process/alias: another process cannot unalias it; it goes with the process', async () => {
    const { rt, run } = setup();
    let alias: Ref | undefined;
    const [owner] = await run(async (self) => {
      const pid = self.spawn(async (s) => {
        alias = s.alias();
        await s.receive();
      });
      await new Promise((r) => setImmediate(r));
      return [pid];
    });
    await run(async (self) => {
      assert.equal(self.unalias(alias!), false);
    });
    rt.exit(owner, atom('kill'));
    assert.equal(rt.inspect().aliases, 0);
  });
});

describe('process/monitor: local monitors', () => {
  it('process/monitor: demonitor with flush removes a DOWN already delivered', async () => {
    const { run } = setup();
    const got = await run(async (self) => {
      const [pid, ref] = self.spawnMonitor(() => undefined);
      await new Promise((r) => setImmediate(r));
      const wasActive = self.demonitor(ref, { flush: true });
      return [wasActive, self.mailboxLength, pid instanceof Pid];
    });
    assert.deepEqual(got, [false, 0, true]);
  });

  it('process/monitor: processInfo shows links, monitors and monitoredBy', async () => {
    const { rt, run } = setup();
    await run(async (self) => {
      const child = self.spawnLink(async (s) => void (await s.receive()), { label: 'worker' });
      const ref = self.monitor(child);
      const info = rt.processInfo(child)!;
      assert.deepEqual(info.links, [self.pid]);
      assert.deepEqual(info.monitoredBy, [self.pid]);
      assert.equal(info.currentFunction, 'worker');
      assert.deepEqual(rt.processInfo(self.pid)!.monitors, [{ ref, object: child }]);
      self.unlink(child);
      rt.exit(child, atom('kill'));
    });
  });
});

describe('process/alias: monitor aliases go with their process', () => {
  it('process/alias: a process killed while holding monitor aliases leaves no alias behind', async () => {
    const { rt } = setup();
    const target = rt.spawn(async (s) => void (await s.receive()));
    const holder = rt.spawn(async (s) => {
      s.monitor(target, { alias: 'demonitor' });
      s.monitor(target, { alias: 'reply_demonitor' });
      s.monitor(target, { alias: 'explicit_unalias' });
      await s.receive();
    });
    await new Promise((r) => setImmediate(r));
    assert.equal(rt.inspect().aliases, 3);
    rt.exit(holder, atom('kill'));
    assert.equal(rt.inspect().aliases, 0);
    assert.deepEqual(rt.processInfo(target)!.monitoredBy, []);
  });
});

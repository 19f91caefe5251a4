import assert from 'node:assert/strict';
import { Supervisor } from '../../../src/otp/supervisor.ts';
import { childSpec } from '../../../src/otp/child-spec.ts';
import { ImproperList, Pid, Tuple, tuple, type Term } from '../../../src/term/types.ts';
import { A, waitUntil, worker } from './supervisor-support.ts';
import { supervisorTest } from '../../support/supervisor-test.ts';

supervisorTest(
  'otp/supervisor: terminate_child, restart_child and delete_child follow supervisor.erl',
  async ({ self, rt, j }) => {
    const sup = await Supervisor.startLink(self, [{ id: 'w', start: worker(j, 'w') }]);
    await waitUntil(() => j.starts() === 1);
    assert.deepEqual(await Supervisor.restartChild(self, sup, 'w'), {
      ok: false,
      reason: A('running'),
    });
    assert.deepEqual(await Supervisor.deleteChild(self, sup, 'w'), {
      ok: false,
      reason: A('running'),
    });
    assert.deepEqual(await Supervisor.terminateChild(self, sup, 'w'), { ok: true });
    assert.equal(rt.isAlive(j.pids.get('w')!), false);
    assert.deepEqual(
      (await Supervisor.whichChildren(self, sup)).map((c) => c.child),
      ['undefined'],
    );
    assert.deepEqual(await Supervisor.countChildren(self, sup), {
      specs: 1,
      active: 0,
      supervisors: 0,
      workers: 1,
    });
    const r = await Supervisor.restartChild(self, sup, 'w');
    assert.equal(r.ok, true);
    await waitUntil(() => j.starts() === 2);
    assert.equal(r.ok && r.pid?.key, j.pids.get('w')!.key);
    await Supervisor.terminateChild(self, sup, 'w');
    assert.deepEqual(await Supervisor.deleteChild(self, sup, 'w'), { ok: true });
    assert.deepEqual(await Supervisor.whichChildren(self, sup), []);
    assert.deepEqual(await Supervisor.terminateChild(self, sup, 'w'), {
      ok: false,
      reason: A('not_found'),
    });
    assert.deepEqual(await Supervisor.restartChild(self, sup, 'w'), {
      ok: false,
      reason: A('not_found'),
    });
    assert.deepEqual(await Supervisor.deleteChild(self, sup, 'w'), {
      ok: false,
      reason: A('not_found'),
    });
    await Supervisor.stop(self, sup);
  },
);

supervisorTest(
  'otp/supervisor: start_child adds a child last; duplicates give already_started / already_present',
  async ({ self, j }) => {
    const sup = await Supervisor.startLink(self, [
      { id: 'a', start: worker(j, 'a', { trapExit: true }) },
    ]);
    const r = await Supervisor.startChild(self, sup, {
      id: 'b',
      start: worker(j, 'b', { trapExit: true }),
    });
    assert.equal(r.ok, true);
    await waitUntil(() => j.starts() === 2);
    const again = await Supervisor.startChild(self, sup, { id: 'b', start: worker(j, 'b') });
    assert.equal(again.ok, false);
    assert.deepEqual(!again.ok && again.reason, tuple(A('already_started'), j.pids.get('b')!));
    await Supervisor.terminateChild(self, sup, 'b');
    const present = await Supervisor.startChild(self, sup, { id: 'b', start: worker(j, 'b') });
    assert.deepEqual(present, { ok: false, reason: A('already_present') });
    await Supervisor.restartChild(self, sup, 'b');
    j.clear();
    await Supervisor.stop(self, sup);
    assert.deepEqual(j.events, ['stop:b:shutdown', 'stop:a:shutdown']);
  },
);

supervisorTest(
  'otp/supervisor: start_child errors: bad spec, failed start, ignore',
  async ({ self, j }) => {
    const sup = await Supervisor.startLink(self, []);
    const bad = await Supervisor.startChild(self, sup, {
      id: 'x',
      start: worker(j, 'x'),
      shutdown: -1,
    });
    assert.deepEqual(bad, { ok: false, reason: tuple(A('invalid_shutdown'), -1) });
    const failed = await Supervisor.startChild(self, sup, {
      id: 'f',
      start: worker(j, 'f', { failWith: () => A('nope') }),
    });
    assert.equal(failed.ok, false);
    const reason = !failed.ok ? (failed.reason as Tuple) : undefined;
    assert.equal(reason?.elements[0], A('nope'));
    assert.equal((reason?.elements[1] as Tuple).elements[0], A('child'));
    // ignore: a temporary child is not kept, a permanent one is kept as not running.
    const tmp = await Supervisor.startChild(self, sup, {
      id: 't',
      restart: 'temporary',
      start: worker(j, 't', { ignore: true }),
    });
    assert.deepEqual(tmp, { ok: true, pid: undefined });
    const perm = await Supervisor.startChild(self, sup, {
      id: 'p',
      start: worker(j, 'p', { ignore: true }),
    });
    assert.deepEqual(perm, { ok: true, pid: undefined });
    assert.deepEqual(
      (await Supervisor.whichChildren(self, sup)).map((c) => [c.id, c.child]),
      [['p', 'undefined']],
    );
    await Supervisor.stop(self, sup);
  },
);

supervisorTest(
  'otp/supervisor: answers a raw gen_server call with an alias tag, as OTP 24+ callers send it',
  async ({ self, rt }) => {
    const sup = await Supervisor.startLink(self, [], { name: 'raw_sup' });
    const mref = self.monitor(sup, { alias: 'demonitor' });
    const tag = new ImproperList([A('alias')], mref);
    self.send('raw_sup', tuple(A('$gen_call'), tuple(self.pid, tag), A('count_children')));
    const reply = (await self.receive(
      (m) => m instanceof Tuple && m.elements[0] instanceof ImproperList,
    )) as Tuple;
    assert.deepEqual(reply.elements[1], [
      tuple(A('specs'), 0),
      tuple(A('active'), 0),
      tuple(A('supervisors'), 0),
      tuple(A('workers'), 0),
    ]);
    // An unknown call is answered, not crashed on; an unexpected message is logged.
    self.send('raw_sup', tuple(A('$gen_call'), tuple(self.pid, mref), A('bogus')));
    const r2 = (await self.receive((m) => m instanceof Tuple && m.elements[0] === mref)) as Tuple;
    assert.equal((r2.elements[1] as Tuple).elements[0], A('error'));
    self.send('raw_sup', A('hello'));
    assert.equal(rt.isAlive(sup), true);
    await Supervisor.stop(self, 'raw_sup', tuple(A('shutdown'), A('done')));
    assert.equal(rt.isAlive(sup), false);
    assert.ok(sup instanceof Pid);
  },
);

supervisorTest(
  'otp/supervisor: childSpec overrides fields of a spec or of anything with childSpec()',
  async ({ self, j }) => {
    const Cache = { childSpec: () => ({ id: 'cache', start: worker(j, 'cache') }) };
    const sup = await Supervisor.startLink(self, [
      childSpec(Cache, { id: 'cache1' }),
      childSpec(Cache, { id: 'cache2', restart: 'temporary' }),
      Cache,
    ]);
    assert.deepEqual(
      (await Supervisor.whichChildren(self, sup)).map((c) => c.id),
      ['cache', 'cache2', 'cache1'],
    );
    assert.equal(j.starts('cache'), 3);
    await Supervisor.stop(self, sup);
  },
);

supervisorTest(
  'otp/supervisor: a child id nested deeper than the call stack gets {error, not_found}, not a crash',
  async ({ self, rt, j }) => {
    const sup = await Supervisor.startLink(self, [{ id: 'w', start: worker(j, 'w') }]);
    await waitUntil(() => j.starts() === 1);
    let deep: Term = [];
    for (let i = 0; i < 200_000; i++) deep = [deep]; // as a remote terminate_child may send
    assert.deepEqual(await Supervisor.terminateChild(self, sup, deep), {
      ok: false,
      reason: A('not_found'),
    });
    assert.equal(rt.isAlive(sup), true);
    assert.equal(rt.isAlive(j.pids.get('w')!), true);
    await Supervisor.stop(self, sup);
  },
);

import assert from 'node:assert/strict';
import { DynamicSupervisor } from '../../../src/otp/dynamic-supervisor.ts';
import { Pid, tuple } from '../../../src/term/types.ts';
import { A, crash, waitUntil, worker } from './supervisor-support.ts';
import { receiveExit, supervisorTest } from '../../support/supervisor-test.ts';

supervisorTest(
  'otp/dynamic-supervisor: starts children on demand and lists them with id undefined',
  async ({ self, rt, j }) => {
    const sup = await DynamicSupervisor.startLink(self, { name: 'dyn' });
    assert.deepEqual(await DynamicSupervisor.whichChildren(self, sup), []);
    const r1 = await DynamicSupervisor.startChild(self, 'dyn', { id: 'x', start: worker(j, 'a') });
    const r2 = await DynamicSupervisor.startChild(self, 'dyn', {
      id: 'x', // ids do not matter here
      start: worker(j, 'b'),
      type: 'supervisor',
    });
    assert.ok(r1.ok && r1.pid instanceof Pid);
    assert.ok(r2.ok && r2.pid instanceof Pid);
    const children = await DynamicSupervisor.whichChildren(self, sup);
    assert.equal(children.length, 2);
    assert.ok(children.every((c) => c.id === A('undefined')));
    assert.deepEqual(await DynamicSupervisor.countChildren(self, sup), {
      specs: 2,
      active: 2,
      supervisors: 1,
      workers: 1,
    });
    assert.deepEqual(await DynamicSupervisor.terminateChild(self, sup, r1.pid!), { ok: true });
    assert.equal(rt.isAlive(r1.pid!), false);
    assert.deepEqual(await DynamicSupervisor.terminateChild(self, sup, r1.pid!), {
      ok: false,
      reason: A('not_found'),
    });
    await DynamicSupervisor.stop(self, sup);
    assert.equal(rt.isAlive(r2.pid!), false);
  },
);

supervisorTest(
  'otp/dynamic-supervisor: max_children refuses starts beyond the limit',
  async ({ self, j }) => {
    const sup = await DynamicSupervisor.startLink(self, { maxChildren: 2 });
    const start = (id: string) =>
      DynamicSupervisor.startChild(self, sup, { id, start: worker(j, id) });
    const a = await start('a');
    assert.equal((await start('b')).ok, true);
    assert.deepEqual(await start('c'), { ok: false, reason: A('max_children') });
    await DynamicSupervisor.terminateChild(self, sup, (a as { pid: Pid }).pid);
    assert.equal((await start('d')).ok, true);
    assert.equal(j.starts('c'), 0);
    await DynamicSupervisor.stop(self, sup);
  },
);

supervisorTest(
  'otp/dynamic-supervisor: start results pass through: error, ignore, {ok, Pid, Info}, already_started',
  async ({ self, j }) => {
    const sup = await DynamicSupervisor.startLink(self);
    const existing = self.spawn(() => new Promise(() => {}));
    const already = await DynamicSupervisor.startChild(self, sup, {
      id: 'x',
      start: () => tuple(A('error'), tuple(A('already_started'), existing)),
    });
    assert.deepEqual(already, { ok: false, reason: tuple(A('already_started'), existing) });
    const ignored = await DynamicSupervisor.startChild(self, sup, {
      id: 'x',
      start: worker(j, 'i', { ignore: true }),
    });
    assert.deepEqual(ignored, { ok: true, pid: undefined });
    const withInfo = await DynamicSupervisor.startChild(self, sup, {
      id: 'x',
      start: (s) =>
        tuple(
          A('ok'),
          s.spawnLink(() => new Promise(() => {})),
          'extra',
        ),
    });
    assert.ok(withInfo.ok && withInfo.info === 'extra');
    const bad = await DynamicSupervisor.startChild(self, sup, {
      id: 'x',
      start: worker(j, 'b'),
      restart: 'often' as never,
    });
    assert.deepEqual(bad, { ok: false, reason: tuple(A('invalid_restart_type'), A('often')) });
    assert.deepEqual((await DynamicSupervisor.countChildren(self, sup)).specs, 1);
    await DynamicSupervisor.stop(self, sup);
  },
);

supervisorTest(
  'otp/dynamic-supervisor: restart per child: permanent/transient restart on crash, temporary does not',
  async ({ self, rt, j }) => {
    const sup = await DynamicSupervisor.startLink(self, { intensity: 10 });
    for (const restart of ['permanent', 'transient', 'temporary'] as const) {
      await DynamicSupervisor.startChild(self, sup, {
        id: restart,
        start: worker(j, restart),
        restart,
      });
    }
    for (const id of ['permanent', 'transient', 'temporary']) crash(rt, j.pids.get(id)!, A('boom'));
    await waitUntil(() => j.starts('permanent') === 2 && j.starts('transient') === 2);
    const counts = await DynamicSupervisor.countChildren(self, sup);
    assert.equal(counts.specs, 2);
    assert.equal(j.starts('temporary'), 1);
    // A normal exit: transient is not restarted, permanent is.
    crash(rt, j.pids.get('transient')!, A('normal'));
    crash(rt, j.pids.get('permanent')!, A('normal'));
    await waitUntil(() => j.starts('permanent') === 3);
    assert.equal((await DynamicSupervisor.countChildren(self, sup)).specs, 1);
    assert.equal(j.starts('transient'), 2);
    await DynamicSupervisor.stop(self, sup);
  },
);

supervisorTest(
  'otp/dynamic-supervisor: exceeding the intensity stops all children and exits shutdown',
  async ({ self, rt, j, logger }) => {
    const sup = await DynamicSupervisor.startLink(self, { intensity: 1, period: 5, now: () => 0 });
    await DynamicSupervisor.startChild(self, sup, { id: 'a', start: worker(j, 'a') });
    await DynamicSupervisor.startChild(self, sup, {
      id: 'b',
      start: worker(j, 'b', { trapExit: true }),
    });
    crash(rt, j.pids.get('a')!, A('boom'));
    await waitUntil(() => j.starts('a') === 2);
    crash(rt, j.pids.get('a')!, A('boom'));
    const exit = await receiveExit(self);
    assert.equal((exit.elements[1] as Pid).key, sup.key);
    assert.equal(exit.elements[2], A('shutdown'));
    assert.ok(j.events.includes('stop:b:shutdown'));
    assert.ok(logger.entries.some((e) => e.meta?.reason === A('reached_max_restart_intensity')));
  },
);

supervisorTest(
  'otp/dynamic-supervisor: stops all children concurrently, each within its own shutdown time',
  async ({ self, rt, j, logger }) => {
    const sup = await DynamicSupervisor.startLink(self);
    for (let i = 0; i < 5; i++) {
      await DynamicSupervisor.startChild(self, sup, {
        id: i,
        start: worker(j, `slow${i}`, { trapExit: true, holdUntilReleased: true }),
        shutdown: 60_000,
      });
    }
    await DynamicSupervisor.startChild(self, sup, {
      id: 'stuck',
      start: worker(j, 'stuck', { trapExit: true, stopDelay: Infinity }),
      shutdown: 100,
    });
    const stopping = DynamicSupervisor.stop(self, sup);
    // Every child has its shutdown signal while none of them has exited yet: one by one,
    // the second would only get its signal after the first exited (or a minute later).
    await waitUntil(() => j.events.filter((e) => e.startsWith('stop:')).length === 6);
    assert.ok(j.events.includes('stop:stuck:shutdown'));
    for (let i = 0; i < 5; i++) rt.send(j.pids.get(`slow${i}`)!, A('release'));
    await stopping;
    for (const pid of j.pids.values()) assert.equal(rt.isAlive(pid), false);
    // The stuck one was killed after its own 100 ms: the only shutdown_error.
    const errors = logger.entries.filter((e) => e.meta?.errorContext === 'shutdown_error');
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.meta!.reason, A('killed'));
  },
);

supervisorTest(
  'otp/dynamic-supervisor: a failed restart is retried and shows as restarting meanwhile',
  async ({ self, rt, j, logger }) => {
    let failures = 0;
    const sup = await DynamicSupervisor.startLink(self, { intensity: 5, now: () => 0 });
    await DynamicSupervisor.startChild(self, sup, {
      id: 'a',
      start: worker(j, 'a', {
        failWith: () =>
          j.starts('a') === 1 && failures < 2 ? (failures++, A('not_yet')) : undefined,
      }),
    });
    crash(rt, j.pids.get('a')!, A('boom'));
    await waitUntil(() => j.starts('a') === 2);
    assert.equal(failures, 2);
    assert.equal(logger.entries.filter((e) => e.meta?.errorContext === 'start_error').length, 2);
    const [child] = await DynamicSupervisor.whichChildren(self, sup);
    assert.equal((child!.child as Pid).key, j.pids.get('a')!.key);
    await DynamicSupervisor.stop(self, sup);
  },
);

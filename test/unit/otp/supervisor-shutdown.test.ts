import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Supervisor } from '../../../src/otp/supervisor.ts';
import { callServer } from '../../../src/otp/supervisor-host.ts';
import { Pid, Tuple, tuple, type Term } from '../../../src/term/types.ts';
import { A, crash, Journal, newRuntime, waitUntil, worker } from './supervisor-support.ts';
import { receiveExit, supervisorTest } from '../../support/supervisor-test.ts';

supervisorTest(
  'otp/supervisor: brutal_kill kills a child even if it traps exits',
  async ({ self, j, logger }) => {
    const sup = await Supervisor.startLink(self, [
      { id: 'w', start: worker(j, 'w', { trapExit: true }), shutdown: 'brutal_kill' },
    ]);
    await waitUntil(() => j.starts() === 1);
    const w = j.pids.get('w')!;
    const mon = self.monitor(w);
    assert.deepEqual(await Supervisor.terminateChild(self, sup, 'w'), { ok: true });
    const down = (await self.receive((m) => m instanceof Tuple && m.elements[1] === mon)) as Tuple;
    assert.equal(down.elements[4], A('killed'));
    assert.deepEqual(j.events, ['start:w']); // it never saw a shutdown signal
    assert.equal(logger.entries.filter((e) => e.meta?.label === 'supervisor_report').length, 0);
    await Supervisor.stop(self, sup);
  },
);

supervisorTest(
  'otp/supervisor: a timeout shutdown sends shutdown, then kill when the time is up',
  async ({ self, j, logger }) => {
    const sup = await Supervisor.startLink(self, [
      {
        id: 'slow',
        start: worker(j, 'slow', { trapExit: true, stopDelay: Infinity }),
        shutdown: 50,
      },
      { id: 'quick', start: worker(j, 'quick', { trapExit: true, stopDelay: 5 }), shutdown: 5000 },
    ]);
    await waitUntil(() => j.starts() === 2);
    const slow = j.pids.get('slow')!;
    const mon = self.monitor(slow);
    const t0 = performance.now();
    assert.deepEqual(await Supervisor.terminateChild(self, sup, 'slow'), { ok: true });
    const waited = performance.now() - t0;
    const down = (await self.receive((m) => m instanceof Tuple && m.elements[1] === mon)) as Tuple;
    assert.equal(down.elements[4], A('killed'));
    assert.ok(waited >= 45, `waited ${waited} ms before killing`);
    assert.deepEqual(j.events.slice(2), ['stop:slow:shutdown']);
    // Killed instead of stopping: OTP reports a shutdown_error with reason killed.
    const report = logger.entries.find((e) => e.meta?.errorContext === 'shutdown_error');
    assert.ok(report);
    assert.equal(report.meta!.reason, A('killed'));
    // The quick one stops by itself within its time: no report.
    assert.deepEqual(await Supervisor.terminateChild(self, sup, 'quick'), { ok: true });
    assert.equal(logger.entries.filter((e) => e.meta?.errorContext === 'shutdown_error').length, 1);
    await Supervisor.stop(self, sup);
  },
);

supervisorTest(
  'otp/supervisor: shutdown infinity waits for the child however long it takes',
  async ({ self, j }) => {
    const sup = await Supervisor.startLink(self, [
      { id: 'w', start: worker(j, 'w', { trapExit: true, stopDelay: 120 }), shutdown: 'infinity' },
    ]);
    await waitUntil(() => j.starts() === 1);
    const mon = self.monitor(j.pids.get('w')!);
    await Supervisor.terminateChild(self, sup, 'w');
    const down = (await self.receive((m) => m instanceof Tuple && m.elements[1] === mon)) as Tuple;
    assert.equal(down.elements[4], A('shutdown'));
    await Supervisor.stop(self, sup);
  },
);

supervisorTest(
  'otp/supervisor: shutdown defaults: 5000 for workers, infinity for supervisors',
  async ({ self }) => {
    const sup = await Supervisor.startLink(self, [
      { id: 'sub', type: 'supervisor', start: (s) => Supervisor.startLink(s, []) },
      { id: 'w', start: (s) => s.spawnLink(() => new Promise(() => {})) },
    ]);
    const spec = async (id: string) =>
      ((await callServer(self, sup, tuple(A('get_childspec'), id))) as Tuple).elements[1] as {
        shutdown: Term;
        type: Term;
      };
    assert.equal((await spec('sub')).shutdown, A('infinity'));
    assert.equal((await spec('sub')).type, A('supervisor'));
    assert.equal((await spec('w')).shutdown, 5000);
    assert.equal((await spec('w')).type, A('worker'));
    await Supervisor.stop(self, sup);
  },
);

supervisorTest(
  'otp/supervisor: exceeding the intensity escalates: children stop, the supervisor exits shutdown',
  async ({ self, rt, j, logger }) => {
    let now = 0;
    const sup = await Supervisor.startLink(
      self,
      ['a', 'b'].map((id) => ({ id, start: worker(j, id, { trapExit: id === 'b' }) })),
      { intensity: 2, period: 5, now: () => now },
    );
    await waitUntil(() => j.starts() === 2);
    for (let i = 1; i <= 2; i++) {
      crash(rt, j.pids.get('a')!, A('boom'));
      await waitUntil(() => j.starts('a') === i + 1, 10_000, `restart ${i}`);
      now += 1000; // 1 s later, still inside the 5 s window
    }
    crash(rt, j.pids.get('a')!, A('boom'));
    const exit = await receiveExit(self);
    assert.equal((exit.elements[1] as Pid).key, sup.key);
    assert.equal(exit.elements[2], A('shutdown'));
    assert.equal(j.starts('a'), 3);
    assert.ok(j.events.includes('stop:b:shutdown'), 'the other child was stopped');
    const last = logger.entries.filter((e) => e.meta?.label === 'supervisor_report').at(-1)!;
    assert.equal(last.meta!.errorContext, 'shutdown');
    assert.equal(last.meta!.reason, A('reached_max_restart_intensity'));
  },
);

supervisorTest(
  'otp/supervisor: restarts spread beyond the period do not escalate',
  async ({ self, rt, j }) => {
    let now = 0;
    const sup = await Supervisor.startLink(self, [{ id: 'a', start: worker(j, 'a') }], {
      intensity: 1,
      period: 2,
      now: () => now,
    });
    for (let i = 1; i <= 10; i++) {
      crash(rt, j.pids.get('a')!, A('boom'));
      await waitUntil(() => j.starts('a') === i + 1);
      now += 3000;
    }
    assert.equal(rt.isAlive(sup), true);
    await Supervisor.stop(self, sup);
  },
);

supervisorTest(
  'otp/supervisor: a child that cannot restart is retried until the intensity gives up',
  async ({ self, rt, j, logger }) => {
    let broken = false;
    const sup = await Supervisor.startLink(
      self,
      [{ id: 'a', start: worker(j, 'a', { failWith: () => (broken ? A('broken') : undefined) }) }],
      { intensity: 3, period: 5, now: () => 0 },
    );
    broken = true;
    crash(rt, j.pids.get('a')!, A('boom'));
    const exit = await receiveExit(self);
    assert.equal((exit.elements[1] as Pid).key, sup.key);
    assert.equal(exit.elements[2], A('shutdown'));
    const startErrors = logger.entries.filter((e) => e.meta?.errorContext === 'start_error');
    assert.equal(startErrors.length, 3, 'three restart attempts, the fourth exceeds intensity 3');
  },
);

supervisorTest(
  'otp/supervisor: a nested supervisor that gives up is restarted by its parent',
  async ({ self, rt, j }) => {
    const top = await Supervisor.startLink(
      self,
      [
        {
          id: 'sub',
          type: 'supervisor',
          start: (s) =>
            Supervisor.startLink(s, [{ id: 'w', start: worker(j, 'w') }], { intensity: 0 }),
        },
      ],
      { intensity: 5 },
    );
    await waitUntil(() => j.starts('w') === 1);
    const [sub1] = await Supervisor.whichChildren(self, top);
    crash(rt, j.pids.get('w')!, A('boom')); // intensity 0: the sub-supervisor gives up at once
    await waitUntil(() => j.starts('w') === 2);
    const [sub2] = await Supervisor.whichChildren(self, top);
    assert.notEqual((sub2!.child as Pid).key, (sub1!.child as Pid).key);
    assert.equal(rt.isAlive(sub1!.child as Pid), false);
    await Supervisor.stop(self, top);
  },
);

test('otp/supervisor: the parent exiting stops the supervisor and its children', async () => {
  const { rt } = newRuntime();
  const j = new Journal();
  let sup: Pid | undefined;
  const parent = rt.spawn(async (self) => {
    sup = await Supervisor.startLink(self, [
      { id: 'w', start: worker(j, 'w', { trapExit: true }) },
    ]);
    await self.receive();
  });
  await waitUntil(() => sup !== undefined && j.starts() === 1);
  rt.exit(parent, A('kill'));
  await waitUntil(() => !rt.isAlive(sup!));
  assert.deepEqual(j.events, ['start:w', 'stop:w:shutdown']);
});

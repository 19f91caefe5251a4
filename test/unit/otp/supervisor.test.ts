import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Supervisor, type StrategyName } from '../../../src/otp/supervisor.ts';
import { SupervisorStartError } from '../../../src/otp/errors.ts';
import { ExitError, type Process } from '../../../src/process/index.ts';
import { Pid, Tuple, tuple } from '../../../src/term/types.ts';
import {
  A,
  crash,
  inProcess,
  Journal,
  newRuntime,
  waitUntil,
  worker,
} from './supervisor-support.ts';
import { supervisorTest } from '../../support/supervisor-test.ts';

/** A supervisor of four exit-trapping workers a, b, c, d, once all four have started. */
async function startFourWorkers(self: Process, j: Journal, strategy: StrategyName): Promise<Pid> {
  const sup = await Supervisor.startLink(
    self,
    ['a', 'b', 'c', 'd'].map((id) => ({ id, start: worker(j, id, { trapExit: true }) })),
    { strategy },
  );
  await waitUntil(() => j.starts() === 4);
  return sup;
}

supervisorTest(
  'otp/supervisor: starts children in order and lists them newest first',
  async ({ self, rt, j }) => {
    const sup = await Supervisor.startLink(self, [
      { id: 'a', start: worker(j, 'a') },
      { id: 'b', start: worker(j, 'b') },
      { id: 'c', start: worker(j, 'c'), type: 'supervisor', shutdown: 'infinity' },
    ]);
    await waitUntil(() => j.starts() === 3);
    assert.deepEqual(j.events, ['start:a', 'start:b', 'start:c']);
    const children = await Supervisor.whichChildren(self, sup);
    assert.deepEqual(
      children.map((c) => [c.id, c.child instanceof Pid, c.type]),
      [
        ['c', true, 'supervisor'],
        ['b', true, 'worker'],
        ['a', true, 'worker'],
      ],
    );
    assert.deepEqual(children[2]!.modules, [A('a')]);
    assert.deepEqual(await Supervisor.countChildren(self, sup), {
      specs: 3,
      active: 3,
      supervisors: 1,
      workers: 2,
    });
    assert.equal(rt.processInfo(sup)?.trapExit, true);
    await Supervisor.stop(self, sup);
    assert.equal(rt.isAlive(sup), false);
    for (const id of ['a', 'b', 'c']) assert.equal(rt.isAlive(j.pids.get(id)!), false);
  },
);

supervisorTest(
  'otp/supervisor: one_for_one restarts only the child that died',
  async ({ self, rt, j, logger }) => {
    const sup = await Supervisor.startLink(self, [
      { id: 'a', start: worker(j, 'a') },
      { id: 'b', start: worker(j, 'b') },
      { id: 'c', start: worker(j, 'c') },
    ]);
    await waitUntil(() => j.starts() === 3);
    const [a, b, c] = ['a', 'b', 'c'].map((id) => j.pids.get(id)!);
    crash(rt, b!, A('boom'));
    await waitUntil(() => j.starts('b') === 2);
    assert.equal(rt.isAlive(a!), true);
    assert.equal(rt.isAlive(c!), true);
    assert.notEqual(j.pids.get('b')!.key, b!.key);
    const children = await Supervisor.whichChildren(self, sup);
    assert.equal((children.find((x) => x.id === 'b')!.child as Pid).key, j.pids.get('b')!.key);
    const report = logger.entries.find((e) => e.meta?.label === 'supervisor_report');
    assert.ok(report, 'a child_terminated report was logged');
    assert.equal(report.meta!.errorContext, 'child_terminated');
    assert.equal(report.meta!.reason, A('boom'));
    assert.match(report.message, /=SUPERVISOR REPORT====/);
    assert.match(report.message, /errorContext: child_terminated/);
    assert.match(report.message, /reason: boom/);
    await Supervisor.stop(self, sup);
  },
);

supervisorTest(
  'otp/supervisor: one_for_all stops the others in reverse order, then starts all in order',
  async ({ self, rt, j }) => {
    const sup = await startFourWorkers(self, j, 'one_for_all');
    j.clear();
    crash(rt, j.pids.get('b')!, A('boom'));
    await waitUntil(() => j.starts() === 4);
    assert.deepEqual(j.events, [
      'crash:b',
      'stop:d:shutdown',
      'stop:c:shutdown',
      'stop:a:shutdown',
      'start:a',
      'start:b',
      'start:c',
      'start:d',
    ]);
    await Supervisor.stop(self, sup);
  },
);

supervisorTest(
  'otp/supervisor: rest_for_one restarts the child and those started after it',
  async ({ self, rt, j }) => {
    const sup = await startFourWorkers(self, j, 'rest_for_one');
    const a = j.pids.get('a')!;
    j.clear();
    crash(rt, j.pids.get('b')!, A('boom'));
    await waitUntil(() => j.starts() === 3);
    assert.deepEqual(j.events, [
      'crash:b',
      'stop:d:shutdown',
      'stop:c:shutdown',
      'start:b',
      'start:c',
      'start:d',
    ]);
    assert.equal(j.pids.get('a')!.key, a.key);
    assert.equal(rt.isAlive(a), true);
    await Supervisor.stop(self, sup);
  },
);

supervisorTest(
  'otp/supervisor: stops children in reverse start order when it stops',
  async ({ self, j }) => {
    const sup = await Supervisor.startLink(
      self,
      ['a', 'b', 'c'].map((id) => ({ id, start: worker(j, id, { trapExit: true }) })),
    );
    await waitUntil(() => j.starts() === 3);
    j.clear();
    await Supervisor.stop(self, sup);
    assert.deepEqual(j.events, ['stop:c:shutdown', 'stop:b:shutdown', 'stop:a:shutdown']);
  },
);

test('otp/supervisor: restart type x exit reason decides restarts as supervisor.erl does', async () => {
  const reasons: [string, () => unknown][] = [
    ['normal', () => A('normal')],
    ['shutdown', () => A('shutdown')],
    ['{shutdown,x}', () => tuple(A('shutdown'), A('x'))],
    ['boom', () => A('boom')],
  ];
  // [restart type, reason] -> [restarted?, spec kept?, report logged?]
  const expected: Record<string, [boolean, boolean, boolean]> = {
    'permanent normal': [true, true, true],
    'permanent shutdown': [true, true, true],
    'permanent {shutdown,x}': [true, true, true],
    'permanent boom': [true, true, true],
    'transient normal': [false, true, false],
    'transient shutdown': [false, true, false],
    'transient {shutdown,x}': [false, true, false],
    'transient boom': [true, true, true],
    'temporary normal': [false, false, false],
    'temporary shutdown': [false, false, false],
    'temporary {shutdown,x}': [false, false, false],
    'temporary boom': [false, false, true],
  };
  for (const restart of ['permanent', 'transient', 'temporary'] as const) {
    for (const [label, reason] of reasons) {
      const key = `${restart} ${label}`;
      const { rt, logger } = newRuntime();
      const j = new Journal();
      await inProcess(rt, async (self) => {
        const sup = await Supervisor.startLink(self, [
          { id: 'w', start: worker(j, 'w'), restart },
          { id: 'marker', start: worker(j, 'marker') },
        ]);
        await waitUntil(() => j.starts() === 2);
        const first = j.pids.get('w')!;
        crash(rt, first, reason() as never);
        // A call is handled after the EXIT (both are in the supervisor's mailbox in order).
        await waitUntil(() => !rt.isAlive(first));
        const children = await Supervisor.whichChildren(self, sup);
        const w = children.find((c) => c.id === 'w');
        const [restarted, kept, reported] = expected[key]!;
        assert.equal(j.starts('w'), restarted ? 2 : 1, `${key}: restarted`);
        assert.equal(w !== undefined, kept, `${key}: spec kept`);
        if (kept && !restarted) assert.equal(w!.child, 'undefined', `${key}: not running`);
        const reports = logger.entries.filter((e) => e.meta?.errorContext === 'child_terminated');
        assert.equal(reports.length, reported ? 1 : 0, `${key}: report`);
        await Supervisor.stop(self, sup);
      });
    }
  }
});

test('otp/supervisor: a failing child stops the started ones and fails start_link', async () => {
  const { rt, logger } = newRuntime();
  const j = new Journal();
  const err = await inProcess(rt, async (self) => {
    try {
      await Supervisor.startLink(self, [
        { id: 'a', start: worker(j, 'a', { trapExit: true }) },
        { id: 'b', start: worker(j, 'b', { trapExit: true }) },
        { id: 'c', start: worker(j, 'c', { failWith: () => A('no_db') }) },
        { id: 'd', start: worker(j, 'd') },
      ]);
    } catch (e) {
      // The start failed, and (as in OTP 25) the exit signal of the supervisor follows.
      const exit = await self.receive((m) => m instanceof Tuple && m.elements[0] === A('EXIT'));
      return { e, exit };
    }
    throw new Error('start_link succeeded');
  });
  assert.ok(err.e instanceof SupervisorStartError);
  const expected = tuple(A('shutdown'), tuple(A('failed_to_start_child'), 'c', A('no_db')));
  assert.deepEqual(err.e.reason, expected);
  assert.deepEqual((err.exit as Tuple).elements[2], expected);
  assert.deepEqual(j.events, ['start:a', 'start:b', 'stop:b:shutdown', 'stop:a:shutdown']);
  assert.ok(logger.entries.some((e) => e.meta?.errorContext === 'start_error'));
});

test('otp/supervisor: a throwing start function is a start error with the crash reason', async () => {
  const { rt } = newRuntime();
  const e = await inProcess(rt, async (self) => {
    try {
      await Supervisor.startLink(self, [
        {
          id: 'x',
          start: () => {
            throw new RangeError('bad config');
          },
        },
      ]);
    } catch (e) {
      return e;
    }
    throw new Error('start_link succeeded');
  });
  assert.ok(e instanceof SupervisorStartError);
  const reason = e.reason as Tuple;
  const failed = reason.elements[1] as Tuple;
  assert.equal(failed.elements[0], A('failed_to_start_child'));
  assert.equal(failed.elements[1], 'x');
  const crashReason = failed.elements[2] as Tuple;
  assert.deepEqual((crashReason.elements[0] as Tuple).elements, [
    A('js_error'),
    'RangeError',
    'bad config',
  ]);
});

test('otp/supervisor: invalid child specs and flags are rejected before anything starts', async () => {
  const { rt } = newRuntime();
  const start = () => A('ignore');
  await assert.rejects(
    Supervisor.start(rt, [{ id: 'w', start, restart: 'sometimes' as never }]),
    (e: unknown) =>
      e instanceof SupervisorStartError &&
      String(e.reason) !== '' &&
      (e.reason as Tuple).elements[0] === A('start_spec'),
  );
  await assert.rejects(
    Supervisor.start(rt, [
      { id: 'w', start },
      { id: 'w', start },
    ]),
    (e: unknown) =>
      e instanceof SupervisorStartError &&
      (((e.reason as Tuple).elements[1] as Tuple).elements[0] as unknown) ===
        A('duplicate_child_name'),
  );
  await assert.rejects(
    Supervisor.start(rt, [], { intensity: -1 }),
    (e: unknown) =>
      e instanceof SupervisorStartError && (e.reason as Tuple).elements[0] === A('supervisor_data'),
  );
  assert.equal(rt.processes().length, 0);
});

test('otp/supervisor: a name already taken gives {already_started, Pid}', async () => {
  const { rt } = newRuntime();
  const sup = await Supervisor.start(rt, [], { name: 'the_sup' });
  assert.equal(rt.whereis('the_sup')?.key, sup.key);
  await assert.rejects(
    Supervisor.start(rt, [], { name: 'the_sup' }),
    (e: unknown) =>
      e instanceof SupervisorStartError &&
      (e.reason as Tuple).elements[0] === A('already_started') &&
      ((e.reason as Tuple).elements[1] as Pid).key === sup.key,
  );
  await Supervisor.stop(rt, 'the_sup');
  assert.equal(rt.whereis('the_sup'), undefined);
});

test('otp/supervisor: calls to a dead supervisor exit with {noproc, {gen_server, call, ...}}', async () => {
  const { rt } = newRuntime();
  await assert.rejects(
    Supervisor.whichChildren(rt, 'nobody'),
    (e: unknown) =>
      e instanceof ExitError &&
      (e.reason as Tuple).elements[0] === A('noproc') &&
      ((e.reason as Tuple).elements[1] as Tuple).elements[0] === A('gen_server'),
  );
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Task } from '../../../src/otp/task.ts';
import { TaskSupervisor } from '../../../src/otp/task-supervisor.ts';
import { SupervisorStartError } from '../../../src/otp/errors.ts';
import { ExitError } from '../../../src/process/index.ts';
import { Pid, Tuple } from '../../../src/term/types.ts';
import { A, inProcess, newRuntime, waitUntil } from './supervisor-support.ts';

const never = () => new Promise<never>(() => {});

test('otp/task-supervisor: asyncNolink: result by await, crash as an exit value, caller unharmed', async () => {
  const { rt } = newRuntime();
  await inProcess(
    rt,
    async (self) => {
      const sup = await TaskSupervisor.startLink(self, { name: 'tasks' });
      const ok = await TaskSupervisor.asyncNolink(self, 'tasks', async () => 'fine');
      assert.equal(await Task.await(self, ok), 'fine');
      const bad = await TaskSupervisor.asyncNolink(self, 'tasks', (t) => t.exit(A('broken')));
      assert.deepEqual(await Task.yield(self, bad, 2000), { ok: false, exit: A('broken') });
      const bad2 = await TaskSupervisor.asyncNolink(self, 'tasks', () => {
        throw new Error('nope');
      });
      const e = await Task.await(self, bad2, 2000).catch((x: unknown) => x);
      assert.ok(e instanceof ExitError);
      // Temporary children: nothing restarted, nothing left.
      await waitUntil(() => !rt.isAlive(bad2.pid));
      assert.deepEqual(await TaskSupervisor.children(self, sup), []);
      assert.equal(rt.isAlive(sup), true);
      await TaskSupervisor.startChild(self, sup, never);
      assert.equal((await TaskSupervisor.children(self, sup)).length, 1);
      return 'survived';
    },
    { trapExit: false },
  );
});

test('otp/task-supervisor: async links the task to the caller as well', async () => {
  const { rt } = newRuntime();
  await inProcess(rt, async (self) => {
    const sup = await TaskSupervisor.startLink(self);
    const t = await TaskSupervisor.async(self, sup, (ts) => ts.exit(A('linked_crash')));
    const exit = (await self.receive(
      (m) =>
        m instanceof Tuple &&
        m.elements[0] === A('EXIT') &&
        (m.elements[1] as Pid).key === t.pid.key,
    )) as Tuple;
    assert.equal(exit.elements[2], A('linked_crash'));
    await TaskSupervisor.startChild(self, sup, never);
  });
});

test('otp/task-supervisor: max_children refuses with a start error; stopping stops every task', async () => {
  const { rt } = newRuntime();
  await inProcess(rt, async (self) => {
    const sup = await TaskSupervisor.startLink(self, { maxChildren: 2 });
    const a = await TaskSupervisor.asyncNolink(self, sup, never);
    const b = await TaskSupervisor.asyncNolink(self, sup, never);
    await assert.rejects(
      TaskSupervisor.asyncNolink(self, sup, never),
      (e: unknown) => e instanceof SupervisorStartError && e.reason === A('max_children'),
    );
    assert.deepEqual(await TaskSupervisor.startChild(self, sup, never), {
      ok: false,
      reason: A('max_children'),
    });
    await TaskSupervisor.terminateChild(self, sup, a.pid);
    assert.deepEqual(await Task.yield(self, a, 1000), { ok: false, exit: A('shutdown') });
    const exitSup = self.monitor(sup);
    self.unlink(sup);
    rt.exit(sup, A('shutdown')); // not from the parent: a supervisor ignores it, as in OTP
    assert.equal(rt.isAlive(sup), true);
    self.exitProcess(sup, A('shutdown'));
    await self.receive((m) => m instanceof Tuple && m.elements[1] === exitSup);
    assert.equal(rt.isAlive(b.pid), false);
  });
});

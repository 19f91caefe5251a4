import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Task } from '../../../src/otp/task.ts';
import { TaskOwnerError } from '../../../src/otp/errors.ts';
import { ExitError } from '../../../src/process/index.ts';
import { Pid, Tuple, type Term, type TermObject } from '../../../src/term/types.ts';
import { A, inProcess, newRuntime, waitUntil } from './supervisor-support.ts';

const never = () => new Promise<never>(() => {});

test('otp/task: async + await returns the value and leaves no monitor or message behind', async () => {
  const { rt } = newRuntime();
  await inProcess(rt, async (self) => {
    const t = Task.async(self, async () => 6 * 7);
    assert.equal(await Task.await(self, t), 42);
    await waitUntil(() => !rt.isAlive(t.pid));
    // The link's EXIT normal arrives (we trap exits); no DOWN, no reply left over.
    const rest: Term[] = [];
    for (let m = self.poll(); m !== undefined; m = self.poll()) rest.push(m);
    assert.ok(rest.every((m) => m instanceof Tuple && m.elements[0] === A('EXIT')));
    assert.deepEqual(rt.processInfo(self.pid)?.monitors, []);
  });
});

test('otp/task: the task is linked to the caller: a crash kills a caller that does not trap exits', async () => {
  const { rt } = newRuntime();
  let caller: Pid | undefined;
  const mon = await inProcess(rt, async (watcher) => {
    caller = rt.spawn(async (self) => {
      const t = Task.async(self, async () => {
        throw new Error('task failed');
      });
      await Task.await(self, t);
    });
    const ref = watcher.monitor(caller);
    return (await watcher.receive((m) => m instanceof Tuple && m.elements[1] === ref)) as Tuple;
  });
  const reason = mon.elements[4] as Tuple;
  const [tag, name, message] = (reason.elements[0] as Tuple).elements;
  assert.deepEqual([tag, name, message], [A('js_error'), 'Error', 'task failed']);
});

test('otp/task: await on a crashed task exits with {Reason, {Elixir.Task, await, [Task, Timeout]}}', async () => {
  const { rt } = newRuntime();
  await inProcess(rt, async (self) => {
    const t = Task.async(self, (ts) => ts.exit(A('boom')));
    const e = await Task.await(self, t, 1000).catch((x: unknown) => x);
    assert.ok(e instanceof ExitError);
    const [reason, where] = (e.reason as Tuple).elements as [Term, Tuple];
    assert.equal(reason, A('boom'));
    assert.equal(where.elements[0], A('Elixir.Task'));
    assert.equal(where.elements[1], A('await'));
    const [taskTerm, timeout] = where.elements[2] as [TermObject, Term];
    assert.equal(taskTerm.__struct__, A('Elixir.Task'));
    assert.equal((taskTerm.pid as Pid).key, t.pid.key);
    assert.equal(timeout, 1000);
  });
});

test('otp/task: await timeout exits with {timeout, {Elixir.Task, await, ...}}; the task keeps running', async () => {
  const { rt } = newRuntime();
  await inProcess(rt, async (self) => {
    const t = Task.async(self, never);
    const t0 = performance.now();
    const e = await Task.await(self, t, 30).catch((x: unknown) => x);
    assert.ok(performance.now() - t0 >= 25);
    assert.ok(e instanceof ExitError);
    assert.equal((e.reason as Tuple).elements[0], A('timeout'));
    assert.equal(rt.isAlive(t.pid), true);
    assert.deepEqual(rt.processInfo(self.pid)?.monitors, []); // demonitored
    rt.exit(t.pid, A('kill'));
  });
});

test('otp/task: an uncaught await timeout exits the caller, and the link takes the task down', async () => {
  const { rt } = newRuntime();
  let task: Pid | undefined;
  const down = await inProcess(rt, async (watcher) => {
    const caller = rt.spawn(async (self) => {
      const t = Task.async(self, never);
      task = t.pid;
      await Task.await(self, t, 10);
    });
    const ref = watcher.monitor(caller);
    return (await watcher.receive((m) => m instanceof Tuple && m.elements[1] === ref)) as Tuple;
  });
  assert.equal((down.elements[4] as Tuple).elements[0] as Term, A('timeout'));
  await waitUntil(() => !rt.isAlive(task!));
});

test('otp/task: yield gives the value, the exit reason, or undefined while running', async () => {
  const { rt } = newRuntime();
  await inProcess(rt, async (self) => {
    const fast = Task.async(self, () => 'done');
    assert.deepEqual(await Task.yield(self, fast, 1000), { ok: true, value: 'done' });
    const slow = Task.async(self, never);
    assert.equal(await Task.yield(self, slow, 10), undefined);
    const dying = Task.async(self, (ts) => ts.exit(A('bad')));
    assert.deepEqual(await Task.yield(self, dying, 1000), { ok: false, exit: A('bad') });
    assert.deepEqual(await Task.shutdown(self, slow), undefined);
    assert.equal(rt.isAlive(slow.pid), false);
  });
});

test('otp/task: shutdown unlinks (the caller survives), brutal_kill, and a reply that raced in', async () => {
  const { rt } = newRuntime();
  await inProcess(
    rt,
    async (self) => {
      const a = Task.async(self, never);
      assert.equal(await Task.shutdown(self, a, 'brutal_kill'), undefined);
      const trapper = Task.async(self, async (ts) => {
        ts.trapExit(true);
        await never();
      });
      await waitUntil(() => rt.processInfo(trapper.pid)?.trapExit === true);
      const t0 = performance.now();
      // Killed after the timeout: Elixir's shutdown_receive returns {:exit, :killed}.
      assert.deepEqual(await Task.shutdown(self, trapper, 40), { ok: false, exit: A('killed') });
      assert.ok(performance.now() - t0 >= 35, 'killed after the timeout');
      const done = Task.async(self, () => 7);
      await waitUntil(() => !rt.isAlive(done.pid));
      assert.deepEqual(await Task.shutdown(self, done), { ok: true, value: 7 });
      return 'survived';
    },
    { trapExit: false },
  );
});

test('otp/task: only the owner may await', async () => {
  const { rt } = newRuntime();
  await inProcess(rt, async (self) => {
    const t = Task.async(self, () => 1);
    const other = await inProcess(rt, (o) => Task.await(o, t).catch((e: unknown) => e));
    assert.ok(other instanceof TaskOwnerError);
    assert.equal(await Task.await(self, t), 1);
  });
});

test('otp/task: awaitMany returns values in task order; a dying task exits with await_many', async () => {
  const { rt } = newRuntime();
  await inProcess(rt, async (self) => {
    const slowFirst = Task.async(self, async (ts) => {
      await ts.receive(() => false, { timeout: 20 });
      return 'first';
    });
    const fast = Task.async(self, () => 'second');
    assert.deepEqual(await Task.awaitMany(self, [slowFirst, fast]), ['first', 'second']);
    assert.deepEqual(rt.processInfo(self.pid)?.monitors, []);
    const ok = Task.async(self, () => 1);
    const bad = Task.async(self, (ts) => ts.exit(A('bad')));
    const e = await Task.awaitMany(self, [ok, bad], 2000).catch((x: unknown) => x);
    assert.ok(e instanceof ExitError);
    const [reason, where] = (e.reason as Tuple).elements as [Term, Tuple];
    assert.equal(reason, A('bad'));
    assert.equal(where.elements[1], A('await_many'));
    const stuck = Task.async(self, never);
    const t = await Task.awaitMany(self, [stuck], 20).catch((x: unknown) => x);
    assert.ok(t instanceof ExitError && (t.reason as Tuple).elements[0] === A('timeout'));
    rt.exit(stuck.pid, A('kill'));
  });
});

test('otp/task: yieldMany gives one result per task, undefined for those still running', async () => {
  const { rt } = newRuntime();
  await inProcess(rt, async (self) => {
    const tasks = [
      Task.async(self, () => 'v'),
      Task.async(self, (ts) => ts.exit(A('gone'))),
      Task.async(self, never),
    ];
    const results = await Task.yieldMany(self, tasks, 100);
    assert.deepEqual(results, [
      { ok: true, value: 'v' },
      { ok: false, exit: A('gone') },
      undefined,
    ]);
    await Task.shutdown(self, tasks[2]!, 'brutal_kill');
  });
});

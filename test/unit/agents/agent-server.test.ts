import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AgentDirectory,
  AgentServer,
  TaskHandlers,
  agentEnv,
  decodeEvent,
  eventTerm,
  wins,
  type AgentEvent,
} from '../../../src/agents/index.ts';
import { GenServer } from '../../../src/otp/gen-server.ts';
import { Runtime, memoryLogger } from '../../../src/process/index.ts';
import { Pid, Tuple, atom, tuple, type Term } from '../../../src/term/types.ts';
import { until } from '../../support/wait.ts';

function runtime(): Runtime {
  return new Runtime({ node: 'a@host', logger: memoryLogger() });
}

test('agents/agent-server: remember, recall, get_state as the lesson shows it', async () => {
  const rt = runtime();
  const w = await AgentServer.start(rt, 'Worker-1', { memory: { role: 'researcher' } });
  await AgentServer.remember(rt, w, atom('location'), 'node1');
  assert.equal(await AgentServer.recall(rt, w, atom('location')), 'node1');
  assert.equal(await AgentServer.recall(rt, w, atom('missing')), null);
  // keys are compared as terms: a binary key and an atom key are different keys
  await AgentServer.remember(rt, w, 'location', 'binary-key');
  assert.equal(await AgentServer.recall(rt, w, atom('location')), 'node1');
  const raw = (await GenServer.call(rt, w, atom('get_state'))) as Record<string, Term>;
  assert.equal(raw.name, 'Worker-1');
  assert.equal(raw.status, atom('idle'));
  assert.deepEqual(raw.task_queue, []);
  assert.ok(raw.memory instanceof Map);
  const s = await AgentServer.getState(rt, w);
  assert.equal(s.status, 'idle');
  assert.equal(s.memory.get(atom('role')), 'researcher');
  assert.equal(s.memory.size, 3);
});

test('agents/agent-server: send_task queues a task map; process_next runs the search handler', async () => {
  const rt = runtime();
  const w = await AgentServer.start(rt, 'W');
  assert.deepEqual(await AgentServer.processNext(rt, w), { ok: false, reason: 'empty' });
  assert.deepEqual(
    await GenServer.call(rt, w, atom('process_next')),
    tuple(atom('error'), atom('empty')),
  );
  await AgentServer.sendTask(rt, w, 'search', { query: 'distributed' });
  const s = await AgentServer.getState(rt, w);
  assert.equal(s.taskQueue.length, 1);
  const task = s.taskQueue[0]!;
  assert.match(task.id, /^[0-9a-f]{16}$/);
  assert.equal(task.type, atom('search'));
  assert.deepEqual(task.payload, { query: 'distributed' });
  assert.ok(Math.abs(task.queued_at - Date.now()) < 60_000);
  const r = await AgentServer.processNext(rt, w);
  assert.ok(r.ok);
  assert.equal(r.task.id, task.id);
  assert.deepEqual(r.result, tuple(atom('ok'), 'Search results for: distributed'));
  const after = await AgentServer.getState(rt, w);
  assert.equal(after.processedCount, 1);
  assert.deepEqual(after.memory.get(atom('last_result')), r.result);
  assert.equal(await AgentServer.queueLength(rt, w), 0);
});

test('agents/agent-server: an unknown type and a throwing handler fail the task, not the agent', async () => {
  const rt = runtime();
  const handlers = new TaskHandlers({
    explode: () => {
      throw new RangeError('kaboom');
    },
  });
  const w = await AgentServer.start(rt, 'W', { handlers });
  await AgentServer.sendTask(rt, w, 'fly', {});
  const r1 = await AgentServer.processNext(rt, w);
  assert.ok(r1.ok);
  assert.deepEqual(r1.result, tuple(atom('error'), tuple(atom('unknown_task_type'), atom('fly'))));
  await AgentServer.sendTask(rt, w, 'explode');
  const r2 = await AgentServer.processNext(rt, w);
  assert.ok(r2.ok);
  const res = r2.result as Tuple;
  assert.equal(res.elements[0], atom('error'));
  const inner = res.elements[1] as Tuple;
  assert.equal(inner.elements[0], atom('task_failed'));
  assert.deepEqual(
    (inner.elements[1] as Tuple).elements[0],
    tuple(atom('js_error'), 'RangeError', 'kaboom'),
  );
  assert.ok(rt.isAlive(w));
  const s = await AgentServer.getState(rt, w);
  assert.equal(s.failedCount, 2);
  assert.equal(s.processedCount, 2);
});

test('agents/agent-server: busy while a slow task runs; get_state answers; a second process_next waits', async () => {
  const rt = runtime();
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => (release = r));
  const handlers = new TaskHandlers({
    slow: async (p) => {
      await gate;
      return tuple(atom('ok'), p);
    },
  });
  const w = await AgentServer.start(rt, 'W', { handlers });
  await AgentServer.sendTask(rt, w, 'slow', 1);
  await AgentServer.sendTask(rt, w, 'slow', 2);
  const first = AgentServer.processNext(rt, w);
  await until(() => true, 'tick');
  const s = await AgentServer.getState(rt, w);
  assert.equal(s.status, 'busy');
  assert.equal(s.currentTask?.payload, 1);
  assert.equal(s.taskQueue.length, 1);
  const second = AgentServer.processNext(rt, w);
  const third = AgentServer.processNext(rt, w);
  release();
  const [a, b, c] = await Promise.all([first, second, third]);
  assert.ok(a.ok && b.ok);
  assert.deepEqual([a.result, b.result], [tuple(atom('ok'), 1), tuple(atom('ok'), 2)]);
  assert.deepEqual(c, { ok: false, reason: 'empty' });
  assert.equal((await AgentServer.getState(rt, w)).status, 'idle');
});

test('agents/agent-server: auto_process works through the queue and publishes each step', async () => {
  const rt = runtime();
  const seen: AgentEvent[] = [];
  agentEnv(rt).events.listen((e) => seen.push(e));
  const w = await AgentServer.start(rt, 'Auto', { autoProcess: true });
  for (const q of ['a', 'b', 'c'])
    GenServer.cast(rt, w, new Tuple([atom('send_task'), atom('search'), { query: q }]));
  await until(() => seen.filter((e) => e.type === 'task_done').length === 3, 'three done');
  const s = await AgentServer.getState(rt, w);
  assert.equal(s.processedCount, 3);
  assert.deepEqual(s.memory.get(atom('last_result')), tuple(atom('ok'), 'Search results for: c'));
  assert.equal(seen[0]!.type, 'started');
  assert.equal(seen.filter((e) => e.type === 'task_queued').length, 3);
  await AgentServer.stop(rt, w);
  await until(() => seen.some((e) => e.type === 'stopped'), 'stopped');
});

test('agents/agent-server: raw casts, forget_all, and unknown requests', async () => {
  const rt = runtime();
  const w = await AgentServer.start(rt, 'W');
  GenServer.cast(rt, w, new Tuple([atom('remember'), atom('k'), 1]));
  assert.equal(await AgentServer.recall(rt, w, atom('k')), 1);
  assert.equal(await GenServer.call(rt, w, atom('forget_all')), atom('ok'));
  assert.equal(await AgentServer.recall(rt, w, atom('k')), null);
  assert.deepEqual(
    await GenServer.call(rt, w, atom('dance')),
    tuple(atom('error'), tuple(atom('unknown_request'), atom('dance'))),
  );
  assert.equal(await GenServer.call(rt, w, atom('get_status')), atom('idle'));
  assert.ok(rt.isAlive(w));
});

test('agents/agent-directory: register, lookup, unregister, remove_node_agents, all', () => {
  const rt = runtime();
  const p1 = rt.spawn(async (s) => void (await s.receive()));
  const p2 = rt.spawn(async (s) => void (await s.receive()));
  const dir = new AgentDirectory();
  dir.register('W1', 'n1@vm', p1);
  dir.register('W2', atom('n2@vm'), p2);
  assert.equal(dir.lookup('W1')?.pid, p1);
  assert.deepEqual(dir.lookupTerm('W2'), tuple(atom('ok'), tuple(atom('n2@vm'), p2)));
  assert.deepEqual(dir.lookupTerm('nope'), tuple(atom('error'), atom('not_found')));
  assert.deepEqual(
    dir.handle(tuple(atom('lookup'), 'W1')),
    tuple(atom('ok'), tuple(atom('n1@vm'), p1)),
  );
  assert.equal(dir.unregister('W1', p2), false);
  assert.deepEqual(dir.allTerm(), [tuple('W1', atom('n1@vm'), p1), tuple('W2', atom('n2@vm'), p2)]);
  assert.equal(dir.removeNodeAgents('n2@vm'), 1);
  assert.equal(dir.unregister('W1'), true);
  assert.equal(dir.size, 0);
  assert.deepEqual(
    dir.registerTerm(atom('x'), 'not-a-node', 1),
    tuple(atom('error'), atom('badarg')),
  );
});

test('agents/events: event terms round-trip; the conflict rule is a total order', () => {
  const rt = runtime();
  const pid = rt.spawn(async () => {});
  const e: AgentEvent = {
    type: 'task_done',
    agent: 'W',
    node: 'a@host',
    at: 5,
    pid,
    taskId: 'ab',
    taskType: 'search',
    result: 1,
  };
  const t = eventTerm(e);
  assert.equal(t.elements[0], atom('agent_event'));
  assert.deepEqual(decodeEvent(t), e);
  assert.equal(decodeEvent(tuple(atom('other'), 1)), undefined);
  const base = { name: 'W', node: 'b@vm', pid: pid as Pid, at: 10 };
  assert.ok(wins({ ...base, at: 9 }, base));
  assert.ok(wins({ ...base, node: 'a@vm' }, base));
  assert.ok(!wins(base, { ...base, node: 'a@vm' }));
});

// Child specs as Erlang terms (what a BEAM node sends with supervisor:start_child/2 or
// DynamicSupervisor.start_child/2), resolved to start functions by `resolveStart`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Supervisor } from '../../../src/otp/supervisor.ts';
import { callServer } from '../../../src/otp/supervisor-host.ts';
import { DynamicSupervisor } from '../../../src/otp/dynamic-supervisor.ts';
import type { StartResolver } from '../../../src/otp/child-spec-term.ts';
import { ChildSpecError } from '../../../src/otp/errors.ts';
import { Pid, Tuple, tuple, type Term } from '../../../src/term/types.ts';
import { A, Journal, newRuntime, waitUntil, worker } from './supervisor-support.ts';
import { supervisorTest } from '../../support/supervisor-test.ts';

const j = new Journal();
const resolveStart: StartResolver = (m, f, args) =>
  m === A('my_worker') && f === A('start_link') ? worker(j, String(args[0])) : undefined;
const mfa = (m: string, arg: Term) => tuple(A(m), A('start_link'), [arg]);

supervisorTest(
  'otp/supervisor: start_child with an Erlang map or 6-tuple spec runs the resolved start',
  async ({ self }) => {
    const sup = await Supervisor.startLink(self, [], { resolveStart });
    const r1 = await Supervisor.startChild(self, sup, {
      id: A('m1'),
      start: mfa('my_worker', 'm1'),
      restart: A('transient'),
    } as unknown as Term);
    assert.ok(r1.ok && r1.pid instanceof Pid);
    const r2 = await Supervisor.startChild(
      self,
      sup,
      tuple(A('t1'), mfa('my_worker', 't1'), A('temporary'), A('brutal_kill'), A('worker'), [
        A('my_worker'),
      ]),
    );
    assert.ok(r2.ok && r2.pid instanceof Pid);
    await waitUntil(() => j.starts('m1') === 1 && j.starts('t1') === 1);
    const children = await Supervisor.whichChildren(self, sup);
    assert.deepEqual(
      children.map((c) => [c.id, c.type, c.modules]),
      [
        [A('t1'), 'worker', [A('my_worker')]],
        [A('m1'), 'worker', [A('my_worker')]],
      ],
    );
    const spec = (await callServer(self, sup, tuple(A('get_childspec'), A('t1')))) as Tuple;
    const got = spec.elements[1] as Record<string, Term>;
    assert.deepEqual(got.start, mfa('my_worker', 't1'));
    assert.equal(got.shutdown, A('brutal_kill'));
    assert.equal(got.restart, A('temporary'));
    await Supervisor.stop(self, sup);
  },
);

supervisorTest(
  'otp/supervisor: an unresolvable {M, F, A} fails as an unloaded module does in OTP',
  async ({ self }) => {
    const sup = await Supervisor.startLink(self, []);
    const r = await Supervisor.startChild(self, sup, {
      id: A('x'),
      start: mfa('nope', 1),
    } as unknown as Term);
    assert.equal(r.ok, false);
    const [reason, record] = ((r as { reason: Tuple }).reason as Tuple).elements as [Tuple, Tuple];
    assert.deepEqual(
      reason,
      tuple(A('EXIT'), tuple(A('undef'), [tuple(A('nope'), A('start_link'), [1], [])])),
    );
    assert.equal(record.elements[0], A('child'));
    const bad = await Supervisor.startChild(self, sup, {
      id: A('y'),
      start: A('not_mfa'),
    } as unknown as Term);
    assert.deepEqual(bad, { ok: false, reason: tuple(A('invalid_mfa'), A('not_mfa')) });
    const noId = await Supervisor.startChild(self, sup, {
      start: mfa('nope', 1),
    } as unknown as Term);
    assert.deepEqual(noId, { ok: false, reason: A('missing_id') });
    await Supervisor.stop(self, sup);
  },
);

supervisorTest(
  "otp/dynamic-supervisor: start_child with Elixir's wire form {{M, F, A}, R, S, T, Ms}",
  async ({ self }) => {
    const sup = await DynamicSupervisor.startLink(self, { resolveStart });
    const r = await DynamicSupervisor.startChild(
      self,
      sup,
      tuple(mfa('my_worker', 'd1'), A('permanent'), 5000, A('worker'), [A('my_worker')]),
    );
    assert.ok(r.ok && r.pid instanceof Pid);
    const [c] = await DynamicSupervisor.whichChildren(self, sup);
    assert.deepEqual(c!.modules, [A('my_worker')]);
    const unknown = await DynamicSupervisor.startChild(
      self,
      sup,
      tuple(mfa('nope', 1), A('permanent'), 5000, A('worker'), [A('nope')]),
    );
    assert.equal(unknown.ok, false);
    await DynamicSupervisor.stop(self, sup);
  },
);

test('otp/supervisor: a TypeScript child spec is refused for a supervisor on another node', async () => {
  const { rt } = newRuntime();
  const spec = { id: 'w', start: worker(j, 'never') };
  await assert.rejects(
    Supervisor.startChild(rt, ['sup', 'other@host'], spec),
    (e: unknown) => e instanceof ChildSpecError && e.code === 'BL_ERR_CHILD_SPEC',
  );
  await assert.rejects(
    DynamicSupervisor.startChild(rt, ['sup', 'other@host'], spec),
    (e: unknown) => e instanceof ChildSpecError,
  );
  assert.equal(j.starts('never'), 0);
});

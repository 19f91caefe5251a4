// Supervisors with GenServer children: the start function is GenServer.startLink.
import assert from 'node:assert/strict';
import { GenServer, type GenServerCallbacks } from '../../../src/otp/gen-server.ts';
import { Supervisor } from '../../../src/otp/supervisor.ts';
import { DynamicSupervisor } from '../../../src/otp/dynamic-supervisor.ts';
import { SupervisorStartError } from '../../../src/otp/errors.ts';
import { ExitError } from '../../../src/process/index.ts';
import { Pid, Tuple, tuple, type Term } from '../../../src/term/types.ts';
import { A, waitUntil } from './supervisor-support.ts';
import { supervisorTest } from '../../support/supervisor-test.ts';

let inits = 0;
const counter: GenServerCallbacks<number> = {
  init: (arg) => {
    inits++;
    if (arg === 'ignore') return { ignore: true };
    if (arg === 'fail') return { stop: A('no_way') };
    return { ok: 0 };
  },
  handleCall: (req, _from, n) => {
    if (req === 'boom') throw new Error('crash in handleCall');
    if (req === 'inc') return { reply: n + 1, state: n + 1 };
    return { reply: n, state: n };
  },
};

supervisorTest(
  'otp/supervisor: restarts a crashed GenServer child with fresh state',
  async ({ self, rt }) => {
    inits = 0;
    const sup = await Supervisor.startLink(self, [
      { id: 'counter', start: (s) => GenServer.startLink(s, counter, null, { name: 'counter' }) },
    ]);
    assert.equal(await GenServer.call(self, 'counter', 'inc'), 1);
    assert.equal(await GenServer.call(self, 'counter', 'inc'), 2);
    const before = rt.whereis('counter')!;
    await assert.rejects(GenServer.call(self, 'counter', 'boom'), ExitError);
    await waitUntil(() => inits === 2 && rt.whereis('counter') !== undefined);
    assert.notEqual(rt.whereis('counter')!.key, before.key);
    assert.equal(await GenServer.call(self, 'counter', 'get'), 0);
    await Supervisor.stop(self, sup);
    assert.equal(rt.whereis('counter'), undefined);
  },
);

supervisorTest(
  'otp/supervisor: a GenServer init returning ignore or stop maps to ignore / failed_to_start_child',
  async ({ self }) => {
    const sup = await Supervisor.startLink(self, [
      { id: 'ign', start: (s) => GenServer.startLink(s, counter, 'ignore') },
    ]);
    const [child] = await Supervisor.whichChildren(self, sup);
    assert.equal(child!.child, 'undefined');
    await Supervisor.stop(self, sup);
    await assert.rejects(
      Supervisor.startLink(self, [
        { id: 'bad', start: (s) => GenServer.startLink(s, counter, 'fail') },
      ]),
      (e: unknown) =>
        e instanceof SupervisorStartError &&
        ((e.reason as Tuple).elements[1] as Tuple).elements[2] === A('no_way'),
    );
  },
);

supervisorTest(
  'otp/dynamic-supervisor: GenServer children and {already_started, Pid} from a taken name',
  async ({ self }) => {
    const sup = await DynamicSupervisor.startLink(self);
    const spec = {
      id: 'c',
      start: (s: Parameters<typeof GenServer.startLink>[0]) =>
        GenServer.startLink(s, counter, null, { name: 'dyn_counter' }),
    };
    const first = await DynamicSupervisor.startChild(self, sup, spec);
    assert.ok(first.ok && first.pid instanceof Pid);
    const second = await DynamicSupervisor.startChild(self, sup, spec);
    assert.equal(second.ok, false);
    const reason = (second as { reason: Term }).reason;
    assert.deepEqual(reason, tuple(A('already_started'), first.pid!));
    await DynamicSupervisor.stop(self, sup);
  },
);

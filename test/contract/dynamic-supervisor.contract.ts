/**
 * The DynamicSupervisor contract, written once and run against a beamlink
 * DynamicSupervisor (local, or on another runtime) and Elixir's DynamicSupervisor on a real
 * node. The client functions are beamlink's (DynamicSupervisor.*).
 *
 * Every target starts an empty supervisor with `max_children: 3`, intensity 3 in 5 s, and
 * gives a child spec for a permanent worker (shutdown 1000, modules `[contract_sup]`)
 * that exits with `Reason` when sent `{crash, Reason}`.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { DynamicSupervisor } from '../../src/otp/dynamic-supervisor.ts';
import type { ChildSpecInput } from '../../src/otp/child-spec.ts';
import type { Dest, Runtime } from '../../src/process/index.ts';
import { atom, Pid, Tuple, tuple, type Term } from '../../src/term/types.ts';
import { inProcess, isDown, untilValue } from '../support/in-process.ts';

/** How the contract reaches a dynamic supervisor. */
export interface DynamicSupervisorTarget {
  readonly label: string;
  readonly client: Runtime;
  /** Starts an empty supervisor (max 3 children) registered as `name`. */
  start(name: string): Promise<{ dest: Dest; pid: Pid }>;
  /** The worker's child spec, in the form this target's supervisor takes. */
  readonly worker: ChildSpecInput | Term;
  close?(): Promise<void>;
}

/** Registers the contract's tests for `make()`'s target. */
export function dynamicSupervisorContract(make: () => Promise<DynamicSupervisorTarget>): void {
  let t: DynamicSupervisorTarget;
  let n = 0;
  const name = () => `contract_dsup_${process.pid}_${++n}`;
  before(async () => {
    t = await make();
  });
  after(async () => {
    await t?.close?.();
  });

  it('start_child up to max_children, then {error, max_children}; which/count children', async () => {
    const { dest } = await t.start(name());
    for (let i = 0; i < 3; i++) {
      const r = await DynamicSupervisor.startChild(t.client, dest, t.worker);
      assert.ok(r.ok && r.pid instanceof Pid, `child ${i}`);
    }
    assert.deepEqual(await DynamicSupervisor.startChild(t.client, dest, t.worker), {
      ok: false,
      reason: atom('max_children'),
    });
    const children = await DynamicSupervisor.whichChildren(t.client, dest);
    assert.deepEqual(
      children.map((c) => [c.id, c.child instanceof Pid, c.type, c.modules]),
      Array.from({ length: 3 }, () => [atom('undefined'), true, 'worker', [atom('contract_sup')]]),
    );
    assert.deepEqual(await DynamicSupervisor.countChildren(t.client, dest), {
      specs: 3,
      active: 3,
      supervisors: 0,
      workers: 3,
    });
  });

  it('terminate_child stops the child with shutdown; a second time: not_found', async () => {
    const { dest } = await t.start(name());
    const r = await DynamicSupervisor.startChild(t.client, dest, t.worker);
    const pid = (r as { pid: Pid }).pid;
    const why = await inProcess(t.client, async (self) => {
      const mon = self.monitor(pid);
      assert.deepEqual(await DynamicSupervisor.terminateChild(self, dest, pid), { ok: true });
      return ((await self.receive(isDown(mon), { timeout: 10_000 })) as Tuple).elements[4];
    });
    assert.equal(why, atom('shutdown'));
    assert.deepEqual(await DynamicSupervisor.terminateChild(t.client, dest, pid), {
      ok: false,
      reason: atom('not_found'),
    });
    assert.deepEqual((await DynamicSupervisor.countChildren(t.client, dest)).specs, 0);
  });

  it('a crashed permanent child is restarted under a new pid', async () => {
    const { dest } = await t.start(name());
    const r = await DynamicSupervisor.startChild(t.client, dest, t.worker);
    const pid = (r as { pid: Pid }).pid;
    t.client.send(pid, tuple(atom('crash'), atom('boom')));
    const fresh = await untilValue(async () => {
      const [c] = await DynamicSupervisor.whichChildren(t.client, dest);
      return c && c.child instanceof Pid && c.child.key !== pid.key ? c.child : undefined;
    });
    assert.ok(fresh instanceof Pid);
  });

  it('more than 3 restarts in 5 s: the supervisor exits with shutdown', async () => {
    const { dest, pid } = await t.start(name());
    await DynamicSupervisor.startChild(t.client, dest, t.worker);
    const why = await inProcess(t.client, async (self) => {
      const mon = self.monitor(pid);
      let last: Pid | undefined;
      for (let i = 0; i < 4; i++) {
        const child = await untilValue(async () => {
          const [c] = await DynamicSupervisor.whichChildren(self, dest);
          return c && c.child instanceof Pid && c.child.key !== last?.key ? c.child : undefined;
        });
        last = child;
        self.send(child, tuple(atom('crash'), atom('boom')));
      }
      return ((await self.receive(isDown(mon), { timeout: 10_000 })) as Tuple | undefined)
        ?.elements[4];
    });
    assert.equal(why, atom('shutdown'));
  });
}

/** The worker as a beamlink child spec (the twin of contract_sup:start_worker/1). */
export const tsWorker: ChildSpecInput = {
  id: atom('w'),
  restart: 'permanent',
  shutdown: 1000,
  modules: [atom('contract_sup')],
  start: (s) =>
    s.spawnLink(async (self) => {
      for (;;) {
        const m = await self.receive();
        if (m instanceof Tuple && m.length === 2 && m.elements[0] === atom('crash')) {
          self.exit(m.elements[1]!);
        }
      }
    }),
};

/** The worker in Elixir DynamicSupervisor's wire form. */
export const elixirWorker: Term = tuple(
  tuple(atom('contract_sup'), atom('start_worker'), [atom('w')]),
  atom('permanent'),
  1000,
  atom('worker'),
  [atom('contract_sup')],
);

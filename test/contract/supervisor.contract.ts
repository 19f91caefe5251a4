/**
 * The Supervisor contract, written once and run against every way of reaching a
 * supervisor: a beamlink Supervisor by pid or name, one on another runtime (memory
 * distribution), and an OTP `supervisor` on a real erl node (erl/contract_sup.erl), by pid
 * or `{Name, Node}`.
 *
 * Every target starts the same tree: workers `a`, `b` (permanent) and `c` (temporary),
 * in that order, intensity 3 in 5 s; a worker exits with `Reason` when sent
 * `{crash, Reason}`. The client functions are beamlink's (Supervisor.*), so the suite
 * also proves they read BEAM's replies.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { Supervisor, type ChildInfo, type StrategyName } from '../../src/otp/supervisor.ts';
import type { Dest, Process, Runtime } from '../../src/process/index.ts';
import { atom, Pid, Ref, Tuple, tuple, type Term } from '../../src/term/types.ts';
import { inProcess, isDown, untilValue } from '../support/in-process.ts';

/** How the contract reaches a supervisor. */
export interface SupervisorTarget {
  readonly label: string;
  /** The runtime the client calls from. */
  readonly client: Runtime;
  /** Starts the contract tree under `name` with `strategy`. */
  start(name: string, strategy: StrategyName): Promise<{ dest: Dest; pid: Pid }>;
  close?(): Promise<void>;
}

const a = atom('a');
const b = atom('b');
const c = atom('c');

function byId(children: ChildInfo[]): Map<Term, ChildInfo> {
  return new Map(children.map((x) => [x.id, x]));
}

/** Registers the contract's tests for `make()`'s target. */
export function supervisorContract(make: () => Promise<SupervisorTarget>): void {
  let t: SupervisorTarget;
  let n = 0;
  const name = () => `contract_sup_${process.pid}_${++n}`;
  before(async () => {
    t = await make();
  });
  after(async () => {
    await t?.close?.();
  });

  it('which_children lists the children newest first; count_children counts them', async () => {
    const { dest } = await t.start(name(), 'one_for_one');
    const children = await Supervisor.whichChildren(t.client, dest);
    assert.deepEqual(
      children.map((x) => [x.id, x.child instanceof Pid, x.type, x.modules]),
      [
        [c, true, 'worker', [atom('contract_sup')]],
        [b, true, 'worker', [atom('contract_sup')]],
        [a, true, 'worker', [atom('contract_sup')]],
      ],
    );
    assert.deepEqual(await Supervisor.countChildren(t.client, dest), {
      specs: 3,
      active: 3,
      supervisors: 0,
      workers: 3,
    });
  });

  it('one_for_one: a crashed permanent child is restarted alone; a temporary one is dropped', async () => {
    const { dest } = await t.start(name(), 'one_for_one');
    const before1 = byId(await Supervisor.whichChildren(t.client, dest));
    t.client.send(before1.get(b)!.child as Pid, tuple(atom('crash'), atom('boom')));
    const after1 = await untilValue(async () => {
      const m = byId(await Supervisor.whichChildren(t.client, dest));
      const nb = m.get(b)?.child;
      return nb instanceof Pid && nb.key !== (before1.get(b)!.child as Pid).key ? m : undefined;
    });
    assert.equal((after1.get(a)!.child as Pid).key, (before1.get(a)!.child as Pid).key);
    assert.equal((after1.get(c)!.child as Pid).key, (before1.get(c)!.child as Pid).key);
    t.client.send(after1.get(c)!.child as Pid, tuple(atom('crash'), atom('normal')));
    await untilValue(async () =>
      (await Supervisor.whichChildren(t.client, dest)).length === 2 ? true : undefined,
    );
  });

  it('rest_for_one: the children after the crashed one restart too (temporary ones go)', async () => {
    const { dest } = await t.start(name(), 'rest_for_one');
    const first = byId(await Supervisor.whichChildren(t.client, dest));
    t.client.send(first.get(a)!.child as Pid, tuple(atom('crash'), atom('boom')));
    const later = await untilValue(async () => {
      const m = byId(await Supervisor.whichChildren(t.client, dest));
      return m.size === 2 ? m : undefined;
    });
    for (const id of [a, b]) {
      assert.ok(later.get(id)!.child instanceof Pid);
      assert.notEqual((later.get(id)!.child as Pid).key, (first.get(id)!.child as Pid).key);
    }
  });

  it('terminate_child / restart_child / delete_child answer as supervisor.erl', async () => {
    const { dest } = await t.start(name(), 'one_for_one');
    const cl = t.client;
    assert.deepEqual(await Supervisor.restartChild(cl, dest, a), {
      ok: false,
      reason: atom('running'),
    });
    assert.deepEqual(await Supervisor.deleteChild(cl, dest, a), {
      ok: false,
      reason: atom('running'),
    });
    assert.deepEqual(await Supervisor.terminateChild(cl, dest, a), { ok: true });
    assert.equal(byId(await Supervisor.whichChildren(cl, dest)).get(a)!.child, 'undefined');
    assert.deepEqual((await Supervisor.countChildren(cl, dest)).active, 2);
    const r = await Supervisor.restartChild(cl, dest, a);
    assert.ok(r.ok && r.pid instanceof Pid);
    await Supervisor.terminateChild(cl, dest, a);
    assert.deepEqual(await Supervisor.deleteChild(cl, dest, a), { ok: true });
    assert.deepEqual(await Supervisor.terminateChild(cl, dest, a), {
      ok: false,
      reason: atom('not_found'),
    });
    assert.deepEqual(await Supervisor.restartChild(cl, dest, a), {
      ok: false,
      reason: atom('not_found'),
    });
    // A temporary child's spec is gone once terminated.
    await Supervisor.terminateChild(cl, dest, c);
    assert.deepEqual(
      (await Supervisor.whichChildren(cl, dest)).map((x) => x.id),
      [b],
    );
  });

  it('more than 3 restarts in 5 s: the supervisor exits with shutdown and its children die', async () => {
    const { dest, pid } = await t.start(name(), 'one_for_one');
    const reason = await inProcess(t.client, async (self) => {
      const mon = self.monitor(pid);
      const children = await Supervisor.whichChildren(self, dest);
      const watched = children.map((x) => self.monitor(x.child as Pid));
      for (let i = 0; i < 4; i++) {
        const child = byId(await Supervisor.whichChildren(self, dest)).get(a)!.child as Pid;
        self.send(child, tuple(atom('crash'), atom('boom')));
        if (i < 3) {
          await untilValue(async () => {
            const now = byId(await Supervisor.whichChildren(self, dest)).get(a)!.child;
            return now instanceof Pid && now.key !== child.key ? true : undefined;
          });
        }
      }
      const down = (await self.receive(isDown(mon), { timeout: 10_000 })) as Tuple | undefined;
      assert.ok(down, 'the supervisor went down');
      for (const ref of watched) {
        const d = await self.receive(
          (m) => m instanceof Tuple && (m.elements[1] as Ref).key === ref.key,
          {
            timeout: 10_000,
          },
        );
        assert.ok(d, 'every original child is down');
      }
      return down.elements[4];
    });
    assert.equal(reason, atom('shutdown'));
  });
}

/**
 * Starts the contract tree as a beamlink Supervisor on `rt` (unlinked, registered as
 * `name`): the TypeScript twin of erl/contract_sup.erl.
 */
export function startContractTree(rt: Runtime, name: string, strategy: StrategyName): Promise<Pid> {
  const worker = (s: Process) =>
    s.spawnLink(async (self) => {
      for (;;) {
        const m = await self.receive();
        if (m instanceof Tuple && m.length === 2 && m.elements[0] === atom('crash')) {
          self.exit(m.elements[1]!);
        }
      }
    });
  const modules = [atom('contract_sup')];
  return Supervisor.start(
    rt,
    [
      { id: a, start: worker, restart: 'permanent', shutdown: 1000, modules },
      { id: b, start: worker, restart: 'permanent', shutdown: 1000, modules },
      { id: c, start: worker, restart: 'temporary', shutdown: 1000, modules },
    ],
    { name, strategy, intensity: 3, period: 5 },
  );
}

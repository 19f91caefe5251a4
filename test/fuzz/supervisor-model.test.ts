// Model-based property test of the Supervisor against an independent model of
// supervisor.erl: random strategies, restart types, intensities and periods; random child
// crashes with random reasons and a fake clock. After every crash the real supervisor's
// children (which_children), the number of starts of every child, and whether it escalated
// must equal the model's. Over 10,000 crashes are checked in total.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Supervisor, type StrategyName } from '../../src/otp/supervisor.ts';
import type { RestartType } from '../../src/otp/child-spec.ts';
import { Pid, Tuple, tuple, type Term } from '../../src/term/types.ts';
import {
  A,
  crash,
  inProcess,
  Journal,
  newRuntime,
  worker,
} from '../unit/otp/supervisor-support.ts';

type ReasonName = 'normal' | 'shutdown' | 'shutdown_x' | 'boom';

const REASONS: Record<ReasonName, () => Term> = {
  normal: () => A('normal'),
  shutdown: () => A('shutdown'),
  shutdown_x: () => tuple(A('shutdown'), A('x')),
  boom: () => A('boom'),
};

interface ModelChild {
  id: string;
  restart: RestartType;
  exists: boolean;
  running: boolean;
  starts: number;
}

class Model {
  readonly children: ModelChild[];
  readonly history: number[] = [];
  escalated = false;
  readonly strategy: StrategyName;
  readonly intensity: number;
  readonly period: number;

  constructor(restarts: RestartType[], strategy: StrategyName, intensity: number, period: number) {
    this.children = restarts.map((restart, i) => ({
      id: `c${i}`,
      restart,
      exists: true,
      running: true,
      starts: 1,
    }));
    this.strategy = strategy;
    this.intensity = intensity;
    this.period = period;
  }

  crash(c: ModelChild, reason: ReasonName, nowMs: number): void {
    c.running = false;
    const benign = reason !== 'boom';
    const restart = c.restart === 'permanent' || (c.restart === 'transient' && !benign);
    if (!restart) {
      if (c.restart === 'temporary') c.exists = false;
      return;
    }
    const now = Math.floor(nowMs / 1000);
    this.history.push(now);
    if (this.history.filter((t) => t >= now - this.period).length > this.intensity) {
      this.escalated = true;
      return;
    }
    const existing = this.children.filter((x) => x.exists);
    const group =
      this.strategy === 'one_for_one'
        ? [c]
        : this.strategy === 'one_for_all'
          ? existing
          : existing.slice(existing.indexOf(c));
    for (const x of group) {
      if (x.restart === 'temporary') {
        x.exists = false;
        x.running = false;
      } else {
        x.running = true;
        x.starts++;
      }
    }
  }
}

type Command =
  { kind: 'crash'; child: number; reason: ReasonName } | { kind: 'advance'; ms: number };

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('crash' as const),
      child: fc.nat(7),
      reason: fc.constantFrom<ReasonName>('normal', 'shutdown', 'shutdown_x', 'boom', 'boom'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      ms: fc.integer({ min: 0, max: 4000 }),
    }),
  },
);

const scenarioArb = fc.record({
  restarts: fc.array(fc.constantFrom<RestartType>('permanent', 'transient', 'temporary'), {
    minLength: 1,
    maxLength: 5,
  }),
  strategy: fc.constantFrom<StrategyName>('one_for_one', 'one_for_all', 'rest_for_one'),
  intensity: fc.integer({ min: 0, max: 6 }),
  period: fc.integer({ min: 1, max: 6 }),
  commands: fc.array(commandArb, { minLength: 1, maxLength: 80 }),
});

let totalCrashes = 0;
let totalEscalations = 0;

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer S> ? S : never;

async function runScenario(s: Scenario): Promise<void> {
  const { rt } = newRuntime('model@test');
  const j = new Journal();
  let now = 0;
  const model = new Model(s.restarts, s.strategy, s.intensity, s.period);
  await inProcess(rt, async (self) => {
    const sup = await Supervisor.startLink(
      self,
      model.children.map((c) => ({ id: c.id, restart: c.restart, start: worker(j, c.id) })),
      { strategy: s.strategy, intensity: s.intensity, period: s.period, now: () => now },
    );
    for (const cmd of s.commands) {
      if (cmd.kind === 'advance') {
        now += cmd.ms;
        continue;
      }
      const running = model.children.filter((c) => c.running);
      if (running.length === 0) continue;
      const target = running[cmd.child % running.length]!;
      const pid = j.pids.get(target.id)!;
      const mon = self.monitor(pid);
      crash(rt, pid, REASONS[cmd.reason]());
      totalCrashes++;
      model.crash(target, cmd.reason, now);
      await self.receive((m) => m instanceof Tuple && m.elements[1] === mon);
      if (model.escalated) {
        const exit = (await self.receive(
          (m) =>
            m instanceof Tuple &&
            m.elements[0] === A('EXIT') &&
            (m.elements[1] as Pid).key === sup.key,
          { timeout: 10_000 },
        )) as Tuple | undefined;
        assert.ok(exit, 'the supervisor escalated');
        assert.equal(exit.elements[2], A('shutdown'));
        totalEscalations++;
        for (const p of j.pids.values()) assert.equal(rt.isAlive(p), false, 'children stopped');
        return;
      }
      const children = await Supervisor.whichChildren(self, sup);
      const seen = new Map(children.map((c) => [c.id as string, c.child]));
      for (const c of model.children) {
        assert.equal(seen.has(c.id), c.exists, `${c.id} exists`);
        if (c.exists) assert.equal(seen.get(c.id) instanceof Pid, c.running, `${c.id} running`);
        assert.equal(j.starts(c.id), c.starts, `${c.id} starts`);
      }
      assert.equal(rt.isAlive(sup), true, 'the supervisor is alive');
    }
    await Supervisor.stop(self, sup);
  });
}

test('fuzz/supervisor-model: restarts and escalation match the model over 10,000 crashes', async () => {
  const deadline = Date.now() + 240_000;
  let seed = 42;
  while (totalCrashes < 10_000 && Date.now() < deadline) {
    await fc.assert(fc.asyncProperty(scenarioArb, runScenario), { numRuns: 50, seed: seed++ });
  }
  assert.ok(totalCrashes >= 10_000, `only ${totalCrashes} crashes in the time box`);
  assert.ok(totalEscalations > 50, `only ${totalEscalations} escalations were exercised`);
  console.log(`# supervisor-model: ${totalCrashes} crashes, ${totalEscalations} escalations`);
});

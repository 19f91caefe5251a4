import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Scheduler } from '../../../src/process/scheduler.ts';

interface P {
  queued: boolean;
  id: number;
}

const proc = (id: number): P => ({ queued: false, id });
const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('Scheduler', () => {
  it('runs processes once each, in queue order, drain after drain', async () => {
    const ran: number[] = [];
    const s = new Scheduler<P>((p) => ran.push(p.id));
    for (let round = 0; round < 3; round++) {
      const ps = [1, 2, 3].map((i) => proc(round * 10 + i));
      for (const p of ps) s.enqueue(p);
      s.enqueue(ps[0]!); // already queued: once
      assert.equal(s.length, 3);
      await turn();
      assert.equal(s.length, 0);
    }
    assert.deepEqual(ran, [1, 2, 3, 11, 12, 13, 21, 22, 23]);
  });

  it('runs what a drain enqueues in the same drain, after what was queued before', async () => {
    const ran: number[] = [];
    const later = proc(9);
    const s: Scheduler<P> = new Scheduler<P>((p) => {
      ran.push(p.id);
      if (p.id === 1) s.enqueue(later);
      if (p.id === 9 && ran.length < 6) s.enqueue(p); // re-queued while running
    });
    s.enqueue(proc(1));
    s.enqueue(proc(2));
    await turn();
    assert.deepEqual(ran, [1, 2, 9, 9, 9, 9]);
  });

  it('yields when the budget is spent and goes on in order in the next turn', async () => {
    const ran: number[] = [];
    const s = new Scheduler<P>((p) => ran.push(p.id), 100);
    const n = 2500;
    for (let i = 0; i < n; i++) s.enqueue(proc(i));
    await turn();
    assert.ok(ran.length > 0 && ran.length <= 200, `the budget bounds a turn (${ran.length})`);
    for (let i = n; i < n + 10; i++) s.enqueue(proc(i)); // behind the rest
    let before = ran.length;
    for (let k = 0; k < 100 && ran.length < n + 10; k++) {
      await turn();
      assert.ok(ran.length - before <= 200, `the budget bounds a turn (${ran.length - before})`);
      before = ran.length;
    }
    assert.deepEqual(
      ran,
      Array.from({ length: n + 10 }, (_, i) => i),
    );
    assert.equal(s.length, 0);
  });

  it('after a burst, a small queue works the same', async () => {
    const ran: number[] = [];
    const s = new Scheduler<P>((p) => ran.push(p.id), 1_000_000);
    for (let i = 0; i < 5000; i++) s.enqueue(proc(i));
    await turn();
    assert.equal(ran.length, 5000);
    ran.length = 0;
    s.enqueue(proc(1));
    s.enqueue(proc(2));
    assert.equal(s.length, 2);
    await turn();
    assert.deepEqual(ran, [1, 2]);
  });

  it('reports a run that throws and keeps the queue going', async () => {
    const ran: number[] = [];
    const errors: unknown[] = [];
    const s = new Scheduler<P>(
      (p) => {
        if (p.id === 2) throw new Error('bug');
        ran.push(p.id);
      },
      undefined,
      (e) => errors.push(e),
    );
    for (const i of [1, 2, 3]) s.enqueue(proc(i));
    await turn();
    assert.deepEqual(ran, [1, 3]);
    assert.equal(errors.length, 1);
  });
});

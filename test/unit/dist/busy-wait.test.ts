import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_BUSY_WAIT_US, busyWait, busyWaitState, noteTraffic } from '../../../src/dist/busy-wait.ts';
import { until } from '../../support/wait.ts';

test('dist/busy-wait: the window is set in microseconds, bad values are refused', () => {
  const before = busyWait();
  try {
    assert.equal(typeof DEFAULT_BUSY_WAIT_US, 'number');
    assert.equal(busyWait(500), before);
    assert.equal(busyWait(), 500);
    assert.equal(busyWaitState().windowUs, 500);
    assert.throws(() => busyWait(-1), RangeError);
    assert.throws(() => busyWait(Number.NaN), /microseconds/);
    assert.equal(busyWait(), 500, 'a refused value changes nothing');
  } finally {
    busyWait(before);
  }
});

test('dist/busy-wait: traffic makes the loop poll for the window, then it sleeps again', async () => {
  const before = busyWait(2000);
  try {
    await until(() => !busyWaitState().spinning && busyWaitState().pausedMs === 0, 'idle at the start', 5000);
    let turns = 0;
    noteTraffic();
    assert.equal(busyWaitState().spinning, true);
    // While it spins the loop keeps turning: immediates keep running back to back.
    await new Promise<void>((resolve) => {
      const step = (): void => {
        turns++;
        if (!busyWaitState().spinning) resolve();
        else setImmediate(step);
      };
      setImmediate(step);
    });
    // (A loaded machine may pause the spin at once: contention, tested below.)
    assert.ok(turns > 1 || busyWaitState().pausedMs > 0, `the loop turned ${turns} times while spinning`);
    assert.equal(busyWaitState().spinning, false, 'stops once the window passes without traffic');
  } finally {
    busyWait(before);
  }
});

test('dist/busy-wait: off at 0; a spin that loses the CPU pauses (contention)', async () => {
  const before = busyWait(0);
  try {
    noteTraffic();
    assert.equal(busyWaitState().spinning, false, 'window 0: never spins');
    // The longest window (1 s): on a loaded machine a 50 ms one could run out before the
    // next turn, and the spin would stop for the window rather than for contention.
    busyWait(1_000_000);
    await until(() => busyWaitState().pausedMs === 0, 'no pause left from an earlier test', 5000);
    noteTraffic();
    assert.equal(busyWaitState().spinning, true);
    // Block the thread without using CPU (as if another process had the core): the next
    // check sees much less CPU time than wall time and pauses the spinning.
    const pausesBefore = busyWaitState().pauses;
    setImmediate(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20));
    // Watch turn by turn (a timer-based wait could miss the short pause on a busy machine).
    let pausedSeen = 0;
    for (let i = 0; i < 100_000 && busyWaitState().spinning; i++) await new Promise((r) => setImmediate(r));
    const state = busyWaitState();
    pausedSeen = state.pausedMs;
    assert.equal(state.spinning, false, 'spinning stopped');
    assert.equal(state.pauses, pausesBefore + 1, 'stopped for contention, not for the window');
    if (pausedSeen > 1) {
      noteTraffic();
      assert.equal(busyWaitState().spinning, false, 'traffic during the pause does not restart it');
    }
  } finally {
    busyWait(before);
  }
});

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
    // Spins are checked once they have lasted a millisecond (shorter ones never pay for
    // the check): let this one run a few, turn by turn. A loaded machine may pause it on
    // its own meanwhile (real contention): then wait for the pause to end and start again.
    for (let attempt = 0; ; attempt++) {
      await until(() => busyWaitState().pausedMs === 0, 'no pause left', 5000);
      noteTraffic();
      assert.equal(busyWaitState().spinning, true);
      const started = performance.now();
      while (performance.now() - started < 3 && busyWaitState().spinning) {
        await new Promise((r) => setImmediate(r));
      }
      if (busyWaitState().spinning) break;
      assert.ok(attempt < 20, 'the spin kept pausing on its own (a machine this loaded cannot test it)');
    }
    // Block the thread without using CPU (as if another process had the core): the next
    // check sees much less CPU time than wall time and pauses the spinning. The check counts
    // the whole process's CPU, and the process's own background threads (the compiler, the
    // garbage collector) can make up for a short block on a loaded machine: block up to
    // three times, each longer.
    const pausesBefore = busyWaitState().pauses;
    let pausedSeen = 0;
    for (let block = 20; block <= 80 && busyWaitState().spinning; block *= 2) {
      setImmediate(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, block));
      // Watch turn by turn (a timer-based wait could miss the short pause on a busy machine).
      for (let i = 0; i < 20_000 && busyWaitState().spinning; i++) await new Promise((r) => setImmediate(r));
    }
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

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_BUSY_WAIT_US,
  DEFAULT_READ_GAP_US,
  SMALL_STREAM_BYTES,
  busyWait,
  busyWaitState,
  flushInTurn,
  noteRead,
  noteReadBytes,
  noteTraffic,
  noteWrite,
  readGap,
} from '../../../src/dist/busy-wait.ts';
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

test('dist/busy-wait: the read gap is set in microseconds, bad values are refused', () => {
  const before = readGap();
  try {
    assert.equal(before, Number(process.env.BEAMLINK_READ_GAP || DEFAULT_READ_GAP_US));
    assert.equal(readGap(40), before);
    assert.equal(readGap(), 40);
    assert.throws(() => readGap(-1), RangeError);
    assert.throws(() => readGap(Number.POSITIVE_INFINITY), /microseconds/);
    assert.equal(readGap(), 40, 'a refused value changes nothing');
  } finally {
    readGap(before);
  }
});

/** Turns of the event loop while `each` runs in every one; the longest time between two. */
async function longestTurn(turns: number, each: (i: number) => void): Promise<number> {
  let longest = 0;
  let last = performance.now();
  for (let i = 0; i < turns; i++) {
    each(i);
    await new Promise((r) => setImmediate(r));
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }
  return longest;
}

test('dist/busy-wait: a stream of reads makes the next poll wait; a reply written or a lone read does not', async () => {
  const before = busyWait(1_000_000);
  const gapBefore = readGap(100_000); // 100 ms: far above any turn of an idle loop
  try {
    await until(() => busyWaitState().pausedMs === 0, 'no pause left', 5000);
    noteTraffic();
    // Two reads, then quiet turns: no turn waits.
    const lone = await longestTurn(6, (i) => i < 2 && noteRead());
    // Reads and writes in every turn (requests and their replies): no turn waits.
    const replies = await longestTurn(6, () => {
      noteRead();
      noteWrite();
    });
    // Reads in every turn and nothing written (a stream): the turns after the third wait.
    const stream = await longestTurn(5, () => noteRead());
    if (busyWaitState().pauses === 0 || busyWaitState().spinning) {
      assert.ok(stream >= 100, `a stream's turns wait for the gap (longest turn ${stream.toFixed(1)} ms)`);
      assert.ok(lone < 100, `two reads alone do not (longest turn ${lone.toFixed(1)} ms)`);
      assert.ok(replies < 100, `reads answered by writes do not (longest turn ${replies.toFixed(1)} ms)`);
    }
    // Off at 0: a stream is read as eagerly as a reply.
    readGap(0);
    const eager = await longestTurn(5, () => noteRead());
    assert.ok(eager < 100, `gap 0: no waits (longest turn ${eager.toFixed(1)} ms)`);
  } finally {
    readGap(gapBefore);
    busyWait(before);
  }
});

/**
 * Six turns of a stream that reads in every turn (`read`): the turns that waited for a
 * gap of 100 ms, and the least CPU time the process took in one of them (background
 * threads, a compiler's or the collector's, can add to any single turn).
 */
async function gapTurns(read: () => void): Promise<{ gaps: number; leastCpuMs: number }> {
  let gaps = 0;
  let leastCpuMs = Infinity;
  for (let i = 0; i < 6; i++) {
    const start = performance.now();
    const cpu0 = process.cpuUsage();
    read();
    await new Promise((r) => setImmediate(r));
    const cpu = process.cpuUsage(cpu0);
    if (performance.now() - start < 100) continue;
    gaps++;
    leastCpuMs = Math.min(leastCpuMs, (cpu.user + cpu.system) / 1000);
  }
  return { gaps, leastCpuMs };
}

test('dist/busy-wait: a stream of small reads sleeps through its gap, one of large reads spins', async () => {
  const before = busyWait(1_000_000);
  const gapBefore = readGap(100_000); // 100 ms
  try {
    // A loaded machine may pause a spin for real contention (tested above): up to three
    // tries for a small stream without a pause; the large one's figures count only when it
    // was not paused either.
    let small = { gaps: 0, leastCpuMs: Infinity };
    let large = small;
    let largePaused = true;
    let smallPaused = 0;
    for (let attempt = 0; attempt < 3; attempt++) {
      await until(() => busyWaitState().pausedMs === 0, 'no pause left', 5000);
      const pauses = busyWaitState().pauses;
      noteTraffic();
      small = await gapTurns(() => noteRead(SMALL_STREAM_BYTES - 1));
      const afterSmall = busyWaitState().pauses;
      // Large reads counted by a direct reader (bytes apart from the traffic they make).
      large = await gapTurns(() => {
        noteReadBytes(SMALL_STREAM_BYTES);
        noteRead();
      });
      largePaused = busyWaitState().pauses !== afterSmall;
      if (afterSmall === pauses) break;
      smallPaused++;
    }
    assert.ok(smallPaused < 3, 'sleeping through a gap is not taken for contention (paused in 3 tries)');
    assert.ok(small.gaps >= 3, `small reads wait for the gap (${small.gaps} of 6 turns)`);
    // Asleep the process takes next to no CPU in a gap; spinning, whatever the OS gives it.
    assert.ok(small.leastCpuMs < 30, `asleep: ${small.leastCpuMs.toFixed(1)} ms of CPU in a 100 ms gap`);
    if (!largePaused) {
      assert.ok(large.gaps >= 5, `large reads wait for the gap (${large.gaps} of 6 turns)`);
      assert.ok(
        large.leastCpuMs > 10 && large.leastCpuMs > small.leastCpuMs * 3,
        `spinning: ${large.leastCpuMs.toFixed(1)} ms of CPU in a 100 ms gap (asleep: ${small.leastCpuMs.toFixed(1)} ms)`,
      );
    }
  } finally {
    readGap(gapBefore);
    busyWait(before);
  }
});

test('dist/busy-wait: flushInTurn runs a flush in the next turn while spinning, else declines', async () => {
  const before = busyWait(0);
  try {
    await until(() => !busyWaitState().spinning, 'an earlier spin ends once turned off', 5000);
    assert.equal(flushInTurn(() => assert.fail('not spinning: never queued')), false);
    busyWait(1_000_000);
    await until(() => busyWaitState().pausedMs === 0, 'no pause left', 5000);
    noteTraffic();
    assert.equal(busyWaitState().spinning, true);
    const order: string[] = [];
    assert.equal(
      flushInTurn(() => order.push('flush')),
      true,
    );
    // The turn's immediate was queued before this one: the flush has run when it runs.
    await new Promise<void>((r) =>
      setImmediate(() => {
        order.push('immediate');
        r();
      }),
    );
    assert.deepEqual(order, ['flush', 'immediate']);
  } finally {
    busyWait(before);
  }
});

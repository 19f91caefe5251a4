import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ticker } from '../../../src/dist/ticker.ts';

test('dist/ticker: ticks when idle, not when writing; times out after 4 silent checks', async () => {
  let ticks = 0;
  let timedOut = 0;
  const t = new Ticker(100, { tick: () => ticks++, timeout: () => timedOut++ });
  t.start();
  // Keep reading for a while: no timeout; idle writes: ticks.
  const reader = setInterval(() => t.read(), 10);
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(ticks >= 2, `${ticks} ticks`);
  assert.equal(timedOut, 0);
  // Writing all the time: no ticks needed.
  const writer = setInterval(() => t.wrote(), 5);
  const before = ticks;
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(ticks - before <= 1);
  clearInterval(writer);
  clearInterval(reader);
  const silentFrom = Date.now();
  while (timedOut === 0 && Date.now() - silentFrom < 3000) await new Promise((r) => setTimeout(r, 5));
  const elapsed = Date.now() - silentFrom;
  assert.equal(timedOut, 1);
  // 4 silent checks of 25 ms: 75–125 ms on an idle machine; slack for a loaded one.
  assert.ok(elapsed >= 75 && elapsed <= 1000, `timed out after ${elapsed} ms`);
  t.stop();
});

test('dist/ticker: setTickTime validates and takes effect', () => {
  const t = new Ticker(1000, { tick: () => {}, timeout: () => {} });
  assert.throws(() => t.setTickTime(0), RangeError);
  t.setTickTime(500);
  assert.equal(t.tickTime, 500);
});

// Model-based properties of the restart-intensity tracker against an independent model:
// "terminate iff more than MaxR restarts (this one included) happened at whole seconds
// t >= now - MaxT", which is what supervisor.erl's add_restart/3 computes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { RestartIntensity } from '../../src/otp/restart-intensity.ts';

function modelVerdict(history: number[], nowMs: number, intensity: number, period: number) {
  const now = Math.floor(nowMs / 1000);
  const inWindow = history.filter((ms) => Math.floor(ms / 1000) >= now - period).length;
  return inWindow > intensity ? 'terminate' : 'ok';
}

test('otp/restart-intensity: verdicts match the window model for random restart times', () => {
  let restarts = 0;
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 6 }),
      fc.integer({ min: 1, max: 8 }),
      fc.array(fc.integer({ min: 0, max: 4000 }), { minLength: 1, maxLength: 60 }),
      (intensity, period, gaps) => {
        let t = 0;
        const tracker = new RestartIntensity({ intensity, period, now: () => t });
        const history: number[] = [];
        for (const gap of gaps) {
          t += gap;
          history.push(t);
          restarts++;
          const expected = modelVerdict(history, t, intensity, period);
          assert.equal(tracker.addRestart(), expected, `at ${t} ms after ${history.length}`);
          assert.ok(tracker.restarts.length <= intensity + 1);
          if (expected === 'terminate') return; // the supervisor is gone
        }
      },
    ),
    { numRuns: 3000 },
  );
  assert.ok(restarts > 5000, `only ${restarts} restarts were checked`);
});

test('otp/restart-intensity: MaxR restarts in one second are allowed, MaxR+1 terminate', () => {
  for (let intensity = 0; intensity <= 5; intensity++) {
    const tracker = new RestartIntensity({ intensity, period: 5, now: () => 1234 });
    for (let i = 0; i < intensity; i++) assert.equal(tracker.addRestart(), 'ok');
    assert.equal(tracker.addRestart(), 'terminate');
  }
});

test('otp/restart-intensity: a restart exactly MaxT whole seconds earlier still counts', () => {
  let t = 10_999;
  const tracker = new RestartIntensity({ intensity: 1, period: 5, now: () => t });
  assert.equal(tracker.addRestart(), 'ok'); // second 10
  t = 15_000; // second 15: 10 >= 15 - 5, so it is still inside the window
  assert.equal(tracker.addRestart(), 'terminate');
  const later = new RestartIntensity({ intensity: 1, period: 5, now: () => t });
  t = 10_999;
  assert.equal(later.addRestart(), 'ok');
  t = 16_000; // second 16: 10 < 11, outside
  assert.equal(later.addRestart(), 'ok');
  assert.deepEqual(later.restarts, [16]);
});

test('otp/restart-intensity: intensity 0 terminates on the first restart', () => {
  const tracker = new RestartIntensity({ intensity: 0, period: 1, now: () => 0 });
  assert.equal(tracker.addRestart(), 'terminate');
});

test('otp/restart-intensity: rejects invalid flags as supervisor.erl does', () => {
  assert.throws(() => new RestartIntensity({ intensity: -1 }), RangeError);
  assert.throws(() => new RestartIntensity({ intensity: 1.5 }), RangeError);
  assert.throws(() => new RestartIntensity({ period: 0 }), RangeError);
  const d = new RestartIntensity();
  assert.deepEqual([d.intensity, d.period], [3, 5]);
});

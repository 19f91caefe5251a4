/**
 * Busy waiting after distribution traffic, like BEAM's scheduler busy wait (`+sbwt`).
 *
 * A process that sleeps in `epoll_wait` between a request and its reply pays the
 * operating system's wake-up time on every message: on a loopback ping-pong between two
 * Node processes that is most of the round trip (about 55–75 µs of a 60–80 µs p50 here,
 * against 11–13 µs when neither side sleeps). BEAM's schedulers spin for a while before
 * they sleep for the same reason. After every read or write on a distribution socket the
 * event loop keeps polling without sleeping for {@link busyWait} microseconds: it stays
 * in its loop (`setImmediate` turns, each an `epoll_wait` with a zero timeout, a few
 * microseconds of JavaScript busy waiting in between), so a reply is seen as soon as it
 * arrives. Timers, other I/O and every process keep running during the wait; it only
 * costs CPU, and only until the traffic stops for the window's length.
 *
 * Spinning only pays while the process has a core to itself. When other threads want the
 * cores (over a millisecond of spinning, the process got less than 60% of it as CPU
 * time), it stops and stays off
 * for 20 ms, doubling up to 1 s while the contention lasts, so an overloaded machine
 * sees plain sleeping event loops.
 *
 * The setting is per OS process (there is one event loop), default
 * {@link DEFAULT_BUSY_WAIT_US}; `0` turns it off. `BEAMLINK_BUSY_WAIT=<µs>` in the
 * environment sets the starting value.
 *
 * @module
 */
import { performance } from 'node:perf_hooks';

/** The default busy-wait window in microseconds (BEAM's `+sbwt medium` is of this order). */
export const DEFAULT_BUSY_WAIT_US = 200;

/** How long one turn busy waits in JavaScript before it polls again (fewer turns, less garbage). */
const TURN_MS = 0.002;
/** Iterations of {@link spinLoop} that take about TURN_MS, adjusted after every idle turn. */
let spinIters = 256;
let spinSink = 0;
/** How often a spin checks that it got the CPU it asked for (ms of wall time). */
const CHECK_MS = 1;
/** Below this share of CPU per wall time while spinning, the cores are contended. */
const MIN_CPU_SHARE = 0.6;
/** The first pause after contention, doubling while it persists, up to the maximum. */
const BACKOFF_MIN_MS = 20;
const BACKOFF_MAX_MS = 1000;

let windowMs = initialWindow();
let until = 0;
let active = false;
let spinning = false;
// Contention check: the wall time and the CPU time of the process since the last check.
let checkWall = 0;
let checkCpu = 0;
let backoffMs = BACKOFF_MIN_MS;
let pausedUntil = 0;
let pauses = 0;

function initialWindow(): number {
  const env = process.env['BEAMLINK_BUSY_WAIT'];
  if (env === undefined || env === '') return DEFAULT_BUSY_WAIT_US / 1000;
  const us = Number(env);
  return Number.isFinite(us) && us >= 0 ? Math.min(us, 1_000_000) / 1000 : DEFAULT_BUSY_WAIT_US / 1000;
}

/**
 * Sets the busy-wait window in microseconds for this OS process (`0` turns it off) and
 * returns the previous one. Larger windows cost more CPU after traffic stops; they help
 * when replies take longer than the window.
 *
 * @example
 * ```ts
 * import { busyWait } from 'beamlink/dist';
 * busyWait(0); // never spin: lowest CPU use, higher latency
 * busyWait(500); // keep polling 500 µs after each message
 * ```
 */
export function busyWait(us?: number): number {
  const previous = Math.round(windowMs * 1000);
  if (us === undefined) return previous;
  if (typeof us !== 'number' || !Number.isFinite(us) || us < 0) {
    throw new RangeError(`busyWait: expected microseconds >= 0, got ${String(us)}`);
  }
  windowMs = Math.min(us, 1_000_000) / 1000;
  return previous;
}

/**
 * Notes traffic on a distribution socket: the event loop keeps polling for the window.
 * Cheap enough to call on every read and write.
 *
 * @example
 * ```ts
 * socket.on('data', (chunk) => { noteTraffic(); reader.push(chunk); });
 * ```
 */
export function noteTraffic(): void {
  if (windowMs === 0) return;
  active = true;
  if (spinning) return;
  const now = performance.now();
  if (now < pausedUntil) return;
  spinning = true;
  until = now + windowMs;
  // The contention check's CPU baseline is taken once the spin has lasted CHECK_MS, not
  // here or in the first turn: process.cpuUsage() costs a system call and an object (some
  // 20 µs cold), and most spins are shorter than that (a served call's reply, then quiet).
  // With many short spins (16 callers) it was 8% of the server's CPU.
  checkCpu = -1;
  checkWall = -1;
  setImmediate(turn);
}

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

function turn(): void {
  const now = performance.now();
  const traffic = active;
  if (traffic) {
    active = false;
    until = now + windowMs;
  } else if (now >= until) {
    spinning = false;
    backoffMs = BACKOFF_MIN_MS;
    return;
  }
  if (checkCpu < 0) {
    if (checkWall < 0) {
      checkWall = now; // the spin's first turn
    } else if (now - checkWall >= CHECK_MS) {
      checkWall = now; // a spin this long is checked from here on
      checkCpu = cpuMicros();
    }
  } else if (now - checkWall >= CHECK_MS) {
    // Spinning never sleeps, so the process should have had the CPU the whole time. If it
    // had much less, other threads want these cores: stop spinning for a while (a spinning
    // process would only delay the peer it waits for), longer each time it happens again.
    const cpu = cpuMicros();
    if (cpu - checkCpu < (now - checkWall) * 1000 * MIN_CPU_SHARE) {
      spinning = false;
      pauses++;
      pausedUntil = now + backoffMs;
      backoffMs = Math.min(backoffMs * 2, BACKOFF_MAX_MS);
      return;
    }
    checkWall = now;
    checkCpu = cpu;
  }
  // With nothing read or written since the last turn, wait a little here before the next
  // poll (fewer turns: each allocates an Immediate and polls). The wait is arithmetic sized
  // to TURN_MS, not a loop on the clock: performance.now() returns a 32-byte heap number
  // wherever its result is not kept unboxed, and a 2 µs wait on it made up to ~850 bytes of
  // garbage, most of a served call's allocation (rpc/alloc.ts). A busy loop goes straight on.
  if (!traffic) {
    spinLoop(spinIters);
    const took = performance.now() - now;
    if (took > 0) spinIters = nextSpinIters(spinIters, took);
  }
  setImmediate(turn);
}

/** A loop the compiler cannot drop (its result is kept), of `n` cheap iterations. */
function spinLoop(n: number): void {
  let x = spinSink;
  for (let i = 0; i < n; i++) x = (x + i) & 0x3fff; // small integers: no heap numbers in any tier
  spinSink = x;
}

/** Moves the iteration count toward TURN_MS (smoothed, at most 4x per turn, within bounds). */
function nextSpinIters(iters: number, tookMs: number): number {
  const factor = Math.min(4, 0.7 + (0.3 * TURN_MS) / tookMs);
  return Math.max(16, Math.min(1 << 20, Math.round(iters * factor)));
}

/**
 * What the busy wait is doing now, for diagnostics and tests: `spinning` while the event
 * loop polls without sleeping, `pausedMs` left of a pause after contention, `pauses` so
 * far in this process.
 *
 * @example
 * ```ts
 * busyWaitState(); // { windowUs: 200, spinning: false, pausedMs: 0, pauses: 0 }
 * ```
 */
export function busyWaitState(): { windowUs: number; spinning: boolean; pausedMs: number; pauses: number } {
  return {
    windowUs: Math.round(windowMs * 1000),
    spinning,
    pausedMs: Math.max(0, pausedUntil - performance.now()),
    pauses,
  };
}

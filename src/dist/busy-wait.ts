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
 * Reading as soon as bytes arrive is right for a reply, wrong for a stream. A peer that
 * writes many small messages back to back (a BEAM node writes one segment per message)
 * would otherwise be read a message or two at a time; every read that empties the socket
 * makes the kernel acknowledge at once, and every acknowledgement lets the sender put its
 * next message in a segment of its own rather than add it to one still queued. On
 * loopback the sender pays for each segment and for our side's receive of it: an erl
 * node sending to beamlink spent 13–37% more CPU per message than sending to erl, whose
 * receiver reads about a third as often. So when bytes were read in three turns in a row
 * and nothing was written in them (a stream that waits for nothing from us), the next poll
 * waits {@link readGap} microseconds (default {@link DEFAULT_READ_GAP_US},
 * `BEAMLINK_READ_GAP=<µs>` in the environment): the stream is read in fewer, larger
 * reads. A turn that wrote never waits, since the peer may be waiting for what it wrote (a
 * reply: an erl caller's next request follows it within microseconds), and writes are
 * flushed before a wait ({@link flushInTurn}).
 *
 * A stream of small messages waits out its gap asleep (`Atomics.wait`), not spinning: the
 * sender wants the CPU more than we do. An erl node sending from the same machine writes
 * with two scheduler threads at once when it can get the cores for them, and spinning
 * through the gaps took the second core (one-way from erl on 2 cores, interleaved rounds:
 * 283 k → 326 k msg/s asleep, our CPU per round 1,050 → 370 ms). A sleep lasts at least the
 * gap, often up to 50 µs more (the kernel's timer slack, and waking up), and the contention
 * check below does not count it. A stream that reads {@link SMALL_STREAM_BYTES} or more per
 * turn (large messages) spins through its gap as before: asleep, 1 MiB binaries arrived
 * 15% slower, their reads coming back to the socket later.
 *
 * @module
 */
import { performance } from 'node:perf_hooks';

/** The default busy-wait window in microseconds (BEAM's `+sbwt medium` is of this order). */
export const DEFAULT_BUSY_WAIT_US = 200;

/** The default pause before the next read of a stream, in microseconds (see the module doc). */
export const DEFAULT_READ_GAP_US = 25;

/**
 * Below this many bytes read in a turn, a stream's gap is slept through rather than spun
 * (module doc).
 */
export const SMALL_STREAM_BYTES = 16 * 1024;

/** How long one turn busy waits in JavaScript before it polls again (fewer turns, less garbage). */
const TURN_MS = 0.002;
/** Iterations of {@link spinLoop} that take about TURN_MS, adjusted after every spin. */
let spinIters = 256;
let spinSink = 0;
/** How often a spin checks that it got the CPU it asked for (ms of wall time). */
const CHECK_MS = 1;
/** Below this share of CPU per wall time while spinning, the cores are contended. */
const MIN_CPU_SHARE = 0.6;
/** The first pause after contention, doubling while it persists, up to the maximum. */
const BACKOFF_MIN_MS = 20;
const BACKOFF_MAX_MS = 1000;

let windowMs = microsFromEnv('BEAMLINK_BUSY_WAIT', DEFAULT_BUSY_WAIT_US) / 1000;
let gapMs = microsFromEnv('BEAMLINK_READ_GAP', DEFAULT_READ_GAP_US) / 1000;
/** Bytes were read, written, since the last turn; how many were read. */
let reading = false;
let writing = false;
let readBytes = 0;
/** What a stream's gap sleeps on (never notified: the wait always times out). */
const gapCell = new Int32Array(new SharedArrayBuffer(4));
/** Turns in a row that read and did not write: a stream when STREAM_TURNS or more. */
let quietReads = 0;
const STREAM_TURNS = 3;
/** Flushes to run at the start of the next turn (see {@link flushInTurn}). */
const flushes: (() => void)[] = [];
let until = 0;
let active = false;
let spinning = false;
// Contention check: the wall time and the CPU time of the process since the last check.
let checkWall = 0;
let checkCpu = 0;
/** Wall time slept on purpose (a stream's gaps) since the check's start: not contention. */
let checkSlept = 0;
let backoffMs = BACKOFF_MIN_MS;
let pausedUntil = 0;
let pauses = 0;

/** Microseconds from an environment variable, the default when unset or not a number >= 0. */
function microsFromEnv(name: string, fallback: number): number {
  const env = process.env[name];
  if (env === undefined || env === '') return fallback;
  const us = Number(env);
  return Number.isFinite(us) && us >= 0 ? Math.min(us, 1_000_000) : fallback;
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
  if (us !== undefined) windowMs = millisFrom('busyWait', us);
  return previous;
}

/** A setting's microseconds as milliseconds (at most 1 s); a RangeError for anything else. */
function millisFrom(setting: string, us: unknown): number {
  if (typeof us !== 'number' || !Number.isFinite(us) || us < 0) {
    throw new RangeError(`${setting}: expected microseconds >= 0, got ${String(us)}`);
  }
  return Math.min(us, 1_000_000) / 1000;
}

/**
 * Sets the pause before the next read of a stream, in microseconds, for this OS process
 * (`0` reads as soon as bytes arrive), and returns the previous one. It applies while the
 * busy wait spins, once bytes have been read in three turns of the event loop in a row
 * and nothing was written in them.
 *
 * @example
 * ```ts
 * import { readGap } from 'beamlink/dist';
 * readGap(); // 25
 * readGap(0); // read every stream as eagerly as a reply
 * ```
 */
export function readGap(us?: number): number {
  const previous = Math.round(gapMs * 1000);
  if (us !== undefined) gapMs = millisFrom('readGap', us);
  return previous;
}

/**
 * Notes bytes read from a distribution socket: like {@link noteTraffic}, and reads in
 * three turns in a row that wrote nothing make the next poll wait {@link readGap}. Give
 * the number of bytes where it is known (here or with {@link noteReadBytes}): a stream of
 * small reads sleeps through its gap, one of large reads spins (module doc).
 *
 * @example
 * ```ts
 * socket.on('data', (chunk) => { noteRead(chunk.length); reader.push(chunk); });
 * ```
 */
export function noteRead(bytes = 0): void {
  reading = true;
  readBytes += bytes;
  noteTraffic();
}

/**
 * Counts bytes read from a distribution socket without noting traffic: for a reader whose
 * reads and deliveries differ (direct-reads.ts reads a large message straight into its
 * buffer and delivers an empty chunk), so that each byte is counted once.
 *
 * @example
 * ```ts
 * const onread = { buffer, callback: (n: number) => (noteReadBytes(n), handle(n), true) };
 * ```
 */
export function noteReadBytes(bytes: number): void {
  readBytes += bytes;
}

/**
 * Notes bytes written to a distribution socket: like {@link noteTraffic}, and a turn that
 * wrote never waits {@link readGap} (the peer may be waiting for what was written).
 *
 * @example
 * ```ts
 * noteWrite();
 * socket.write(frame);
 * ```
 */
export function noteWrite(): void {
  writing = true;
  noteTraffic();
}

/**
 * Runs `flush` at the start of the busy wait's next turn, before that turn may wait, and
 * returns true; returns false when no turn is coming (not spinning), so the caller flushes
 * as it would have (`setImmediate`). A turn is an immediate queued before those of this
 * turn of the event loop, so the flush runs when it would have, not later.
 *
 * @example
 * ```ts
 * if (!flushInTurn(this.flushNow)) setImmediate(this.flushNow);
 * ```
 */
export function flushInTurn(flush: () => void): boolean {
  if (!spinning) return false;
  flushes.push(flush);
  return true;
}

/** Runs the flushes queued for this turn (one that throws does not stop the others). */
function runFlushes(): void {
  // Flushes queued while these run (a write's callback sending again) run in this loop too.
  for (let i = 0; i < flushes.length; i++) {
    const f = flushes[i]!;
    try {
      f();
    } catch (e) {
      // As an immediate's exception would have been: uncaught, after the other flushes.
      setImmediate(() => {
        throw e;
      });
    }
  }
  flushes.length = 0;
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
  quietReads = 0;
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
  const flushed = flushes.length > 0;
  if (flushed) runFlushes();
  if (windowMs === 0) {
    spinning = false; // turned off meanwhile
    return;
  }
  const now = performance.now();
  const traffic = active;
  // (Flushes have run: a reply written this turn counts.)
  quietReads = reading && !writing ? quietReads + 1 : 0;
  const streaming = quietReads >= STREAM_TURNS;
  const small = readBytes < SMALL_STREAM_BYTES;
  reading = false;
  writing = false;
  readBytes = 0;
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
      checkSlept = 0;
    }
  } else if (now - checkWall >= CHECK_MS) {
    // Spinning never sleeps (but in a small stream's gaps, counted apart), so the process
    // should have had the CPU the rest of the time. If it had much less, other threads want
    // these cores: stop spinning for a while (a spinning process would only delay the peer
    // it waits for), longer each time it happens again.
    const cpu = cpuMicros();
    if (cpu - checkCpu < (now - checkWall - checkSlept) * 1000 * MIN_CPU_SHARE) {
      spinning = false;
      pauses++;
      pausedUntil = now + backoffMs;
      backoffMs = Math.min(backoffMs * 2, BACKOFF_MAX_MS);
      return;
    }
    checkWall = now;
    checkCpu = cpu;
    checkSlept = 0;
  }
  // With nothing read or written since the last turn, wait a little here before the next
  // poll (fewer turns: each allocates an Immediate and polls). The wait is arithmetic sized
  // to TURN_MS, not a loop on the clock: performance.now() returns a 32-byte heap number
  // wherever its result is not kept unboxed, and a 2 µs wait on it made up to ~850 bytes of
  // garbage, most of a served call's allocation (rpc/alloc.ts). A busy loop goes straight on.
  if (!traffic) {
    spinTurn(now);
  } else if (streaming && gapMs > 0) {
    // A stream: let more of it arrive before the next read (module doc). Small messages:
    // asleep, leaving the CPU to the sender. Large ones: in spins of TURN_MS (the clock read
    // once per spin, not in a loop: see above).
    if (small) {
      Atomics.wait(gapCell, 0, 0, gapMs);
      checkSlept += performance.now() - now;
    } else {
      const end = now + gapMs;
      for (let t = now; t < end; ) t = spinTurn(t);
    }
  }
  // What the flushes wrote also counts as the next turn's traffic (it polls at once, without
  // the idle turn's short wait), as when they ran after this turn in immediates of their own.
  if (flushed) active = true;
  setImmediate(turn);
}

/** Busy waits about TURN_MS from `start` (ms), recalibrating; returns the clock after it. */
function spinTurn(start: number): number {
  spinLoop(spinIters);
  const after = performance.now();
  if (after > start) spinIters = nextSpinIters(spinIters, after - start);
  return after;
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

/**
 * The net tick (kernel's `net_ticktime`; nats `heartbeats.ts`): every `tickTime / 4`
 * the ticker checks both directions.
 *
 * - Nothing written since the last check → send a tick (a zero-length frame).
 * - Nothing read for 4 checks in a row → the peer is gone: `onTimeout` (the connection
 *   closes with reason `net_tick_timeout`). The peer is declared down between `tickTime`
 *   and `1.25 × tickTime` after it went silent, inside BEAM's `[0.75T, 1.25T]` window.
 *
 * The connection reports activity with {@link Ticker.read} / {@link Ticker.wrote}: two
 * boolean stores on the hot path, no clock reads.
 *
 * @module
 */

/**
 * BEAM's default net_ticktime: 60 s.
 *
 * @example
 * ```ts
 * const ticker = new Ticker(DEFAULT_TICK_TIME_MS, { tick: sendTick, timeout: closeConnection });
 * ```
 */
export const DEFAULT_TICK_TIME_MS = 60_000;

/**
 * Checks per tick time (net_tickintensity's default).
 *
 * @example
 * ```ts
 * const checkEveryMs = DEFAULT_TICK_TIME_MS / TICK_INTENSITY; // 15 s
 * ```
 */
export const TICK_INTENSITY = 4;

/**
 * Sends ticks and detects a silent peer.
 *
 * @example
 * ```ts
 * const ticker = new Ticker(60_000, { tick: () => write(TICK_FRAME), timeout: () => close('net_tick_timeout') });
 * ticker.start();
 * socket.on('data', () => ticker.read());
 * ```
 */
export class Ticker {
  private tickTimeMs: number;
  private readonly tick: () => void;
  private readonly timeout: () => void;
  private timer: NodeJS.Timeout | undefined;
  private readSince = true;
  private wroteSince = false;
  private silentChecks = 0;

  constructor(tickTimeMs: number, handlers: { tick: () => void; timeout: () => void }) {
    this.tickTimeMs = tickTimeMs;
    this.tick = handlers.tick;
    this.timeout = handlers.timeout;
  }

  /** The tick time in milliseconds. */
  get tickTime(): number {
    return this.tickTimeMs;
  }

  /** Checks that found nothing read, in a row. */
  get silent(): number {
    return this.silentChecks;
  }

  /** Something arrived from the peer. */
  read(): void {
    this.readSince = true;
  }

  /** Something was written to the peer. */
  wrote(): void {
    this.wroteSince = true;
  }

  start(): void {
    this.stop();
    this.timer = setInterval(() => this.check(), Math.max(1, Math.floor(this.tickTimeMs / TICK_INTENSITY)));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Changes the tick time (restarts the interval; the silence count is kept). */
  setTickTime(ms: number): void {
    if (!(ms > 0)) throw new RangeError(`tick time must be positive, got ${ms}`);
    this.tickTimeMs = ms;
    if (this.timer) this.start();
  }

  private check(): void {
    if (this.readSince) {
      this.silentChecks = 0;
    } else if (++this.silentChecks >= TICK_INTENSITY) {
      this.stop();
      this.timeout();
      return;
    }
    this.readSince = false;
    if (!this.wroteSince) this.tick();
    this.wroteSince = false;
  }
}

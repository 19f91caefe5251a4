/**
 * Restart intensity: how a supervisor decides that its children crash too often.
 *
 * A supervisor allows at most `intensity` restarts within any `period` seconds; the
 * restart that would make it `intensity + 1` makes the supervisor give up (it logs
 * `reached_max_restart_intensity` and exits with reason `shutdown`, escalating to its own
 * supervisor).
 *
 * This mirrors supervisor.erl's `add_restart/1,3` (stdlib 4.2) exactly, including its
 * unit: restart times are whole seconds of monotonic time (`erlang:monotonic_time(1)`,
 * which floors), and a restart made exactly `period` seconds before the current one still
 * counts (`R >= Now - Period`). Elixir's DynamicSupervisor counts the same way.
 *
 * ```erlang
 * add_restart(Restarts0, Now, Period) ->
 *     Treshold = Now - Period,
 *     Restarts1 = lists:takewhile(fun (R) -> R >= Treshold end, Restarts0),
 *     [Now | Restarts1].
 * %% terminate when length(Restarts) > Intensity
 * ```
 *
 * The list never holds more than `intensity + 1` entries: one more restart than that is a
 * termination. So each restart costs O(intensity) at worst, independent of the number of
 * children.
 *
 * @module
 */

/**
 * A monotonic clock in milliseconds. The default is `performance.now()`; tests inject a
 * fake one so that the intensity window does not depend on real time.
 *
 * @example
 * ```ts
 * let t = 0;
 * const now: Clock = () => t;
 * ```
 */
export type Clock = () => number;

/** The default clock: `performance.now()` (milliseconds, monotonic). */
export const monotonicClock: Clock = () => performance.now();

/**
 * Options of a {@link RestartIntensity} (and of every supervisor).
 *
 * @example
 * ```ts
 * const opts: RestartIntensityOptions = { intensity: 3, period: 5 };
 * ```
 */
export interface RestartIntensityOptions {
  /** Most restarts allowed within `period` seconds (`MaxR`, a non-negative integer). Default 3. */
  readonly intensity?: number;
  /** The window in seconds (`MaxT`, a positive integer). Default 5. */
  readonly period?: number;
  /** Monotonic milliseconds; default `performance.now()`. */
  readonly now?: Clock;
}

/**
 * The default `intensity` (Elixir's `max_restarts`).
 *
 * @example
 * ```ts
 * new RestartIntensity({}).intensity === DEFAULT_INTENSITY; // true (3)
 * ```
 */
export const DEFAULT_INTENSITY = 3;
/**
 * The default `period` in seconds (Elixir's `max_seconds`).
 *
 * @example
 * ```ts
 * new RestartIntensity({}).period === DEFAULT_PERIOD; // true (5 s)
 * ```
 */
export const DEFAULT_PERIOD = 5;

/**
 * Counts restarts in a sliding window exactly as supervisor.erl does.
 *
 * @example
 * ```ts
 * let ms = 0;
 * const r = new RestartIntensity({ intensity: 1, period: 5, now: () => ms });
 * r.addRestart(); // 'ok'
 * ms = 4_000;
 * r.addRestart(); // 'terminate' (2 restarts within 5 s, only 1 allowed)
 * ```
 */
export class RestartIntensity {
  readonly intensity: number;
  readonly period: number;
  readonly #now: Clock;
  /** Restart times in whole seconds, newest first (supervisor.erl's `#state.restarts`). */
  #restarts: number[] = [];

  constructor(options: RestartIntensityOptions = {}) {
    const intensity = options.intensity ?? DEFAULT_INTENSITY;
    const period = options.period ?? DEFAULT_PERIOD;
    if (!Number.isInteger(intensity) || intensity < 0) {
      throw new RangeError(`intensity must be a non-negative integer, got ${String(intensity)}`);
    }
    if (!Number.isInteger(period) || period <= 0) {
      throw new RangeError(`period must be a positive integer, got ${String(period)}`);
    }
    this.intensity = intensity;
    this.period = period;
    this.#now = options.now ?? monotonicClock;
  }

  /**
   * Records one restart now. `'ok'` when the supervisor may restart the child;
   * `'terminate'` when this restart exceeds the intensity (the supervisor must shut down).
   */
  addRestart(): 'ok' | 'terminate' {
    const now = Math.floor(this.#now() / 1000);
    const threshold = now - this.period;
    const kept: number[] = [now];
    for (const r of this.#restarts) {
      if (r < threshold) break; // lists:takewhile
      kept.push(r);
    }
    this.#restarts = kept;
    return kept.length <= this.intensity ? 'ok' : 'terminate';
  }

  /** The restart times (whole seconds, newest first) inside the current window. */
  get restarts(): readonly number[] {
    return this.#restarts;
  }

  /** Plain data for introspection. */
  inspect(): { intensity: number; period: number; restarts: number[] } {
    return { intensity: this.intensity, period: this.period, restarts: [...this.#restarts] };
  }
}

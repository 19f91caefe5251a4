/**
 * The shape of a benchmark suite. Two kinds of group:
 *
 * - `BenchGroup`: workloads measured per operation by run.ts (CPU or wall clock, the
 *   operation may return a promise: it is awaited), each beside a BEAM twin in `beam/`
 *   whose `main/0,1` prints one line per workload, `<group>/<case> <nanoseconds per op>`.
 * - `BenchScenario`: a whole measurement (connections, peers, several OS processes) that
 *   times itself and returns rows of metrics, one column per side (beamlink↔beamlink,
 *   beamlink↔BEAM, BEAM↔BEAM...), its BEAM twin run inside the same scenario.
 *
 * To add benchmarks, write a `<layer>/<what>.bench.ts` that exports `groups` and/or
 * `scenarios` and list it in `suites.ts`.
 */

/** One workload: the same job done by each implementation. */
export interface BenchCase {
  /** The workload's name, e.g. `control tuple`; the BEAM twin prints the same name. */
  readonly name: string;
  /** Implementation name → one operation. `beamlink` first; others are comparisons. */
  readonly impls: Readonly<Record<string, () => unknown>>;
}

/** A group of workloads measuring one function, e.g. `term.encode`. */
export interface BenchGroup {
  readonly name: string;
  readonly cases: readonly BenchCase[];
  /** The Erlang module (file in bench/beam/) whose main/0 measures the BEAM side. */
  readonly beam?: string;
}

/** One metric of a scenario, e.g. `one-way small messages` in msg/s. */
export interface ScenarioRow {
  readonly name: string;
  /** `msg/s`, `calls/s`, `GB/s`, `µs`, `ms`. */
  readonly unit: string;
  /** Whether a larger number is better (rates) or worse (latencies). */
  readonly higherIsBetter: boolean;
  /** Column (side) → value; a missing side prints `–`. */
  readonly values: Readonly<Record<string, number | undefined>>;
  /**
   * Column → the target, as the largest acceptable ratio to the baseline column, counted
   * the way the tables count it (how many times worse: time / base time, base rate /
   * rate): `1` = at least as good as the baseline, `0.5` = twice as good, `2` = half as good.
   */
  readonly targets?: Readonly<Record<string, number>>;
}

/** What a scenario gets from run.ts. */
export interface ScenarioContext {
  /** `BENCH_QUICK=1`: smaller counts (a smoke run). */
  readonly quick: boolean;
  /** The OTP major version the BEAM twins run on (`BENCH_OTP`, default: the host's). */
  readonly otp: number | undefined;
  /** `BENCH_REPEAT=n`: how many times to measure each cell (the median is reported). */
  readonly repeat: number;
}

/** A self-timed measurement; `baseline` is the column the ratios are taken against. */
export interface BenchScenario {
  readonly name: string;
  readonly columns: readonly string[];
  readonly baseline: string;
  /**
   * Whether `run` repeats itself `ctx.repeat` times (interleaving its columns) and returns
   * medians; otherwise run.ts calls it `repeat` times and takes the median of each cell.
   */
  readonly repeats?: boolean;
  run(ctx: ScenarioContext): Promise<readonly ScenarioRow[]>;
}

/** What a suite module exports. */
export interface BenchSuite {
  readonly groups?: readonly BenchGroup[];
  readonly scenarios?: readonly BenchScenario[];
}

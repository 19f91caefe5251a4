/**
 * The shape of a benchmark suite: groups of workloads, each measured for one or more
 * TypeScript implementations and (optionally) a BEAM twin run in the same invocation.
 *
 * To add benchmarks, write a `<layer>/<what>.bench.ts` that exports `groups` and list it
 * in `suites.ts`. A BEAM twin is an Erlang module in `beam/` whose `main/0` prints one
 * line per workload, `<group>/<case> <nanoseconds per op>`, for the same group and case
 * names; run.ts compiles and runs it with the installed erl.
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

/** What a suite module exports. */
export interface BenchSuite {
  readonly groups: readonly BenchGroup[];
}

/**
 * Runs every benchmark suite (suites.ts) and its BEAM twins in one invocation and prints
 * Markdown tables of nanoseconds per operation (or a scenario's metrics) and ratios, with the machine, Node and
 * OTP versions.
 *
 *   npm run bench                       (from the repository root or bench/)
 *   npm run bench -- term.decode        only suites/groups/cases whose name contains the text
 *   npm run bench -- dist               (the suite distribution/dist); `process` brings
 *                                       process/process with gen_server.call
 *   BENCH_ONLY=dist npm run bench       only the suites/groups/scenarios whose name starts so
 *   BENCH_ONLY='dist$' npm run bench    only the one whose name is exactly that (not `dist floor`)
 *   node --import tsx run.ts --only dist   the same, run directly
 *   BENCH_ERL="chroot /var/tmp/beamlink-otp27 erl" BENCH_OTP=27 npm run bench   another erl
 *   BENCH_ROUNDS=3 npm run bench        best of 3 rounds on both sides (a busy machine)
 *   BENCH_CLOCK=wall npm run bench      wall time instead of CPU time
 *   BENCH_QUICK=1 npm run bench         smaller counts in the scenarios (a smoke run)
 *   BENCH_CC=cubic npm run bench        new TCP sockets use this congestion control for the run
 *                                       (root; the machine's is put back after, tcp-cc.ts)
 *   BENCH_REPEAT=3 npm run bench -- dist   each scenario cell measured 3 times (columns
 *                                       interleaved in every repeat), the median reported
 *
 * Scenarios (connections, peers) time themselves in wall time; the load average is printed
 * before and after each. A row with targets gets a `target` and a `met` column.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, copyFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { do_not_optimize } from 'mitata';
import type { BenchGroup, BenchScenario, ScenarioRow } from './registry.ts';
import { suites } from './suites.ts';
import { schedulerNote } from './sched.ts';
import { congestionControlFromEnv } from './tcp-cc.ts';

const args = process.argv.slice(2);
const onlyAt = args.indexOf('--only');
/**
 * `--only <x>` or `BENCH_ONLY=x`: suites (`process`) or groups/scenarios (`dist`,
 * `term.encode`) whose name starts so. (npm takes `--only` for itself: through
 * `npm run bench`, use `BENCH_ONLY` or the free text below.)
 */
const only = onlyAt >= 0 ? (args[onlyAt + 1] ?? '') : (process.env.BENCH_ONLY ?? '');
/** A free text: groups/cases whose `suite/group/case` name contains it. */
const filter = args.filter((_, i) => onlyAt < 0 || (i !== onlyAt && i !== onlyAt + 1))[0] ?? '';
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1));
/** `cpu` (default): CPU time per op, robust on a shared machine; `wall`: elapsed time. */
const clock = process.env.BENCH_CLOCK === 'wall' ? 'wall' : 'cpu';
const quick = process.env.BENCH_QUICK === '1';
const repeat = Math.max(1, Math.floor(Number(process.env.BENCH_REPEAT ?? 1)) || 1);

function now(): number {
  if (clock === 'wall') return Number(process.hrtime.bigint());
  const c = process.cpuUsage();
  return (c.user + c.system) * 1000;
}

/**
 * Time (ns) of n operations, each awaited when it returns a promise (a process or
 * GenServer workload completes asynchronously: its CPU time is spent in later ticks).
 */
async function batch(fn: () => unknown, n: number): Promise<number> {
  const t0 = now();
  for (let i = 0; i < n; i++) {
    const r = fn();
    if (r instanceof Promise) await r;
    else do_not_optimize(r);
  }
  return now() - t0;
}

/** Nanoseconds per call: batches doubling until one takes 0.2 s; best of three. */
async function perOp(fn: () => unknown): Promise<number> {
  let n = 1;
  while ((await batch(fn, n)) < 200e6) n *= 2;
  let best = Infinity;
  for (let i = 0; i < 3; i++) best = Math.min(best, (await batch(fn, n)) / n);
  return best;
}
const erl = (process.env.BENCH_ERL ?? 'erl').split(' ');
const beamDir = fileURLToPath(new URL('./beam/', import.meta.url));

function run(cmd: string[], cwd?: string): string {
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8', cwd, timeout: 600_000 });
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed: ${r.stderr || r.error}`);
  return r.stdout;
}

function otpVersion(): string {
  try {
    return run([
      ...erl,
      '-noshell',
      '-eval',
      'io:format("OTP ~s, erts ~s", [erlang:system_info(otp_release), erlang:system_info(version)]), halt().',
    ]);
  } catch {
    return 'erl not found';
  }
}

/** Compiles and runs beam/<module>.erl; returns `<group>/<case>` → ns per op. */
function runBeam(module: string): Map<string, number> {
  // Compile inside the erl's own root (a chroot sees only its /tmp), then run there.
  const chroot = erl[0] === 'chroot' ? erl[1]! : '';
  const dir = mkdtempSync(join(chroot ? join(chroot, 'tmp') : tmpdir(), 'beamlink-bench-'));
  const inside = chroot ? dir.slice(chroot.length) : dir;
  try {
    copyFileSync(join(beamDir, `${module}.erl`), join(dir, `${module}.erl`));
    run([
      ...erl,
      '-noshell',
      '-eval',
      `{ok, _} = compile:file("${inside}/${module}", [{outdir, "${inside}"}]), halt().`,
    ]);
    // One scheduler, no busy-waiting: the twin measures one process, as Node runs one thread.
    const out = run([
      ...erl,
      '+S',
      '1',
      '+sbwt',
      'none',
      '-noshell',
      '-pa',
      inside,
      '-eval',
      // main/1 takes the clock; a twin with only main/0 measures its own way.
      `{module, M} = code:ensure_loaded(${module}), ` +
        `case erlang:function_exported(M, main, 1) of true -> M:main(${clock}); false -> M:main() end, halt().`,
    ]);
    const results = new Map<string, number>();
    for (const line of out.split('\n')) {
      const m = /^(\S+\/.+) (\d+(?:\.\d+)?)$/.exec(line.trim());
      if (m) results.set(m[1]!, Number(m[2]));
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function fmt(ns: number | undefined): string {
  if (ns === undefined) return '–';
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(0)} ns`;
}

function ratio(a: number | undefined, b: number | undefined): string {
  return a === undefined || b === undefined ? '–' : `${(a / b).toFixed(2)}x`;
}

async function main(): Promise<void> {
  const otp = otpVersion();
  console.log(`# beamlink benchmarks`);
  console.log('');
  console.log(
    `- machine: ${cpus()[0]?.model ?? 'unknown cpu'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
  );
  console.log(`- Node ${process.version} (${process.arch}), ${otp}`);
  console.log(
    clock === 'cpu'
      ? `- CPU time per operation (process.cpuUsage / statistics(runtime)), best of three batches of 0.2 s or more; BEAM runs with +S 1 +sbwt none; "x BEAM" = beamlink time / BEAM time (lower is better)`
      : `- wall time per operation, best of three batches of 0.2 s or more (BEAM: 0.3 s, +S 1 +sbwt none); "x BEAM" = beamlink time / BEAM time`,
  );
  console.log(
    `- load average at start: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(', ')}`,
  );
  if (rounds > 1) console.log(`- best of ${rounds} rounds on both sides`);
  console.log(`- TCP congestion control: ${congestionControlFromEnv()}`);
  console.log(`- kernel scheduler settings: ${schedulerNote() ?? '(none on the command line)'}`);
  console.log('');

  const groups: (BenchGroup & { suite: string })[] = [];
  const scenarios: BenchScenario[] = [];
  for (const [key, load] of Object.entries(suites)) {
    const suite = await load();
    // `--only process` selects the suite process/process (gen_server.call too) or a group
    const pick = (name: string): boolean =>
      only.endsWith('$')
        ? name === only.slice(0, -1)
        : key.startsWith(only) || name.startsWith(only);
    for (const g of suite.groups ?? []) if (pick(g.name)) groups.push({ ...g, suite: key });
    for (const g of suite.scenarios ?? []) {
      if (pick(g.name) && `${key}/${g.name}`.includes(filter)) scenarios.push(g);
    }
  }

  const selected = groups
    .map((g) => ({
      group: g,
      cases: g.cases.filter((c) => `${g.suite}/${g.name}/${c.name}`.includes(filter)),
    }))
    .filter((x) => x.cases.length > 0);

  // Each round runs every BEAM twin once and measures every case; the best of the rounds
  // is kept on both sides, so a burst of load on a shared machine hurts neither.
  const beam = new Map<string, number>();
  const ts = new Map<string, number>();
  const keepMin = (m: Map<string, number>, k: string, v: number) =>
    m.set(k, Math.min(v, m.get(k) ?? Infinity));
  for (let round = 0; round < rounds; round++) {
    const modules = new Set(selected.flatMap((x) => (x.group.beam ? [x.group.beam] : [])));
    for (const module of modules) for (const [k, v] of runBeam(module)) keepMin(beam, k, v);
    // the best of the rounds: every round's value competes, not a value divided twice
    for (const { group, cases } of selected) {
      for (const c of cases) {
        for (const [name, fn] of Object.entries(c.impls)) {
          keepMin(ts, `${group.name}/${c.name}/${name}`, await perOp(fn));
        }
      }
    }
  }

  for (const { group, cases } of selected) {
    const hasBeam = group.beam !== undefined;
    const implNames = [...new Set(cases.flatMap((c) => Object.keys(c.impls)))];
    const others = implNames.filter((n) => n !== 'beamlink');
    const head = [
      'case',
      ...implNames,
      ...(hasBeam ? ['BEAM'] : []),
      ...others.map((o) => `${o} / beamlink`),
      ...(hasBeam ? ['x BEAM'] : []),
    ];
    console.log(`## ${group.name}`);
    console.log('');
    console.log(`| ${head.join(' | ')} |`);
    console.log(`|${head.map(() => ' --- ').join('|')}|`);
    for (const c of cases) {
      const t = (n: string) => ts.get(`${group.name}/${c.name}/${n}`);
      const b = beam.get(`${group.name}/${c.name}`);
      const row = [
        c.name,
        ...implNames.map((n) => fmt(t(n))),
        ...(hasBeam ? [fmt(b)] : []),
        ...others.map((o) => ratio(t(o), t('beamlink'))),
        ...(hasBeam ? [ratio(t('beamlink'), b)] : []),
      ];
      console.log(`| ${row.join(' | ')} |`);
    }
    console.log('');
  }

  let failed = 0;
  for (const sc of scenarios) {
    console.log(`## ${sc.name}`);
    console.log('');
    const before = load();
    let rows: readonly ScenarioRow[];
    try {
      const ctx = {
        quick,
        otp: process.env.BENCH_OTP ? Number(process.env.BENCH_OTP) : undefined,
        repeat,
      };
      if (sc.repeats) rows = await sc.run(ctx);
      else {
        const runs: (readonly ScenarioRow[])[] = [];
        for (let i = 0; i < repeat; i++) runs.push(await sc.run(ctx));
        rows = medianRows(runs);
      }
    } catch (e) {
      failed++;
      console.log(`failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      console.log('');
      continue;
    }
    printScenario(sc, rows);
    console.log(
      `(${repeat > 1 ? `median of ${repeat} runs per cell; ` : ''}load average before ${before}, after ${load()})`,
    );
    console.log('');
  }
  if (failed > 0) process.exitCode = 1;
}

const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

/** The median of each cell over several runs of a scenario. */
function medianRows(runs: readonly (readonly ScenarioRow[])[]): ScenarioRow[] {
  return runs[0]!.map((row, i) => {
    const values: Record<string, number | undefined> = {};
    for (const col of Object.keys(row.values)) {
      const xs = runs
        .map((r) => r[i]?.values[col])
        .filter((v): v is number => v !== undefined)
        .sort((a, b) => a - b);
      values[col] = xs[xs.length >> 1];
    }
    return { ...row, values };
  });
}

function fmtValue(v: number | undefined, unit: string): string {
  if (v === undefined || !Number.isFinite(v)) return '–';
  const digits = v >= 100 ? 0 : v >= 10 ? 1 : 2;
  if (unit.endsWith('/s') && v >= 1e6) return `${(v / 1e6).toFixed(2)} M ${unit}`;
  if (unit.endsWith('/s') && v >= 1e4) return `${(v / 1000).toFixed(1)} k ${unit}`;
  return `${v.toFixed(digits)} ${unit}`;
}

function printScenario(sc: BenchScenario, rows: readonly ScenarioRow[]): void {
  const others = sc.columns.filter((c) => c !== sc.baseline);
  const withTargets = rows.some((r) => r.targets !== undefined);
  const head = [
    'metric',
    ...sc.columns,
    ...others.map((o) => `${o} vs ${sc.baseline}`),
    ...(withTargets ? [`target (ratio, ${others.join(' / ')})`, 'met'] : []),
  ];
  console.log(`| ${head.join(' | ')} |`);
  console.log(`|${head.map(() => ' --- ').join('|')}|`);
  for (const r of rows) {
    const base = r.values[sc.baseline];
    // "x worse than the baseline": time / base time, or base rate / rate (> 1 is worse)
    const rel = (v: number | undefined): number | undefined =>
      v === undefined || base === undefined || v === 0 || base === 0
        ? undefined
        : r.higherIsBetter
          ? base / v
          : v / base;
    const cells = [
      r.name,
      ...sc.columns.map((c) => fmtValue(r.values[c], r.unit)),
      ...others.map((o) => {
        const x = rel(r.values[o]);
        return x === undefined ? '–' : `${x.toFixed(2)}x`;
      }),
    ];
    if (withTargets) {
      const ts = Object.entries(r.targets ?? {});
      const missed = ts.filter(([col, t]) => !((rel(r.values[col]) ?? Infinity) <= t));
      cells.push(
        ts.length === 0
          ? '–'
          : others
              .map((o) => (r.targets?.[o] === undefined ? '–' : `≤ ${r.targets[o]}`))
              .join(' / '),
        ts.length === 0
          ? '–'
          : missed.length === 0
            ? 'met'
            : `not met: ${missed.map(([col]) => col).join(', ')}`,
      );
    }
    console.log(`| ${cells.join(' | ')} |`);
  }
  console.log('');
  if (others.length === 0) return;
  console.log(
    `(ratios: how many times worse than ${sc.baseline}: time / its time, or its rate / rate; at or below 1 is as good as ${sc.baseline} or better)`,
  );
}

await main();
process.exit(process.exitCode ?? 0);

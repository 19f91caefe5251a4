/**
 * Runs every benchmark suite (suites.ts) and its BEAM twins in one invocation and prints
 * a Markdown table of nanoseconds per operation and ratios, with the machine, Node and
 * OTP versions.
 *
 *   npm run bench                       (from the repository root or bench/)
 *   npm run bench -- term.decode        only groups/cases whose name contains the text
 *   BENCH_ERL="chroot /var/tmp/beamlink-otp27 erl" npm run bench   another erl
 *   BENCH_ROUNDS=3 npm run bench        best of 3 rounds on both sides (a busy machine)
 *   BENCH_CLOCK=wall npm run bench      wall time (mitata median) instead of CPU time
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, copyFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { do_not_optimize, measure } from 'mitata';
import type { BenchGroup } from './registry.ts';
import { suites } from './suites.ts';

const filter = process.argv[2] ?? '';
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1));
/** `cpu` (default): CPU time per op, robust on a shared machine; `wall`: mitata's median. */
const clock = process.env.BENCH_CLOCK === 'wall' ? 'wall' : 'cpu';

function cpuBatch(fn: () => unknown, n: number): number {
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) do_not_optimize(fn());
  const c = process.cpuUsage(c0);
  return (c.user + c.system) * 1000;
}

/** CPU nanoseconds per call: batches doubling until one takes 0.2 s of CPU; best of three. */
function cpuPerOp(fn: () => unknown): number {
  let n = 1;
  while (cpuBatch(fn, n) < 200e6) n *= 2;
  let best = Infinity;
  for (let i = 0; i < 3; i++) best = Math.min(best, cpuBatch(fn, n) / n);
  return best;
}

async function perOp(fn: () => unknown): Promise<number> {
  if (clock === 'cpu') return cpuPerOp(fn);
  return (await measure(fn)).p50; // the median sample
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
      : `- wall time per operation: median sample (mitata) for TypeScript, best of three 0.3 s batches for BEAM (+S 1 +sbwt none); "x BEAM" = beamlink time / BEAM time`,
  );
  console.log(
    `- load average at start: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(', ')}`,
  );
  if (rounds > 1) console.log(`- best of ${rounds} rounds on both sides`);
  console.log('');

  const groups: BenchGroup[] = [];
  for (const load of Object.values(suites)) groups.push(...(await load()).groups);

  const selected = groups
    .map((g) => ({
      group: g,
      cases: g.cases.filter((c) => `${g.name}/${c.name}`.includes(filter)),
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
}

await main();

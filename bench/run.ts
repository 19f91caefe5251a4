/**
 * Runs every benchmark suite (suites.ts) and its BEAM twins in one invocation and prints
 * a Markdown table of nanoseconds per operation and ratios, with the machine, Node and
 * OTP versions.
 *
 *   npm run bench                       (from the repository root or bench/)
 *   npm run bench -- term.decode        only groups/cases whose name contains the text
 *   BENCH_ERL="chroot /var/tmp/beamlink-otp27 erl" npm run bench   another erl
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, copyFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure } from 'mitata';
import type { BenchGroup } from './registry.ts';
import { suites } from './suites.ts';

const filter = process.argv[2] ?? '';
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
    const out = run([...erl, '-noshell', '-pa', inside, '-eval', `${module}:main(), halt().`]);
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
    `- time per operation: median sample (mitata) for TypeScript, best of three 0.3 s batches for BEAM; "x BEAM" = beamlink time / BEAM time (lower is better)`,
  );
  console.log(
    `- load average at start: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(', ')}`,
  );
  console.log('');

  const groups: BenchGroup[] = [];
  for (const load of Object.values(suites)) groups.push(...(await load()).groups);

  const beamCache = new Map<string, Map<string, number>>();
  for (const group of groups) {
    const cases = group.cases.filter((c) => `${group.name}/${c.name}`.includes(filter));
    if (cases.length === 0) continue;
    let beam: Map<string, number> | undefined;
    if (group.beam) {
      beam = beamCache.get(group.beam);
      if (!beam) {
        beam = runBeam(group.beam);
        beamCache.set(group.beam, beam);
      }
    }
    const implNames = [...new Set(cases.flatMap((c) => Object.keys(c.impls)))];
    const others = implNames.filter((n) => n !== 'beamlink');
    const head = [
      'case',
      ...implNames,
      ...(beam ? ['BEAM'] : []),
      ...others.map((o) => `${o} / beamlink`),
      ...(beam ? ['x BEAM'] : []),
    ];
    console.log(`## ${group.name}`);
    console.log('');
    console.log(`| ${head.join(' | ')} |`);
    console.log(`|${head.map(() => ' --- ').join('|')}|`);
    for (const c of cases) {
      const times: Record<string, number> = {};
      for (const [name, fn] of Object.entries(c.impls)) {
        // The median sample: robust against preemption on a shared machine.
        const stats = await measure(fn);
        times[name] = stats.p50;
      }
      const b = beam?.get(`${group.name}/${c.name}`);
      const row = [
        c.name,
        ...implNames.map((n) => fmt(times[n])),
        ...(beam ? [fmt(b)] : []),
        ...others.map((o) => ratio(times[o], times.beamlink)),
        ...(beam ? [ratio(times.beamlink, b)] : []),
      ];
      console.log(`| ${row.join(' | ')} |`);
    }
    console.log('');
  }
}

await main();

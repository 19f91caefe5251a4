// Where the CPU scheduler puts the processes of a measurement (Linux). On this machine's
// kernel (`sched_vcpu_pack=15` on its command line) a thread woken over loopback goes to
// the waker's CPU even while the other CPU is idle, so a peer's reply waits for whatever
// the waker does next (README, "Session 8"). These helpers show it: time spent runnable
// but not running, and each process's share of each CPU from `perf`'s scheduler
// tracepoints (root).
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';

/**
 * Seconds the threads of process `pid` have spent runnable but waiting for a CPU so far
 * (the second field of `/proc/<pid>/task/<tid>/schedstat`, summed over its live threads).
 *
 * @example
 * ```ts
 * const w0 = runQueueWait(pid);
 * await work();
 * console.log(`waited ${(runQueueWait(pid) - w0) * 1e3} ms for a CPU`);
 * ```
 */
export function runQueueWait(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[1]);
    } catch {
      // the thread ended meanwhile
    }
  }
  return ns / 1e9;
}

/** The kernel command line's scheduler settings that shape loopback rows, if any. */
export function schedulerNote(): string | undefined {
  try {
    const words = readFileSync('/proc/cmdline', 'utf8').split(/\s+/);
    const sched = words.filter((w) => w.startsWith('sched_'));
    return sched.length > 0 ? sched.join(' ') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Records tracepoints on every CPU (`perf record -a`, root, CLOCK_MONOTONIC timestamps:
 * process.hrtime's clock); it resolves once perf records (about 300 ms). The result's
 * `stop(fields)` ends the recording and resolves to `perf script -F <fields>`'s text.
 *
 * @example
 * ```ts
 * const rec = await recordPerf(['sched:sched_switch']);
 * await measure();
 * const text = await rec.stop('pid,cpu,time,event');
 * ```
 */
export async function recordPerf(
  events: readonly string[],
): Promise<{ stop(fields: string): Promise<string> }> {
  const file = `/tmp/beamlink-perf-${process.pid}-${Date.now()}.data`;
  const args = ['record', '-q', '-a', '-k', 'CLOCK_MONOTONIC', ...events.flatMap((e) => ['-e', e])];
  const child = spawn('perf', [...args, '-o', file], { stdio: 'ignore' });
  await new Promise((resolve) => setTimeout(resolve, 300));
  return {
    stop: async (fields) => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
      try {
        return execFileSync('perf', ['script', '-i', file, '-F', fields], {
          encoding: 'utf8',
          maxBuffer: 1 << 30,
          stdio: ['ignore', 'pipe', 'ignore'],
        });
      } finally {
        rmSync(file, { force: true });
      }
    },
  };
}

/** A recording of context switches: `start()` and `stop()` bound the stretch to report. */
export interface CpuShareRecording {
  /** Marks the start of the stretch to report (now). */
  start(): void;
  /** Marks its end (now), stops perf and resolves to the shares (see {@link cpuShares}). */
  stop(): Promise<string>;
}

/**
 * Records every CPU's context switches (`perf record -a -e sched:sched_switch`, root); it
 * resolves once perf records (about 300 ms). The report covers the stretch from `start()`
 * to `stop()` only: each process's share of each CPU, with the pids in `labels` named.
 *
 * @example
 * ```ts
 * const rec = await recordCpuShares(new Map([[erlPid, 'erl client'], [nodePid, 'server']]));
 * rec.start();
 * await measure();
 * console.log(await rec.stop());
 * ```
 */
export async function recordCpuShares(
  labels: ReadonlyMap<number, string>,
): Promise<CpuShareRecording> {
  const rec = await recordPerf(['sched:sched_switch']);
  let from = 0;
  return {
    start: () => {
      from = Number(process.hrtime.bigint()) / 1e9;
    },
    stop: async () => {
      const to = Number(process.hrtime.bigint()) / 1e9;
      return cpuShares(await rec.stop('pid,cpu,time,event'), labels, from, to);
    },
  };
}

/**
 * Each process's share of each CPU between `from` and `to` (seconds on perf's clock) from
 * `perf script -F pid,cpu,time,event` lines of `sched:sched_switch`: the time before a
 * switch on a CPU belongs to the task switched out (the line's own pid). Pids not in
 * `labels` count as `other`, the largest of them named after the list.
 */
export function cpuShares(
  text: string,
  labels: ReadonlyMap<number, string>,
  from = 0,
  to = Infinity,
): string {
  const run = new Map<string, number>();
  const others = new Map<number, number>();
  const last = new Map<number, number>();
  let begin = Infinity;
  let end = 0;
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+sched:sched_switch/.exec(line);
    if (!m) continue;
    const pid = Number(m[1]);
    const cpu = Number(m[2]);
    const t = Number(m[3]);
    begin = Math.min(begin, t);
    end = Math.max(end, t);
    const since = last.get(cpu);
    last.set(cpu, t);
    if (since === undefined || t <= from || since >= to) continue;
    const took = Math.min(t, to) - Math.max(since, from);
    const name = pid === 0 ? 'idle' : (labels.get(pid) ?? 'other');
    const key = `${name} cpu${cpu}`;
    run.set(key, (run.get(key) ?? 0) + took);
    if (name === 'other') others.set(pid, (others.get(pid) ?? 0) + took);
  }
  const total = Math.min(to, end) - Math.max(from, begin) || 1;
  const shares = [...run]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, s]) => `${k}: ${((s / total) * 100).toFixed(1)}%`);
  const [top] = [...others].sort((a, b) => b[1] - a[1]);
  if (top)
    shares.push(
      `largest other: pid ${top[0]} (${commOf(top[0])}) ${((top[1] / total) * 100).toFixed(1)}%`,
    );
  return shares.join(', ');
}

function commOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return 'gone';
  }
}

/**
 * CPU time and page faults of another process, from `/proc/<pid>/stat` (Linux), for the
 * diagnostics that compare a beamlink node with an erl node running beside it.
 *
 * @module
 */
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second of `/proc`'s CPU times (`getconf CLK_TCK`, 100 on Linux). */
export const CLOCK_TICKS = (() => {
  try {
    return Number(execSync('getconf CLK_TCK').toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * User and system CPU seconds of process `pid` and its threads so far, and its minor page
 * faults; throws when there is no such process.
 *
 * @example
 * ```ts
 * const { user, system, faults } = procStat(child.pid!);
 * ```
 */
export function procStat(pid: number): { user: number; system: number; faults: number } {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return {
    user: Number(fields[11]) / CLOCK_TICKS,
    system: Number(fields[12]) / CLOCK_TICKS,
    faults: Number(fields[7]),
  };
}

/**
 * The OS pid of a cluster's erl node (its beam.smp's command line carries the short name).
 *
 * @example
 * ```ts
 * const pid = erlPid('erl_123_1@host');
 * ```
 */
export function erlPid(node: string): number {
  const short = node.split('@')[0]!;
  return Number(execSync(`pgrep -f 'beam.smp.*${short}'`).toString().split('\n')[0]);
}

/**
 * The pids of the bench's beamlink worker processes (node-worker.mjs) that are children
 * of this process.
 *
 * @example
 * ```ts
 * const [a, b] = workerPids();
 * ```
 */
export function workerPids(): number[] {
  return (
    execSync(`pgrep -f 'node-worker.mjs' -P ${process.pid}`)
      .toString()
      .trim()
      .split('\n')
      .map(Number)
      // not the shell that ran pgrep (its command line names node-worker.mjs too)
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'node';
        } catch {
          return false;
        }
      })
  );
}

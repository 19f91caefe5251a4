// Diagnostic: CPU time per message on both ends of the dist scenario's one-way,
// 16-caller and 1 MiB rows, for BEAM→BEAM and BEAM→beamlink in the same minutes (the erl
// client is the same node in both). Reads each OS process's user+system time from
// /proc/<pid>/stat around every measurement, so it shows which side pays for a
// difference in throughput: `erl client` (the sender or caller) and the server (erl or
// beamlink). Linux only.
//
//   flock /tmp/beamlink-bench.lock node --import tsx bench/distribution/cpu-per-message.ts
//   CPM_ROUNDS=5 CPM_OTP=27 ...
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startCluster, type Side } from './cluster.ts';

const rounds = Number(process.env.CPM_ROUNDS ?? 3);
const otp = process.env.CPM_OTP === undefined ? undefined : Number(process.env.CPM_OTP);
const ticks = Number(execSync('getconf CLK_TCK').toString().trim());

/** user+system CPU seconds of a process and its threads. */
function cpuOf(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticks;
}

/** The OS pid of an erl node of the cluster (its beam.smp carries the short name). */
function erlPid(node: string): number {
  const short = node.split('@')[0]!;
  return Number(execSync(`pgrep -f 'beam.smp.*${short}'`).toString().split('\n')[0]);
}

const cluster = await startCluster({ quick: false, otp, repeat: 1 } as never);
try {
  const workers = execSync(`pgrep -f 'node-worker.mjs' -P ${process.pid}`)
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
    });
  // Both beamlink workers, summed (bl[0] is idle while erl measures bl[1]).
  const client = cluster.erl[0];
  const clientPid = erlPid(client.node);
  const erlServerPid = erlPid(cluster.erl[1].node);
  const cases: { name: string; run: (to: string) => Promise<number>; per: number }[] = [
    {
      name: 'one-way 300k {count, N}',
      run: (to) => client.oneWay(to, 'small', 300_000, 30_000),
      per: 330_000,
    },
    {
      name: '16 callers x 2500 calls',
      run: (to) => client.callPar(to, 16, 2_500),
      per: 16 * 2_500 + 2_500,
    },
    { name: '1 MiB x 256', run: (to) => client.oneWay(to, 'bulk', 256, 32), per: 288 },
  ];
  const targets: { label: string; side: Side; pids: number[] }[] = [
    { label: 'BEAM→BEAM', side: cluster.erl[1], pids: [erlServerPid] },
    { label: 'BEAM→beamlink', side: cluster.bl[1], pids: workers },
  ];
  for (const c of cases) {
    const rows = new Map<string, { rate: number[]; client: number[]; server: number[] }>();
    for (let r = -1; r < rounds; r++) {
      for (const t of r % 2 === 0 ? targets : [...targets].reverse()) {
        const c0 = cpuOf(clientPid);
        const s0 = t.pids.reduce((a, p) => a + cpuOf(p), 0);
        const rate = await c.run(t.side.node);
        const dc = cpuOf(clientPid) - c0;
        const ds = t.pids.reduce((a, p) => a + cpuOf(p), 0) - s0;
        if (r < 0) continue;
        const row = rows.get(t.label) ?? { rate: [], client: [], server: [] };
        row.rate.push(rate);
        row.client.push((dc * 1e6) / c.per);
        row.server.push((ds * 1e6) / c.per);
        rows.set(t.label, row);
      }
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    console.log(
      `${c.name} (median of ${rounds}; CPU µs per message/call, clock ticks of 1/${ticks} s)`,
    );
    for (const [label, row] of rows) {
      console.log(
        `  ${label.padEnd(16)} rate ${med(row.rate).toPrecision(4).padStart(9)}  erl client ${med(row.client).toFixed(2).padStart(8)}  server ${med(row.server).toFixed(2).padStart(8)}`,
      );
    }
  }
} finally {
  await cluster.stop();
}

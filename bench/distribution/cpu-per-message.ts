// Diagnostic: CPU time per message on both ends of the dist scenario's one-way,
// 16-caller and 1 MiB rows, for BEAM→BEAM and BEAM→beamlink in the same minutes (the erl
// client is the same node in both). Reads each OS process's user+system time from
// /proc/<pid>/stat around every measurement, so it shows which side pays for a
// difference in throughput: `erl client` (the sender or caller) and the server (erl or
// beamlink). Linux only.
//
//   flock /tmp/beamlink-bench.lock node --import tsx bench/distribution/cpu-per-message.ts
//   CPM_ROUNDS=5 CPM_OTP=27 CPM_CASES=MiB,one-way ...
// (CPM_TCP=all prints every TCP counter that moved, not only the chosen few.)
// CPM_PERF=DIR records the erl client with `perf record -e cpu-clock -g` during every
// measured round, one file per case, target and round (DIR/<case>-<target>-<round>.data),
// so `perf report -i F --sort sym` shows where the client's extra time per message goes.
// CPM_SS=1 prints, after every round, the TCP sockets of the erl client and of the server
// as `ss -tim` shows them (congestion window, segments, windows, socket memory), to compare
// the two targets' connections.
// CPM_SCHED=1 prints, after every round, each process's share of each CPU (perf's
// scheduler tracepoints, root; sched.ts), and every round measures the time the erl client
// and the server spent runnable but waiting for a CPU.
// CPM_SYSCALLS=1 counts the server's receive system calls (read, readv, recvfrom, recvmsg)
// with `perf stat`, for erl servers too (their recvfrom is not in /proc/<pid>/io).
// BENCH_CC=cubic: new TCP sockets use that congestion control for the run (root; tcp-cc.ts).
// Besides CPU it prints, per message: the erl client's write syscalls and bytes, the
// beamlink server's read() calls (erl's recv is not counted by /proc/<pid>/io), minor page
// faults on both ends, and the TCP counters of each round (nstat: zero windows, retransmits,
// out-of-order queueing).
import { execSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CLOCK_TICKS, erlPid, procStat, workerPids } from '../proc.ts';
import { recordCpuShares, runQueueWait, schedulerNote } from '../sched.ts';
import { startCluster, type Side } from './cluster.ts';
import { congestionControlFromEnv } from '../tcp-cc.ts';

const rounds = Number(process.env.CPM_ROUNDS ?? 3);
console.log(`TCP congestion control: ${congestionControlFromEnv()}`);
console.log(`kernel scheduler settings: ${schedulerNote() ?? '(none on the command line)'}`);
const otp = process.env.CPM_OTP === undefined ? undefined : Number(process.env.CPM_OTP);
const ticks = CLOCK_TICKS;

/** user+system CPU seconds of a process and its threads. */
function cpuOf(pid: number): number {
  const s = procStat(pid);
  return s.user + s.system;
}

/** TCP counters since the last call (nstat keeps the previous values). */
function tcpDelta(): Record<string, number> {
  const out: Record<string, number> = {};
  let text: string;
  try {
    text = execSync('nstat', { encoding: 'utf8' });
  } catch {
    return out; // no nstat (iproute2) here: the counters print as 0
  }
  for (const line of text.split('\n')) {
    const [k, v] = line.split(/\s+/);
    if (k && !k.startsWith('#') && v) out[k] = Number(v);
  }
  return out;
}
const TCP = [
  'TcpExtTCPToZeroWindowAdv',
  'TcpRetransSegs',
  'TcpExtTCPOFOQueue',
  'TcpExtTCPBacklogCoalesce',
  'TcpOutSegs',
  'TcpExtTCPPureAcks',
  'TcpExtDelayedACKs',
];

/** minor page faults of a process so far. */
const faultsOf = (pid: number): number => procStat(pid).faults;

/** write and read syscalls and bytes written of a process so far (/proc/<pid>/io). */
function ioOf(pid: number): { syscw: number; syscr: number; wchar: number } {
  const io = Object.fromEntries(
    readFileSync(`/proc/${pid}/io`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(': ') as [string, string])
      .map(([k, v]) => [k, Number(v)]),
  );
  return { syscw: io.syscw!, syscr: io.syscr!, wchar: io.wchar! };
}

/** Runs `perf` with these arguments until the result is called; that resolves to its stderr. */
function perfUntil(args: string[]): () => Promise<string> {
  const child = spawn('perf', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return () =>
    new Promise((resolve) => {
      child.once('exit', () => resolve(err));
      child.kill('SIGINT');
    });
}

/** Starts `perf record` on a pid when CPM_PERF names a directory; the result stops it. */
function perfRecord(pid: number, name: string): (() => Promise<string>) | undefined {
  const dir = process.env.CPM_PERF;
  if (!dir) return undefined;
  const file = `${dir}/${name.replace(/[^A-Za-z0-9]+/g, '_')}.data`;
  return perfUntil(['record', '-q', '-e', 'cpu-clock', '-g', '-p', String(pid), '-o', file]);
}

/** A process's established TCP sockets with `ss -ti`'s details, one line each. */
function socketsOf(pid: number): string {
  const lines = execSync('ss -timpH state established', { encoding: 'utf8' }).split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.includes(`pid=${pid},`)) continue;
    const [local, peer] = lines[i]!.trim().split(/\s+/).slice(2, 4);
    const info = (lines[i + 1] ?? '').match(
      /(skmem|cwnd|ssthresh|rtt|data_segs_out|data_segs_in|rcv_space|rcv_ssthresh|snd_wnd|rcv_wnd|delivered|retrans|bytes_acked|bytes_received):\S+/g,
    );
    out.push(`    ${local} -> ${peer} ${(info ?? []).join(' ')}`);
  }
  return out.join('\n');
}

/** Counts receive system calls of some pids with `perf stat` until the result is called. */
function countReceives(pids: number[]): () => Promise<number> {
  const events = ['read', 'readv', 'recvfrom', 'recvmsg'].map((e) => `syscalls:sys_enter_${e}`);
  const stop = perfUntil(['stat', '-x', ',', '-e', events.join(','), '-p', pids.join(',')]);
  return async () =>
    (await stop())
      .split('\n')
      .map((l) => Number(l.split(',')[0]))
      .filter(Number.isFinite)
      .reduce((a, b) => a + b, 0);
}

const cluster = await startCluster({ quick: false, otp, repeat: 1 } as never);
try {
  const workers = workerPids();
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
  // CPM_CASES=bulk,one-way: only the cases whose name contains one of these
  const only = (process.env.CPM_CASES ?? '').split(',').filter(Boolean);
  if (only.length > 0) {
    const keep = cases.filter((c) => only.some((o) => c.name.includes(o)));
    cases.splice(0, cases.length, ...keep);
  }
  const targets: { label: string; side: Side; pids: number[] }[] = [
    { label: 'BEAM→BEAM', side: cluster.erl[1], pids: [erlServerPid] },
    { label: 'BEAM→beamlink', side: cluster.bl[1], pids: workers },
  ];
  for (const c of cases) {
    const rows = new Map<
      string,
      {
        rate: number[];
        client: number[];
        server: number[];
        writes: number[];
        bytes: number[];
        reads: number[];
        serverWrites: number[];
        faults: number[];
        clientFaults: number[];
        tcp: string[];
        recvs: number[];
        clientWait: number[];
        serverWait: number[];
      }
    >();
    for (let r = -1; r < rounds; r++) {
      for (const t of r % 2 === 0 ? targets : [...targets].reverse()) {
        // Before the counters: perf's start-up is not counted.
        const shares =
          process.env.CPM_SCHED && r >= 0
            ? await recordCpuShares(
                new Map([[clientPid, 'erl client'], ...t.pids.map((p) => [p, 'server'] as const)]),
              )
            : undefined;
        const c0 = cpuOf(clientPid);
        const s0 = t.pids.reduce((a, p) => a + cpuOf(p), 0);
        const io0 = ioOf(clientPid);
        const f0 = t.pids.reduce((a, p) => a + faultsOf(p), 0);
        const cf0 = faultsOf(clientPid);
        const r0 = t.pids.reduce((a, p) => a + ioOf(p).syscr, 0);
        const w0 = t.pids.reduce((a, p) => a + ioOf(p).syscw, 0);
        const cw0 = runQueueWait(clientPid);
        const sw0 = t.pids.reduce((a, p) => a + runQueueWait(p), 0);
        tcpDelta();
        const perf = r >= 0 ? perfRecord(clientPid, `${c.name}-${t.label}-${r}`) : undefined;
        const recvs = process.env.CPM_SYSCALLS ? countReceives(t.pids) : undefined;
        shares?.start();
        const rate = await c.run(t.side.node);
        const shared = await shares?.stop();
        await perf?.();
        if (shared) console.log(`  [${t.label} round ${r}] share of each CPU: ${shared}`);
        const received = await recvs?.();
        if (process.env.CPM_SS && r >= 0) {
          const server = t.pids.map(socketsOf).filter(Boolean).join('\n');
          console.log(
            `  [${t.label} round ${r}] erl client:\n${socketsOf(clientPid)}\n  server:\n${server}`,
          );
        }
        const tcp = tcpDelta();
        const dc = cpuOf(clientPid) - c0;
        const ds = t.pids.reduce((a, p) => a + cpuOf(p), 0) - s0;
        const io1 = ioOf(clientPid);
        const df = t.pids.reduce((a, p) => a + faultsOf(p), 0) - f0;
        const dcf = faultsOf(clientPid) - cf0;
        const dr = t.pids.reduce((a, p) => a + ioOf(p).syscr, 0) - r0;
        const dw = t.pids.reduce((a, p) => a + ioOf(p).syscw, 0) - w0;
        const dcw = runQueueWait(clientPid) - cw0;
        const dsw = t.pids.reduce((a, p) => a + runQueueWait(p), 0) - sw0;
        if (r < 0) continue;
        const row = rows.get(t.label) ?? {
          rate: [],
          client: [],
          server: [],
          writes: [],
          bytes: [],
          reads: [],
          serverWrites: [],
          faults: [],
          clientFaults: [],
          tcp: [],
          recvs: [],
          clientWait: [],
          serverWait: [],
        };
        row.faults.push(df / c.per);
        if (received !== undefined) row.recvs.push(received / c.per);
        row.tcp.push(
          `(${rate.toPrecision(3)}) ` +
            (process.env.CPM_TCP === 'all'
              ? Object.keys(tcp).filter((k) => k.startsWith('Tcp') && tcp[k])
              : TCP
            )
              .map((k) => `${k.replace(/^Tcp(Ext)?(TCP)?/, '')} ${tcp[k] ?? 0}`)
              .join(' '),
        );
        row.clientFaults.push(dcf / c.per);
        row.rate.push(rate);
        row.writes.push((io1.syscw - io0.syscw) / c.per);
        row.bytes.push((io1.wchar - io0.wchar) / c.per);
        row.reads.push(dr / c.per);
        row.serverWrites.push(dw / c.per);
        row.client.push((dc * 1e6) / c.per);
        row.server.push((ds * 1e6) / c.per);
        row.clientWait.push((dcw * 1e6) / c.per);
        row.serverWait.push((dsw * 1e6) / c.per);
        rows.set(t.label, row);
      }
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    console.log(
      `${c.name} (median of ${rounds}; CPU µs per message/call, clock ticks of 1/${ticks} s)`,
    );
    for (const [label, row] of rows) {
      console.log(
        `  ${label.padEnd(16)} rate ${med(row.rate).toPrecision(4).padStart(9)}  erl client ${med(row.client).toFixed(2).padStart(8)}  server ${med(row.server).toFixed(2).padStart(8)}  per message: erl writes ${med(row.writes).toFixed(3)} (${med(row.bytes).toFixed(0)} B), server reads ${med(row.reads).toFixed(3)} writes ${med(row.serverWrites).toFixed(3)}, page faults erl ${med(row.clientFaults).toFixed(2)} server ${med(row.faults).toFixed(2)}`,
      );
      console.log(
        `    waiting for a CPU (runnable, not running), µs per message: erl client ${med(row.clientWait).toFixed(2)}, server ${med(row.serverWait).toFixed(2)}`,
      );
      if (row.recvs.length > 0) {
        console.log(
          `    server receive syscalls per message (perf stat): ${med(row.recvs).toFixed(3)}`,
        );
      }
      console.log(`    TCP per round (its rate first): ${row.tcp.join(' | ')}`);
    }
  }
} finally {
  await cluster.stop();
}

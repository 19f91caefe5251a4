// Diagnostic: who runs on which CPU during erl's connects to erl and to beamlink (the dist
// scenario's connect row: disconnect, 20 ms idle, `net_adm:ping`). For each target it
// records the scheduler's switches and wake-ups and erl's connect() calls (perf
// tracepoints, all CPUs; root) during K connects, and prints the last connect as a
// timeline: from erl's port mapper connect, each stretch of 5 µs or more that a CPU spent
// running the erl client, the server, something else or nothing, and each wake-up of the
// client or the server with the CPU it was put on. On this machine's kernel
// (`sched_vcpu_pack=15`) that shows the client and the server taking turns on one CPU
// while the other idles (README, "Session 8").
//
//   flock /tmp/beamlink-bench.lock node --import tsx bench/distribution/connect-sched.ts
//   TRACE_K=10 TRACE_OTP=27 TRACE_SPAN_MS=5 ...
import { erlPid, workerPids } from '../proc.ts';
import { recordPerf, schedulerNote } from '../sched.ts';
import { startCluster } from './cluster.ts';

const k = Number(process.env.TRACE_K ?? 10);
const spanMs = Number(process.env.TRACE_SPAN_MS ?? 5);
const otp = process.env.TRACE_OTP === undefined ? undefined : Number(process.env.TRACE_OTP);
console.log(`kernel scheduler settings: ${schedulerNote() ?? '(none on the command line)'}`);
const cluster = await startCluster({ quick: true, otp, repeat: 1 } as never);

interface Event {
  pid: number;
  tid: number;
  cpu: number;
  t: number;
  event: string;
  trace: string;
}

/** perf record of the tracepoints while `run` runs; the events, parsed. */
async function traced(run: () => Promise<unknown>): Promise<Event[]> {
  const rec = await recordPerf([
    'sched:sched_switch',
    'sched:sched_wakeup',
    'syscalls:sys_enter_connect',
  ]);
  await run();
  const out: Event[] = [];
  for (const line of (await rec.stop('pid,tid,cpu,time,event,trace')).split('\n')) {
    const m = /^\s*(\d+)\/(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+(\S+):\s*(.*)$/.exec(line);
    if (m)
      out.push({ pid: +m[1]!, tid: +m[2]!, cpu: +m[3]!, t: +m[4]!, event: m[5]!, trace: m[6]! });
  }
  return out;
}

/** The last connect's timeline: run stretches per CPU and wake-ups of client and server. */
function timeline(events: Event[], client: number, server: Set<number>): string[] {
  // A process's other threads (erl's schedulers, V8's helpers) are named by thread id.
  const who = (e: Event): string => {
    const name =
      e.pid === 0
        ? 'idle'
        : e.pid === client
          ? 'erl client'
          : server.has(e.pid)
            ? 'server'
            : 'other';
    if (name === 'other') {
      // whom: the switched-out task's name, where the event is a switch
      const comm = /prev_comm=(.+?) prev_pid=/.exec(e.trace)?.[1];
      return comm === undefined ? name : `other (${comm})`;
    }
    return e.tid === e.pid || e.pid === 0 ? name : `${name} t${e.tid}`;
  };
  // erl connects twice per ping (port mapper, then the node): the last ping's first one.
  const connects = events.filter(
    (e) => e.event === 'syscalls:sys_enter_connect' && e.pid === client,
  );
  const start = connects.at(-2)?.t;
  if (start === undefined) return ['(no connect seen)'];
  const end = start + spanMs / 1000;
  const last = new Map<number, number>();
  const lines: [number, string][] = [];
  for (const e of events) {
    if (e.t > end) break;
    if (e.event === 'sched:sched_switch') {
      const since = last.get(e.cpu);
      last.set(e.cpu, e.t);
      if (since === undefined || e.t < start || e.t - since < 5e-6) continue;
      const from = Math.max(since, start);
      const state = /prev_state=(\S+)/.exec(e.trace)?.[1] ?? '';
      lines.push([
        from,
        `${((from - start) * 1e6).toFixed(0).padStart(6)} µs  cpu${e.cpu} ${who(e).padEnd(22)} ${((e.t - from) * 1e6).toFixed(0).padStart(5)} µs${e.pid !== 0 && state.startsWith('R') ? ' (preempted)' : ''}`,
      ]);
    } else if (e.event === 'sched:sched_wakeup' && e.t >= start) {
      const m = /comm=(\S+) pid=(\d+).*target_cpu=(\d+)/.exec(e.trace);
      if (!m) continue;
      lines.push([
        e.t,
        `${((e.t - start) * 1e6).toFixed(0).padStart(6)} µs  wake-up of ${m[1]} (tid ${m[2]}) by ${who(e)} on cpu${e.cpu}, put on cpu${+m[3]!}`,
      ]);
    }
  }
  return lines.sort((a, b) => a[0] - b[0]).map(([, l]) => l);
}

try {
  const client = cluster.erl[0];
  const clientPid = erlPid(client.node);
  const erlServerPid = erlPid(cluster.erl[1].node);
  const blPids = workerPids();
  const targets = [
    { label: 'erl→erl', node: cluster.erl[1].node, server: new Set([erlServerPid]) },
    { label: 'erl→beamlink', node: cluster.bl[1].node, server: new Set(blPids) },
  ];
  for (const t of targets) await client.connect(t.node, 3); // warm-up
  for (const t of targets) {
    let ms = 0;
    const events = await traced(async () => (ms = await client.connect(t.node, k)));
    console.log(`\n${t.label}: connect ${ms.toFixed(2)} ms (median of ${k}); the last one:`);
    for (const line of timeline(events, clientPid, t.server)) console.log(`  ${line}`);
  }
} finally {
  await cluster.stop();
}

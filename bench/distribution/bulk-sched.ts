// Diagnostic: where the two processes of the dist scenario's 1 MiB row run, round by round.
// Each round sends 256 MiB of 1 MiB binaries (as the row does) and prints the rate, how
// often each beamlink process's main thread slept and was preempted (/proc/<pid>/task/<pid>/status)
// and each process's share of each CPU (perf's sched_switch; root). On this machine's
// kernel (`sched_vcpu_pack=15`) the fast rounds are those in which the client and the
// server each keep a CPU of their own (README, "Session 9").
//
//   flock /tmp/beamlink-bench.lock node --import tsx bench/distribution/bulk-sched.ts
//   BULK_ROUNDS=12 BULK_PAIR=erl BULK_PIN=same|split ...
//
// BULK_PAIR=bl (default) measures beamlink↔beamlink, `erl` BEAM↔BEAM, `erl-bl` BEAM→beamlink.
// BULK_PIN=same pins both processes to CPU 0 (`taskset`), `split` the client to CPU 0 and
// the server to CPU 1: the two ends of what the scheduler does when it is left alone.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { erlPid } from '../proc.ts';
import { recordCpuShares, schedulerNote } from '../sched.ts';
import { startCluster } from './cluster.ts';

const rounds = Number(process.env.BULK_ROUNDS ?? 10);
const pair = process.env.BULK_PAIR ?? 'bl';
const pin = process.env.BULK_PIN ?? '';
if (!['bl', 'erl', 'erl-bl'].includes(pair)) {
  throw new Error(`BULK_PAIR: bl, erl or erl-bl, not ${pair}`);
}
if (!['', 'same', 'split'].includes(pin)) throw new Error(`BULK_PIN: same or split, not ${pin}`);
console.log(`kernel scheduler settings: ${schedulerNote() ?? '(none on the command line)'}`);

/**
 * Times the thread slept (voluntary switches) and was preempted, so far: a beamlink node's
 * main thread (its event loop). An erl node's main thread only waits, and its schedulers
 * spin, so the erl pair prints none.
 */
function switches(pid: number): { slept: number; preempted: number } {
  const status = readFileSync(`/proc/${pid}/task/${pid}/status`, 'utf8');
  const field = (name: string): number =>
    Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return {
    slept: field('voluntary_ctxt_switches'),
    preempted: field('nonvoluntary_ctxt_switches'),
  };
}

const cluster = await startCluster({ quick: true, repeat: 1 } as never);
try {
  const [client, server] =
    pair === 'bl' ? cluster.bl : pair === 'erl' ? cluster.erl : [cluster.erl[0], cluster.bl[1]];
  const pidOf = (side: typeof client): number | undefined => side.osPid ?? erlPid(side.node);
  const clientPid = pidOf(client);
  const serverPid = pidOf(server);
  if (clientPid === undefined || serverPid === undefined) throw new Error('no pids');
  if (pin !== '') {
    // every thread of each process (-a); CPU masks: 1 = CPU 0, 2 = CPU 1
    execFileSync('taskset', ['-a', '-p', '1', String(clientPid)]);
    execFileSync('taskset', ['-a', '-p', pin === 'same' ? '1' : '2', String(serverPid)]);
  }
  const label = { bl: 'beamlink↔beamlink', erl: 'BEAM↔BEAM', 'erl-bl': 'BEAM→beamlink' }[pair];
  console.log(`${label} 1 MiB x 256${pin ? `, pinned: ${pin}` : ''}`);
  const labels = new Map([
    [clientPid, 'client'],
    [serverPid, 'server'],
  ]);
  await client.oneWay(server.node, 'bulk', 32, 4); // warm-up
  for (let i = 0; i < rounds; i++) {
    const rec = await recordCpuShares(labels);
    const c0 = switches(clientPid);
    const s0 = switches(serverPid);
    rec.start();
    const gbs = await client.oneWay(server.node, 'bulk', 256, 32);
    const shares = await rec.stop();
    const c1 = switches(clientPid);
    const s1 = switches(serverPid);
    const counts =
      pair === 'bl'
        ? `  main threads slept/preempted: client ${c1.slept - c0.slept}/${c1.preempted - c0.preempted}, server ${s1.slept - s0.slept}/${s1.preempted - s0.preempted}`
        : pair === 'erl-bl'
          ? `  server main thread slept/preempted: ${s1.slept - s0.slept}/${s1.preempted - s0.preempted}`
          : '';
    console.log(`${gbs.toFixed(2)} GB/s${counts}`);
    console.log(`    ${shares}`);
  }
} finally {
  await cluster.stop();
}

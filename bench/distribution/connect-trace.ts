// Diagnostic: the packet timeline of `ping after disconnect` (the connect row), BEAM→BEAM
// against BEAM→beamlink, captured with tcpdump on loopback while erl[0] connects K times
// to each. Needs tcpdump and root. Prints, per connection, the time of each packet
// relative to the first one (the port mapper query's SYN), with direction and size.
//
//   flock /tmp/beamlink-bench.lock node --import tsx bench/distribution/connect-trace.ts
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startCluster } from './cluster.ts';

const k = Number(process.env.TRACE_K ?? 5);
const cluster = await startCluster({ quick: true, otp: undefined, repeat: 1 } as never);
const pcap = `/tmp/connect-trace-${process.pid}.txt`;
try {
  // warm up both
  await cluster.erl[0].connect(cluster.erl[1].node, 3);
  await cluster.erl[0].connect(cluster.bl[1].node, 3);
  const td = spawn('sh', ['-c', `exec tcpdump -i lo -n -tt -l tcp > ${pcap} 2>/dev/null`]);
  await new Promise((r) => setTimeout(r, 1000));
  for (let i = 0; i < 2; i++) {
    console.log('erl->erl', await cluster.erl[0].connect(cluster.erl[1].node, k));
    console.log('erl->bl ', await cluster.erl[0].connect(cluster.bl[1].node, k));
  }
  await new Promise((r) => setTimeout(r, 500));
  td.kill('SIGINT');
  await new Promise((r) => td.on('exit', r));
} finally {
  await cluster.stop();
}
console.log(readFileSync(pcap, 'utf8').split('\n').length, 'packets in', pcap);

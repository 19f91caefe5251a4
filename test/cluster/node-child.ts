// A beamlink node in its own OS process for cluster tests, driven over stdin, one command
// per line: `nodes` → comma-separated nodes(); `ping NODE` → pong|pang; `connect NODE` →
// true|false. Prints `up NAME` once started; stops when stdin closes.
// Usage: node --import tsx test/cluster/node-child.ts SNAME EPMD_PORT COOKIE
import { createInterface } from 'node:readline';
import { startNode } from '../../src/kernel/start-node.ts';
import { memoryLogger } from '../../src/process/logger.ts';

const [sname, epmdPort, cookie] = process.argv.slice(2);
const node = await startNode({
  sname: sname!,
  cookie: cookie!,
  epmdPort: Number(epmdPort),
  logger: memoryLogger(),
});
console.log(`up ${node.name}`);
const rl = createInterface({ input: process.stdin });
for await (const line of rl) {
  const [cmd, arg] = line.trim().split(/\s+/);
  if (cmd === 'nodes')
    console.log(
      node
        .nodes()
        .map((n) => n.name)
        .join(','),
    );
  else if (cmd === 'ping') console.log(await node.ping(arg!));
  else if (cmd === 'connect') console.log(String(await node.connect(arg!)));
  else console.log(`unknown ${cmd}`);
}
await node.stop();

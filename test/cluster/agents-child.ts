// A beamlink node with the agent framework in its own OS process, for
// test/cluster/agents-node-failure.test.ts. Env: BL_EPMD_PORT, BL_COOKIE, BL_SNAME,
// BL_PARENT (a node to connect to). Starts agents Child-1..Child-3, prints "READY <node>"
// once they are up and connected; stops when stdin closes.
import { AgentSupervisor, agentsService } from '../../src/agents/index.ts';
import { startNode } from '../../src/kernel/start-node.ts';
import { memoryLogger } from '../../src/process/index.ts';

const node = await startNode({
  sname: process.env.BL_SNAME!,
  cookie: process.env.BL_COOKIE!,
  epmdPort: Number(process.env.BL_EPMD_PORT),
  logger: memoryLogger(),
  services: [agentsService()],
});
for (const name of ['Child-1', 'Child-2', 'Child-3']) {
  const r = await AgentSupervisor.startAgent(node.runtime, name);
  if (!r.ok) throw new Error(`could not start ${name}`);
}
if (!(await node.connect(process.env.BL_PARENT!))) throw new Error('could not connect');
process.stdout.write(`READY ${node.name}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void node.stop().then(() => process.exit(0));
});

// The Supervisor contract (test/contract/supervisor.contract.ts) against beamlink
// supervisors: local by pid and by name, and on another runtime over memory distribution
// by pid and by [name, node]. The interop suite runs the same contract against erl.
import { describe } from 'node:test';
import { memoryLogger, Runtime } from '../../../src/process/index.ts';
import { MemoryNetwork } from '../../support/memory-distribution.ts';
import {
  startContractTree,
  supervisorContract,
  type SupervisorTarget,
} from '../../contract/supervisor.contract.ts';

function localTarget(byName: boolean): () => Promise<SupervisorTarget> {
  return async () => {
    const rt = new Runtime({ node: 'local@test', logger: memoryLogger() });
    return {
      label: `local by ${byName ? 'name' : 'pid'}`,
      client: rt,
      async start(name, strategy) {
        const pid = await startContractTree(rt, name, strategy);
        return { dest: byName ? name : pid, pid };
      },
    };
  };
}

function remoteTarget(byName: boolean): () => Promise<SupervisorTarget> {
  return async () => {
    const net = new MemoryNetwork();
    const client = net.add(
      new Runtime({ node: 'client@test', creation: 1, logger: memoryLogger() }),
    );
    const server = net.add(
      new Runtime({ node: 'server@test', creation: 2, logger: memoryLogger() }),
    );
    return {
      label: `memory-remote by ${byName ? '[name, node]' : 'pid'}`,
      client,
      async start(name, strategy) {
        const pid = await startContractTree(server, name, strategy);
        return { dest: byName ? ([name, 'server@test'] as const) : pid, pid };
      },
    };
  };
}

describe('otp/supervisor contract: local, by pid', () => supervisorContract(localTarget(false)));
describe('otp/supervisor contract: local, by name', () => supervisorContract(localTarget(true)));
describe('otp/supervisor contract: remote runtime, by pid', () =>
  supervisorContract(remoteTarget(false)));
describe('otp/supervisor contract: remote runtime, by [name, node]', () =>
  supervisorContract(remoteTarget(true)));

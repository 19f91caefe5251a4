// The DynamicSupervisor contract (test/contract/dynamic-supervisor.contract.ts) against
// a local beamlink DynamicSupervisor (a TypeScript child spec cannot cross nodes, so the
// remote case is Elixir's DynamicSupervisor, in test/interop/otp/dynamic-supervisor.test.ts).
import { describe } from 'node:test';
import { DynamicSupervisor } from '../../../src/otp/dynamic-supervisor.ts';
import { memoryLogger, Runtime } from '../../../src/process/index.ts';
import {
  dynamicSupervisorContract,
  tsWorker,
  type DynamicSupervisorTarget,
} from '../../contract/dynamic-supervisor.contract.ts';

const options = { maxChildren: 3, intensity: 3, period: 5 };

function localTarget(): Promise<DynamicSupervisorTarget> {
  const rt = new Runtime({ node: 'local@test', logger: memoryLogger() });
  return Promise.resolve({
    label: 'local',
    client: rt,
    worker: tsWorker,
    async start(name) {
      const pid = await DynamicSupervisor.start(rt, { ...options, name });
      return { dest: pid, pid };
    },
  });
}

describe('otp/dynamic-supervisor contract: local', () => dynamicSupervisorContract(localTarget));

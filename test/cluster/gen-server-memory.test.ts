// The GenServer contract across two runtimes wired by the memory distribution: the
// server on b@mem, the client on a@mem, reached by pid and by [name, node].
import { describe } from 'node:test';
import { Runtime, memoryLogger, type Dest } from '../../src/process/index.ts';
import { GenServer } from '../../src/otp/index.ts';
import { atom, Pid, Tuple, type Term } from '../../src/term/types.ts';
import { ContractServer } from '../contract/contract-server.ts';
import { genServerContract, type GenServerTarget } from '../contract/gen-server.contract.ts';
import { MemoryNetwork } from '../support/memory-distribution.ts';

function remoteTarget(byName: boolean): GenServerTarget {
  const net = new MemoryNetwork();
  const client = net.add(new Runtime({ node: 'client@mem', creation: 1, logger: memoryLogger() }));
  const server = net.add(new Runtime({ node: 'server@mem', creation: 1, logger: memoryLogger() }));
  let n = 0;
  return {
    label: byName ? 'remote [name, node]' : 'remote pid',
    client,
    serverNode: 'server@mem',
    async start(name) {
      const reg = byName ? (name ?? `gs_${++n}`) : name;
      const pid = await GenServer.start(
        server,
        new ContractServer(),
        0,
        reg === undefined ? {} : { name: reg },
      );
      return { dest: byName ? ([reg!, 'server@mem'] as const) : pid, pid };
    },
    missing: () =>
      byName ? (['no_such_server', 'server@mem'] as const) : new Pid(server.node, 30000, 0, 1),
    destTerm: (d: Dest) =>
      Array.isArray(d) ? new Tuple([atom(d[0] as string), atom(d[1] as string)]) : (d as Term),
    disconnect: () => {
      net.disconnect('client@mem', 'server@mem');
      setTimeout(() => net.reconnect('client@mem', 'server@mem'), 10);
    },
    serverMonitored: (pid) => (server.processInfo(pid)?.monitoredBy.length ?? 0) > 0,
  };
}

describe('cluster/gen-server: contract, remote pid (memory distribution)', () =>
  genServerContract(async () => remoteTarget(false), { nodedown: true }));
describe('cluster/gen-server: contract, remote [name, node] (memory distribution)', () =>
  genServerContract(async () => remoteTarget(true), { nodedown: true }));

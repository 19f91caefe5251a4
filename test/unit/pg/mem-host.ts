// A PgHost over MemoryNetwork runtimes: nodes() lists the other runtimes that are not cut
// off, and the test fires nodeup/nodedown itself (the memory network has no node events).
import type { NodeEvent, NodeEventListener } from '../../../src/node/events.ts';
import { Runtime, memoryLogger } from '../../../src/process/index.ts';
import type { Atom } from '../../../src/term/types.ts';
import { MemoryNetwork } from '../../support/memory-distribution.ts';
export { until } from '../../support/wait.ts';

export interface MemHost {
  readonly runtime: Runtime;
  nodes(): Atom[];
  monitorNodes(listener: NodeEventListener): () => void;
  emit(event: NodeEvent): void;
  readonly logs: ReturnType<typeof memoryLogger>;
}

export function memCluster(names: string[]): {
  net: MemoryNetwork;
  hosts: MemHost[];
  cut: Set<string>;
} {
  const net = new MemoryNetwork();
  const cut = new Set<string>();
  const hosts: MemHost[] = [];
  for (const name of names) {
    const logs = memoryLogger();
    const runtime = net.add(new Runtime({ node: `${name}@mem`, logger: logs }));
    const listeners = new Set<NodeEventListener>();
    hosts.push({
      runtime,
      logs,
      nodes: () =>
        hosts
          .filter((h) => h.runtime !== runtime && !cut.has(pairKey(h.runtime.node, runtime.node)))
          .map((h) => h.runtime.node),
      monitorNodes(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      emit(event) {
        for (const l of [...listeners]) l(event);
      },
    });
  }
  return { net, hosts, cut };
}

export function pairKey(a: Atom, b: Atom): string {
  return a.name < b.name ? `${a.name}|${b.name}` : `${b.name}|${a.name}`;
}

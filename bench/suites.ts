/**
 * Every benchmark suite run.ts knows. Add one line per suite module.
 */
import type { BenchSuite } from './registry.ts';

export const suites: Record<string, () => Promise<BenchSuite>> = {
  'term/codec': () => import('./term/codec.bench.ts'),
  'process/process': () => import('./process/process.bench.ts'),
  'distribution/dist': () => import('./distribution/dist.bench.ts'),
  'rpc/call': () => import('./rpc/call.bench.ts'),
  'pubsub/fanout': () => import('./pubsub/fanout.bench.ts'),
};

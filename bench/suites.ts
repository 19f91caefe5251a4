/**
 * Every benchmark suite run.ts knows. Add one line per suite module.
 */
import type { BenchSuite } from './registry.ts';

export const suites: Record<string, () => Promise<BenchSuite>> = {
  'term/codec': () => import('./term/codec.bench.ts'),
  'process/process': () => import('./process/process.bench.ts'),
};

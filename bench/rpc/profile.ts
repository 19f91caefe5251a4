// Allocation probes for a bench worker (node-worker.ts), driven by alloc.ts: heap use,
// GC counts, and V8's sampling heap profiler (young objects included) summed by
// allocation site.
import { Session } from 'node:inspector/promises';
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';

let gcs = 0;
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcs++;
    gcMs += e.duration;
  }
}).observe({ entryTypes: ['gc'] });

/** Heap in use (bytes) and the GCs seen so far (count, total ms). */
function heap(): { used: number; gcs: number; gcMs: number } {
  return { used: getHeapStatistics().used_heap_size, gcs, gcMs };
}

/** A full GC (the worker must run with --expose-gc). */
function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g === undefined) throw new Error('run the worker with --expose-gc');
  g();
}

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

let session: Session | undefined;

async function sampleStart(interval: number): Promise<void> {
  session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: interval,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
}

/** Stops sampling; the top sites by bytes as `bytes  function (file:line)` lines. */
async function sampleStop(top: number): Promise<string[]> {
  const s = session;
  if (s === undefined) throw new Error('not sampling');
  const { profile } = (await s.post('HeapProfiler.stopSampling')) as {
    profile: { head: ProfileNode };
  };
  s.disconnect();
  session = undefined;
  const bySite = new Map<string, number>();
  const walk = (n: ProfileNode, parent: string): void => {
    const f = n.callFrame;
    const file = f.url.replace(/^.*\//, '');
    const site = `${f.functionName || '(anon)'} (${file}:${f.lineNumber + 1}) <- ${parent}`;
    if (n.selfSize > 0) bySite.set(site, (bySite.get(site) ?? 0) + n.selfSize);
    for (const c of n.children) walk(c, `${f.functionName || '(anon)'}:${f.lineNumber + 1}`);
  };
  walk(profile.head, '');
  return [...bySite]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([site, bytes]) => `${String(bytes).padStart(10)}  ${site}`);
}

export const profileCommands = { heap, gc, sampleStart, sampleStop };

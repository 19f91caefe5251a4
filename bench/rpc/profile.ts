// Allocation probes for a bench worker (node-worker.ts), driven by alloc.ts: heap use,
// GC counts, and V8's sampling heap profiler (young objects included) summed by
// allocation site.
import { Session } from 'node:inspector/promises';
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

let gcs = 0;
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcs++;
    gcMs += e.duration;
  }
}).observe({ entryTypes: ['gc'] });

/** Heap in use and the young generation's size (bytes), the GCs so far (count, total ms). */
function heap(): { used: number; newSpace: number; gcs: number; gcMs: number } {
  const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  return { used: getHeapStatistics().used_heap_size, newSpace: young?.space_size ?? 0, gcs, gcMs };
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
  // callers shown per site: ALLOC_DEPTH (default 1)
  const depth = Number(process.env.ALLOC_DEPTH ?? 1);
  const walk = (n: ProfileNode, callers: string[]): void => {
    const f = n.callFrame;
    const file = f.url.replace(/^.*\//, '');
    const site = `${f.functionName || '(anon)'} (${file}:${f.lineNumber + 1}) <- ${callers.slice(0, depth).join(' <- ')}`;
    if (n.selfSize > 0) bySite.set(site, (bySite.get(site) ?? 0) + n.selfSize);
    const here = [`${f.functionName || '(anon)'}:${f.lineNumber + 1}`, ...callers];
    for (const c of n.children) walk(c, here);
  };
  walk(profile.head, []);
  return [...bySite]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([site, bytes]) => `${String(bytes).padStart(10)}  ${site}`);
}

export const profileCommands = { heap, gc, sampleStart, sampleStop };

// One million idle processes in one runtime. Prints the heap cost per process; asserts
// only a generous bound (this is not a timing test).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Runtime, memoryLogger, type Process } from '../../../src/process/index.ts';
import { atom } from '../../../src/term/types.ts';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

it('process/runtime: one million idle processes fit in one node', async () => {
  const rt = new Runtime({ node: 'million@local', logger: memoryLogger() });
  const N = 1_000_000;
  const idle = async (self: Process): Promise<void> => {
    await self.receive();
  };
  gc();
  const before = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  for (let i = 0; i < N; i++) rt.spawn(idle);
  await new Promise<void>((resolve) => {
    const tick = () => (rt.inspect().runQueue === 0 ? resolve() : setImmediate(tick));
    tick();
  });
  const started = performance.now() - t0;
  gc();
  const perProcess = (process.memoryUsage().heapUsed - before) / N;
  console.log(
    `${N} idle processes: ${Math.round(perProcess)} bytes of heap each; spawned and started in ${Math.round(started)} ms`,
  );
  assert.equal(rt.processCount, N);
  assert.ok(perProcess < 4096, `${perProcess} bytes per idle process`);
  // they are all alive and reachable: wake the last one and stop the first one
  const pids = rt.processes();
  rt.send(pids[N - 1]!, 'wake');
  rt.exit(pids[0]!, atom('kill'));
  await new Promise((r) => setImmediate(r));
  assert.equal(rt.processCount, N - 2);
});

/**
 * Heap bytes per idle process (blocked in receive), beamlink beside BEAM's
 * `process_info(P, memory)`. Run: `node --import tsx bench/process/memory.ts [count]`.
 */
import { spawnSync } from 'node:child_process';
import v8 from 'node:v8';
import vm from 'node:vm';
import { loadProcessBundle } from './process.bench.ts';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const N = Number(process.argv[2] ?? 1_000_000);
const { Runtime, memoryLogger } = await loadProcessBundle();
const rt = new Runtime({ logger: memoryLogger() });
const idle = async (self: { receive(): Promise<unknown> }): Promise<void> => {
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
const ms = performance.now() - t0;
gc();
const bytes = (process.memoryUsage().heapUsed - before) / N;
const erl = spawnSync(
  'erl',
  [
    '-noshell',
    '-eval',
    'P = spawn(fun() -> receive _ -> ok end end), timer:sleep(10), {memory, B} = process_info(P, memory), io:format("~p", [B]), halt().',
  ],
  { encoding: 'utf8' },
);
console.log(
  `idle process: beamlink ${Math.round(bytes)} bytes (${N} processes, started in ${Math.round(ms)} ms), BEAM ${erl.stdout || '?'} bytes`,
);
process.exit(0);

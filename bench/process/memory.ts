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
const { Runtime, memoryLogger, atom } = await loadProcessBundle();
async function measure(
  label: string,
  spawnOne: (rt: InstanceType<typeof Runtime>) => void,
): Promise<string> {
  const rt = new Runtime({ logger: memoryLogger() });
  gc();
  const before = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  for (let i = 0; i < N; i++) spawnOne(rt);
  await new Promise<void>((resolve) => {
    const tick = () => (rt.inspect().runQueue === 0 ? resolve() : setImmediate(tick));
    tick();
  });
  const ms = performance.now() - t0;
  gc();
  const bytes = (process.memoryUsage().heapUsed - before) / N;
  const line = `${label}: ${Math.round(bytes)} bytes (${N} processes, spawned and started in ${Math.round(ms)} ms)`;
  const t1 = performance.now();
  for (const pid of rt.processes()) rt.exit(pid, atom('kill'));
  await new Promise((r) => setImmediate(r));
  console.log(`(killing them took ${Math.round(performance.now() - t1)} ms)`);
  return line;
}

const idle = async (self: { receive(): Promise<unknown> }): Promise<void> => {
  await self.receive();
};
const handler = (): void => undefined;
const asyncLine = await measure('idle async process (awaiting receive)', (rt) => rt.spawn(idle));
const callbackLine = await measure('idle callback process (self.handle)', (rt) =>
  rt.spawn((self) => self.handle(handler)),
);
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
  `beamlink ${asyncLine}\nbeamlink ${callbackLine}\nBEAM idle process (process_info memory): ${erl.stdout || '?'} bytes`,
);
process.exit(0);

/**
 * The process runtime on five workloads, beside BEAM (beam/process_bench.erl): one-way
 * messages, ping-pong round trips, spawns, GenServer calls (each op is a batch, the same
 * batch on both sides), and the memory of an idle process (printed by memory.ts).
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleTo } from '../build.ts';
import type * as ProcessApi from '../../src/process/index.ts';
import type * as OtpApi from '../../src/otp/index.ts';
import type * as TermApi from '../../src/term/types.ts';
import type { Pid, Term } from '../../src/term/types.ts';
import { spawnSync } from 'node:child_process';
import type { BenchGroup, BenchScenario } from '../registry.ts';

type Api = typeof ProcessApi & typeof OtpApi & typeof TermApi;

/** Bundles the process and OTP layers together (one copy of every class). */
export async function loadProcessBundle(): Promise<Api> {
  const outfile = await bundleTo(fileURLToPath(new URL('../dist/process.mjs', import.meta.url)), {
    stdin: {
      contents:
        "export * from './process/index.ts';\nexport * from './otp/index.ts';\nexport { atom, tuple } from './term/types.ts';\n",
      resolveDir: fileURLToPath(new URL('../../src/', import.meta.url)),
      loader: 'ts',
    },
  });
  return (await import(pathToFileURL(outfile).href)) as Api;
}

const { Runtime, GenServer, memoryLogger, atom, tuple } = await loadProcessBundle();
const rt = new Runtime({ node: 'bench@local', logger: memoryLogger() });

function inProcess(fn: (self: ProcessApi.Process) => unknown): Promise<void> {
  return new Promise<void>((resolve, reject) =>
    rt.spawn(async (self) => {
      try {
        await fn(self);
        resolve();
      } catch (e) {
        reject(e);
      }
    }),
  );
}

// one-way: a callback process counts 10,000 messages from one sender
let want = 0;
let got = 0;
let done: (() => void) | null = null;
const sink = rt.spawn((self) =>
  self.handle(() => {
    if (++got === want) done!();
  }),
);
const oneWay = (): Promise<void> =>
  new Promise<void>((resolve) => {
    got = 0;
    want = 10_000;
    done = resolve;
    rt.spawn((self) => {
      for (let i = 0; i < 10_000; i++) self.send(sink, i);
    });
  });

// ping-pong: an async client and a callback echo
const echo = rt.spawn((self) =>
  self.handle((m) => {
    const t = m as { elements: readonly Term[] };
    self.send(t.elements[0] as Pid, t.elements[1]!);
  }),
);
const pingPong = (): Promise<void> =>
  inProcess(async (self) => {
    for (let i = 0; i < 1000; i++) {
      self.send(echo, tuple(self.pid, i));
      await self.receive();
    }
  });

// spawn: 1,000 children that each send one message and end
const spawns = (): Promise<void> =>
  new Promise<void>((resolve) => {
    let left = 1000;
    const parent = rt.spawn((self) =>
      self.handle(() => {
        if (--left === 0) {
          resolve();
          self.exit(atom('normal'));
        }
      }),
    );
    const child = (c: ProcessApi.Process): void => c.send(parent, 1);
    for (let i = 0; i < 1000; i++) rt.spawn(child);
  });

// GenServer.call: 1,000 calls to a local counter
const server = await GenServer.start(rt, {
  init: () => ({ ok: 0 }),
  handleCall: (_r: Term, _f: OtpApi.From, n: number) => ({ reply: n + 1, state: n + 1 }),
});
const calls = (): Promise<void> =>
  inProcess(async (self) => {
    for (let i = 0; i < 1000; i++) await GenServer.call(self, server, 'inc');
  });

export const groups: BenchGroup[] = [
  {
    name: 'process.send',
    beam: 'process_bench',
    cases: [{ name: '10000 one-way messages', impls: { beamlink: oneWay } }],
  },
  {
    name: 'process.pingpong',
    beam: 'process_bench',
    cases: [{ name: '1000 round trips', impls: { beamlink: pingPong } }],
  },
  {
    name: 'process.spawn',
    beam: 'process_bench',
    cases: [{ name: '1000 spawns', impls: { beamlink: spawns } }],
  },
  {
    name: 'gen_server.call',
    beam: 'process_bench',
    cases: [{ name: '1000 calls', impls: { beamlink: calls } }],
  },
];

/** Heap bytes per idle process: memory.ts in a child (it needs a clean heap and gc()). */
export const scenarios: BenchScenario[] = [
  {
    name: 'process.memory',
    columns: ['beamlink async', 'beamlink callback', 'BEAM'],
    baseline: 'BEAM',
    run(ctx) {
      const r = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          fileURLToPath(new URL('./memory.ts', import.meta.url)),
          ctx.quick ? '100000' : '1000000',
        ],
        { encoding: 'utf8', timeout: 600_000 },
      );
      const num = (re: RegExp): number | undefined => {
        const m = re.exec(r.stdout);
        return m ? Number(m[1]) : undefined;
      };
      if (r.status !== 0) return Promise.reject(new Error(`memory.ts failed: ${r.stderr}`));
      return Promise.resolve([
        {
          name: 'idle process (blocked in receive)',
          unit: 'bytes',
          higherIsBetter: false,
          values: {
            'beamlink async': num(/idle async process[^:]*: (\d+) bytes/),
            'beamlink callback': num(/idle callback process[^:]*: (\d+) bytes/),
            BEAM: num(/BEAM idle process[^:]*: (\d+) bytes/),
          },
        },
      ]);
    },
  },
];

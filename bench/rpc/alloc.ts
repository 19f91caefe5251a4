// Heap allocation per call on both ends, no timing (so no lock needed):
//
//   node --import tsx bench/rpc/alloc.ts [rpc|call] [N]          bytes per call
//   ALLOC_PROFILE=1 node --import tsx bench/rpc/alloc.ts rpc     + top allocation sites
//
// Two beamlink workers (node-worker.ts, bundled) and one erl node (OTP 25). The workers
// run with a young generation big enough that N calls trigger no GC, so the growth of
// the used heap over N calls is what they allocated; the GC count is printed to show
// that none ran. Columns: beamlink→beamlink (client and server) and BEAM→beamlink
// (server).
import {
  EpmdProcess,
  ErlangPeer,
  erlangReleases,
  uniqueName,
} from '../../test/support/erlang-peer.ts';
import { loadBeamModule, startWorker, type Worker } from '../distribution/cluster.ts';

const what = (process.argv[2] ?? 'rpc') as 'rpc' | 'call';
const n = Number(process.argv[3] ?? 20_000);
const profile = process.env.ALLOC_PROFILE === '1';
const semi = 512;
const flags = ['--expose-gc', `--min-semi-space-size=${semi}`, `--max-semi-space-size=${semi}`];

interface Heap {
  used: number;
  gcs: number;
}

const epmd = await EpmdProcess.start();
const workers: Worker[] = [];
let peer: ErlangPeer | undefined;
try {
  const cookie = 'bench';
  workers.push(await startWorker(flags), await startWorker(flags));
  const [a, b] = workers as [Worker, Worker];
  peer = await ErlangPeer.start({
    release: erlangReleases()[0]!,
    epmdPort: epmd.port,
    sname: uniqueName('erl'),
    cookie,
  });
  await loadBeamModule(peer, 'dist_bench');
  const names = await Promise.all(
    workers.map((w) =>
      w.call<string>('start', { sname: uniqueName('bl'), cookie, epmdPort: epmd.port }),
    ),
  );
  const server = names[1]!;
  const fromBl = (k: number): Promise<unknown> =>
    a.call(what === 'rpc' ? 'rpcLoop' : 'callLoop', server, k);
  const fromErl = (k: number): Promise<unknown> =>
    peer!.eval(
      what === 'rpc'
        ? `[ '${server}' = rpc:call('${server}', erlang, node, []) || _ <- lists:seq(1, ${k}) ], ok.`
        : `[ pong = gen_server:call({bench_gs, '${server}'}, ping) || _ <- lists:seq(1, ${k}) ], ok.`,
      600_000,
    );
  // warm up both paths (JIT tiers, connection buffers)
  for (let i = 0; i < 3; i++) {
    await fromBl(n);
    await fromErl(n);
  }
  const measure = async (label: string, run: () => Promise<unknown>, ws: Worker[]) => {
    for (const w of ws) await w.call('gc');
    const before = await Promise.all(ws.map((w) => w.call<Heap>('heap')));
    await run();
    const after = await Promise.all(ws.map((w) => w.call<Heap>('heap')));
    const parts = ws.map((w, i) => {
      const per = (after[i]!.used - before[i]!.used) / n;
      const gcs = after[i]!.gcs - before[i]!.gcs;
      return `${w === a ? 'client' : 'server'} ${per.toFixed(0)} B/call (${gcs} GCs)`;
    });
    console.log(`${label}: ${parts.join(', ')}`);
  };
  for (let r = 0; r < 3; r++) {
    await measure(`${what} beamlink→beamlink`, () => fromBl(n), [a, b]);
    await measure(`${what} BEAM→beamlink`, () => fromErl(n), [b]);
  }
  if (profile) {
    for (const w of workers) await w.call('sampleStart', 256);
    await fromBl(n);
    for (const [i, w] of workers.entries()) {
      console.log(`\n${i === 0 ? 'client' : 'server'} (beamlink→beamlink), bytes over ${n} calls:`);
      for (const line of await w.call<string[]>('sampleStop', 30)) console.log(line);
    }
    await b.call('sampleStart', 256);
    await fromErl(n);
    console.log(`\nserver (BEAM→beamlink), bytes over ${n} calls:`);
    for (const line of await b.call<string[]>('sampleStop', 30)) console.log(line);
  }
} finally {
  await Promise.all([...workers.map((w) => w.stop()), peer?.stop()]);
  await epmd.stop();
}

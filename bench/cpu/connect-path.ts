/**
 * What a connection setup costs in CPU, for instruction counts (callgrind) and CPU
 * profiles: the dist bench's connect row (`ping` after a disconnect: port mapper lookup
 * where the dialler makes one, TCP connect, handshake, one round trip), N times, with
 * nodes as the bench worker runs them (startRpcNode, a memory logger).
 *
 * ```
 * npx tsx bench/cpu/connect-path.ts build [out]   # bundles this file to bench/dist/connect-path.mjs (or out)
 * node bench/dist/connect-path.mjs <mode> <N>     # prints CPU µs (user, system) and page faults per connect
 * ```
 *
 * Modes:
 * - `erl-in`: an erl node (OTP 25; `CONNECT_OTP=27` for the chroot) connects to a beamlink
 *   node of this process N times (`erlang:disconnect_node`, 20 ms, `net_adm:ping`): this
 *   process is the acceptor only (BEAM→beamlink).
 * - `erl-out`: the beamlink node pings the erl node N times after a disconnect: this
 *   process is the initiator only (beamlink→BEAM).
 * - `bl`: two beamlink nodes in this process, one pinging the other: both sides.
 * - `erl-erl`: the baseline of `erl-in`: the erl node pings a second erl node the same way;
 *   CPU and page faults are then the accepting erl's (from /proc; its schedulers' busy
 *   wait is in its CPU time).
 * - `erl-floor`: the floor of `erl-in`: the erl node pings a Node server in this process
 *   that only accepts the handshake and answers the ping
 *   (`distribution/handshake-floor.ts`).
 *
 * `CONNECT_IDLE_MS` (default 20) sets the idle time before each of erl's pings.
 * `CONNECT_HEAP=1` with `node --expose-gc` prints the heap in use after the N connects and
 * a full collection, `CONNECT_HEAP=<file>` also writes a heap snapshot there: what
 * connects leave behind (compare two values of N).
 *
 * It prints, per connect, CPU time (user, system) and minor page faults of this process,
 * and the median ping time in µs (as erl's `connect_times` or the worker's `connect`
 * take it; for wall time run it with `BEAMLINK_BUSY_WAIT=200`, the nodes' default, and
 * under the bench lock).
 *
 * Each mode does 20 connects first (warm-up). Instructions per connect: the difference of
 * two runs, so start-up and warm-up cancel out — `valgrind --tool=callgrind
 * --callgrind-out-file=/dev/null node --single-threaded bench/dist/connect-path.mjs erl-in 50`
 * and the same with 150; (Ir₂ − Ir₁) / 100. The busy wait is off (`BEAMLINK_BUSY_WAIT=0`,
 * set here unless the environment sets it): its spinning would swamp the count. The erl
 * node is another process, so callgrind (which does not follow children here) counts
 * beamlink's side only.
 *
 * @module
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { procStat } from '../proc.ts';

process.env['BEAMLINK_BUSY_WAIT'] ??= '0';

const mode = process.argv[2] ?? 'erl-in';
const arg = process.argv[3];
const N = Number(arg ?? 100);
const WARM = 20;

async function main(): Promise<void> {
  if (mode === 'build') {
    const { bundleTo } = await import('../build.ts');
    const out = arg ?? fileURLToPath(new URL('../dist/connect-path.mjs', import.meta.url));
    // test/support/erlang-peer.ts reads its peer module next to itself (import.meta.url)
    const erlDir = join(dirname(out), 'erl');
    mkdirSync(erlDir, { recursive: true });
    copyFileSync(
      fileURLToPath(new URL('../../test/support/erl/beamlink_peer.erl', import.meta.url)),
      join(erlDir, 'beamlink_peer.erl'),
    );
    await bundleTo(out, { entryPoints: [fileURLToPath(import.meta.url)] });
    return;
  }
  const { startRpcNode } = await import('../../src/rpc/index.ts');
  const { memoryLogger } = await import('../../src/process/logger.ts');
  const { EpmdProcess, ErlangPeer, erlangReleases, uniqueName } =
    await import('../../test/support/erlang-peer.ts');
  const epmd = await EpmdProcess.start();
  const cookie = 'connectpath';
  const start = () =>
    startRpcNode({ sname: uniqueName('cp'), cookie, epmdPort: epmd.port, logger: memoryLogger() });
  type RpcNode = Awaited<ReturnType<typeof start>>;
  const stops: Array<() => Promise<unknown>> = [];

  /** Resolves once `node` has no connection to `peer` (its nodedown came). */
  const gone = (node: RpcNode, peer: string): Promise<void> =>
    new Promise((resolve) => {
      if (node.connectionState(peer) === undefined) return resolve();
      const off = node.monitorNodes((e) => {
        if (e.type === 'nodedown' && e.node.name === peer) {
          off();
          resolve();
        }
      });
    });
  /** The accepting erl node's OS pid in `erl-erl` mode (its CPU is reported, not ours). */
  let serverPid: number | undefined;
  /** Each ping's time in µs (the median is printed). */
  const times: number[] = [];
  /** `k` times: `from` disconnects `to`, both see it gone, then `from` pings `to`. */
  const pings = async (from: RpcNode, to: string, k: number, other?: RpcNode): Promise<void> => {
    for (let i = 0; i < k; i++) {
      from.disconnect(to);
      await gone(from, to);
      if (other) await gone(other, from.name);
      else await new Promise((r) => setTimeout(r, 20));
      const t0 = performance.now();
      if ((await from.ping(to, { timeoutMs: 60_000 })) !== 'pong') throw new Error(`pang: ${to}`);
      times.push((performance.now() - t0) * 1000);
    }
  };

  try {
    const a = await start();
    stops.push(() => a.stop());
    let run: (k: number) => Promise<void>;
    if (mode === 'bl') {
      const b = await start();
      stops.push(() => b.stop());
      run = (k) => pings(a, b.name, k, b);
    } else if (['erl-in', 'erl-out', 'erl-erl', 'erl-floor'].includes(mode)) {
      const otp = process.env['CONNECT_OTP'] ?? '25';
      const release = erlangReleases().find((r) => String(r.otp) === otp);
      if (!release) throw new Error(`no OTP ${otp} here`);
      const startErl = async () => {
        const peer = await ErlangPeer.start({
          release,
          epmdPort: epmd.port,
          sname: uniqueName('cperl'),
          cookie,
        });
        stops.push(() => peer.stop());
        return peer;
      };
      const erl = await startErl();
      let to = a.name;
      if (mode === 'erl-erl') {
        const server = await startErl();
        to = server.node;
        serverPid = server.osPid;
      } else if (mode === 'erl-floor') {
        const { handshakeFloorCommands: floor } =
          await import('../distribution/handshake-floor.ts');
        to = await floor.handshakeFloorStart({
          sname: uniqueName('cpfloor'),
          cookie,
          epmdPort: epmd.port,
        });
        stops.push(floor.handshakeFloorStop);
      }
      if (mode === 'erl-out') {
        run = (k) => pings(a, erl.node, k);
      } else {
        run = async (k) => {
          const r = await erl.eval(
            `lists:map(fun(_) -> erlang:disconnect_node('${to}'), ` +
              `(fun W() -> case lists:member('${to}', nodes(connected)) of true -> timer:sleep(5), W(); false -> ok end end)(), ` +
              `timer:sleep(${Number(process.env.CONNECT_IDLE_MS ?? 20)}), T0 = erlang:monotonic_time(microsecond), pong = net_adm:ping('${to}'), ` +
              `erlang:monotonic_time(microsecond) - T0 end, lists:seq(1, ${k})).`,
            3_600_000,
          );
          const us = JSON.parse(r) as unknown;
          if (!Array.isArray(us)) throw new Error(`erl: ${r}`);
          times.push(...(us as number[]));
        };
      }
    } else {
      throw new Error(`unknown mode ${mode}`);
    }
    await run(WARM);
    times.length = 0;
    const usage = () => (serverPid === undefined ? process.resourceUsage() : usageOf(serverPid));
    const r0 = usage();
    const t0 = performance.now();
    await run(N);
    const r1 = usage();
    if (process.env['CONNECT_HEAP'] && typeof globalThis.gc === 'function') {
      // Heap after a full collection (node --expose-gc), to see what connects leave behind.
      globalThis.gc();
      console.log(JSON.stringify({ heapUsed: process.memoryUsage().heapUsed }));
      if (process.env['CONNECT_HEAP'] !== '1') {
        const { writeHeapSnapshot } = await import('node:v8');
        writeHeapSnapshot(process.env['CONNECT_HEAP']);
      }
    }
    const per = (k: 'userCPUTime' | 'systemCPUTime' | 'minorPageFault') =>
      Math.round((r1[k] - r0[k]) / N);
    console.log(
      JSON.stringify({
        mode,
        N,
        wallMs: Math.round(performance.now() - t0),
        userUs: per('userCPUTime'),
        sysUs: per('systemCPUTime'),
        minorFaults: per('minorPageFault'),
        pingUsMedian: Math.round(times.sort((x, y) => x - y)[times.length >> 1]!),
      }),
    );
  } finally {
    for (const stop of stops.reverse()) await stop();
    await epmd.stop();
  }
}

/** CPU µs and minor faults of another process so far, as `process.resourceUsage()` names them. */
function usageOf(pid: number): {
  userCPUTime: number;
  systemCPUTime: number;
  minorPageFault: number;
} {
  const s = procStat(pid);
  return { userCPUTime: s.user * 1e6, systemCPUTime: s.system * 1e6, minorPageFault: s.faults };
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);

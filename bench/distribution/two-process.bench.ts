// beamlink ⇄ beamlink with each node in its own OS process (as two BEAM nodes are),
// over loopback TCP: small one-way messages/s and bulk 1 MiB binaries (GB/s).
// Run from dist.bench.ts (twoProcess); this file, forked with --role=receiver, is the receiver.
// BL_TUNE='{"fragmentBudget":4194304}' passes ConnectionOptions to the sending side.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { accept, initiate, tcpTransport } from '../../src/dist/index.ts';
import { Pid, Tuple, atom } from '../../src/term/index.ts';

const quiet = { warn: (m: string) => console.error(m) };
const pa = new Pid(atom('a@h'), 1, 0, 1);
const pb = new Pid(atom('b@h'), 1, 0, 2);

async function receiver(): Promise<void> {
  // Counts messages; tells the parent (over IPC) when `expect` have arrived.
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  process.send!({ port: (server.address() as { port: number }).port });
  const [sock] = (await once(server, 'connection')) as [Socket];
  const conn = await accept(tcpTransport(sock), {
    localName: 'b@h',
    localCreation: 2,
    cookie: 'c',
    decide: () => 'ok',
    logger: quiet,
    connection: { binaries: 'buffer' },
  });
  let expect = Infinity;
  let got = 0;
  let cpu0 = process.cpuUsage();
  process.on('message', (m: { expect: number }) => {
    expect = m.expect;
    got = 0;
    cpu0 = process.cpuUsage();
  });
  conn.on('message', () => {
    if (++got === expect) {
      const c = process.cpuUsage(cpu0);
      process.send!({ done: got, cpuUs: c.user + c.system });
    }
  });
  conn.on('close', () => process.exit(0));
}

/** One-way small messages (msg/s) and 1 MiB binaries (GB/s) to a receiver in a child process. */
export async function twoProcess(quick: boolean): Promise<{ oneWay: number; bulk: number }> {
  const child = fork(new URL(import.meta.url).pathname, ['--role=receiver'], {
    execArgv: ['--import', 'tsx'],
  });
  const [{ port }] = (await once(child, 'message')) as [{ port: number }];
  const s = connect({ port, host: '127.0.0.1' });
  await once(s, 'connect');
  const tuning = process.env.BL_TUNE ? JSON.parse(process.env.BL_TUNE) : undefined;
  const conn = await initiate(tcpTransport(s), {
    localName: 'a@h',
    localCreation: 1,
    cookie: 'c',
    remoteName: 'b@h',
    logger: quiet,
    connection: tuning,
  });

  async function run(
    n: number,
    make: (i: number) => Tuple | Uint8Array,
    bytes = 0,
  ): Promise<number> {
    child.send({ expect: n });
    await new Promise((r) => setTimeout(r, 50));
    const done = once(child, 'message');
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      if (!conn.send({ op: 'SEND', from: pa, to: pb, message: make(i) })) await once(conn, 'drain');
    }
    await done;
    const sec = Number(process.hrtime.bigint() - t0) / 1e9;
    return bytes ? (n * bytes) / sec / 1e9 : n / sec;
  }

  const oneWay = await run(quick ? 100_000 : 500_000, (i) => new Tuple([atom('count'), i]));
  const bin = new Uint8Array(1 << 20).fill(0xff);
  const bulk = await run(quick ? 64 : 256, () => bin, 1 << 20);
  conn.close();
  await once(child, 'exit');
  return { oneWay, bulk };
}

if (process.argv.includes('--role=receiver')) await receiver();

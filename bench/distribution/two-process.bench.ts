// beamlink ⇄ beamlink with each node in its own OS process (as two BEAM nodes are),
// over loopback TCP: small one-way messages/s and bulk 1 MiB binaries (GB/s).
// Run: node --import tsx bench/dist/two-process.bench.ts [--quick]
// BL_TUNE='{"fragmentBudget":4194304}' passes ConnectionOptions to the sending side.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { accept, initiate, tcpTransport } from '../../src/dist/index.ts';
import { Pid, Tuple, atom } from '../../src/term/index.ts';

const quick = process.argv.includes('--quick');
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

async function sender(): Promise<void> {
  const child = fork(new URL(import.meta.url).pathname, ['--role=receiver'], { execArgv: ['--import', 'tsx'] });
  const [{ port }] = (await once(child, 'message')) as [{ port: number }];
  const s = connect({ port, host: '127.0.0.1' });
  await once(s, 'connect');
  const tuning = process.env.BL_TUNE ? JSON.parse(process.env.BL_TUNE) : undefined;
  const conn = await initiate(tcpTransport(s), { localName: 'a@h', localCreation: 1, cookie: 'c', remoteName: 'b@h', logger: quiet, connection: tuning });

  async function run(label: string, n: number, make: (i: number) => Tuple | Uint8Array, bytes = 0): Promise<void> {
    child.send({ expect: n });
    await new Promise((r) => setTimeout(r, 50));
    const done = once(child, 'message') as Promise<[{ cpuUs: number }]>;
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      if (!conn.send({ op: 'SEND', from: pa, to: pb, message: make(i) })) await once(conn, 'drain');
    }
    const [{ cpuUs }] = await done;
    const sec = Number(process.hrtime.bigint() - t0) / 1e9;
    const c = process.cpuUsage(c0);
    const sendCpu = c.user + c.system;
    const rate = bytes ? `${((n * bytes) / sec / 1e9).toFixed(2)} GB/s` : `${(n / sec / 1000).toFixed(0)} k msg/s`;
    const per = bytes
      ? `CPU per GB: send ${(sendCpu / 1e3 / ((n * bytes) / 1e9)).toFixed(0)} ms, receive ${(cpuUs / 1e3 / ((n * bytes) / 1e9)).toFixed(0)} ms`
      : `CPU per message: send ${(sendCpu / n).toFixed(2)} µs, receive ${(cpuUs / n).toFixed(2)} µs`;
    console.log(`${label.padEnd(28)} ${rate.padEnd(14)} ${per}`);
  }

  console.log(`node ${process.version}, two processes, ${quick ? 'quick' : 'full'} run`);
  await run('one-way small {count, N}', quick ? 200_000 : 2_000_000, (i) => new Tuple([atom('count'), i]));
  const bin = new Uint8Array(1 << 20).fill(0xff);
  await run('bulk 1 MiB binaries', quick ? 128 : 1024, () => bin, 1 << 20);
  conn.close();
  await once(child, 'exit');
}

if (process.argv.includes('--role=receiver')) await receiver();
else await sender();

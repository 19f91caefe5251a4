// Connection-level handshake time, beamlink ⇄ beamlink in this process over loopback TCP
// (no port mapper, no process layer), run from dist.bench.ts.
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { accept, initiate, tcpTransport, type Connection } from '../../src/dist/index.ts';

const quiet = { warn: (m: string) => console.error(m) };

export async function connectPair(): Promise<{
  a: Connection;
  b: Connection;
  close: () => Promise<void>;
}> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const s = connect({ port, host: '127.0.0.1' });
  await once(s, 'connect');
  const [sb] = await accepted;
  const [a, b] = await Promise.all([
    initiate(tcpTransport(s), {
      localName: 'a@h',
      localCreation: 1,
      cookie: 'c',
      remoteName: 'b@h',
      logger: quiet,
    }),
    accept(tcpTransport(sb), {
      localName: 'b@h',
      localCreation: 2,
      cookie: 'c',
      decide: () => 'ok',
      logger: quiet,
    }),
  ]);
  return {
    a,
    b,
    close: async () => {
      a.close();
      b.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** `n` handshakes (connect + initiate/accept); milliseconds, sorted. */
export async function benchConnect(n: number): Promise<number[]> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const conns: Promise<Connection>[] = [];
  server.on('connection', (sb) => {
    conns.push(
      accept(tcpTransport(sb), {
        localName: 'b@h',
        localCreation: 2,
        cookie: 'c',
        decide: () => 'ok',
        logger: quiet,
      }),
    );
  });
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    const s = connect({ port, host: '127.0.0.1' });
    await once(s, 'connect');
    const a = await initiate(tcpTransport(s), {
      localName: 'a@h',
      localCreation: 1,
      cookie: 'c',
      remoteName: 'b@h',
      logger: quiet,
    });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    a.close();
  }
  for (const c of await Promise.all(conns)) c.close();
  await new Promise<void>((r) => server.close(() => r()));
  times.sort((x, y) => x - y);
  return times;
}

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { test } from 'node:test';
import {
  acceptDirect,
  acceptedWithDirectReads,
  connectSocket,
  tcpTransport,
  type Transport,
} from '../../../src/dist/transport.ts';

async function socketPair(): Promise<[Socket, Socket, () => void]> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const a = connect({ port, host: '127.0.0.1' });
  await once(a, 'connect');
  const [b] = await accepted;
  return [a, b, () => server.close()];
}

test('dist/transport: tcp write, writev with a written callback, data and close both ways', async () => {
  const [sa, sb, stop] = await socketPair();
  const a = tcpTransport(sa);
  const b = tcpTransport(sb);
  const got: Buffer[] = [];
  let total = 0;
  const all = new Promise<void>((resolve) =>
    b.onData((c) => {
      got.push(c);
      total += c.length;
      if (total === 9) resolve();
    }),
  );
  a.write(Buffer.from('abc'));
  let written = false;
  a.writev!([Buffer.from('de'), Buffer.from('f'), Buffer.from('ghi')], () => (written = true));
  await all;
  assert.equal(Buffer.concat(got).toString(), 'abcdefghi');
  assert.ok(written);
  assert.match(a.description, /^tcp 127\.0\.0\.1:\d+$/);
  const closedB = new Promise<Error | undefined>((resolve) => b.onClose((e) => resolve(e)));
  a.close();
  assert.ok(a.closed);
  assert.equal(a.write(Buffer.from('x')), false);
  assert.equal(await closedB, undefined);
  assert.ok(b.closed);
  // A handler set after the close still hears about it.
  const late = await new Promise<boolean>((resolve) => a.onClose(() => resolve(true)));
  assert.ok(late);
  stop();
});

test('dist/transport: connectSocket and acceptedWithDirectReads read through onread, bytes intact both ways', async () => {
  const server = createServer({ pauseOnConnect: true });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const sa = connectSocket({ port, host: '127.0.0.1' });
  await once(sa, 'connect');
  const sb = acceptedWithDirectReads((await accepted)[0]);
  const a = tcpTransport(sa);
  const b = tcpTransport(sb);
  const big = Buffer.alloc(300_000);
  for (let i = 0; i < big.length; i++) big[i] = i % 253;
  const expect = Buffer.concat([Buffer.from('small'), big, Buffer.from('end')]);
  const collect = (t: Transport, n: number) => {
    const got: Buffer[] = [];
    let total = 0;
    return new Promise<Buffer>((resolve) =>
      t.onData((c) => {
        got.push(Buffer.from(c));
        total += c.length;
        if (total === n) resolve(Buffer.concat(got));
      }),
    );
  };
  const atB = collect(b, expect.length);
  const atA = collect(a, expect.length);
  a.write(Buffer.from('small'));
  a.write(big);
  a.write(Buffer.from('end'));
  b.writev!([Buffer.from('small'), big, Buffer.from('end')]);
  assert.ok((await atB).equals(expect));
  assert.ok((await atA).equals(expect));
  const closedB = new Promise<Error | undefined>((resolve) => b.onClose((e) => resolve(e)));
  a.close();
  assert.equal(await closedB, undefined);
  server.close();
});

test('dist/transport: acceptDirect makes one onread socket per accepted connection, bytes intact both ways', async () => {
  const server = createServer({ pauseOnConnect: true });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const sockets: Socket[] = [];
  let connectionEvents = 0;
  server.on('connection', () => connectionEvents++);
  const arrived = new Promise<Socket>((resolve) =>
    acceptDirect(server, (s) => {
      sockets.push(s);
      resolve(s);
    }),
  );
  const sa = connect({ port, host: '127.0.0.1' });
  await once(sa, 'connect');
  const b = tcpTransport(await arrived);
  const a = tcpTransport(sa);
  const big = Buffer.alloc(200_000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7) % 251;
  const got: Buffer[] = [];
  let total = 0;
  const all = new Promise<void>((resolve) =>
    b.onData((c) => {
      got.push(Buffer.from(c));
      total += c.length;
      if (total === big.length + 2) resolve();
    }),
  );
  a.write(Buffer.from('x'));
  a.write(big);
  a.write(Buffer.from('y'));
  await all;
  assert.ok(Buffer.concat(got).equals(Buffer.concat([Buffer.from('x'), big, Buffer.from('y')])));
  const back = once(sa, 'data');
  b.write(Buffer.from('pong'));
  assert.equal(String((await back)[0]), 'pong');
  // Node's own socket (and its 'connection' event) was never made.
  assert.equal(sockets.length, 1);
  assert.equal(connectionEvents, 0);
  const closedA = new Promise<Error | undefined>((resolve) => a.onClose((e) => resolve(e)));
  b.close();
  assert.equal(await closedA, undefined);
  server.close();
});

test('dist/transport: acceptDirect before the server listens falls back to the connection event', async () => {
  const server = createServer({ pauseOnConnect: true });
  const arrived = new Promise<Socket>((resolve) => acceptDirect(server, resolve));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const sa = connect({ port, host: '127.0.0.1' });
  await once(sa, 'connect');
  const b = tcpTransport(await arrived);
  const got = new Promise<string>((resolve) => b.onData((c) => resolve(String(c))));
  sa.write('hello');
  assert.equal(await got, 'hello');
  b.close();
  sa.destroy();
  server.close();
});

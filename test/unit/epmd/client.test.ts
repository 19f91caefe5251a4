// The client against port mappers that misbehave (a fake server on loopback): every
// failure is a typed error naming the port mapper's address, never a hang or a crash.
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { test } from 'node:test';
import {
  EpmdBadReplyError,
  EpmdUnreachableError,
  epmdPortFromEnv,
  lookup,
  names,
  register,
} from '../../../src/epmd/index.ts';
import { freePort } from '../../support/erlang-peer.ts';

/** A fake port mapper: `onRequest` gets each connection and the bytes of its request. */
async function fake(onRequest: (socket: Socket, request: Buffer) => void): Promise<Server> {
  const server = createServer((socket) => {
    socket.on('error', () => {});
    socket.once('data', (d: Buffer) => onRequest(socket, d));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}
const portOf = (s: Server) => (s.address() as { port: number }).port;
const close = (s: Server) => new Promise<void>((r) => s.close(() => r()));

test('epmd/client: the port comes from the option, else ERL_EPMD_PORT, else 4369', () => {
  assert.equal(epmdPortFromEnv(undefined, {}), 4369);
  assert.equal(epmdPortFromEnv(undefined, { ERL_EPMD_PORT: '4400' }), 4400);
  assert.equal(epmdPortFromEnv(5000, { ERL_EPMD_PORT: '4400' }), 5000);
  assert.equal(epmdPortFromEnv(undefined, { ERL_EPMD_PORT: 'nope' }), 4369);
  assert.equal(epmdPortFromEnv(undefined, { ERL_EPMD_PORT: '70000' }), 4369);
});

test('epmd/client: nothing listening is EpmdUnreachableError with a hint', async () => {
  const port = await freePort();
  for (const call of [
    () => names(undefined, { epmdPort: port }),
    () => lookup('x', undefined, { epmdPort: port }),
    () => register({ name: 'x', port: 1, epmdPort: port }),
  ]) {
    await assert.rejects(call(), (e: unknown) => {
      assert.ok(e instanceof EpmdUnreachableError);
      assert.equal(e.code, 'BL_ERR_EPMD_UNREACHABLE');
      assert.equal(e.port, port);
      assert.equal(e.host, '127.0.0.1');
      assert.match(
        e.message,
        /is epmd running\? start one with `npx beamlink epmd` or set ERL_EPMD_PORT/,
      );
      return true;
    });
  }
});

test('epmd/client: garbage, early close and silence are EpmdBadReplyError with the address', async () => {
  const garbage = await fake((s) => s.end(Buffer.from('HTTP/1.1 400 Bad Request\r\n')));
  const early = await fake((s) => s.destroy());
  const silent = await fake(() => {});
  const truncated = await fake((s) => s.end(Buffer.from([119, 0, 0x13])));
  try {
    const cases: [() => Promise<unknown>, number, RegExp][] = [
      [
        () => register({ name: 'x', port: 1, epmdPort: portOf(garbage) }),
        portOf(garbage),
        /unexpected ALIVE2 reply tag 72/,
      ],
      [
        () => register({ name: 'x', port: 1, epmdPort: portOf(early) }),
        portOf(early),
        /closed before answering/,
      ],
      [
        () => register({ name: 'x', port: 1, epmdPort: portOf(silent), timeoutMs: 300 }),
        portOf(silent),
        /no ALIVE2 reply within 300 ms/,
      ],
      [
        () => lookup('x', undefined, { epmdPort: portOf(garbage) }),
        portOf(garbage),
        /unexpected PORT2 reply tag 72/,
      ],
      [
        () => lookup('x', undefined, { epmdPort: portOf(truncated) }),
        portOf(truncated),
        /PORT2_RESP cut short/,
      ],
      [
        () => lookup('x', undefined, { epmdPort: portOf(silent), timeoutMs: 300 }),
        portOf(silent),
        /no complete reply within 300 ms/,
      ],
      [
        () => names(undefined, { epmdPort: portOf(early) }),
        portOf(early),
        /NAMES reply shorter than its port/,
      ],
    ];
    for (const [call, port, message] of cases) {
      await assert.rejects(call(), (e: unknown) => {
        assert.ok(e instanceof EpmdBadReplyError, String(e));
        assert.equal(e.code, 'BL_ERR_EPMD_BAD_REPLY');
        assert.equal(e.port, port);
        assert.match(e.message, new RegExp(`at 127\\.0\\.0\\.1:${port}: `));
        assert.match(e.message, message);
        return true;
      });
    }
  } finally {
    for (const s of [garbage, early, silent, truncated]) await close(s);
  }
});

test('epmd/client: a reply split into single bytes is reassembled', async () => {
  const reply = Buffer.from([119, 0, 0x13, 0x88, 77, 0, 0, 6, 0, 5, 0, 1, 97, 0, 0]);
  const server = await fake((s) => {
    let i = 0;
    const tick = () => {
      if (i < reply.length) {
        s.write(reply.subarray(i, ++i));
        setTimeout(tick, 2);
      } else s.end();
    };
    tick();
  });
  try {
    const info = await lookup('a', undefined, { epmdPort: portOf(server) });
    assert.deepEqual(info, {
      port: 5000,
      nodeType: 77,
      protocol: 0,
      highest: 6,
      lowest: 5,
      name: 'a',
      extra: Buffer.alloc(0),
    });
  } finally {
    await close(server);
  }
});

test('epmd/client: a registration ends (closed resolves) when the port mapper goes away', async () => {
  const sockets: Socket[] = [];
  const server = await fake((s) => {
    sockets.push(s);
    s.write(Buffer.from([118, 0, 0, 0, 0, 42]));
  });
  try {
    const reg = await register({ name: 'x', port: 1, epmdPort: portOf(server) });
    assert.equal(reg.creation, 42);
    assert.equal(reg.active, true);
    sockets[0]!.destroy();
    await reg.closed;
    assert.equal(reg.active, false);
    await reg.close(); // closing again is harmless
  } finally {
    await close(server);
  }
});

// The node's listening socket: a failed accept is logged, not thrown, and the node keeps
// accepting connections.
import assert from 'node:assert/strict';
import type { Server } from 'node:net';
import { after, before, test } from 'node:test';
import { EpmdDaemon } from '../../../src/epmd/daemon.ts';
import type { NodeLogLevel } from '../../../src/node/connections.ts';
import { Node } from '../../../src/node/node.ts';

let daemon: EpmdDaemon;
before(async () => {
  daemon = await EpmdDaemon.start({ port: 0 });
});
after(async () => {
  await daemon.stop();
});

test('node: an accept error on the listener is logged and the node goes on accepting', async () => {
  const lines: { level: NodeLogLevel; message: string }[] = [];
  const logger = { log: (level: NodeLogLevel, message: string) => lines.push({ level, message }) };
  const start = (sname: string) =>
    Node.start({
      sname: `${sname}@localhost`,
      cookie: 'lc',
      epmdPort: daemon.port,
      startPortMapper: false,
      logger,
    });
  const [a, b] = await Promise.all([start('listener_a'), start('listener_b')]);
  try {
    for (const n of [a, b]) n.attach({ handleControl: () => {}, nodeDown: () => {} });
    // What Node's accept callback does when accept(2) fails (EMFILE, ENFILE…).
    const server = (a as unknown as { server: Server }).server;
    const e = Object.assign(new Error('accept EMFILE'), { code: 'EMFILE' });
    assert.doesNotThrow(() => server.emit('error', e));
    assert.ok(
      lines.some(
        (l) =>
          l.level === 'error' && l.message.includes('accepting a connection failed: accept EMFILE'),
      ),
      JSON.stringify(lines),
    );
    assert.equal(await b.connect(a.name), true);
    assert.deepEqual(
      a.nodes().map((x) => x.name),
      [b.name],
    );
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

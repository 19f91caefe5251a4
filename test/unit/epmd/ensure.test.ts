import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  daemonCommand,
  EpmdDaemon,
  ensurePortMapper,
  kill,
  names,
  register,
} from '../../../src/epmd/index.ts';
import { freePort } from '../../support/erlang-peer.ts';
import { waitUntil } from './raw-client.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('epmd/ensure: uses a port mapper that already answers', async () => {
  const d = await EpmdDaemon.start({ port: 0 });
  try {
    const pm = await ensurePortMapper({ epmdPort: d.port });
    assert.equal(pm.started, false);
    assert.equal(pm.pid, undefined);
    assert.equal(pm.names.epmdPort, d.port);
  } finally {
    await d.stop();
  }
});

test('epmd/ensure: runs the daemon from the sources through tsx', () => {
  const { command, args } = daemonCommand(['--port', '1']);
  assert.equal(command, process.execPath);
  assert.equal(args[0], '--import');
  assert.match(args[2]!, /src[/\\]epmd[/\\]daemon-main\.ts$/);
  assert.deepEqual(args.slice(3), ['--port', '1']);
});

test('epmd/ensure: starts a detached daemon when none answers, and it serves until KILL', async () => {
  const port = await freePort();
  const pm = await ensurePortMapper({ epmdPort: port, timeoutMs: 30_000 });
  assert.equal(pm.started, true);
  assert.ok(pm.pid !== undefined && alive(pm.pid));
  try {
    const reg = await register({ name: 'ensured', port: 4444, epmdPort: port });
    assert.equal((await names(undefined, { epmdPort: port })).text, 'name ensured at port 4444\n');
    await reg.close();
    await waitUntil(async () => (await names(undefined, { epmdPort: port })).names.length === 0);
    assert.equal(await kill(undefined, { epmdPort: port }), 'OK');
    await waitUntil(() => !alive(pm.pid!), 10_000, 'daemon exit');
  } finally {
    if (alive(pm.pid!)) process.kill(pm.pid!, 'SIGKILL');
  }
});

test('epmd/ensure: two nodes starting at once end up with one port mapper', async () => {
  const port = await freePort();
  const [a, b] = await Promise.all([
    ensurePortMapper({ epmdPort: port, timeoutMs: 30_000 }),
    ensurePortMapper({ epmdPort: port, timeoutMs: 30_000 }),
  ]);
  const pids = [a.pid, b.pid].filter((p): p is number => p !== undefined);
  try {
    assert.equal(a.port, port);
    assert.equal(b.port, port);
    // the loser (if both spawned) exits on EADDRINUSE; exactly one stays
    await waitUntil(() => pids.filter(alive).length === 1, 15_000, 'one daemon left');
    assert.equal(await kill(undefined, { epmdPort: port }), 'OK');
    await waitUntil(() => pids.filter(alive).length === 0, 10_000, 'daemon exit');
  } finally {
    for (const p of pids) if (alive(p)) process.kill(p, 'SIGKILL');
  }
});

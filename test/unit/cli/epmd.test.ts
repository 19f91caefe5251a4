import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { main } from '../../../src/cli/main.ts';
import { captureIo } from '../../../src/cli/io.ts';
import { EpmdDaemon, kill, lookup, names, register } from '../../../src/epmd/index.ts';
import { freePort } from '../../support/erlang-peer.ts';
import { waitUntil } from '../epmd/raw-client.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('cli/epmd: runs in the foreground until SIGTERM, serving registrations', async () => {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'epmd', '--port', String(port), '--verbose'],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.resume();
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    await waitUntil(() => out.includes('listening on port'), 60_000, 'ready line');
    assert.match(out, new RegExp(`listening on port ${port} \\(127\\.0\\.0\\.1`));
    const reg = await register({ name: 'fg', port: 4567, epmdPort: port });
    assert.equal((await lookup('fg', undefined, { epmdPort: port }))?.port, 4567);
    await waitUntil(() => out.includes('registered fg at port 4567'), 10_000, 'verbose line');
    await reg.close();
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.match(out, /beamlink epmd: stopped\n$/);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

test('cli/epmd: --daemon detaches and returns once the daemon answers', async () => {
  const port = await freePort();
  const io = captureIo();
  assert.equal(await main(['epmd', '--daemon', '--port', String(port)], io), 0);
  const m = /started on port (\d+) \(pid (\d+)\)/.exec(io.stdout);
  assert.ok(m, io.stdout);
  const pid = Number(m[2]);
  try {
    assert.equal((await names(undefined, { epmdPort: port })).epmdPort, port);
    const again = captureIo();
    assert.equal(await main(['epmd', '--daemon', '--port', String(port)], again), 0);
    assert.equal(again.stdout, `beamlink epmd: a port mapper already answers on port ${port}\n`);
    assert.equal(await kill(undefined, { epmdPort: port }), 'OK');
    await waitUntil(() => !alive(pid), 10_000, 'daemon exit');
  } finally {
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
});

test('cli/epmd: a taken port is reported, exit code 1', async () => {
  const d = await EpmdDaemon.start({ port: 0 });
  try {
    const io = captureIo();
    assert.equal(await main(['epmd', '--port', String(d.port)], io), 1);
    assert.match(io.stderr, /EADDRINUSE/);
  } finally {
    await d.stop();
  }
});

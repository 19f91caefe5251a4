import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { main } from '../../../src/cli/main.ts';
import { captureIo } from '../../../src/cli/io.ts';
import { EpmdDaemon, register, type Registration } from '../../../src/epmd/index.ts';
import { freePort } from '../../support/erlang-peer.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));

function run(
  args: string[],
  env: Record<string, string>,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('cli/names', () => {
  let daemon: EpmdDaemon;
  let regs: Registration[];
  before(async () => {
    daemon = await EpmdDaemon.start({ port: 0 });
    regs = [
      await register({ name: 'first', port: 4001, epmdPort: daemon.port }),
      await register({ name: 'second', port: 4002, epmdPort: daemon.port }),
    ];
  });
  after(async () => {
    for (const r of regs) await r.close();
    await daemon.stop();
  });

  it('cli/names: prints what epmd -names prints', async () => {
    const io = captureIo();
    assert.equal(await main(['names', '--port', String(daemon.port)], io), 0);
    assert.equal(
      io.stdout,
      `epmd: up and running on port ${daemon.port} with data:\n` +
        'name second at port 4002\nname first at port 4001\n',
    );
  });

  it('cli/names: --json prints the port and the names', async () => {
    const io = captureIo();
    assert.equal(await main(['names', '--json', '-p', String(daemon.port), '127.0.0.1'], io), 0);
    assert.deepEqual(JSON.parse(io.stdout), {
      port: daemon.port,
      names: [
        { name: 'second', port: 4002 },
        { name: 'first', port: 4001 },
      ],
    });
  });

  it('cli/names: finds the port mapper through ERL_EPMD_PORT, from the command line', async () => {
    // asynchronous: the daemon answering lives in this process's event loop
    const r = await run(['names'], { ERL_EPMD_PORT: String(daemon.port) });
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /^epmd: up and running on port \d+ with data:\nname second at port 4002\n/,
    );
  });

  it('cli/names: exits 1 with a hint when no port mapper answers', async () => {
    const io = captureIo();
    assert.equal(await main(['names', '--port', String(await freePort())], io), 1);
    assert.equal(io.stdout, '');
    assert.match(io.stderr, /port mapper unreachable .*npx beamlink epmd/);
  });

  it('cli/names: rejects a bad port with a usage error', async () => {
    const io = captureIo();
    assert.notEqual(await main(['names', '--port', 'abc'], io), 0);
    assert.match(io.stderr, /port must be an integer/);
  });
});

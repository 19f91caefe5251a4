import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EpmdDaemon } from '../../src/epmd/index.ts';
import { freePort } from '../support/erlang-peer.ts';
import { runCli } from './support.ts';

describe('cli/errors: failures say what happened and how to fix it', () => {
  it('cli/errors: an unknown host', async () => {
    const epmd = await EpmdDaemon.start({ port: 0 });
    const r = await runCli([
      'ping',
      'x@no-such-host-beamlink',
      '--cookie',
      'c',
      '--epmd-port',
      String(epmd.port),
    ]);
    await epmd.stop();
    assert.equal(r.status, 1);
    assert.equal(r.stdout, 'pang\n');
    assert.match(r.stderr, /cannot reach the port mapper on no-such-host-beamlink/);
    assert.match(r.stderr, /hint: is no-such-host-beamlink the right host/);
  });

  it('cli/errors: both --sname and --name', async () => {
    const r = await runCli(['start', '--sname', 'a', '--name', 'a@127.0.0.1', '--cookie', 'c']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /both --sname and --name given\n {2}how to fix: a node has one name/);
  });

  it('cli/errors: a short name with a dotted host', async () => {
    const r = await runCli([
      'start',
      '--sname',
      'a@x.example.org',
      '--cookie',
      'c',
      '--epmd-port',
      String(await freePort()),
    ]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /how to fix: short names have no dots in the host/);
  });

  it('cli/errors: no node of that name', async () => {
    const epmd = await EpmdDaemon.start({ port: 0 });
    const r = await runCli([
      'rpc',
      'ghost',
      'erlang',
      'node',
      '--cookie',
      'c',
      '--epmd-port',
      String(epmd.port),
    ]);
    await epmd.stop();
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no node named ghost on \S+ \(registered: beamlink_cli_[0-9a-f]+\)/);
    assert.match(r.stderr, /how to fix: check the name with `beamlink names/);
  });

  it('cli/errors: no port mapper (a one-shot verb never starts one)', async () => {
    const port = await freePort();
    const r = await runCli([
      'rpc',
      'ghost',
      'erlang',
      'node',
      '--cookie',
      'c',
      '--epmd-port',
      String(port),
    ]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no port mapper answers: .*:\d+/);
    assert.match(r.stderr, /how to fix: start one with `beamlink epmd --daemon`/);
    const { names } = await import('../../src/epmd/index.ts');
    await assert.rejects(names('127.0.0.1', { epmdPort: port }), 'still no port mapper afterwards');
  });
});

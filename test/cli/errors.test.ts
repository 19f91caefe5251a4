import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EpmdDaemon } from '../../src/epmd/index.ts';
import { freePort } from '../support/erlang-peer.ts';
import { runCli } from './support.ts';

/** Runs the CLI with `args`, then `--cookie c --epmd-port PORT`. */
const cli = (port: number, args: string[]) =>
  runCli([...args, '--cookie', 'c', '--epmd-port', String(port)]);

/** Runs `cli()` against a port mapper of its own, stopped once the CLI has exited. */
async function cliWithEpmd(args: string[]): ReturnType<typeof runCli> {
  const epmd = await EpmdDaemon.start({ port: 0 });
  try {
    return await cli(epmd.port, args);
  } finally {
    await epmd.stop();
  }
}

describe('cli/errors: failures say what happened and how to fix it', () => {
  it('cli/errors: an unknown host', async () => {
    const r = await cliWithEpmd(['ping', 'x@no-such-host-beamlink']);
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
    const r = await cli(await freePort(), ['start', '--sname', 'a@x.example.org']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /how to fix: short names have no dots in the host/);
  });

  it('cli/errors: no node of that name', async () => {
    const r = await cliWithEpmd(['rpc', 'ghost', 'erlang', 'node']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no node named ghost on \S+ \(registered: beamlink_cli_[0-9a-f]+\)/);
    assert.match(r.stderr, /how to fix: check the name with `beamlink names/);
  });

  it('cli/errors: no port mapper (a one-shot verb never starts one)', async () => {
    const port = await freePort();
    const r = await cli(port, ['rpc', 'ghost', 'erlang', 'node']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no port mapper answers: .*:\d+/);
    assert.match(r.stderr, /how to fix: start one with `beamlink epmd --daemon`/);
    const { names } = await import('../../src/epmd/index.ts');
    await assert.rejects(names('127.0.0.1', { epmdPort: port }), 'still no port mapper afterwards');
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCliNode } from '../../src/cli/node-setup.ts';
import { cliServices } from '../../src/cli/services.ts';
import { EpmdDaemon } from '../../src/epmd/index.ts';
import type { BeamNode } from '../../src/kernel/index.ts';
import { atom } from '../../src/term/types.ts';
import { uniqueName } from '../support/erlang-peer.ts';
import { runCli } from './support.ts';

describe('cli/remsh', () => {
  let epmd: EpmdDaemon;
  let target: BeamNode;
  before(async () => {
    epmd = await EpmdDaemon.start({ port: 0 });
    target = await startCliNode(
      {
        sname: uniqueName('target'),
        cookie: 'remsh_cookie',
        epmdPort: epmd.port,
        logLevel: 'error',
      },
      cliServices(),
    );
  });
  after(async () => {
    await target?.stop();
    await epmd?.stop();
  });

  it('cli/remsh: evaluates on the target node, keeps bindings, leaves at end of input', async () => {
    const input = [
      'Node.self()',
      'const w = await AgentFramework.AgentSupervisor.start_agent("Remote-1")',
      'w',
      'globalThis.marker = 41',
      'marker + 1',
      '',
    ].join('\n');
    const r = await runCli(
      ['remsh', target.name, '--cookie', 'remsh_cookie', '--epmd-port', String(epmd.port)],
      {},
      60_000,
      input,
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`remsh\\(${target.name}\\)1> :${target.name}\\n`));
    assert.match(r.stdout, /\{:ok, #PID<0\.\d+\.0>\}/);
    assert.match(r.stdout, /\)5> 42\n/);
    // it ran on the target: the agent lives there, and the session is gone afterwards
    assert.ok(target.runtime.whereis(atom('beamlink_remsh')));
    assert.equal(
      (globalThis as Record<string, unknown>).marker,
      undefined,
      'each session has its own context',
    );
  });

  it('cli/remsh: a wrong cookie is refused with a fix', async () => {
    const r = await runCli(
      ['remsh', target.name, '--cookie', 'wrong', '--epmd-port', String(epmd.port)],
      {},
      60_000,
      'Node.self()\n',
    );
    assert.equal(r.status, 1);
    assert.doesNotMatch(r.stdout, /remsh\(/);
    assert.match(r.stderr, /cookies differ/);
  });
});

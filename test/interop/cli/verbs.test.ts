import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { BeamNode } from '../../../src/kernel/index.ts';
import { CliError, connectOrExplain, startCliNode } from '../../../src/cli/node-setup.ts';
import { cliServices } from '../../../src/cli/services.ts';
import { type EpmdProcess, type ErlangPeer, uniqueName } from '../../support/erlang-peer.ts';
import { startPeerWithEpmd } from '../../support/peer-with-epmd.ts';
import { describeReleases } from '../../support/releases.ts';
import { runCli } from '../../cli/support.ts';

const COOKIE = 'verbs_cookie';

describeReleases('cli/verbs: against a beamlink node and real BEAM', {}, (release) => {
  let epmd: EpmdProcess;
  let erl: ErlangPeer;
  let ts: BeamNode;
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli([...args], { ERL_EPMD_PORT: String(epmd.port), ...env });

  before(async () => {
    ({ epmd, peer: erl } = await startPeerWithEpmd(release, {
      sname: 'erl',
      cookie: COOKIE,
    }));
    ts = await startCliNode(
      { sname: uniqueName('ts'), cookie: COOKIE, epmdPort: epmd.port, logLevel: 'error' },
      cliServices(),
    );
  });
  after(async () => {
    await ts?.stop();
    await erl?.stop();
    await epmd?.stop();
  });

  it('cli/ping: pong from beamlink and BEAM, pang with a reason otherwise', async () => {
    for (const target of [ts.name, erl.node]) {
      const r = await cli(['ping', target, '--cookie', COOKIE]);
      assert.equal(r.stdout, 'pong\n', r.stderr);
      assert.equal(r.status, 0);
    }
    const bare = await cli(['ping', ts.name.split('@')[0]!, '--cookie', COOKIE, '--json']);
    assert.deepEqual(JSON.parse(bare.stdout), { node: ts.name, result: 'pong' });

    const wrong = await cli(['ping', erl.node, '--cookie', 'not_the_cookie']);
    assert.equal(wrong.status, 1);
    assert.equal(wrong.stdout, 'pang\n');
    assert.match(wrong.stderr, /running but refused the connection.*cookies differ/);
    assert.match(wrong.stderr, /hint: use the same cookie on both sides/);

    const host = ts.name.split('@')[1]!;
    const none = await cli(['ping', `nobody@${host}`, '--cookie', COOKIE]);
    assert.equal(none.status, 1);
    assert.match(none.stderr, /no node named nobody on/);

    await assert.rejects(
      connectOrExplain(ts, 'x@127.0.0.1', { epmdPort: epmd.port }),
      (e: unknown) =>
        e instanceof CliError &&
        e.code === 'BL_ERR_CLI_MIXED_NAMES' &&
        /--sname .* or both with --name/.test(e.hint ?? ''),
    );
  });

  it('cli/rpc: Elixir-literal arguments, results as iex prints them', async () => {
    const self = await cli(['rpc', ts.name, 'Node', 'self', '--cookie', COOKIE]);
    assert.equal(self.stdout, `:${ts.name}\n`, self.stderr);
    const seq = await cli(['rpc', erl.node, 'lists', 'seq', '1', '5', '--cookie', COOKIE]);
    assert.equal(seq.stdout, '[1, 2, 3, 4, 5]\n', seq.stderr);
    const tl = await cli([
      'rpc',
      erl.node,
      ':erlang',
      'tuple_to_list',
      '{:a, "b", %{c: [1.5]}}',
      '--cookie',
      COOKIE,
    ]);
    assert.equal(tl.stdout, '[:a, "b", %{c: [1.5]}]\n', tl.stderr);
    const json = await cli([
      'rpc',
      erl.node,
      'erlang',
      'list_to_tuple',
      '[[:ok, 1]]',
      '--json',
      '--cookie',
      COOKIE,
    ]);
    assert.deepEqual(JSON.parse(json.stdout), ['ok', 1]);
    const bad = await cli(['rpc', erl.node, 'no_such_module', 'f', '--cookie', COOKIE]);
    assert.equal(bad.status, 1);
    assert.match(bad.stdout, /^\{:badrpc, \{:EXIT, \{:undef/);
    const syntax = await cli(['rpc', erl.node, 'lists', 'seq', '{1,', '--cookie', COOKIE]);
    assert.equal(syntax.status, 1);
    assert.match(syntax.stderr, /expected a value at offset 3 in "\{1,"/);
    // the lesson's call, made by BEAM on the beamlink node's agent framework
    const started = await cli([
      'rpc',
      erl.node,
      'rpc',
      'call',
      `:${ts.name}`,
      'AgentFramework.AgentSupervisor',
      ':start_agent',
      '["Worker-1"]',
      '--cookie',
      COOKIE,
    ]);
    assert.match(started.stdout, /^\{:ok, #PID<\d+\.\d+\.\d+>\}\n$/, started.stderr);
  });

  it('cli/names, nodes, procs, cookie', async () => {
    const names = await cli(['names', '--json']);
    const listed = (JSON.parse(names.stdout) as { names: { name: string }[] }).names.map(
      (n) => n.name,
    );
    assert.ok(
      listed.includes(ts.name.split('@')[0]!) && listed.includes(erl.node.split('@')[0]!),
      names.stdout,
    );

    assert.equal(await erl.eval(`net_kernel:connect_node('${ts.name}').`), 'true');
    const nodes = await cli(['nodes', erl.node, '--json', '--cookie', COOKIE]);
    assert.deepEqual(JSON.parse(nodes.stdout), [ts.name]);
    const tsNodes = await cli(['nodes', ts.name, '--cookie', COOKIE]);
    assert.equal(tsNodes.stdout, `${erl.node}\n`);

    for (const target of [ts.name, erl.node]) {
      const procs = await cli(['procs', target, '--named', '--json', '--cookie', COOKIE]);
      const rows = JSON.parse(procs.stdout) as { name: string; pid: string }[];
      const named = rows.map((r) => r.name);
      assert.ok(
        named.includes('net_kernel') && named.includes('rex'),
        `${target}: ${named.join(' ')}`,
      );
      const table = await cli(['procs', target, '--cookie', COOKIE]);
      assert.match(table.stdout, /^PID\s+NAME\s+STATUS\s+MQ\s+CURRENT\n/);
      assert.match(table.stdout, /#PID<\d+\.\d+\.\d+>\s+net_kernel/);
    }

    const opt = await cli(['cookie', '--cookie', 'sekrit_value', '--json']);
    assert.deepEqual(JSON.parse(opt.stdout), { source: 'option', length: 12 });
    const env = await cli(['cookie'], { RELEASE_COOKIE: 'another_sekrit' });
    assert.equal(
      env.stdout,
      'cookie: from the RELEASE_COOKIE environment variable (14 characters)\n',
    );
    assert.doesNotMatch(opt.stdout + env.stdout, /sekrit/);
  });
});

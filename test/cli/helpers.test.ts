import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCliNode } from '../../src/cli/node-setup.ts';
import { cliServices } from '../../src/cli/services.ts';
import { shellContext } from '../../src/cli/shell/helpers.ts';
import { ShellProcess } from '../../src/cli/shell/shell-process.ts';
import { EpmdDaemon } from '../../src/epmd/index.ts';
import type { BeamNode } from '../../src/kernel/index.ts';
import { rpcOf } from '../../src/rpc/index.ts';
import { format } from '../../src/term/format.ts';
import { Pid, Tuple, atom, type Term } from '../../src/term/types.ts';
import { uniqueName } from '../support/erlang-peer.ts';

type Fn = (...args: unknown[]) => Promise<Term> | Term;

describe('cli/shell helpers on a live node', () => {
  let epmd: EpmdDaemon;
  let node: BeamNode;
  let shell: ShellProcess;
  let ctx: Record<string, unknown>;
  let printed = '';
  const get = (path: string): Fn => {
    let v: unknown = ctx;
    for (const k of path.split('.')) v = (v as Record<string, unknown>)[k];
    return v as Fn;
  };

  before(async () => {
    epmd = await EpmdDaemon.start({ port: 0 });
    node = await startCliNode(
      { sname: uniqueName('hp'), cookie: 'c', epmdPort: epmd.port, logLevel: 'error' },
      cliServices(),
    );
    shell = ShellProcess.start(node);
    ctx = shellContext({
      node,
      rpc: rpcOf(node)!,
      shell,
      colour: false,
      print: (t) => (printed += t),
      epmdPort: epmd.port,
    });
  });
  after(async () => {
    shell?.stop();
    await node?.stop();
    await epmd?.stop();
  });

  it('cli/shell: Node, self, pid, AgentFramework, GenServer, getState, i, processInfo', async () => {
    assert.equal(get('Node.self')(), node.node);
    assert.deepEqual(get('Node.list')(), []);
    const me = get('self')() as Pid;
    assert.ok(me instanceof Pid && me.node === node.node);
    assert.equal(format(get('pid')(`0.${me.id}.${me.serial}`) as Term), format(me));
    assert.equal(format(get('pid')(`#PID<0.${me.id}.0>`) as Term), format(me));
    assert.throws(() => get('pid')('1.2.3'), /only this node's pids/);

    const started = (await get('AgentFramework.AgentSupervisor.start_agent')('Worker-1')) as Tuple;
    const w1 = started.elements[1] as Pid;
    assert.equal(
      await get('AgentFramework.AgentServer.remember')(w1, atom('origin'), 'node1'),
      atom('ok'),
    );
    // camelCase names reach the snake_case functions
    assert.equal(
      await get('AgentFramework.AgentServer.sendTask')(w1, atom('search'), { query: 'q' }),
      atom('ok'),
    );
    const remote = get('AgentFramework.on')(node.name) as unknown as {
      AgentServer: { recall: Fn };
    };
    assert.equal(await remote.AgentServer.recall(w1, atom('origin')), 'node1');
    assert.equal(
      await get('GenServer.call')(w1, new Tuple([atom('recall'), atom('origin')])),
      'node1',
    );
    const state = (await get('getState')(w1)) as Record<string, Term>;
    assert.equal(state.name, 'Worker-1');
    const info = (await get('getState')('AgentFramework.ClusterMonitor')) as Record<string, Term>;
    assert.equal(info.self, node.node);

    const pinfo = (await get('processInfo')(w1)) as Record<string, Term>;
    assert.equal(typeof pinfo.message_queue_len, 'number');
    assert.equal(await get('processInfo')('no_such_name'), null);
    printed = '';
    assert.equal(await get('i')(w1), atom('ok'));
    assert.match(
      printed,
      /^Term\n {2}#PID<0\.\d+\.0>\nData type\n {2}PID\nAlive\n {2}true\nProcess info\n/,
    );
    assert.deepEqual(get('term')('{:ok, [1]}'), new Tuple([atom('ok'), [1]]));
  });

  it('cli/shell: Node.connect to a missing node prints why and returns false', async () => {
    printed = '';
    assert.equal(await get('Node.connect')(`nobody@${node.name.split('@')[1]}`), false);
    assert.match(printed, /^\*\* no node named nobody on .*\n {3}how to fix: /);
  });
});

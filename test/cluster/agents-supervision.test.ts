// The framework's supervision on one beamlink node: a killed agent comes back under its
// name (directory and cluster view follow the new pid, :stopped then :started), a killed
// service is restarted by AgentFramework.Supervisor, and the tree answers BEAM-style
// supervisor calls.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AGENT_MODULES,
  AgentServer,
  AgentSupervisor,
  ClusterMonitor,
  agentsOf,
  agentsService,
  type AgentEvent,
  type AgentFramework,
} from '../../src/agents/index.ts';
import { EpmdDaemon } from '../../src/epmd/daemon.ts';
import type { BeamNode } from '../../src/kernel/start-node.ts';
import { Supervisor } from '../../src/otp/supervisor.ts';
import { Tuple, atom, tuple } from '../../src/term/types.ts';
import { GenServer } from '../../src/otp/gen-server.ts';
import { startTestNode } from '../support/test-node.ts';
import { until } from '../support/wait.ts';

describe('agents: supervision on one node', () => {
  let epmd: EpmdDaemon;
  let node: BeamNode;
  let fw: AgentFramework;
  const events: AgentEvent[] = [];

  before(async () => {
    epmd = await EpmdDaemon.start({ port: 0 });
    node = await startTestNode('sup', {
      cookie: 'c',
      epmdPort: epmd.port,
      services: [agentsService()],
    });
    fw = agentsOf(node)!;
    fw.events.listen((e) => events.push(e));
  });
  after(async () => {
    await node?.stop();
    await epmd?.stop();
  });

  it('agents/agent-supervisor: a killed agent is restarted under its name', async () => {
    const r = await AgentSupervisor.startAgent(node.runtime, 'Phoenix');
    assert.ok(r.ok);
    await AgentServer.remember(node.runtime, r.pid, atom('k'), 1);
    node.runtime.exit(r.pid, atom('kill'));
    await until(() => {
      const p = AgentSupervisor.whereis(node.runtime, 'Phoenix');
      return p !== undefined && p.key !== r.pid.key;
    }, 'restarted');
    const again = AgentSupervisor.whereis(node.runtime, 'Phoenix')!;
    assert.equal(await AgentServer.recall(node.runtime, again, atom('k')), null);
    await until(() => fw.directory.lookup('Phoenix')?.pid.key === again.key, 'directory follows');
    assert.equal(fw.cluster.lookup('Phoenix')?.pid.key, again.key);
    await until(
      () =>
        events.some(
          (e) => e.type === 'stopped' && e.agent === 'Phoenix' && e.reason === atom('killed'),
        ),
      'stopped event with reason killed',
    );
    assert.equal(events.filter((e) => e.type === 'started' && e.agent === 'Phoenix').length, 2);
    assert.deepEqual(await AgentSupervisor.listAgents(node.runtime), [again]);
  });

  it('agents/service: the tree restarts a killed ClusterMonitor, which answers again', async () => {
    const before = node.runtime.whereis(AGENT_MODULES.ClusterMonitor)!;
    node.runtime.exit(before, atom('kill'));
    await until(() => {
      const p = node.runtime.whereis(AGENT_MODULES.ClusterMonitor);
      return p !== undefined && p.key !== before.key;
    }, 'monitor restarted');
    const info = await ClusterMonitor.clusterInfo(node.runtime);
    assert.deepEqual(info, { self: node.name, connected: [], total: 1 });
    const children = await Supervisor.whichChildren(node.runtime, AGENT_MODULES.Supervisor);
    assert.deepEqual(children.map((c) => c.id).sort(), [
      'agent_supervisor',
      'cluster_directory',
      'cluster_monitor',
      'directory',
      'event_logger',
      'registry',
    ]);
  });

  it('agents/agent-supervisor: stop_agent by name and by pid; a stopped agent is not restarted', async () => {
    const a = await AgentSupervisor.startAgent(node.runtime, 'Temp-1');
    const b = await AgentSupervisor.startAgent(node.runtime, 'Temp-2');
    assert.ok(a.ok && b.ok);
    assert.equal(await AgentSupervisor.stopAgent(node.runtime, 'Temp-1'), true);
    assert.equal(await AgentSupervisor.stopAgent(node.runtime, b.pid), true);
    assert.equal(await AgentSupervisor.stopAgent(node.runtime, 'Temp-1'), false);
    await until(() => fw.directory.lookup('Temp-2') === undefined, 'directory cleaned');
    assert.equal(AgentSupervisor.whereis(node.runtime, 'Temp-1'), undefined);
    assert.equal(AgentSupervisor.whereis(node.runtime, 'Temp-2'), undefined);
  });

  it('agents/service: garbage sent to every service and agent leaves them all running', async () => {
    const r = await AgentSupervisor.startAgent(node.runtime, 'Sturdy');
    assert.ok(r.ok);
    const services = [
      AGENT_MODULES.AgentDirectory,
      AGENT_MODULES.ClusterDirectory,
      AGENT_MODULES.ClusterMonitor,
      AGENT_MODULES.AgentEventLogger,
      AGENT_MODULES.Registry,
    ];
    const pids = services.map((n) => node.runtime.whereis(n)!);
    const garbage = [
      atom('x'),
      tuple(atom('cd_hello')),
      tuple(atom('cd_put'), atom('other@vm'), 'not a map'),
      tuple(atom('cd_sync'), 1, 2),
      tuple(atom('cd_del'), atom('other@vm'), 5, 6),
      tuple(atom('nodedown'), 'not-an-atom'),
      tuple(atom('DOWN'), 1, 2, 3, 4),
      tuple(atom('agent_event'), { type: 7 }),
      tuple(atom('$agent_task_done'), 'nope', atom('ok'), 1),
      tuple(atom('$gen_cast'), tuple(atom('send_task'), 42, 1)),
      new Map([[1, 2]]),
    ];
    for (const dest of [...pids, r.pid]) for (const g of garbage) node.send(dest, g);
    // calls with nonsense get an error reply, not a crash
    for (const dest of [
      AGENT_MODULES.AgentDirectory,
      AGENT_MODULES.ClusterDirectory,
      AGENT_MODULES.ClusterMonitor,
    ])
      assert.ok(
        (await GenServer.call(node.runtime, dest, tuple(atom('nonsense'), 1))) instanceof Tuple,
      );
    assert.equal(await AgentServer.queueLength(node.runtime, r.pid), 0);
    for (const p of [...pids, r.pid]) assert.ok(node.runtime.isAlive(p));
    assert.equal(node.runtime.whereis(AGENT_MODULES.ClusterMonitor)?.key, pids[2]!.key);
    // rpc with bad arguments fails the call, not the node
    const bad = await fw.rpc.call(
      node.name,
      'Elixir.AgentFramework.AgentSupervisor',
      'start_agent',
      [123],
    );
    assert.ok(bad instanceof Tuple && bad.elements[0] === atom('badrpc'));
    assert.deepEqual(
      await fw.rpc.call(node.name, 'Elixir.AgentFramework.AgentDirectory', 'register', [
        'x',
        'no',
        1,
      ]),
      tuple(atom('error'), atom('badarg')),
    );
    assert.ok(node.runtime.isAlive(r.pid));
  });
});

// The lesson (seeds/000) with a real Elixir node as node2 and beamlink as node1, on every
// installed release (OTP 25 + Elixir 1.14, OTP 27 + Elixir 1.18): Exercise 1 (agents on
// node1 driven from node2 with the lesson's own lines: :rpc.call, GenServer.call to the
// agent's pid), Exercise 2 (node monitoring both ways), Exercise 3 (the per-node
// directory), the ClusterMonitor reacting to the Elixir node's death, and the reverse: a
// second beamlink node driving node1's agents while the Elixir node watches the "agents"
// topic through :pg scope Phoenix.PubSub (Phoenix.PubSub's PG2 path written inline).
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import {
  AgentServer,
  AgentSupervisor,
  agentsOf,
  agentsService,
  type AgentFramework,
} from '../../../src/agents/index.ts';
import type { BeamNode } from '../../../src/kernel/start-node.ts';
import { decode } from '../../../src/term/decode.ts';
import { Pid, Tuple, atom, tuple, type Term } from '../../../src/term/types.ts';
import type { NodeEvent } from '../../../src/node/events.ts';
import type { EpmdProcess, ErlangPeer } from '../../support/erlang-peer.ts';
import { startPeerWithEpmd } from '../../support/peer-with-epmd.ts';
import { describeReleases } from '../../support/releases.ts';
import { startTestNode } from '../../support/test-node.ts';
import { startPhoenixPubSub } from '../pubsub/phoenix-pg2.ts';
import { until } from '../../support/wait.ts';

const COOKIE = 'agent_secret';

describeReleases('agents: the lesson with an Elixir node as node2', { elixir: true }, (release) => {
  let epmd: EpmdProcess;
  let ex: ErlangPeer;
  let node1: BeamNode;
  let node3: BeamNode;
  let fw1: AgentFramework;
  let w1: Pid;
  const nodeEvents: NodeEvent[] = [];

  before(async () => {
    ({ epmd, peer: ex } = await startPeerWithEpmd(release, {
      sname: 'node2',
      cookie: COOKIE,
      elixir: true,
    }));
    node1 = await startTestNode('node1', {
      cookie: COOKIE,
      epmdPort: epmd.port,
      services: [agentsService()],
    });
    fw1 = agentsOf(node1)!;
    node1.monitorNodes((e) => nodeEvents.push(e));
  });
  after(async () => {
    await node3?.stop();
    await node1?.stop();
    await ex?.stop();
    await epmd?.stop();
  });

  it('agents/lesson: Exercise 1 — node2 (Elixir) connects and drives Worker-1 on node1', async () => {
    await ex.evalElixir(`node1 = :"${node1.name}"`);
    assert.equal(await ex.evalElixir('Node.connect(node1)'), 'true');
    assert.equal(await ex.evalElixir('Node.list()'), `[${node1.name}]`);
    assert.deepEqual(
      node1.nodes().map((n) => n.name),
      [ex.node],
    );
    // On node1: {:ok, w1} = AgentFramework.AgentSupervisor.start_agent("Worker-1")
    const r = await AgentSupervisor.startAgent(node1.runtime, 'Worker-1');
    assert.ok(r.ok);
    w1 = r.pid;
    await AgentServer.remember(node1.runtime, w1, atom('origin'), 'node1');
    // On node2: the pid, found by rpc (Section 4), is the same pid
    assert.equal(
      await ex.evalElixir(
        '{:ok, w1} = :rpc.call(node1, AgentFramework.AgentSupervisor, :whereis, ["Worker-1"]); node(w1) == node1',
      ),
      'true',
    );
    assert.equal(
      await ex.evalElixir(':rpc.call(node1, AgentFramework.AgentServer, :recall, [w1, :origin])'),
      '<<"node1">>',
    );
    assert.equal(
      await ex.evalElixir(
        ':rpc.call(node1, AgentFramework.AgentServer, :send_task, [w1, :search, %{query: "distributed"}])',
      ),
      'ok',
    );
    // On node1: AgentFramework.AgentServer.process_next(w1)
    const next = await AgentServer.processNext(node1.runtime, w1);
    assert.ok(next.ok);
    assert.equal(next.task.type, atom('search'));
    assert.deepEqual(next.task.payload, { query: 'distributed' });
    assert.deepEqual(next.result, tuple(atom('ok'), 'Search results for: distributed'));
    // The same through rpc from node2, matched with the lesson's pattern
    assert.equal(
      await ex.evalElixir(
        ':ok = :rpc.call(node1, AgentFramework.AgentServer, :send_task, [w1, :search, %{query: "OTP"}]); ' +
          'match?({:ok, %{type: :search, payload: %{query: "OTP"}, id: _, queued_at: _}, {:ok, "Search results for: OTP"}}, ' +
          ':rpc.call(node1, AgentFramework.AgentServer, :process_next, [w1]))',
      ),
      'true',
    );
    assert.equal(
      await ex.evalElixir(':rpc.call(node1, AgentFramework.AgentServer, :process_next, [w1])'),
      '{error,empty}',
    );
  });

  it('agents/lesson: Section 3 — GenServer.call straight to the agent pid from Elixir', async () => {
    assert.equal(
      await ex.evalElixir(
        'match?(%{name: "Worker-1", status: :idle, memory: %{origin: "node1"}, task_queue: [], processed_count: 2}, GenServer.call(w1, :get_state))',
      ),
      'true',
    );
    assert.equal(await ex.evalElixir('GenServer.call(w1, {:recall, :origin})'), '<<"node1">>');
    assert.equal(await ex.evalElixir('GenServer.call(w1, {:recall, :missing})'), 'nil');
    assert.equal(
      await ex.evalElixir(
        'GenServer.cast(w1, {:remember, :from_cast, 42}); GenServer.call(w1, {:recall, :from_cast})',
      ),
      '42',
    );
    assert.equal(
      await ex.evalElixir('GenServer.call(w1, {:send_task, :analyze, %{data: "logs"}})'),
      'ok',
    );
    assert.equal(
      await ex.evalElixir('{:ok, _, r} = GenServer.call(w1, :process_next); r'),
      '{ok,<<"Analysis of: logs">>}',
    );
    // an unknown task type fails the task, not the agent
    assert.equal(
      await ex.evalElixir(
        'GenServer.call(w1, {:send_task, :fly, %{}}); {:ok, _, r} = GenServer.call(w1, :process_next); {r, :rpc.call(node1, Process, :alive?, [w1])}',
      ),
      '{{error,{unknown_task_type,fly}},true}',
    );
    assert.equal(
      await ex.evalElixir(
        'GenServer.call({AgentFramework.ClusterMonitor, node1}, :cluster_info) == %{self: node1, connected: [node()], total: 2}',
      ),
      'true',
    );
    assert.equal(
      await ex.evalElixir(
        ':rpc.call(node1, AgentFramework.ClusterMonitor, :connected_nodes, []) == [node()]',
      ),
      'true',
    );
  });

  it('agents/lesson: Sections 4 and 7 — rpc discovery, remote start, badrpc', async () => {
    assert.equal(await ex.evalElixir(':rpc.call(node1, Node, :self, [])'), node1.name);
    assert.equal(
      await ex.evalElixir(
        '{:ok, rw} = :rpc.call(node1, AgentFramework.AgentSupervisor, :start_agent, ["Remote-Worker"]); node(rw) == node1',
      ),
      'true',
    );
    assert.equal(
      await ex.evalElixir(
        'match?({:error, {:already_started, ^w1}}, :rpc.call(node1, AgentFramework.AgentSupervisor, :start_agent, ["Worker-1"]))',
      ),
      'true',
    );
    assert.equal(
      await ex.evalElixir(
        'Enum.sort(:rpc.call(node1, AgentFramework.AgentSupervisor, :list_agents, [])) == Enum.sort([w1, rw])',
      ),
      'true',
    );
    assert.equal(
      await ex.evalElixir(':rpc.call(node1, AgentFramework.AgentSupervisor, :whereis, ["Nobody"])'),
      '{error,not_found}',
    );
    assert.equal(
      await ex.evalElixir(':rpc.call(node1, NonExistent, :foo, [])'),
      "{badrpc,{'EXIT',{undef,[{'Elixir.NonExistent',foo,[],[]}]}}}",
    );
    assert.equal(
      await ex.evalElixir(
        ':rpc.call(node1, AgentFramework.AgentSupervisor, :stop_agent, ["Remote-Worker"])',
      ),
      'ok',
    );
    assert.equal(
      await ex.evalElixir(
        ':rpc.call(node1, AgentFramework.AgentSupervisor, :stop_agent, ["Remote-Worker"])',
      ),
      '{error,not_found}',
    );
    assert.equal(AgentSupervisor.whereis(node1.runtime, 'Remote-Worker'), undefined);
  });

  it('agents/lesson: Exercise 3 — the per-node directory over rpc', async () => {
    fw1.directory.register('Worker-1', node1.node, w1);
    assert.equal(
      await ex.evalElixir(
        ':rpc.call(node1, AgentFramework.AgentDirectory, :lookup, ["Worker-1"]) == {:ok, {node1, w1}}',
      ),
      'true',
    );
    assert.equal(
      await ex.evalElixir(':rpc.call(node1, AgentFramework.AgentDirectory, :lookup, ["Missing"])'),
      '{error,not_found}',
    );
    // node2 registers one of its own processes in node1's directory
    assert.equal(
      await ex.evalElixir(
        'ex_agent = spawn(fn -> Process.sleep(:infinity) end); :rpc.call(node1, AgentFramework.AgentDirectory, :register, ["Ex-Agent", node(), ex_agent])',
      ),
      'ok',
    );
    const row = fw1.directory.lookup('Ex-Agent');
    assert.equal(row?.node.name, ex.node);
  });

  it('agents/lesson: Exercise 2 — node events on node1 (beamlink) and on node2 (Elixir)', async () => {
    // node1 watches; node2 disconnects and reconnects
    nodeEvents.length = 0;
    assert.equal(await ex.evalElixir('Node.disconnect(node1)'), 'true');
    await until(() => nodeEvents.some((e) => e.type === 'nodedown'), 'nodedown on node1');
    // the ClusterMonitor removed node2's agents from the directory
    await until(() => fw1.directory.lookup('Ex-Agent') === undefined, 'directory cleaned');
    assert.ok(fw1.directory.lookup('Worker-1'));
    assert.equal(await ex.evalElixir('Node.connect(node1)'), 'true');
    await until(() => nodeEvents.some((e) => e.type === 'nodeup'), 'nodeup on node1');
    // node2 watches with the lesson's own lines; node1 disconnects and reconnects
    await ex.evalElixir(':net_kernel.monitor_nodes(true)');
    assert.equal(node1.disconnect(ex.node), true);
    assert.equal(
      await ex.evalElixir(
        'receive do {:nodedown, node} -> {:lost, node} after 10000 -> :no_events end',
      ),
      `{lost,${node1.name}}`,
    );
    assert.equal(await node1.connect(ex.node), true);
    assert.equal(
      await ex.evalElixir(
        'receive do {:nodeup, node} -> {:reconnected, node} after 10000 -> :no_events end',
      ),
      `{reconnected,${node1.name}}`,
    );
    await ex.evalElixir(':net_kernel.monitor_nodes(false)');
  });

  it('agents/lesson: beamlink node3 drives node1 agents while Elixir watches the "agents" topic', async () => {
    await startPhoenixPubSub(ex, 'AgentFramework.PubSub');
    await ex.evalElixir(
      'spawn(fn -> Phoenix.PubSub.subscribe(AgentFramework.PubSub, "agents"); :beamlink_peer.emit(:watching); ' +
        'loop = fn l -> receive do {:agent_event, e} -> :beamlink_peer.emit({:ev, e}); l.(l) end end; loop.(loop) end)',
    );
    await ex.waitEvent((e) => e.text === 'watching');
    node3 = await startTestNode('node3', {
      cookie: COOKIE,
      epmdPort: epmd.port,
      services: [agentsService()],
    });
    const fw3 = agentsOf(node3)!;
    assert.equal(await node3.connect(node1.name), true);
    assert.equal(await node3.connect(ex.node), true);
    await until(
      async () =>
        (await ex.evalElixir(
          'length(:pg.get_members(Phoenix.PubSub, AgentFramework.PubSub.Adapter))',
        )) === '3',
      'elixir sees 3 PubSub workers',
    );
    // node3 starts an agent on node1 (placement), queues and processes a task there
    const started = await fw3.rpc.call(
      node1.name,
      'Elixir.AgentFramework.AgentSupervisor',
      'start_agent',
      ['Driven-1'],
    );
    assert.ok(started instanceof Tuple && started.elements[0] === atom('ok'));
    await until(() => fw3.cluster.lookup('Driven-1') !== undefined, 'node3 hears of Driven-1');
    const where = await fw3.router.sendTask('Driven-1', 'search', { query: 'beam' });
    assert.equal(where.node, node1.name);
    const r = await fw3.router.processNext('Driven-1');
    assert.ok(r.ok);
    assert.deepEqual(r.result, tuple(atom('ok'), 'Search results for: beam'));
    // Elixir asks node3's router and cluster view where Driven-1 lives
    await ex.evalElixir(`node3 = :"${node3.name}"`);
    assert.equal(
      await ex.evalElixir(
        '{:ok, {n, p}} = :rpc.call(node3, AgentFramework.AgentRouter, :find_agent, ["Driven-1"]); n == node1 and node(p) == node1',
      ),
      'true',
    );
    assert.equal(
      await ex.evalElixir(
        ':rpc.call(node3, AgentFramework.ClusterDirectory, :lookup, ["Driven-1"]) == :rpc.call(node3, AgentFramework.AgentRouter, :find_agent, ["Driven-1"])',
      ),
      'true',
    );
    assert.equal(
      await ex.evalElixir(':rpc.call(node3, AgentFramework.AgentRouter, :find_agent, ["Nobody"])'),
      '{error,not_found}',
    );
    // placement from Elixir: key affinity through node3's router lands where its ring says
    const target = fw3.router.placeAgent('Placed-1', { affinity: 'customer-7' });
    assert.equal(
      await ex.evalElixir(
        `{:ok, p} = :rpc.call(node3, AgentFramework.AgentRouter, :start_agent, ["Placed-1", {:affinity, "customer-7"}]); node(p) == :"${target}"`,
      ),
      'true',
    );
    await fw3.rpc.call(node1.name, 'Elixir.AgentFramework.AgentSupervisor', 'stop_agent', [
      'Driven-1',
    ]);
    const evs = (): Record<string, Term>[] =>
      ex.events
        .map((e) => decode(e.bytes))
        .filter((t) => t instanceof Tuple && t.elements[0] === atom('ev'))
        .map((t) => (t as Tuple).elements[1] as Record<string, Term>)
        .filter((m) => m.agent === 'Driven-1');
    await until(() => evs().length >= 4, 'Elixir saw the lifecycle');
    assert.deepEqual(
      evs().map((m) => (m.type as { name: string }).name),
      ['started', 'task_queued', 'task_done', 'stopped'],
    );
    for (const m of evs()) {
      assert.equal(m.node, node1.node);
      assert.equal(typeof m.at, 'number');
    }
  });

  it('agents/lesson: the Elixir node is killed: node1 reacts within 1 s', async () => {
    assert.equal(
      await ex.evalElixir(
        ':rpc.call(node1, AgentFramework.AgentDirectory, :register, ["Ex-Agent-2", node(), self()])',
      ),
      'ok',
    );
    const before = fw1.notices.length;
    const downEvents: Term[] = [];
    node1.spawn((self) => {
      fw1.pubsub.subscribe(self, 'agents');
      self.handle((m) => {
        downEvents.push(m);
      });
    });
    const killedAt = Date.now();
    await ex.kill();
    await until(
      () => fw1.notices.slice(before).some((n) => n.type === 'nodedown' && n.node === ex.node),
      'ClusterMonitor nodedown',
      5_000,
    );
    const notice = fw1.notices.slice(before).find((n) => n.type === 'nodedown')!;
    const reaction = notice.at - killedAt;
    assert.ok(reaction < 1000, `reacted in ${reaction} ms`);
    assert.equal(notice.removed, 1);
    assert.equal(fw1.directory.lookup('Ex-Agent-2'), undefined);
    await until(
      () =>
        downEvents.some(
          (m) =>
            m instanceof Tuple &&
            (m.elements[1] as Record<string, Term>).type === atom('nodedown') &&
            (m.elements[1] as Record<string, Term>).node === atom(ex.node),
        ),
      'nodedown event broadcast',
      2_000,
    );
    console.log(
      `# ${release.label}: ClusterMonitor saw the killed Elixir node go down after ${reaction} ms`,
    );
  });
});

// The agent framework on beamlink nodes only (one JS process, real TCP and port mapper):
// the lesson's Exercises 1 and 3 beamlink ↔ beamlink, the cluster directory converging,
// 1,000 agents placed over 3 nodes by each strategy, placement stability when a fourth node
// joins, and a name conflict after a partition resolved the same way on both sides.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AgentServer,
  AgentSupervisor,
  agentsOf,
  agentsService,
  decodeEvent,
  type AgentEvent,
  type AgentFramework,
} from '../../src/agents/index.ts';
import { EpmdDaemon } from '../../src/epmd/daemon.ts';
import type { BeamNode } from '../../src/kernel/start-node.ts';
import { Pid, Tuple, atom, tuple } from '../../src/term/types.ts';
import { startTestNode } from '../support/test-node.ts';
import { until } from '../support/wait.ts';

const COOKIE = 'agent_secret';
const AS = 'Elixir.AgentFramework.AgentServer';
const SUP = 'Elixir.AgentFramework.AgentSupervisor';

describe('agents: beamlink nodes only', () => {
  let epmd: EpmdDaemon;
  const nodes: BeamNode[] = [];
  const fws: AgentFramework[] = [];
  const start = async (prefix: string, opts = {}): Promise<[BeamNode, AgentFramework]> => {
    const n = await startTestNode(prefix, {
      cookie: COOKIE,
      epmdPort: epmd.port,
      services: [agentsService(opts)],
    });
    nodes.push(n);
    fws.push(agentsOf(n)!);
    return [n, agentsOf(n)!];
  };

  before(async () => {
    epmd = await EpmdDaemon.start({ port: 0 });
  });
  after(async () => {
    for (const n of nodes.reverse()) await n.stop();
    await epmd?.stop();
  });

  it('agents/cluster: Exercises 1 and 3 between two beamlink nodes', async () => {
    const [n1, fw1] = await start('node1');
    const [n2, fw2] = await start('node2');
    assert.equal(await n2.connect(n1.name), true);
    assert.deepEqual(n1.nodes(), [n2.node]);
    const r = await AgentSupervisor.startAgent(n1.runtime, 'Worker-1');
    assert.ok(r.ok);
    const w1 = r.pid;
    await AgentServer.remember(n1.runtime, w1, atom('origin'), 'node1');
    assert.equal(await fw2.rpc.call(n1.name, AS, 'recall', [w1, atom('origin')]), 'node1');
    assert.equal(
      await fw2.rpc.call(n1.name, AS, 'send_task', [w1, atom('search'), { query: 'distributed' }]),
      atom('ok'),
    );
    const next = await AgentServer.processNext(n1.runtime, w1);
    assert.ok(next.ok);
    assert.deepEqual(next.result, tuple(atom('ok'), 'Search results for: distributed'));
    // node2 calls the agent's pid straight away
    const state = await AgentServer.getState(n2.runtime, w1);
    assert.equal(state.name, 'Worker-1');
    assert.equal(state.node, n1.name);
    assert.equal(await fw2.rpc.call(n1.name, 'Elixir.Node', 'self', []), n1.node);
    assert.deepEqual(
      await fw2.rpc.call(n1.name, SUP, 'whereis', ['Worker-1']),
      tuple(atom('ok'), w1),
    );
    // Exercise 3: node1's directory has the entry, node2's per-node table does not...
    fw1.directory.register('Worker-1', n1.node, w1);
    assert.equal(fw2.directory.lookup('Worker-1'), undefined);
    // ...but the synced cluster view does, and the router finds it from node2
    await until(() => fw2.cluster.lookup('Worker-1') !== undefined, 'node2 cluster view');
    assert.equal(fw2.cluster.lookup('Worker-1')!.node, n1.name);
    assert.deepEqual(await fw2.router.findAgent('Worker-1'), { node: n1.name, pid: w1 });
    const s = await fw2.router.call('Worker-1', atom('get_status'));
    assert.equal(s, atom('idle'));
    // stopping it removes it everywhere
    assert.equal(await AgentSupervisor.stopAgent(n1.runtime, 'Worker-1'), true);
    await until(() => fw2.cluster.lookup('Worker-1') === undefined, 'gone from node2 view');
    assert.equal(fw1.directory.lookup('Worker-1'), undefined);
  });

  it('agents/cluster: 1,000 agents over 3 nodes by each strategy; a fourth node takes ~1/N', async () => {
    const [n1, fw1] = [nodes[0]!, fws[0]!];
    const [n3] = await start('node3');
    assert.equal(await n3.connect(n1.name), true);
    await until(
      () => fws.every((f) => f.router.members().length === 3),
      'three members everywhere',
    );
    const perNode = (prefix: string): Map<string, number> => {
      const m = new Map<string, number>();
      for (const e of fw1.cluster.all())
        if (e.name.startsWith(prefix)) m.set(e.node, (m.get(e.node) ?? 0) + 1);
      return m;
    };
    const startAll = async (prefix: string, strategy: 'local' | 'round_robin' | 'affinity') => {
      const t0 = Date.now();
      for (let i = 0; i < 1000; i++) {
        const r = await fw1.router.startAgent(`${prefix}-${i}`, strategy);
        assert.ok(r.ok, `${prefix}-${i}`);
      }
      await until(
        () => [...perNode(prefix).values()].reduce((a, b) => a + b, 0) === 1000,
        `${prefix}: 1000 in the view`,
      );
      return Date.now() - t0;
    };
    // affinity first: its bounded loads count every agent a node already runs
    const tAff = await startAll('A', 'affinity');
    const aff = perNode('A');
    assert.equal(aff.size, 3);
    for (const [node, n] of aff) assert.ok(Math.abs(n - 1000 / 3) <= 1000 / 30, `${node}: ${n}`);
    const tRr = await startAll('R', 'round_robin');
    const rr = [...perNode('R').values()].sort();
    assert.deepEqual(rr, [333, 333, 334]);
    const tLocal = await startAll('L', 'local');
    assert.deepEqual([...perNode('L')], [[n1.name, 1000]]);
    // every node agrees where each agent is; the router finds one from another node
    const sample = `A-${417}`;
    const fromN3 = await agentsOf(n3)!.router.findAgent(sample);
    assert.deepEqual(fromN3, await fw1.router.findAgent(sample));
    // supervisors agree with the directory
    const listed = await Promise.all(nodes.map((n) => AgentSupervisor.listAgents(n.runtime)));
    assert.equal(
      listed.reduce((a, l) => a + l.length, 0),
      3000,
    );
    console.log(
      `# started 1000 agents: local ${tLocal} ms, round_robin ${tRr} ms, affinity ${tAff} ms; affinity split ${[...aff.values()].join('/')}`,
    );
    // a fourth node joins: the ring moves about a quarter of the names, all to it
    const ring3 = fw1.router.ring();
    const names = Array.from({ length: 1000 }, (_, i) => `A-${i}`);
    const before3 = names.map((k) => ring3.nodeFor(k));
    const [n4] = await start('node4');
    assert.equal(await n4.connect(n1.name), true);
    await until(() => fw1.router.members().length === 4, 'four members');
    const ring4 = fw1.router.ring();
    let moved = 0;
    for (let i = 0; i < names.length; i++) {
      const now = ring4.nodeFor(names[i]!);
      if (now !== before3[i]) {
        moved++;
        assert.equal(now, n4.name);
      }
    }
    assert.ok(moved > 150 && moved < 350, `moved ${moved}`);
    console.log(`# a fourth node took ${moved} of 1000 names on the ring`);
  });

  it('agents/cluster: a name registered on both sides of a partition resolves the same way on both', async () => {
    const [a, fa] = await start('parta');
    const [b, fb] = await start('partb', { onConflict: 'stop' });
    const conflicts: AgentEvent[] = [];
    b.spawn((self) => {
      fb.pubsub.subscribe(self, 'agents');
      self.handle((m) => {
        const e = decodeEvent(m);
        if (e?.type === 'conflict') conflicts.push(e);
      });
    });
    const ra = await AgentSupervisor.startAgent(a.runtime, 'Dup');
    await new Promise((r) => setTimeout(r, 5));
    const rb = await AgentSupervisor.startAgent(b.runtime, 'Dup');
    assert.ok(ra.ok && rb.ok);
    assert.equal(await b.connect(a.name), true);
    await until(
      () => fa.cluster.candidates('Dup').length === 2 || fb.cluster.lookup('Dup')?.node === a.name,
      'views meet',
    );
    await until(() => fb.cluster.lookup('Dup')?.pid.key === ra.pid.key, 'b sees a as winner');
    assert.equal(fa.cluster.lookup('Dup')?.pid.key, ra.pid.key);
    // the loser (b's, registered later) is told and, with onConflict 'stop', stopped
    await until(() => conflicts.length === 1, 'conflict event');
    assert.equal(conflicts[0]!.node, b.name);
    assert.equal((conflicts[0]!.pid as Pid).key, rb.pid.key);
    // b's router already routes to the winner
    assert.deepEqual(await fb.router.findAgent('Dup'), { node: a.name, pid: ra.pid });
    await until(() => !b.runtime.isAlive(rb.pid), 'loser stopped');
    await until(() => fa.cluster.candidates('Dup').length === 1, 'a forgets the loser');
    assert.ok(a.runtime.isAlive(ra.pid));
    assert.ok(fa.cluster.lookup('Dup') !== undefined);
    assert.ok(conflicts[0]!.reason instanceof Tuple);
  });
});

// Node failure: a beamlink node running agents in a child OS process is killed (-9). The
// ClusterMonitor on each surviving node reacts within 1 s, the cluster directory drops the
// dead node's agents, the per-node AgentDirectory drops the rows pointing at it, and a
// :nodedown event is broadcast on "agents".
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { agentsOf, agentsService, decodeEvent, type AgentEvent } from '../../src/agents/index.ts';
import { EpmdDaemon } from '../../src/epmd/daemon.ts';
import type { BeamNode } from '../../src/kernel/start-node.ts';
import { startChildNode, type ChildNodeProcess } from '../support/child-node.ts';
import { uniqueName } from '../support/erlang-peer.ts';
import { startTestNode } from '../support/test-node.ts';
import { until } from '../support/wait.ts';

const COOKIE = 'agent_secret';

describe('agents: a node running agents is killed', () => {
  let epmd: EpmdDaemon;
  let n1: BeamNode;
  let n2: BeamNode;
  let child: ChildNodeProcess;
  let childName = '';

  before(async () => {
    epmd = await EpmdDaemon.start({ port: 0 });
    const mk = (p: string) =>
      startTestNode(p, { cookie: COOKIE, epmdPort: epmd.port, services: [agentsService()] });
    n1 = await mk('survivor1');
    n2 = await mk('survivor2');
    assert.equal(await n2.connect(n1.name), true);
    child = await startChildNode('test/cluster/agents-child.ts', {
      env: {
        BL_EPMD_PORT: String(epmd.port),
        BL_COOKIE: COOKIE,
        BL_SNAME: uniqueName('doomed'),
        BL_PARENT: n1.name,
      },
    });
    childName = child.name;
  });
  after(async () => {
    await child?.kill();
    await n2?.stop();
    await n1?.stop();
    await epmd?.stop();
  });

  it('agents/cluster-monitor: survivors react within 1 s, drop the agents, broadcast :nodedown', async () => {
    const fw1 = agentsOf(n1)!;
    const fw2 = agentsOf(n2)!;
    // both survivors know the child's agents (n2 only through the transitive connection)
    await until(
      () =>
        [fw1, fw2].every((f) => f.cluster.all().filter((e) => e.node === childName).length === 3),
      'survivors see Child-1..3',
    );
    const where = await fw2.router.findAgent('Child-2');
    assert.equal(where?.node, childName);
    // the lesson's per-node table on n1 also points at them
    for (const e of fw1.cluster.all())
      if (e.node === childName) fw1.directory.register(e.name, e.node, e.pid);
    const events: AgentEvent[] = [];
    n1.spawn((self) => {
      fw1.pubsub.subscribe(self, 'agents');
      self.handle((m) => {
        const e = decodeEvent(m);
        if (e !== undefined) events.push(e);
      });
    });
    const seen1 = fw1.notices.length;
    const seen2 = fw2.notices.length;
    const killedAt = Date.now();
    await child.kill();
    await until(
      () =>
        fw1.notices.slice(seen1).some((n) => n.type === 'nodedown') &&
        fw2.notices.slice(seen2).some((n) => n.type === 'nodedown'),
      'both monitors saw nodedown',
      5_000,
    );
    const d1 = fw1.notices.slice(seen1).find((n) => n.type === 'nodedown')!;
    const d2 = fw2.notices.slice(seen2).find((n) => n.type === 'nodedown')!;
    assert.equal(d1.node, childName);
    assert.ok(d1.at - killedAt < 1000, `n1 reacted in ${d1.at - killedAt} ms`);
    assert.ok(d2.at - killedAt < 1000, `n2 reacted in ${d2.at - killedAt} ms`);
    assert.equal(d1.removed, 3);
    assert.equal(fw1.directory.all().length, 0);
    for (const f of [fw1, fw2])
      assert.equal(f.cluster.all().filter((e) => e.node === childName).length, 0);
    assert.equal(await fw2.router.findAgent('Child-2'), undefined);
    await until(
      () => events.filter((e) => e.type === 'nodedown' && e.node === childName).length === 2,
      'a :nodedown event from each survivor',
      2_000,
    );
    assert.deepEqual(
      events
        .filter((e) => e.type === 'nodedown')
        .map((e) => e.by)
        .sort(),
      [n1.name, n2.name].sort(),
    );
    console.log(
      `# killed child seen down after ${d1.at - killedAt} ms (n1), ${d2.at - killedAt} ms (n2)`,
    );
  });
});

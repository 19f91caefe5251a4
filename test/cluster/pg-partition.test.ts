// Three beamlink nodes in one JS process, on loopback with a private port mapper: pg views
// agree, a cut-off node's members vanish everywhere, and after the partition heals every
// node's view of every group converges within 2 s. PubSub broadcasts reach all three.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EpmdDaemon } from '../../src/epmd/daemon.ts';
import type { BeamNode } from '../../src/kernel/start-node.ts';
import { startScope, type PgScope } from '../../src/pg/index.ts';
import type { Process } from '../../src/process/index.ts';
import { PubSub } from '../../src/pubsub/index.ts';
import { atom, tuple, type Pid, type Term } from '../../src/term/types.ts';
import { subscribeInbox } from '../support/pubsub-inbox.ts';
import { startTestNode } from '../support/test-node.ts';
import { until } from '../support/wait.ts';

const COOKIE = 'pg_cluster_cookie';

const keys = (pids: readonly Pid[]): string =>
  pids
    .map((p) => p.key)
    .sort()
    .join(' ');

describe('pg/scope: three beamlink nodes on loopback', () => {
  let epmd: EpmdDaemon;
  const nodes: BeamNode[] = [];
  const scopes: PgScope[] = [];
  const pubsubs: PubSub[] = [];
  const members = new Map<BeamNode, Pid[]>();
  const groups = ['g1', tuple(atom('room'), 'lobby'), atom('g3')] as Term[];

  before(async () => {
    epmd = await EpmdDaemon.start({ port: 0 });
    for (let i = 0; i < 3; i++) {
      const node = await startTestNode(`pgc${i}`, { cookie: COOKIE, epmdPort: epmd.port });
      nodes.push(node);
      scopes.push(await startScope(node));
      pubsubs.push(await PubSub.start(node, { name: 'MyApp.PubSub' }));
    }
    assert.equal(await nodes[0]!.connect(nodes[1]!.name), true);
    assert.equal(await nodes[1]!.connect(nodes[2]!.name), true);
    // Transitive connections: node 0 meets node 2 through node 1's gossip.
    await until(() => nodes.every((n) => n.nodes().length === 2), 'full mesh');
  });
  after(async () => {
    for (const n of nodes) await n.stop();
    await epmd?.stop();
  });

  const views = (): string[] =>
    scopes.map((s) => groups.map((g) => keys(s.getMembers(g))).join(' | '));
  const converged = (): boolean => new Set(views()).size === 1;

  it('pg/scope: every node sees every member of every group', async () => {
    for (const [i, node] of nodes.entries()) {
      const pids: Pid[] = [];
      for (let k = 0; k < 3; k++) {
        pids.push(
          node.spawn(async (self: Process) => {
            await self.receive((m) => m === 'stop');
          }),
        );
      }
      members.set(node, pids);
      scopes[i]!.join(groups[0]!, pids);
      scopes[i]!.join(groups[1]!, pids[0]!);
      scopes[i]!.join(groups[i % 3 === 0 ? 2 : 1]!, pids[1]!);
    }
    await until(() => converged() && scopes[0]!.getMembers(groups[0]!).length === 9, 'converged');
  });

  it('pg/scope: a partition drops the cut node everywhere; healing converges within 2 s', async (t) => {
    const [a, b, c] = nodes as [BeamNode, BeamNode, BeamNode];
    const cNode = c.node;
    c.disconnect(a.name);
    c.disconnect(b.name);
    await until(
      () =>
        scopes[0]!.getMembers(groups[0]!).every((p) => p.node !== cNode) &&
        scopes[1]!.getMembers(groups[0]!).every((p) => p.node !== cNode) &&
        scopes[2]!.getMembers(groups[0]!).every((p) => p.node === cNode),
      'partitioned views',
    );
    // Meanwhile membership changes on both sides of the cut.
    const cPids = members.get(c)!;
    scopes[2]!.leave(groups[0]!, cPids[2]!);
    const late = a.spawn(async (self: Process) => {
      await self.receive((m) => m === 'stop');
    });
    scopes[0]!.join(groups[2]!, late);
    const healStart = Date.now();
    assert.equal(await c.connect(a.name), true);
    await until(() => c.nodes().length === 2, 'c reconnected to both');
    const took = await until(
      () => converged() && scopes[2]!.getMembers(groups[0]!).length === 8,
      'healed views',
      2_000,
    );
    t.diagnostic(
      `views converged ${took} ms after both connections were up, ${Date.now() - healStart} ms after connect() began`,
    );
    assert.ok(scopes[1]!.getMembers(groups[2]!).some((p) => p.key === late.key));
  });

  it('pubsub/pubsub: a broadcast from any node reaches subscribers on all three', async () => {
    const inboxes = nodes.map((node, i) => subscribeInbox(node, pubsubs[i]!, 'news'));
    await until(() => pubsubs.every((p) => p.subscribers('news').length === 1), 'subscribed');
    for (const [i, ps] of pubsubs.entries()) ps.broadcast('news', `from-${i}`);
    await until(() => inboxes.every((box) => box.length === 3), 'all delivered');
    for (const box of inboxes) assert.deepEqual([...box].sort(), ['from-0', 'from-1', 'from-2']);
  });
});

// One Elixir node (Phoenix.PubSub's PG2 path written inline, see phoenix.test.ts) and two
// beamlink nodes, both releases: broadcasts from each node reach subscribers on all three;
// when one beamlink node is cut off, the others stop counting it and it stops counting
// them; after the connections are restored every view converges within 2 s and
// broadcasts reach all three again.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { BeamNode } from '../../../src/kernel/start-node.ts';
import { scopeOf } from '../../../src/pg/index.ts';
import { PHOENIX_PUBSUB_SCOPE, PubSub } from '../../../src/pubsub/index.ts';
import { atom, type Term } from '../../../src/term/types.ts';
import type { EpmdProcess, ErlangPeer } from '../../support/erlang-peer.ts';
import { startPeerWithEpmd } from '../../support/peer-with-epmd.ts';
import { describeReleases } from '../../support/releases.ts';
import { startTestNode } from '../../support/test-node.ts';
import { subscribeInbox } from '../../support/pubsub-inbox.ts';
import { elixirReceived, elixirSubscriber, startPhoenixPubSub } from './phoenix-pg2.ts';
import { until } from '../../support/wait.ts';

const COOKIE = 'mixed_cookie';
const GROUP = atom('Elixir.MyApp.PubSub.Adapter');

describeReleases('pubsub/pg-adapter: Elixir + two beamlink nodes', { elixir: true }, (release) => {
  let epmd: EpmdProcess;
  let ex: ErlangPeer;
  const nodes: BeamNode[] = [];
  const pss: PubSub[] = [];
  const inboxes: Term[][] = [];

  const exCount = async (): Promise<number> =>
    Number(await ex.evalElixir('length(:pg.get_members(Phoenix.PubSub, MyApp.PubSub.Adapter))'));
  const tsCount = (i: number): number =>
    scopeOf(nodes[i]!.runtime, PHOENIX_PUBSUB_SCOPE)!.getMembers(GROUP).length;
  const exGot = (msg: string): boolean => elixirReceived(ex, 'exmix').includes(msg);

  before(async () => {
    ({ epmd, peer: ex } = await startPeerWithEpmd(release, {
      sname: 'ex',
      cookie: COOKIE,
      elixir: true,
    }));
    await startPhoenixPubSub(ex, 'MyApp.PubSub');
    await elixirSubscriber(ex, 'MyApp.PubSub', 'mix', 'exmix');
    for (let i = 0; i < 2; i++) {
      const node = await startTestNode(`ts${i}`, { cookie: COOKIE, epmdPort: epmd.port });
      nodes.push(node);
      const ps = await PubSub.start(node, { name: 'MyApp.PubSub' });
      pss.push(ps);
      inboxes.push(subscribeInbox(node, ps, 'mix'));
      assert.equal(await node.connect(ex.node), true);
    }
    // beamlink nodes that only share a BEAM node do not meet transitively (BEAM's global
    // would tell them; beamlink runs only a global shim), so connect them explicitly.
    assert.equal(await nodes[1]!.connect(nodes[0]!.name), true);
    await until(() => nodes.every((n) => n.nodes().length === 2), 'full mesh');
    await until(
      async () => tsCount(0) === 3 && tsCount(1) === 3 && (await exCount()) === 3,
      'three workers everywhere',
    );
  });
  after(async () => {
    for (const n of nodes) await n.stop();
    await ex?.stop();
    await epmd?.stop();
  });

  it('pubsub/pg-adapter: broadcasts from each node reach all three', async () => {
    await ex.evalElixir('Phoenix.PubSub.broadcast(MyApp.PubSub, "mix", "from-ex")');
    pss[0]!.broadcast('mix', 'from-ts0');
    pss[1]!.broadcast('mix', 'from-ts1');
    await until(() => inboxes.every((b) => b.length === 3), 'beamlink inboxes');
    await until(() => exGot('from-ex') && exGot('from-ts0') && exGot('from-ts1'), 'elixir inbox');
    for (const b of inboxes) assert.deepEqual([...b].sort(), ['from-ex', 'from-ts0', 'from-ts1']);
  });

  it('pubsub/pg-adapter: a cut-off node drops out and converges back within 2 s', async (t) => {
    const [a, b] = nodes as [BeamNode, BeamNode];
    b.disconnect(a.name);
    b.disconnect(ex.node);
    await until(
      async () => tsCount(0) === 2 && tsCount(1) === 1 && (await exCount()) === 2,
      'partitioned',
    );
    inboxes[1]!.length = 0;
    await ex.evalElixir('Phoenix.PubSub.broadcast(MyApp.PubSub, "mix", "during-cut")');
    await until(() => inboxes[0]!.includes('during-cut'), 'ts0 got it');
    assert.ok(!inboxes[1]!.includes('during-cut'));

    assert.equal(await b.connect(ex.node), true);
    assert.equal(await b.connect(a.name), true);
    await until(() => b.nodes().length === 2, 'b reconnected to both');
    const took = await until(
      async () => tsCount(0) === 3 && tsCount(1) === 3 && (await exCount()) === 3,
      'healed',
      2_000,
    );
    t.diagnostic(`views converged ${took} ms after the connections were restored`);
    await ex.evalElixir('Phoenix.PubSub.broadcast(MyApp.PubSub, "mix", "after-heal")');
    await until(
      () => inboxes.every((box) => box.includes('after-heal')),
      'all beamlink nodes got it',
    );
    assert.doesNotMatch(ex.log.join('\n'), /terminating|badarg|CRASH REPORT/);
  });
});

// beamlink ↔ beamlink across OS processes: a child `node --import tsx` runs a node with pg
// and PubSub (test/interop/pubsub/child-node.ts). pg members and PubSub broadcasts flow
// both ways, and the child's members vanish when it is killed (-9).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EpmdDaemon } from '../../src/epmd/daemon.ts';
import type { BeamNode } from '../../src/kernel/start-node.ts';
import { startScope, type PgScope } from '../../src/pg/index.ts';
import type { Process } from '../../src/process/index.ts';
import { PubSub } from '../../src/pubsub/index.ts';
import { Tuple, atom } from '../../src/term/types.ts';
import { startChildNode, type ChildNodeProcess } from '../support/child-node.ts';
import { uniqueName } from '../support/erlang-peer.ts';
import { subscribeInbox } from '../support/pubsub-inbox.ts';
import { startTestNode } from '../support/test-node.ts';
import { until } from '../support/wait.ts';

const COOKIE = 'pubsub_os_cookie';

describe('pubsub/pubsub: beamlink nodes in two OS processes', () => {
  let epmd: EpmdDaemon;
  let node: BeamNode;
  let pg: PgScope;
  let ps: PubSub;
  let child: ChildNodeProcess;
  let childName = '';

  before(async () => {
    epmd = await EpmdDaemon.start({ port: 0 });
    node = await startTestNode('parent', { cookie: COOKIE, epmdPort: epmd.port });
    pg = await startScope(node);
    ps = await PubSub.start(node, { name: 'MyApp.PubSub' });
    child = await startChildNode('test/interop/pubsub/child-node.ts', {
      env: { BL_EPMD_PORT: String(epmd.port), BL_COOKIE: COOKIE, BL_SNAME: uniqueName('child') },
    });
    childName = child.name;
    assert.equal(await node.connect(childName), true);
  });
  after(async () => {
    await child?.kill();
    await node?.stop();
    await epmd?.stop();
  });

  it('pubsub/pubsub: pg members and broadcasts cross the process boundary both ways', async () => {
    await until(
      () => pg.getMembers(atom('child_workers')).length === 2,
      'parent sees child members',
    );
    assert.ok(pg.getMembers(atom('child_workers')).every((p) => p.node.name === childName));
    const me = node.spawn(async (self: Process) => {
      await self.receive(() => false);
    });
    pg.join(atom('parent_workers'), me);

    const inbox = subscribeInbox(node, ps, 'pong');
    await until(() => ps.subscribers('pong').length === 1, 'subscribed');
    // The child's worker must be in the PubSub group before it can get the broadcast.
    await until(
      () =>
        pg.alive &&
        ps.inspect().adapter !== null &&
        JSON.stringify(ps.inspect().adapter).includes('"members":2'),
      'both PubSub workers known',
    );
    // Wait for the join to reach the child, then ping until it answers with 1 member.
    let n = 0;
    await until(() => {
      if (inbox.some((m) => m instanceof Tuple && m.elements[3] === 1)) return true;
      if (n++ % 20 === 0) ps.broadcast('ping', `hello-${n}`);
      return false;
    }, 'pong with the parent member counted');
    const pong = inbox.find((m) => m instanceof Tuple && m.elements[3] === 1) as Tuple;
    assert.equal(pong.elements[0], atom('pong'));
    assert.equal((pong.elements[1] as { name: string }).name, childName);
    assert.match(pong.elements[2] as string, /^hello-\d+$/);
  });

  it('pubsub/pubsub: members of a killed node vanish', async () => {
    await child.kill();
    await until(() => pg.getMembers(atom('child_workers')).length === 0, 'child members gone');
    await until(() => !node.nodes().some((n) => n.name === childName), 'nodedown');
  });
});

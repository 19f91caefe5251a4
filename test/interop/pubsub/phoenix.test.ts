// PubSub against an Elixir node, both releases. Phoenix itself cannot be installed here,
// so the Elixir side is Phoenix.PubSub 2.x's PG2 path written inline: OTP's :pg scope
// Phoenix.PubSub, a worker registered as MyApp.PubSub.Adapter that joins that group and
// dispatches {:forward_to_local, topic, msg, dispatcher} through a duplicate-key Registry
// named MyApp.PubSub, and Phoenix.PubSub.dispatch/3 as the default dispatcher.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { BeamNode } from '../../../src/kernel/start-node.ts';
import { scopeOf } from '../../../src/pg/index.ts';
import { memoryLogger, type Process } from '../../../src/process/index.ts';
import { PHOENIX_PUBSUB_SCOPE, PubSub, type Dispatcher } from '../../../src/pubsub/index.ts';
import { atom, tuple, type Term } from '../../../src/term/types.ts';
import type { EpmdProcess, ErlangPeer } from '../../support/erlang-peer.ts';
import { startPeerWithEpmd } from '../../support/peer-with-epmd.ts';
import { describeReleases } from '../../support/releases.ts';
import { startTestNode } from '../../support/test-node.ts';
import { until } from '../../support/wait.ts';
import { subscribeInbox } from '../../support/pubsub-inbox.ts';
import { elixirReceived, elixirSubscriber, startPhoenixPubSub } from './phoenix-pg2.ts';

const COOKIE = 'pubsub_cookie';

describeReleases(
  'pubsub/pg-adapter: against Phoenix.PubSub-shaped Elixir',
  { elixir: true },
  (release) => {
    let epmd: EpmdProcess;
    let ex: ErlangPeer;
    let node: BeamNode;
    let ps: PubSub;
    let beamScope = '';
    const logger = memoryLogger();
    const admins: Dispatcher = {
      name: 'MyApp.Admins',
      dispatch(entries, _from, message, runtime) {
        for (const e of entries) if (e.metadata === 'admin') runtime.send(e.pid, message);
      },
    };
    const collector = (topic: string, metadata?: Term): Term[] =>
      subscribeInbox(node, ps, topic, { metadata });
    const exSubscriber = (tag: string, topic: string): Promise<void> =>
      elixirSubscriber(ex, 'MyApp.PubSub', topic, tag);
    const events = (tag: string): Term[] => elixirReceived(ex, tag);

    before(async () => {
      ({ epmd, peer: ex } = await startPeerWithEpmd(release, {
        sname: 'ex',
        cookie: COOKIE,
        elixir: true,
      }));
      await startPhoenixPubSub(ex, 'MyApp.PubSub');
      beamScope = await ex.evalElixir('inspect(Process.whereis(Phoenix.PubSub))');
      node = await startTestNode('ts', { cookie: COOKIE, epmdPort: epmd.port, logger });
      ps = await PubSub.start(node, { name: 'MyApp.PubSub', dispatchers: [admins] });
      assert.equal(await node.connect(ex.node), true);
      const group = atom('Elixir.MyApp.PubSub.Adapter');
      await until(
        () => scopeOf(node.runtime, PHOENIX_PUBSUB_SCOPE)!.getMembers(group).length === 2,
        'ts sees 2 workers',
      );
      await until(
        async () =>
          (await ex.evalElixir('length(:pg.get_members(Phoenix.PubSub, MyApp.PubSub.Adapter))')) ===
          '2',
        'elixir sees 2 workers',
      );
    });
    after(async () => {
      await node?.stop();
      await ex?.stop();
      await epmd?.stop();
    });

    it('pubsub/pg-adapter: an Elixir broadcast reaches beamlink subscribers', async () => {
      const inbox = collector('room:1');
      await exSubscriber('exroom', 'room:1');
      await ex.evalElixir(
        'Phoenix.PubSub.broadcast(MyApp.PubSub, "room:1", {:new_msg, %{body: "hi", n: 1}})',
      );
      await until(() => inbox.length === 1, 'beamlink got it');
      assert.deepEqual(inbox[0], tuple(atom('new_msg'), { body: 'hi', n: 1 }));
      await ex.waitEvent((e) => e.text.startsWith('{exroom,{new_msg'));
    });

    it('pubsub/pg-adapter: a beamlink broadcast reaches Elixir subscribers, once', async () => {
      const inbox = collector('room:2');
      await exSubscriber('ex2', 'room:2');
      ps.broadcast('room:2', tuple(atom('from_ts'), [1, 2, 3], 'text'));
      await ex.waitEvent((e) => e.text.startsWith('{ex2,{from_ts'));
      await until(() => inbox.length === 1, 'local subscriber too');
      assert.deepEqual(events('ex2'), [tuple(atom('from_ts'), [1, 2, 3], 'text')]);
      // broadcast_from skips only the local sender; the Elixir side still gets it.
      const sender = node.spawn(async (self) => {
        ps.subscribe(self, 'room:2');
        ps.broadcastFrom(self, 'room:2', 'from-sender');
        await self.receive(() => false, { timeout: 100 });
      });
      assert.ok(sender);
      await ex.waitEvent((e) => e.text === '{ex2,<<"from-sender">>}');
      await until(() => inbox.length === 2, 'the other local subscriber');
    });

    it('pubsub/pg-adapter: direct_broadcast both ways reaches one node only', async () => {
      const inbox = collector('direct');
      await exSubscriber('exdirect', 'direct');
      ps.directBroadcast(ex.node, 'direct', 'to-elixir');
      await ex.waitEvent((e) => e.text === '{exdirect,<<"to-elixir">>}');
      await ex.evalElixir(
        `Phoenix.PubSub.direct_broadcast(:"${node.name}", MyApp.PubSub, "direct", "to-ts")`,
      );
      await until(() => inbox.length === 1, 'beamlink got direct');
      assert.deepEqual(inbox, ['to-ts']);
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(events('exdirect'), ['to-elixir']);
    });

    it('pubsub/pg-adapter: a named dispatcher from Elixir uses ours; an unknown one is dropped', async () => {
      const adminInbox = collector('ops', 'admin');
      const userInbox = collector('ops');
      await ex.evalElixir(
        'Phoenix.PubSub.direct_broadcast(:"' +
          node.name +
          '", MyApp.PubSub, "ops", :restart, MyApp.Admins)',
      );
      await until(() => adminInbox.length === 1, 'admin got it');
      await ex.evalElixir(
        'Phoenix.PubSub.direct_broadcast(:"' +
          node.name +
          '", MyApp.PubSub, "ops", :x, Nobody.Knows)',
      );
      await until(
        () => logger.entries.some((e) => e.message.includes('unknown dispatcher')),
        'dropped',
      );
      assert.deepEqual(userInbox, []);
      assert.equal(ps.inspect().name, 'Elixir.MyApp.PubSub');
    });

    it('pubsub/pg-adapter: pool_size 3 on both sides: shard names match and every shard carries', async () => {
      assert.equal(await ex.evalElixir('Phoenix.PubSub.start(MyApp.Pooled, 3)'), 'ok');
      const pooled = await PubSub.start(node, { name: 'MyApp.Pooled', poolSize: 3 });
      const scope = scopeOf(node.runtime, PHOENIX_PUBSUB_SCOPE)!;
      const shards = [
        'Elixir.MyApp.Pooled.Adapter',
        'Elixir.MyApp.Pooled.Adapter_2',
        'Elixir.MyApp.Pooled.Adapter_3',
      ];
      await until(
        () => shards.every((g) => scope.getMembers(atom(g)).length === 2),
        'both nodes in every shard',
      );
      await until(
        async () =>
          (await ex.evalElixir(
            'Enum.map([MyApp.Pooled.Adapter, :"Elixir.MyApp.Pooled.Adapter_2", :"Elixir.MyApp.Pooled.Adapter_3"], &length(:pg.get_members(Phoenix.PubSub, &1)))',
          )) === '[2,2,2]',
        'Elixir sees both nodes in every shard (its own names for them)',
      );
      const inbox = subscribeInbox(node, pooled, 'pool');
      // 12 Elixir senders: phash2 of their pids spreads them over the shards.
      await ex.evalElixir(
        'for i <- 1..12, do: spawn(fn -> Phoenix.PubSub.broadcast(MyApp.Pooled, "pool", i) end)',
      );
      await until(() => inbox.length === 12, 'every Elixir sender reached beamlink');
      assert.deepEqual(
        [...inbox].sort((x, y) => (x as number) - (y as number)),
        Array.from({ length: 12 }, (_, i) => i + 1),
      );
      await ex.evalElixir(
        'spawn(fn -> Phoenix.PubSub.subscribe(MyApp.Pooled, "pool"); :beamlink_peer.emit(:poolsub); ' +
          'loop = fn l -> receive do m -> :beamlink_peer.emit({:expool, m}); l.(l) end end; loop.(loop) end)',
      );
      await ex.waitEvent((e) => e.text === 'poolsub');
      for (let i = 0; i < 12; i++) {
        node.spawn((self: Process) => {
          pooled.broadcastFrom(self, 'pool', `ts-${i}`);
        });
      }
      await until(() => events('expool').length === 12, 'every beamlink sender reached Elixir');
      pooled.stop();
    });

    it('pubsub/pg-adapter: the Elixir pg scope and worker survived (same pid, no crash)', async () => {
      assert.equal(await ex.evalElixir('inspect(Process.whereis(Phoenix.PubSub))'), beamScope);
      assert.equal(await ex.evalElixir('is_pid(Process.whereis(MyApp.PubSub.Adapter))'), 'true');
      assert.doesNotMatch(ex.log.join('\n'), /terminating|badarg|CRASH REPORT/);
    });
  },
);

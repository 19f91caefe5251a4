import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scopeOf } from '../../../src/pg/index.ts';
import {
  PHOENIX_PUBSUB_SCOPE,
  PubSub,
  PubSubError,
  poolGroups,
  type Dispatcher,
} from '../../../src/pubsub/index.ts';
import type { Process } from '../../../src/process/index.ts';
import { Pid, Tuple, atom, tuple, type Term } from '../../../src/term/types.ts';
import { memCluster, until, type MemHost } from '../pg/mem-host.ts';

type Events = { [room: `room:${string}`]: Tuple; lobby: string };

function collector(host: MemHost): { pid: Pid; inbox: Term[] } {
  const inbox: Term[] = [];
  const pid = host.runtime.spawn((self: Process) => {
    self.handle((m) => {
      inbox.push(m);
    });
  });
  return { pid, inbox };
}

async function cluster(
  n: number,
  poolSize = 1,
  dispatchers: Dispatcher[] = [],
): Promise<{ hosts: MemHost[]; ps: PubSub<Events>[] }> {
  const names = ['a', 'b', 'c', 'd'].slice(0, n);
  const { hosts } = memCluster(names);
  const ps: PubSub<Events>[] = [];
  for (const h of hosts)
    ps.push(await PubSub.start<Events>(h, { name: 'MyApp.PubSub', poolSize, dispatchers }));
  const adapter = atom('Elixir.MyApp.PubSub.Adapter');
  for (const h of hosts) {
    await until(
      () =>
        poolGroups(adapter, poolSize).every(
          (g) => scopeOf(h.runtime, PHOENIX_PUBSUB_SCOPE)!.getMembers(g).length === n,
        ),
      `every node sees ${n} workers per shard`,
    );
  }
  return { hosts, ps };
}

describe('pubsub/pubsub: Phoenix.PubSub semantics across memory-wired nodes', () => {
  it('pubsub/pubsub: names, groups and registered processes are Phoenix.PubSub.PG2s', async () => {
    const { hosts, ps } = await cluster(1, 3);
    assert.equal(ps[0]!.name.name, 'Elixir.MyApp.PubSub');
    assert.equal(ps[0]!.adapterName.name, 'Elixir.MyApp.PubSub.Adapter');
    const rt = hosts[0]!.runtime;
    for (const g of [
      'Elixir.MyApp.PubSub',
      'Elixir.MyApp.PubSub.Adapter',
      'Elixir.MyApp.PubSub.Adapter_2',
      'Elixir.MyApp.PubSub.Adapter_3',
      'Elixir.Phoenix.PubSub',
    ]) {
      assert.ok(rt.whereis(g), `${g} is registered`);
    }
    await assert.rejects(PubSub.start(hosts[0]!, { name: 'MyApp.PubSub' }), PubSubError);
    await assert.rejects(
      PubSub.start(hosts[0]!, { name: 'Other', poolSize: 1, broadcastPoolSize: 2 }),
      PubSubError,
    );
  });

  it('pubsub/pubsub: topics and messages are typed; a stopped PubSub refuses calls', async () => {
    const { hosts, ps } = await cluster(1);
    const typed = ps[0]!;
    const check = (): void => {
      // @ts-expect-error: 'lobby' carries a string
      typed.broadcast('lobby', 42);
      // @ts-expect-error: not a topic of Events
      typed.subscribe(hosts[0]!.runtime.systemPid, 'nowhere');
      typed.broadcast('room:7', tuple(atom('ok')));
    };
    assert.equal(typeof check, 'function');
    typed.stop();
    assert.throws(() => typed.broadcast('lobby', 'x'), PubSubError);
    assert.throws(() => typed.subscribe(hosts[0]!.runtime.systemPid, 'lobby'), PubSubError);
  });

  it('pubsub/pubsub: broadcast reaches every subscriber on every node once', async () => {
    const { hosts, ps } = await cluster(3);
    const subs = hosts.map((h) => collector(h));
    subs.forEach((s, i) => ps[i]!.subscribe(s.pid, 'room:1'));
    const other = collector(hosts[2]!);
    ps[2]!.subscribe(other.pid, 'room:2');
    ps[0]!.broadcast('room:1', tuple(atom('new_msg'), 'hi'));
    await until(() => subs.every((s) => s.inbox.length === 1), 'all three got it');
    for (const s of subs) assert.deepEqual(s.inbox[0], tuple(atom('new_msg'), 'hi'));
    // A later broadcast on the same route: once it is in, an extra room:1 copy would be too.
    ps[0]!.broadcast('room:2', tuple(atom('barrier')));
    await until(() => other.inbox.length > 0, 'the barrier arrived');
    assert.deepEqual(other.inbox, [tuple(atom('barrier'))]);
    assert.ok(subs.every((s) => s.inbox.length === 1));
  });

  it('pubsub/pubsub: broadcastFrom, localBroadcast and directBroadcast', async () => {
    const { hosts, ps } = await cluster(3);
    const [a, b, c] = hosts.map((h) => collector(h)) as [
      ReturnType<typeof collector>,
      ReturnType<typeof collector>,
      ReturnType<typeof collector>,
    ];
    const a2 = collector(hosts[0]!);
    ps[0]!.subscribe(a.pid, 'lobby');
    ps[0]!.subscribe(a2.pid, 'lobby');
    ps[1]!.subscribe(b.pid, 'lobby');
    ps[2]!.subscribe(c.pid, 'lobby');
    ps[0]!.broadcastFrom(a.pid, 'lobby', 'from-a');
    await until(
      () => a2.inbox.length === 1 && b.inbox.length === 1 && c.inbox.length === 1,
      'from-a',
    );
    assert.equal(a.inbox.length, 0);
    ps[1]!.localBroadcast('lobby', 'local-b');
    ps[0]!.directBroadcast(hosts[2]!.runtime.node, 'lobby', 'direct-c');
    ps[0]!.directBroadcast(hosts[0]!.runtime.node, 'lobby', 'direct-self');
    await until(
      () =>
        c.inbox.includes('direct-c') &&
        b.inbox.includes('local-b') &&
        a.inbox.includes('direct-self'),
      'local + direct',
    );
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(b.inbox, ['from-a', 'local-b']);
    assert.deepEqual(c.inbox, ['from-a', 'direct-c']);
    assert.deepEqual(a.inbox, ['direct-self']);
  });

  it('pubsub/pubsub: duplicate subscriptions, unsubscribe and subscriber death as Registry', async () => {
    const { hosts, ps } = await cluster(2);
    const s = collector(hosts[1]!);
    ps[1]!.subscribe(s.pid, 'lobby');
    ps[1]!.subscribe(s.pid, 'lobby', { metadata: 'again' });
    assert.deepEqual(
      ps[1]!.subscribers('lobby').map((e) => e.metadata),
      [null, 'again'],
    );
    ps[0]!.broadcast('lobby', 'twice');
    await until(() => s.inbox.length === 2, 'delivered once per subscription');
    ps[1]!.unsubscribe(s.pid, 'lobby');
    assert.deepEqual(ps[1]!.subscribers('lobby'), []);
    const dying = hosts[1]!.runtime.spawn(async (self) => {
      ps[1]!.subscribe(self, 'room:9');
      await self.receive((m) => m === 'stop');
    });
    await until(() => ps[1]!.subscribers('room:9').length === 1, 'subscribed');
    assert.deepEqual(ps[1]!.topicsOf(dying), ['room:9']);
    hosts[1]!.runtime.send(dying, 'stop');
    await until(() => ps[1]!.subscribers('room:9').length === 0, 'dead subscriber dropped');
    assert.throws(() => ps[0]!.subscribe(s.pid, 'lobby'), PubSubError);
  });

  it('pubsub/pubsub: custom dispatchers see metadata; an unknown one is dropped with a warning', async () => {
    const admins: Dispatcher = {
      name: 'MyApp.AdminDispatcher',
      dispatch(entries, from, message, runtime) {
        for (const e of entries)
          if (e.metadata === 'admin' && e.pid !== from) runtime.send(e.pid, message);
      },
    };
    const { hosts, ps } = await cluster(2, 1, [admins]);
    const admin = collector(hosts[1]!);
    const user = collector(hosts[1]!);
    ps[1]!.subscribe(admin.pid, 'lobby', { metadata: 'admin' });
    ps[1]!.subscribe(user.pid, 'lobby');
    ps[0]!.broadcast('lobby', 'for admins', admins);
    await until(() => admin.inbox.length === 1, 'admin got it');
    const rogue: Dispatcher = { name: 'Elixir.Nobody.Knows', dispatch() {} };
    ps[0]!.broadcast('lobby', 'nobody', rogue);
    await until(
      () => hosts[1]!.logs.entries.some((e) => e.message.includes('unknown dispatcher')),
      'warning logged',
    );
    ps[0]!.broadcast('lobby', 'all');
    await until(() => user.inbox.length === 1 && admin.inbox.length === 2, 'default still works');
    assert.deepEqual(user.inbox, ['all']);
  });

  it('pubsub/pubsub: with a pool, one sender keeps its order through one shard', async () => {
    const { hosts, ps } = await cluster(2, 4);
    const s = collector(hosts[1]!);
    ps[1]!.subscribe(s.pid, 'lobby');
    const n = 200;
    hosts[0]!.runtime.spawn(async (self) => {
      for (let i = 0; i < n; i++) ps[0]!.broadcastFrom(self, 'lobby', `m${i}`);
    });
    await until(() => s.inbox.length === n, 'all arrived');
    assert.deepEqual(
      s.inbox,
      Array.from({ length: n }, (_, i) => `m${i}`),
    );
  });
});

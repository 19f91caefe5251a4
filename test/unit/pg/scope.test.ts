import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  PgNotLocalError,
  PgScopeError,
  startScope,
  scopeOf,
  type PgScope,
} from '../../../src/pg/index.ts';
import type { Process } from '../../../src/process/index.ts';
import { Atom, Pid, Ref, Tuple, atom, tuple, type Term } from '../../../src/term/types.ts';
import { memCluster, until, type MemHost } from './mem-host.ts';

const keys = (pids: readonly Pid[]): string[] => pids.map((p) => p.key).sort();

function idle(host: MemHost): Pid {
  return host.runtime.spawn(async (self) => {
    await self.receive((m) => m === 'stop');
  });
}

/** A process that collects every message into `inbox`. */
function collector(host: MemHost): { pid: Pid; inbox: Term[] } {
  const inbox: Term[] = [];
  const pid = host.runtime.spawn((self: Process) => {
    self.handle((m) => {
      inbox.push(m);
    });
  });
  return { pid, inbox };
}

async function twoScopes(): Promise<{
  a: MemHost;
  b: MemHost;
  pa: PgScope;
  pb: PgScope;
  net: ReturnType<typeof memCluster>['net'];
  cut: Set<string>;
}> {
  const { net, hosts, cut } = memCluster(['a', 'b']);
  const [a, b] = hosts as [MemHost, MemHost];
  const pa = await startScope(a);
  const pb = await startScope(b);
  return { a, b, pa, pb, net, cut };
}

describe('pg/scope: one scope per node over a memory network', () => {
  it('pg/scope: a join on one node is seen on the other after discover and sync', async () => {
    const { a, b, pa, pb } = await twoScopes();
    const p1 = idle(a);
    pa.join('workers', p1);
    await until(() => pb.getMembers('workers').length === 1, 'b sees p1');
    assert.deepEqual(keys(pb.getMembers('workers')), [p1.key]);
    assert.deepEqual(pb.getLocalMembers('workers'), []);
    assert.deepEqual(keys(pa.getLocalMembers('workers')), [p1.key]);
    const p2 = idle(b);
    pb.join('workers', [p2]);
    await until(() => pa.getMembers('workers').length === 2, 'a sees p2');
    assert.deepEqual(keys(pa.getMembers('workers')), keys([p1, p2]));
    assert.deepEqual(pa.whichGroups(), ['workers']);
    assert.deepEqual(pb.whichLocalGroups(), ['workers']);
  });

  it('pg/scope: members joined before the peer started arrive in the sync', async () => {
    const { net, hosts } = memCluster(['a', 'b']);
    const [a, b] = hosts as [MemHost, MemHost];
    const pa = await startScope(a);
    const p1 = idle(a);
    const g = tuple(atom('room'), 42);
    pa.join(g, [p1, p1]);
    const pb = await startScope(b); // discovers a, which syncs back
    await until(() => pb.getMembers(tuple(atom('room'), 42)).length === 2, 'b synced');
    // The exchange used only the messages OTP 25's pg knows.
    const tags = net.trace
      .map((t) => t.message)
      .filter((m) => 'message' in m && m.message instanceof Tuple)
      .map((m) => ((m as { message: Tuple }).message.elements[0] as Atom).name);
    assert.ok(
      tags.every((t) => ['discover', '$gen_cast', 'join', 'leave'].includes(t)),
      tags.join(),
    );
  });

  it('pg/scope: leave, a member dying and a scope stopping all propagate', async () => {
    const { a, pa, pb } = await twoScopes();
    const p1 = idle(a);
    const p2 = idle(a);
    pa.join('g', [p1, p2]);
    pa.join('h', p1);
    await until(() => pb.getMembers('g').length === 2 && pb.getMembers('h').length === 1, 'joined');
    assert.equal(pa.leave('g', p2), true);
    assert.equal(pa.leave('g', p2), false); // not_joined
    await until(() => pb.getMembers('g').length === 1, 'p2 left');
    a.runtime.send(p1, 'stop'); // p1 exits normally: its scope tells b
    await until(
      () => pb.getMembers('g').length === 0 && pb.getMembers('h').length === 0,
      'p1 gone',
    );
    assert.deepEqual(pb.whichGroups(), []);
    const p3 = idle(a);
    pa.join('g', p3);
    await until(() => pb.getMembers('g').length === 1, 'p3 joined');
    pa.stop();
    await until(() => pb.getMembers('g').length === 0, 'scope a stopped');
    assert.equal(pa.alive, false);
    assert.deepEqual(pa.getMembers('g'), []);
    assert.throws(() => pa.join('g', p3), PgScopeError);
  });

  it('pg/scope: a lost connection removes the peer members; a new nodeup resyncs', async () => {
    const { a, b, pa, pb, net, cut } = await twoScopes();
    const p1 = idle(a);
    pa.join('g', p1);
    await until(() => pb.getMembers('g').length === 1, 'joined');
    cut.add('a@mem|b@mem');
    net.disconnect('a@mem', 'b@mem');
    await until(() => pb.getMembers('g').length === 0, 'b forgot a');
    const p2 = idle(a);
    pa.join('g', p2); // not sent: noconnect semantics are the memory network's drop
    net.reconnect('a@mem', 'b@mem');
    cut.delete('a@mem|b@mem');
    a.emit({ type: 'nodeup', node: b.runtime.node, nodeType: 'visible' });
    b.emit({ type: 'nodeup', node: a.runtime.node, nodeType: 'visible' });
    await until(() => pb.getMembers('g').length === 2, 'b resynced');
    assert.deepEqual(keys(pb.getMembers('g')), keys([p1, p2]));
  });

  it('pg/scope: monitorScope and monitor send {Ref, join|leave, Group, Pids}', async () => {
    const { a, b, pa, pb } = await twoScopes();
    const w = collector(b);
    const gw = collector(b);
    const { ref, groups } = pb.monitorScope(w.pid);
    assert.equal(groups.size, 0);
    const gm = pb.monitor(gw.pid, 'only');
    assert.deepEqual(gm.members, []);
    const p1 = idle(a);
    pa.join('other', p1);
    pa.join('only', p1);
    await until(() => w.inbox.length === 2 && gw.inbox.length === 1, 'join notices');
    const first = w.inbox[0] as Tuple;
    assert.ok(first.elements[0] instanceof Ref && (first.elements[0] as Ref).key === ref.key);
    assert.equal(first.elements[1], atom('join'));
    assert.equal(first.elements[2], 'other');
    assert.deepEqual(keys(first.elements[3] as Pid[]), [p1.key]);
    const g = gw.inbox[0] as Tuple;
    assert.equal((g.elements[0] as Ref).key, gm.ref.key);
    assert.equal(g.elements[2], 'only');
    pa.leave('only', p1);
    await until(() => gw.inbox.length === 2, 'leave notice');
    assert.equal((gw.inbox[1] as Tuple).elements[1], atom('leave'));
    assert.equal(pb.demonitor(gm.ref), true);
    assert.equal(pb.demonitor(gm.ref), false);
    pa.join('only', p1);
    await until(() => w.inbox.length === 4, 'scope watcher still notified');
    assert.equal(gw.inbox.length, 2);
  });

  it('pg/scope: only local pids may join; bad peer messages are dropped, not fatal', async () => {
    const { a, b, pa, pb } = await twoScopes();
    const remote = idle(b);
    assert.throws(() => pa.join('g', remote), PgNotLocalError);
    assert.throws(() => pa.leave('g', [remote]), PgNotLocalError);
    for (const junk of [
      'hello',
      tuple(atom('join'), 1, 2, 3),
      tuple(atom('leave'), pb.pid, 'x', 'y'),
      tuple(atom('$gen_cast'), tuple(atom('sync'), pb.pid, ['bad'])),
      tuple(atom('discover')),
      tuple(atom('discover'), a.runtime.systemPid), // a "peer" on our own node
    ] as Term[]) {
      a.runtime.send('pg', junk);
    }
    const p1 = idle(a);
    pa.join('g', p1);
    await until(() => pb.getMembers('g').length === 1, 'still works');
    assert.equal(pa.alive, true);
    assert.ok(a.logs.entries.filter((e) => e.message.includes('unexpected')).length >= 6);
  });

  it('pg/scope: a peer join with a very deeply nested group is keyed, not fatal', async () => {
    const { a, b, pa, pb } = await twoScopes();
    const remote = idle(b);
    pb.join('ready', remote);
    await until(() => pa.getMembers('ready').length === 1, 'a knows b');
    let deep: Term = [];
    for (let i = 0; i < 200_000; i++) deep = [deep]; // deeper than the JS call stack
    a.runtime.send('pg', tuple(atom('join'), pb.pid, deep, [remote]));
    await until(() => pa.getMembers(deep).length === 1, 'a keyed the deep group');
    assert.equal(pa.alive, true);
  });

  it('pg/scope: a second scope of the same name is refused; scopeOf finds the running one', async () => {
    const { a, pa } = await twoScopes();
    await assert.rejects(startScope(a), PgScopeError);
    assert.equal(scopeOf(a.runtime), pa);
    const other = await startScope(a, { scope: 'chat' });
    assert.equal(scopeOf(a.runtime, 'chat'), other);
    other.stop();
    assert.equal(scopeOf(a.runtime, 'chat'), undefined);
  });

  it('pg/scope: answers gen_server calls monitor and {demonitor, Ref}', async () => {
    const { b, pb } = await twoScopes();
    const replies: Term[] = [];
    b.runtime.spawn(async (self) => {
      const tag = self.makeRef();
      self.send('pg', tuple(atom('$gen_call'), tuple(self.pid, tag), atom('monitor')));
      replies.push((await self.receive())!);
      const mref = ((replies[0] as Tuple).elements[1] as Tuple).elements[0]!;
      self.send(
        'pg',
        tuple(atom('$gen_call'), tuple(self.pid, tag), tuple(atom('demonitor'), mref)),
      );
      replies.push((await self.receive())!);
    });
    await until(() => replies.length === 2, 'two replies');
    const [r1, r2] = replies as [Tuple, Tuple];
    assert.ok((r1.elements[1] as Tuple).elements[1] instanceof Map);
    assert.equal(r2.elements[1] as Atom | boolean, atom('ok'));
    assert.equal(pb.inspect().monitors, 0);
  });
  it('pg/scope: accepts OTP 26+ {discover, Pid, Vsn}: syncs back and discovers the sender', async () => {
    const { a, b, pa } = await twoScopes();
    const p1 = idle(a);
    pa.join('g', p1);
    const got: Term[] = [];
    b.runtime.spawn(async (self) => {
      self.send(['pg', 'a@mem'], tuple(atom('discover'), self.pid, 1));
      got.push((await self.receive())!, (await self.receive())!);
    });
    await until(() => got.length === 2, 'sync and discover');
    const sync = got.find((m) => (m as Tuple).elements[0] === atom('$gen_cast')) as Tuple;
    const inner = sync.elements[1] as Tuple;
    assert.equal(inner.elements[0], atom('sync'));
    assert.equal((inner.elements[1] as Pid).key, pa.pid.key);
    const groups = inner.elements[2] as Tuple[];
    assert.equal(groups.length, 1);
    assert.equal(groups[0]!.elements[0], 'g');
    assert.deepEqual(keys(groups[0]!.elements[1] as Pid[]), [p1.key]);
    const disc = got.find((m) => (m as Tuple).elements[0] === atom('discover')) as Tuple;
    assert.equal(disc.elements.length, 2);
  });
  it('pg/scope: a repeated sync from a known peer replaces its members and notifies the difference', async () => {
    const { a, b, pa } = await twoScopes();
    const w = collector(a);
    pa.monitorScope(w.pid);
    const [x, y, z] = [idle(b), idle(b), idle(b)];
    let fake: Pid | undefined;
    b.runtime.spawn(async (self) => {
      fake = self.pid;
      const sync = (groups: Term[]): void =>
        self.send(['pg', 'a@mem'], tuple(atom('$gen_cast'), tuple(atom('sync'), self.pid, groups)));
      sync([tuple('g', [x, y, y]), tuple('h', [z])]);
      await self.receive((m) => m === 'next');
      sync([tuple('g', [y, z])]);
      await self.receive((m) => m === 'stop');
    });
    await until(
      () => pa.getMembers('g').length === 3 && pa.getMembers('h').length === 1,
      'first sync',
    );
    w.inbox.length = 0;
    b.runtime.send(fake!, 'next');
    await until(
      () => pa.getMembers('h').length === 0 && pa.getMembers('g').length === 2,
      'second sync',
    );
    assert.deepEqual(keys(pa.getMembers('g')), keys([y, z]));
    const notes = w.inbox.map((m) => {
      const [, act, g, ps] = (m as Tuple).elements;
      return `${(act as Atom).name} ${g as string} ${keys(ps as Pid[]).length}`;
    });
    assert.deepEqual(notes.sort(), ['join g 1', 'leave g 2', 'leave h 1']);
    b.runtime.send(fake!, 'stop'); // the fake peer's exit removes what it brought
    await until(() => pa.getMembers('g').length === 0, 'peer gone');
  });
});

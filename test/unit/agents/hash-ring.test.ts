import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HashRing, place, ringHash } from '../../../src/agents/index.ts';

const KEYS = Array.from({ length: 1000 }, (_, i) => `agent-${i}`);
const NODES = ['node1@vm', 'node2@vm', 'node3@vm'];

function counts(nodes: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const n of nodes) m.set(n, (m.get(n) ?? 0) + 1);
  return m;
}

test('agents/hash-ring: the position is the first 4 bytes of md5', () => {
  // md5("") = d41d8cd98f00b204e9800998ecf8427e
  assert.equal(ringHash(''), 0xd41d8cd9);
});

test('agents/hash-ring: the plain ring spreads 1,000 keys over 3 nodes within binomial noise', () => {
  // σ of one node's count is sqrt(1000 · 1/3 · 2/3) ≈ 15 (4.5%); allow 4σ plus the arcs' error
  const ring = new HashRing(NODES);
  const c = counts(KEYS.map((k) => ring.nodeFor(k)!));
  assert.deepEqual([...c.keys()].sort(), NODES);
  for (const [node, n] of c) assert.ok(Math.abs(n - 1000 / 3) <= 1000 / 3 / 5, `${node}: ${n}`);
});

test('agents/hash-ring: with bounded loads 1,000 keys land within 10% of even, for any node names', () => {
  for (let t = 0; t < 20; t++) {
    const nodes = [0, 1, 2].map((i) => `n${i}_${t}_${Math.random().toString(36).slice(2, 8)}@vm`);
    const ring = new HashRing(nodes);
    const loads = new Map<string, number>();
    for (const k of KEYS) {
      const n = ring.nodeForBounded(k, loads)!;
      loads.set(n, (loads.get(n) ?? 0) + 1);
    }
    for (const [node, n] of loads)
      assert.ok(Math.abs(n - 1000 / 3) <= 1000 / 3 / 10, `${node}: ${n}`);
  }
});

test('agents/hash-ring: the same members give the same placement whatever the insertion order', () => {
  const a = new HashRing(NODES);
  const b = new HashRing([...NODES].reverse());
  assert.deepEqual(
    KEYS.map((k) => a.nodeFor(k)),
    KEYS.map((k) => b.nodeFor(k)),
  );
});

test('agents/hash-ring: a joining node takes about 1/N of the keys, all moved keys go to it', () => {
  const ring = new HashRing(NODES);
  const before = KEYS.map((k) => ring.nodeFor(k)!);
  ring.add('node4@vm');
  const after = KEYS.map((k) => ring.nodeFor(k)!);
  let moved = 0;
  for (let i = 0; i < KEYS.length; i++) {
    if (before[i] !== after[i]) {
      moved++;
      assert.equal(after[i], 'node4@vm');
    }
  }
  assert.ok(moved > 150 && moved < 350, `moved ${moved} of 1000 (expected ~250)`);
  ring.remove('node4@vm');
  assert.deepEqual(
    KEYS.map((k) => ring.nodeFor(k)),
    before,
  );
});

test('agents/hash-ring: an empty ring places nothing; add and remove are idempotent', () => {
  const ring = new HashRing();
  assert.equal(ring.nodeFor('x'), undefined);
  ring.add('a@vm').add('a@vm');
  assert.deepEqual(ring.nodes, ['a@vm']);
  assert.equal(ring.nodeFor('x'), 'a@vm');
  ring.remove('b@vm');
  assert.ok(ring.has('a@vm'));
});

test('agents/router: place() by strategy: local, round robin, key affinity', () => {
  const local = counts(place(KEYS, NODES, 'local', 'node2@vm'));
  assert.deepEqual([...local], [['node2@vm', 1000]]);
  const rr = counts(place(KEYS, NODES, 'round_robin', 'node1@vm'));
  assert.deepEqual([...rr].sort(), [
    ['node1@vm', 334],
    ['node2@vm', 333],
    ['node3@vm', 333],
  ]);
  const aff = place(KEYS, NODES, 'affinity', 'node1@vm');
  assert.deepEqual(aff, place(KEYS, [...NODES].reverse(), 'affinity', 'node3@vm'));
  for (const [node, n] of counts(aff))
    assert.ok(Math.abs(n - 1000 / 3) <= 1000 / 3 / 10, `${node}: ${n}`);
  // a shared key keeps related agents together
  const grouped = counts(place(KEYS.slice(0, 50), NODES, { affinity: 'customer-42' }, 'node1@vm'));
  assert.equal(grouped.size, 1);
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SmallMap } from '../../../src/process/small-map.ts';

describe('SmallMap', () => {
  it('behaves as a Map for get, has, set, delete and size', () => {
    const m = new SmallMap<number, string>();
    const ref = new Map<number, string>();
    // a deterministic mix of operations over a few keys, compared with Map
    let seed = 7;
    for (let i = 0; i < 5000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const key = seed % 5;
      const op = (seed >> 8) % 3;
      if (op === 0) {
        m.set(key, `v${i}`);
        ref.set(key, `v${i}`);
      } else if (op === 1) {
        assert.equal(m.delete(key), ref.delete(key));
      }
      assert.equal(m.get(key), ref.get(key));
      assert.equal(m.has(key), ref.has(key));
      assert.equal(m.size, ref.size);
      assert.deepEqual([...m].sort(), [...ref].sort());
    }
  });

  it('keeps one entry inline and overwrites in place', () => {
    const m = new SmallMap<string, number>();
    m.set('a', 1).set('a', 2);
    assert.equal(m.size, 1);
    assert.deepEqual([...m.entries()], [['a', 2]]);
    m.set('b', 3);
    m.set('b', 4);
    assert.deepEqual([...m.values()].sort(), [2, 4]);
    m.delete('a');
    m.set('c', 5); // the free inline slot takes a new key; 'b' stays
    assert.equal(m.size, 2);
    assert.equal(m.get('b'), 4);
    assert.equal(m.get('c'), 5);
  });

  it('allows deleting while iterating, with for-of and forEach', () => {
    const m = new SmallMap<number, number>();
    for (let i = 0; i < 4; i++) m.set(i, i * 10);
    for (const [k] of m) m.delete(k);
    assert.equal(m.size, 0);
    for (let i = 0; i < 4; i++) m.set(i, i);
    const seen: number[] = [];
    m.forEach((v, k) => {
      seen.push(v);
      m.delete(k);
    });
    assert.deepEqual(seen.sort(), [0, 1, 2, 3]);
    assert.equal(m.size, 0);
  });
});

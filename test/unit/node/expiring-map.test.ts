import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExpiringMap } from '../../../src/node/expiring-map.ts';

test('node/expiring-map: a value is there until it expires, and gone after delete', () => {
  const live = new ExpiringMap<number>(60_000);
  live.set('a@h', 1);
  assert.equal(live.get('a@h'), 1);
  live.set('a@h', 2);
  assert.equal(live.get('a@h'), 2);
  live.delete('a@h');
  assert.equal(live.get('a@h'), undefined);

  const expired = new ExpiringMap<number>(0); // expires the moment it is set
  expired.set('a@h', 1);
  assert.equal(expired.get('a@h'), undefined);
});

test('node/expiring-map: past its bound, expired entries are swept and live ones kept', () => {
  const m = new ExpiringMap<string>(60_000, 2);
  m.set('a', 'x');
  m.set('b', 'y');
  m.set('c', 'z'); // nothing expired: all three stay
  assert.deepEqual([m.get('a'), m.get('b'), m.get('c')], ['x', 'y', 'z']);
});

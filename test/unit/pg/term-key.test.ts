import assert from 'node:assert/strict';
import { test } from 'node:test';
import { termKey } from '../../../src/pg/index.ts';
import { equals } from '../../../src/term/equals.ts';
import { Float, ImproperList, Pid, Ref, atom, tuple, type Term } from '../../../src/term/types.ts';

const samples: Term[] = [
  1,
  1n,
  2 ** 60,
  BigInt(2 ** 60),
  1.5,
  new Float(1),
  new Float(-0),
  new Float(0),
  'abc',
  Buffer.from('abc'),
  Uint8Array.from([0xff, 0x00]),
  Uint8Array.from([0xff]),
  '',
  atom('abc'),
  atom('true'),
  true,
  false,
  null,
  atom('nil'),
  tuple(),
  tuple('a,b'),
  tuple('a', 'b'),
  [],
  ['a'],
  [['a']],
  new ImproperList([1], 2),
  [1, 2],
  { a: 1 },
  new Map<Term, Term>([[atom('a'), 1]]),
  new Map<Term, Term>([
    [1, 2],
    ['x', atom('y')],
  ]),
  new Map<Term, Term>([
    ['x', atom('y')],
    [1, 2],
  ]),
  new Pid(atom('a@h'), 1, 0, 1),
  new Pid(atom('a@h'), 1, 0, 2),
  new Ref(atom('a@h'), 1, [1, 2, 3]),
];

test('pg/term-key: two terms share a key exactly when they are =:=', () => {
  for (const x of samples) {
    for (const y of samples) {
      assert.equal(
        termKey(x) === termKey(y),
        equals(x, y),
        `${String(termKey(x))} vs ${String(termKey(y))}`,
      );
    }
  }
});

test("pg/table: removeEach is Erlang's List -- Pids (one occurrence each, order kept)", async () => {
  const { removeEach } = await import('../../../src/pg/table.ts');
  const p = (n: number): Pid => new Pid(atom('a@h'), n, 0, 1);
  const list = [p(1), p(2), p(1), p(3), p(2)];
  const removed = removeEach(list, [p(2), p(1), p(9), p(2), p(2)]);
  assert.deepEqual(
    list.map((x) => x.id),
    [1, 3],
  );
  assert.deepEqual(removed.map((x) => x.id).sort(), [1, 2, 2]);
  const one = [p(1), p(2)];
  assert.deepEqual(
    removeEach(one, [p(2)]).map((x) => x.id),
    [2],
  );
  assert.deepEqual(
    one.map((x) => x.id),
    [1],
  );
});

test('pg/term-key: a term nested deeper than the call stack gets a key (no RangeError)', () => {
  let deep: Term = [];
  let other: Term = [];
  for (let i = 0; i < 200_000; i++) {
    deep = i % 2 === 0 ? [deep] : tuple(deep);
    other = i % 2 === 0 ? [other] : tuple(other);
  }
  assert.equal(termKey(deep), termKey(other));
  assert.notEqual(termKey(deep), termKey([deep]));
});

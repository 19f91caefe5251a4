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

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  atom,
  BitBinary,
  compare,
  compareMapKeys,
  equals,
  ExportFun,
  Float,
  ImproperList,
  Pid,
  Port,
  Ref,
  tuple,
  type Term,
} from '../../../src/term/index.ts';

const node = atom('n@h');

describe('term/equals: Erlang =:=', () => {
  it('integers and floats differ; number and bigint integers do not', () => {
    assert.equal(equals(1, new Float(1)), false);
    assert.equal(equals(1, 1n), true);
    assert.equal(equals(1.5, new Float(1.5)), true);
    assert.equal(equals(new Float(0), new Float(-0)), false); // OTP 27's =:=
  });

  it('binaries compare by bytes, whatever their JS form', () => {
    assert.equal(equals('abc', Buffer.from('abc')), true);
    assert.equal(equals('abc', Uint8Array.of(97, 98, 99)), true);
    assert.equal(equals('abc', [97, 98, 99]), false);
    assert.equal(
      equals(new BitBinary(Uint8Array.of(0xe0), 3), new BitBinary(Uint8Array.of(0xff), 3)),
      true,
    );
  });

  it('a whole-byte BitBinary is the binary it holds', () => {
    assert.equal(equals(new BitBinary(Uint8Array.of(97), 8), 'a'), true);
  });

  it('maps compare by content: object and Map alike', () => {
    assert.equal(equals({ a: 1, b: 2 }, { b: 2, a: 1 }), true);
    assert.equal(equals({ a: 1 }, new Map([[atom('a'), 1]])), true);
    assert.equal(equals({ a: 1 }, { a: new Float(1) }), false);
    assert.equal(
      equals(new Map<Term, Term>([[tuple(1), 2]]), new Map<Term, Term>([[tuple(1), 2]])),
      true,
    );
  });

  it('atoms true/false/nil equal booleans and null', () => {
    assert.equal(equals(atom('true'), true), true);
    assert.equal(equals(atom('nil'), null), true);
    assert.equal(equals(atom('false'), null), false);
  });

  it('improper lists compare after flattening', () => {
    assert.equal(
      equals(new ImproperList([1], new ImproperList([2], 3)), new ImproperList([1, 2], 3)),
      true,
    );
    assert.equal(equals(new ImproperList([1], [2]), [1, 2]), true);
  });

  it('identifiers', () => {
    assert.equal(equals(new Pid(node, 1, 2, 3), new Pid(node, 1, 2, 3)), true);
    assert.equal(equals(new Pid(node, 1, 2, 3), new Pid(node, 1, 2, 4)), false);
    assert.equal(equals(new Ref(node, 1, [1, 2]), new Ref(node, 1, [1, 2])), true);
    assert.equal(equals(new Port(node, 1n, 1), new Port(node, 1n, 1)), true);
    assert.equal(
      equals(new ExportFun(atom('m'), atom('f'), 1), new ExportFun(atom('m'), atom('f'), 1)),
      true,
    );
  });
});

describe('term/compare: Erlang term order', () => {
  it('orders kinds: number < atom < reference < fun < port < pid < tuple < map < nil < list < bitstring', () => {
    const ordered: Term[] = [
      1,
      atom('a'),
      new Ref(node, 0, [1]),
      new ExportFun(atom('m'), atom('f'), 0),
      new Port(node, 1n, 0),
      new Pid(node, 1, 0, 0),
      tuple(1),
      { a: 1 },
      [],
      [1],
      'bin',
    ];
    const shuffled = [...ordered].reverse();
    shuffled.sort(compare);
    assert.deepEqual(shuffled, ordered);
  });

  it('compares numbers by value across integer and float', () => {
    assert.equal(compare(1, new Float(1)), 0);
    assert.equal(compare(2n ** 64n, 1e300), -1);
    assert.equal(compare(2n ** 64n, 1.5), 1);
    assert.equal(compare(-3, -2.5), -1);
  });

  it('map key order puts every integer before every float', () => {
    assert.deepEqual([new Float(0.5), 2, 1].sort(compareMapKeys), [1, 2, new Float(0.5)]);
  });

  it('tuples by size first, lists element by element, binaries by bytes', () => {
    assert.equal(compare(tuple(9), tuple(1, 1)), -1);
    assert.equal(compare([1, 2], [1, 3]), -1);
    assert.equal(compare([1], [1, 0]), -1);
    assert.equal(compare('ab', 'b'), -1);
    assert.equal(compare('\u{10000}', '\uffff'), 1); // by code point, not UTF-16 unit
  });
});

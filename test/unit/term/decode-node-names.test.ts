// Pids and references name their node by text; the decoder remembers the last node names
// it read. Names of one length that differ in one byte, several in turn, still decode to
// their own atoms.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decode } from '../../../src/term/decode.ts';
import { encode } from '../../../src/term/encode.ts';
import { Pid, Ref, Tuple, atom } from '../../../src/term/types.ts';

test('term/decode: node names that differ in one byte, in turn', () => {
  const names = [
    'bl_24310_1@vm',
    'bl_24310_2@vm',
    'bl_24310_3@vm',
    'bl_24310_1@vn',
    'cl_24310_1@vm',
  ];
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < names.length; i++) {
      const a = names[i]!;
      const b = names[(i + round + 1) % names.length]!;
      const t = new Tuple([
        new Pid(atom(a), i, 0, 1),
        new Ref(atom(b), 2, [1, 2, 3]),
        new Pid(atom(b), 9, 0, 1),
      ]);
      const back = decode(encode(t)) as Tuple;
      assert.equal((back.elements[0] as Pid).node, atom(a));
      assert.equal((back.elements[1] as Ref).node, atom(b));
      assert.equal((back.elements[2] as Pid).node, atom(b));
    }
  }
});

test('term/decode: a node name equal to one remembered but for its length', () => {
  for (const n of ['a@h', 'a@hh', 'a@h', 'a@', 'a@hh']) {
    assert.equal((decode(encode(new Pid(atom(n), 1, 0, 1))) as Pid).node, atom(n));
  }
});

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

test('term/decode: node names in a large input (compared in words), every length and one byte apart', () => {
  const names: string[] = [];
  for (const len of [3, 4, 5, 7, 8, 9, 13, 16, 17, 64, 255]) {
    const base = `n${'x'.repeat(Math.max(0, len - 3))}@h`.slice(0, len - 2) + '@h';
    names.push(base);
    // the same length, one byte different at the start, the middle and the end
    for (const at of [0, len >> 1, len - 1]) {
      const c = base.charCodeAt(at) === 0x79 ? 'z' : 'y';
      names.push(base.slice(0, at) + c + base.slice(at + 1));
    }
  }
  const pids = names.flatMap((n, i) => [
    new Pid(atom(n), i, 0, 1),
    new Pid(atom(names[(i * 7) % names.length]!), i, 1, 2),
  ]);
  const bytes = encode(new Tuple([...pids, Buffer.alloc(9000, 1)]));
  assert.ok(bytes.length > 8 * 1024);
  for (let round = 0; round < 2; round++) {
    const back = decode(bytes) as Tuple;
    pids.forEach((p, i) => assert.equal((back.elements[i] as Pid).node, p.node, `pid ${i}`));
  }
});

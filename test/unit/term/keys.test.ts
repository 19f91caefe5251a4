// Pid and Ref `key`: the same string for equal values, a different one for any difference
// (the process layer keys links, monitors and watchers by it).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decode } from '../../../src/term/decode.ts';
import { encode } from '../../../src/term/encode.ts';
import { Ref, atom } from '../../../src/term/types.ts';

test('term/keys: equal refs have one key, made or decoded', () => {
  const r = new Ref(atom('a@h'), 7, [1, 0x12345678, 0xffffffff]);
  const same = new Ref(atom('a@h'), 7, [1, 0x12345678, 0xffffffff]);
  assert.equal(r.key, same.key);
  assert.equal((decode(encode(r)) as Ref).key, r.key);
});

test('term/keys: refs that differ anywhere have different keys', () => {
  const base = new Ref(atom('a@h'), 7, [1, 2, 3]);
  const others = [
    new Ref(atom('b@h'), 7, [1, 2, 3]),
    new Ref(atom('a@h'), 8, [1, 2, 3]),
    new Ref(atom('a@h'), 7, [1, 2, 4]),
    new Ref(atom('a@h'), 7, [1, 2]),
    new Ref(atom('a@h'), 7, [1, 2, 3, 0]),
    new Ref(atom('a@h'), 7, [0x10001, 2, 3]),
    new Ref(atom('a@h'), 7, [65536 * 2 + 1, 2, 3]),
    // words that are not 32-bit integers (refs made by hand) do not wrap onto others
    new Ref(atom('a@h'), 7, [2 ** 32 + 1, 2, 3]),
    new Ref(atom('a@h'), 2 ** 32 + 7, [1, 2, 3]),
    new Ref(atom('a@h'), 7, [1.5, 2, 3]),
  ];
  const keys = new Set([base.key, ...others.map((r) => r.key)]);
  assert.equal(keys.size, others.length + 1);
});

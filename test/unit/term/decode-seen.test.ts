// The decoder hands out the same Pid or Ref object for the same bytes decoded again soon
// after (a sender's pid, a call's reference), and a new one for anything that differs in
// any field.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decode, TermReader } from '../../../src/term/decode.ts';
import { encode } from '../../../src/term/encode.ts';
import { Pid, Ref, Tuple, atom } from '../../../src/term/types.ts';

test('term/decode: the same pid bytes again give the same Pid; any other field a new one', () => {
  const p = new Pid(atom('seen_a@h'), 5, 1, 3);
  const first = decode(encode(p)) as Pid;
  assert.equal(decode(encode(p)), first);
  const others = [
    new Pid(atom('seen_b@h'), 5, 1, 3),
    new Pid(atom('seen_a@h'), 6, 1, 3),
    new Pid(atom('seen_a@h'), 5, 2, 3),
    new Pid(atom('seen_a@h'), 5, 1, 4),
  ];
  for (const o of others) {
    const back = decode(encode(o)) as Pid;
    assert.notEqual(back, first);
    assert.deepEqual(
      [back.node, back.id, back.serial, back.creation],
      [o.node, o.id, o.serial, o.creation],
    );
  }
});

test('term/decode: the same reference bytes again give the same Ref; any other field a new one', () => {
  const r = new Ref(atom('seen_a@h'), 3, [1, 2, 3]);
  const first = decode(encode(r)) as Ref;
  assert.equal(decode(encode(r)), first);
  const others = [
    new Ref(atom('seen_b@h'), 3, [1, 2, 3]),
    new Ref(atom('seen_a@h'), 4, [1, 2, 3]),
    new Ref(atom('seen_a@h'), 3, [1, 2, 4]),
    new Ref(atom('seen_a@h'), 3, [9, 2, 3]),
    new Ref(atom('seen_a@h'), 3, [1, 2, 3, 4, 5]),
    new Ref(atom('seen_a@h'), 3, [1]),
  ];
  for (const o of others) {
    const back = decode(encode(o)) as Ref;
    assert.notEqual(back, first);
    assert.deepEqual([back.node, back.creation, back.ids], [o.node, o.creation, o.ids]);
  }
});

test('term/decode: many pids and references in turn each decode to their own fields', () => {
  const pids = Array.from({ length: 9 }, (_, i) => new Pid(atom(`seen_${i % 3}@h`), i, i % 2, 1));
  const refs = Array.from(
    { length: 9 },
    (_, i) => new Ref(atom(`seen_${i % 2}@h`), 1, [i, 0, i % 4]),
  );
  for (let round = 0; round < 3; round++) {
    const back = decode(encode(new Tuple([...pids, ...refs]))) as Tuple;
    back.elements.slice(0, 9).forEach((p, i) => assert.equal((p as Pid).key, pids[i]!.key));
    back.elements.slice(9).forEach((r, i) => assert.equal((r as Ref).key, refs[i]!.key));
  }
});

test('term/decode: TermReader reads fields one by one and refuses what is not there', () => {
  const p = new Pid(atom('seen_a@h'), 5, 1, 3);
  const r = new Ref(atom('seen_a@h'), 3, [1, 2, 3]);
  const buf = Buffer.concat([
    encode(p).subarray(1),
    encode(atom('x')).subarray(1),
    encode(r).subarray(1),
    encode(true).subarray(1),
  ]);
  const rd = new TermReader();
  rd.reset(buf, 0);
  assert.equal(rd.pid().key, p.key);
  assert.equal(rd.peek(0), 119);
  assert.equal(rd.atom(), atom('x'));
  assert.equal(rd.ref().key, r.key);
  assert.equal(rd.term(), true);
  assert.equal(rd.offset, buf.length);
  assert.throws(() => rd.term(), { code: 'BL_ERR_TERM_DECODE' });
  rd.reset(buf, 0);
  assert.throws(() => rd.ref(), /expected a reference/);
  rd.reset(buf, 0);
  assert.throws(() => rd.atom(), { code: 'BL_ERR_TERM_DECODE' });
  rd.release();
});

// A pid or reference encoded more than once is written from a cache kept on the object
// (src/term/encoded-slot.ts): its bytes must be the same as a fresh object's, wherever
// in the output it lands, and a bad one must fail every time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  atom,
  encode,
  encodeChunks,
  encodeInto,
  ImproperList,
  Pid,
  Ref,
  TermEncodeError,
  tuple,
  Writer,
  type Term,
} from '../../../src/term/index.ts';

const node = atom('cache@host');
const freshPid = (): Pid => new Pid(node, 113, 7, 3);
const freshRef = (): Ref => new Ref(node, 5, [261928, 3910139906, 4123581460]);

describe('encoding the same pid or reference again', () => {
  it('gives the bytes of a fresh object every time, at any offset', () => {
    const pid = freshPid();
    const ref = freshRef();
    const shapes: ((p: Term, r: Term) => Term)[] = [
      (p, r) => tuple(p, r),
      (p, r) => tuple(atom('$gen_call'), tuple(p, new ImproperList([atom('alias')], r)), 1),
      (p, r) => [r, 'padding', p],
      (p, r) => ({ from: p, ref: r }),
    ];
    for (let round = 0; round < 5; round++) {
      for (const make of shapes) {
        assert.deepEqual(encode(make(pid, ref)), encode(make(freshPid(), freshRef())));
        const w = new Writer(16);
        w.u8(131).u8(68).u8(round);
        encodeInto(w, make(pid, ref));
        const want = encode(make(freshPid(), freshRef()));
        assert.deepEqual(w.view(3), want.subarray(1));
        assert.deepEqual(Buffer.concat(encodeChunks(make(pid, ref))), want);
      }
    }
  });

  it('keeps each pid and reference its own bytes', () => {
    const pids = [1, 2, 3].map((id) => new Pid(node, id, 0, 1));
    const refs = [1, 2, 3].map((id) => new Ref(atom(`n${id}@h`), id, [id, 0, 0]));
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 3; i++) {
        assert.deepEqual(
          encode(tuple(pids[i]!, refs[i]!)),
          encode(
            tuple(new Pid(node, i + 1, 0, 1), new Ref(atom(`n${i + 1}@h`), i + 1, [i + 1, 0, 0])),
          ),
        );
      }
    }
  });

  it('fails for a bad pid or reference every time', () => {
    const pid = new Pid(node, -1, 0, 0);
    const ref = new Ref(node, 0, [1, 2, 3, 4, 5, 6]);
    for (let round = 0; round < 4; round++) {
      assert.throws(() => encode(tuple(pid)), TermEncodeError);
      assert.throws(() => encode(tuple(ref)), TermEncodeError);
    }
  });
});

// readControl reads SEND_SENDER, REG_SEND, MONITOR_P and DEMONITOR_P field by field; for
// every control tuple (those and any other) it gives what fromWire of the decoded tuple
// and payload gives, or undefined, and then the general way decides (same message or same
// error).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ControlDecodeError, fromWire, hasPayload, readControl } from '../../../src/dist/control.ts';
import type { ControlMessage } from '../../../src/dist/control-message.ts';
import { decodeAt, TermReader } from '../../../src/term/decode.ts';
import { encode } from '../../../src/term/encode.ts';
import { Pid, Ref, Tuple, atom, type Term } from '../../../src/term/types.ts';

const a = new Pid(atom('ctl_a@h'), 1, 0, 3);
const b = new Pid(atom('ctl_b@h'), 2, 7, 4);
const r = new Ref(atom('ctl_b@h'), 4, [1, 2, 3]);
const E = atom('');

/** 131, 68, 0, the control tuple and the payload (without version bytes), as erl frames them. */
function frame(control: Term[], payload?: Term): Buffer {
  const parts = [Buffer.of(131, 68, 0), encode(new Tuple(control)).subarray(1)];
  if (payload !== undefined) parts.push(encode(payload).subarray(1));
  return Buffer.concat(parts);
}

/** The general way: decode the tuple and payload, then fromWire; an error is returned. */
function general(buf: Buffer): ControlMessage | Error {
  try {
    const c = decodeAt(buf, 3);
    const op = c.value instanceof Tuple ? c.value.elements[0] : undefined;
    const p = typeof op === 'number' && hasPayload(op) ? decodeAt(buf, c.offset) : undefined;
    return fromWire(c.value, p?.value);
  } catch (e) {
    return e as Error;
  }
}

function fast(buf: Buffer): { m: ControlMessage | undefined; end: number } | Error {
  const rd = new TermReader();
  rd.reset(buf, 3);
  try {
    const m = readControl(rd);
    return { m, end: rd.offset };
  } catch (e) {
    return e as Error;
  } finally {
    rd.release();
  }
}

const cases: [string, Term[], Term?][] = [
  ['SEND_SENDER', [22, a, b], 'hi'],
  ['SEND_SENDER, a tuple payload', [22, a, b], new Tuple([atom('count'), 12345])],
  ['REG_SEND', [6, a, E, atom('net_kernel')], new Tuple([atom('$gen_call'), new Tuple([a, [atom('alias'), r]]), atom('ping')])],
  ['REG_SEND, a pid as the unused field', [6, a, b, atom('x')], 1],
  ['MONITOR_P by name', [19, a, atom('bench_gs'), r]],
  ['MONITOR_P by pid', [19, a, b, r]],
  ['DEMONITOR_P by name', [20, a, atom('bench_gs'), r]],
  ['DEMONITOR_P by pid', [20, a, b, r]],
  ['SEND (no sender): the general way', [2, E, b], 1],
  ['SEND_SENDER_TT: the general way', [23, a, b, 't'], 1],
  ['LINK: the general way', [1, a, b]],
  ['SEND_SENDER to an atom: refused', [22, a, atom('x')], 1],
  ['SEND_SENDER from an atom: refused', [22, atom('x'), b], 1],
  ['SEND_SENDER of arity 4: refused', [22, a, b, 1], 1],
  ['REG_SEND to true: refused', [6, a, E, atom('true')], 1],
  ['REG_SEND to nil: refused', [6, a, E, atom('nil')], 1],
  ['REG_SEND to a pid: refused', [6, a, E, b], 1],
  ['MONITOR_P without a reference: refused', [19, a, b, 5]],
  ['MONITOR_P to false: refused', [19, a, atom('false'), r]],
  ['MONITOR_P to a number: refused', [19, a, 3, r]],
  ['DEMONITOR_P of arity 3: refused', [20, a, b]],
  ['an unknown op: refused', [99, a, b]],
];

for (const [what, control, payload] of cases) {
  test(`dist/control: readControl, ${what}`, () => {
    const buf = frame(control, payload);
    const want = general(buf);
    const got = fast(buf);
    if (got instanceof Error) {
      assert.fail(`readControl threw ${got.message}`);
    }
    if (got.m === undefined) {
      // the caller reads it again the general way: nothing to compare
      return;
    }
    assert.ok(!(want instanceof Error), `the general way refused it: ${(want as Error).message}`);
    assert.deepEqual(got.m, want);
    assert.deepEqual(Object.keys(got.m), Object.keys(want), 'the same fields in the same order');
    assert.equal(got.end, buf.length);
  });
}

test('dist/control: readControl reads the usual ops itself', () => {
  for (const [control, payload] of [
    [[22, a, b], 1],
    [[6, a, E, atom('x')], 1],
    [[19, a, atom('x'), r], undefined],
    [[20, a, b, r], undefined],
  ] as [Term[], Term | undefined][]) {
    const got = fast(frame(control, payload));
    assert.ok(!(got instanceof Error) && got.m !== undefined, `op ${String(control[0])}`);
  }
});

test('dist/control: readControl gives no message for what fromWire refuses', () => {
  for (const [what, control, payload] of cases) {
    if (!what.endsWith('refused')) continue;
    const buf = frame(control, payload);
    assert.ok(general(buf) instanceof ControlDecodeError, what);
    const got = fast(buf);
    assert.ok(!(got instanceof Error) && got.m === undefined, what);
  }
});

test('dist/control: readControl, a truncated payload is a decode error', () => {
  const buf = frame([22, a, b], new Tuple([atom('count'), 12345]));
  const got = fast(buf.subarray(0, buf.length - 2));
  assert.ok(got instanceof Error && (got as Error & { code?: string }).code === 'BL_ERR_TERM_DECODE');
});

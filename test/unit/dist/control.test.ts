import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ControlDecodeError, OP, fromWire, hasPayload, toWire } from '../../../src/dist/control.ts';
import type { ControlMessage } from '../../../src/dist/control-message.ts';
import { DEFAULT_FLAGS, DFLAG } from '../../../src/dist/flags.ts';
import { encode } from '../../../src/term/encode.ts';
import { Pid, Ref, Tuple, atom, type Term } from '../../../src/term/types.ts';

const a = new Pid(atom('a@h'), 1, 0, 3);
const b = new Pid(atom('b@h'), 2, 0, 4);
const r = new Ref(atom('b@h'), 4, [1, 2, 3]);
const ALL = DEFAULT_FLAGS;
const NONE = DEFAULT_FLAGS & ~(DFLAG.SEND_SENDER | DFLAG.EXIT_PAYLOAD | DFLAG.UNLINK_ID);
const E = atom('');

function elems(m: ControlMessage, flags: bigint): { control: readonly Term[]; payload?: Term } {
  const w = toWire(m, flags);
  assert.ok(w);
  return w.payload === undefined ? { control: w.control.elements } : { control: w.control.elements, payload: w.payload };
}

// Every message in both flag settings: the wire tuple expected, then decoded back.
const cases: { m: ControlMessage; flags: bigint; control: Term[]; payload?: Term; back?: ControlMessage }[] = [
  { m: { op: 'SEND', from: a, to: b, message: 'hi' }, flags: ALL, control: [22, a, b], payload: 'hi' },
  { m: { op: 'SEND', from: a, to: b, message: 'hi' }, flags: NONE, control: [2, E, b], payload: 'hi', back: { op: 'SEND', to: b, message: 'hi' } },
  { m: { op: 'SEND', to: b, message: 1 }, flags: ALL, control: [2, E, b], payload: 1 },
  { m: { op: 'SEND', from: a, to: b, message: 1, token: 't' }, flags: ALL, control: [23, a, b, 't'], payload: 1 },
  { m: { op: 'SEND', to: b, message: 1, token: 't' }, flags: ALL, control: [12, E, b, 't'], payload: 1 },
  { m: { op: 'REG_SEND', from: a, to: atom('net_kernel'), message: 1 }, flags: ALL, control: [6, a, E, atom('net_kernel')], payload: 1 },
  { m: { op: 'REG_SEND', from: a, to: atom('x'), message: 1, token: 't' }, flags: ALL, control: [16, a, E, atom('x'), 't'], payload: 1 },
  { m: { op: 'ALIAS_SEND', from: a, alias: r, message: 1 }, flags: ALL, control: [33, a, r], payload: 1 },
  { m: { op: 'ALIAS_SEND', from: a, alias: r, message: 1, token: 't' }, flags: ALL, control: [34, a, r, 't'], payload: 1 },
  { m: { op: 'LINK', from: a, to: b }, flags: ALL, control: [1, a, b] },
  { m: { op: 'UNLINK', from: a, to: b }, flags: ALL, control: [4, a, b] },
  { m: { op: 'UNLINK_ID', id: 7n, from: a, to: b }, flags: ALL, control: [35, 7, a, b] },
  { m: { op: 'UNLINK_ID', id: 7n, from: a, to: b }, flags: NONE, control: [4, a, b], back: { op: 'UNLINK', from: a, to: b } },
  { m: { op: 'UNLINK_ID_ACK', id: 2n ** 63n, from: a, to: b }, flags: ALL, control: [36, 2n ** 63n, a, b] },
  { m: { op: 'EXIT', from: a, to: b, reason: atom('boom') }, flags: ALL, control: [24, a, b], payload: atom('boom') },
  { m: { op: 'EXIT', from: a, to: b, reason: atom('boom') }, flags: NONE, control: [3, a, b, atom('boom')] },
  { m: { op: 'EXIT', from: a, to: b, reason: 1, token: 't' }, flags: ALL, control: [25, a, b, 't'], payload: 1 },
  { m: { op: 'EXIT', from: a, to: b, reason: 1, token: 't' }, flags: NONE, control: [13, a, b, 't', 1] },
  { m: { op: 'EXIT2', from: a, to: b, reason: 1 }, flags: ALL, control: [26, a, b], payload: 1 },
  { m: { op: 'EXIT2', from: a, to: b, reason: 1 }, flags: NONE, control: [8, a, b, 1] },
  { m: { op: 'EXIT2', from: a, to: b, reason: 1, token: 't' }, flags: ALL, control: [27, a, b, 't'], payload: 1 },
  { m: { op: 'EXIT2', from: a, to: b, reason: 1, token: 't' }, flags: NONE, control: [18, a, b, 't', 1] },
  { m: { op: 'MONITOR_P', from: a, to: atom('srv'), ref: r }, flags: ALL, control: [19, a, atom('srv'), r] },
  { m: { op: 'DEMONITOR_P', from: a, to: b, ref: r }, flags: ALL, control: [20, a, b, r] },
  { m: { op: 'MONITOR_P_EXIT', from: atom('srv'), to: a, ref: r, reason: atom('noproc') }, flags: ALL, control: [28, atom('srv'), a, r], payload: atom('noproc') },
  { m: { op: 'MONITOR_P_EXIT', from: b, to: a, ref: r, reason: 1 }, flags: NONE, control: [21, b, a, r, 1] },
  {
    m: { op: 'SPAWN_REQUEST', reqId: r, from: a, groupLeader: a, module: atom('erpc'), function: atom('execute_call'), arity: 4, options: [atom('monitor')], args: [1, 2, 3, 4] },
    flags: ALL,
    control: [29, r, a, a, new Tuple([atom('erpc'), atom('execute_call'), 4]), [atom('monitor')]],
    payload: [1, 2, 3, 4],
  },
  {
    m: { op: 'SPAWN_REQUEST', reqId: r, from: a, groupLeader: a, module: atom('m'), function: atom('f'), arity: 0, options: [], args: [], token: 't' },
    flags: ALL,
    control: [30, r, a, a, new Tuple([atom('m'), atom('f'), 0]), [], 't'],
    payload: [],
  },
  { m: { op: 'SPAWN_REPLY', reqId: r, to: a, flags: 2, result: b }, flags: ALL, control: [31, r, a, 2, b] },
  { m: { op: 'SPAWN_REPLY', reqId: r, to: a, flags: 0, result: atom('badopt'), token: 't' }, flags: ALL, control: [32, r, a, 0, atom('badopt'), 't'] },
  { m: { op: 'GROUP_LEADER', from: a, to: b }, flags: ALL, control: [7, a, b] },
  { m: { op: 'NODE_LINK' }, flags: ALL, control: [5] },
];

for (const c of cases) {
  test(`dist/control: ${c.m.op} → op ${c.control[0]} and back`, () => {
    const w = elems(c.m, c.flags);
    assert.deepEqual(w.control, c.control);
    assert.deepEqual(w.payload, c.payload);
    assert.equal(hasPayload(c.control[0] as number), c.payload !== undefined);
    const back = fromWire(new Tuple(c.control), c.payload);
    assert.deepEqual(back, c.back ?? c.m);
  });
}

test('dist/control: an UNLINK_ID_ACK is not sent to a peer without UNLINK_ID', () => {
  assert.equal(toWire({ op: 'UNLINK_ID_ACK', id: 1n, from: a, to: b }, NONE), undefined);
});

test('dist/control: the wire bytes of REG_SEND {6, From, \'\', net_kernel}', () => {
  const w = toWire({ op: 'REG_SEND', from: a, to: atom('net_kernel'), message: 1 }, ALL)!;
  // 131, SMALL_TUPLE 4, SMALL_INTEGER 6, NEW_PID_EXT(a@h, 1, 0, 3), '' , net_kernel
  const pid = [88, 119, 3, 97, 64, 104, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 3];
  assert.deepEqual(
    [...encode(w.control)],
    [131, 104, 4, 97, 6, ...pid, 119, 0, 119, 10, ...Buffer.from('net_kernel')],
  );
});

test('dist/control: unknown ops and malformed tuples are refused with a reason', () => {
  const bad: [Term, Term | undefined, string][] = [
    [new Tuple([99, a, b]), undefined, 'unknown_op'],
    [new Tuple([]), undefined, 'bad_control'],
    [atom('x'), undefined, 'bad_control'],
    [new Tuple([atom('x')]), undefined, 'bad_control'],
    [new Tuple([OP.LINK, a]), undefined, 'bad_control'],
    [new Tuple([OP.LINK, a, 5]), undefined, 'bad_control'],
    [new Tuple([OP.SEND, E, b]), undefined, 'bad_control'],
    [new Tuple([OP.REG_SEND, a, E, 'name']), 1, 'bad_control'],
    [new Tuple([OP.UNLINK_ID, 0, a, b]), undefined, 'bad_control'],
    [new Tuple([OP.SPAWN_REQUEST, r, a, a, new Tuple([atom('m'), atom('f')]), []]), [], 'bad_control'],
    [new Tuple([OP.SPAWN_REQUEST, r, a, a, new Tuple([atom('m'), atom('f'), 0]), []]), 'notalist', 'bad_control'],
  ];
  for (const [control, payload, reason] of bad) {
    assert.throws(
      () => fromWire(control, payload),
      (e: unknown) => e instanceof ControlDecodeError && e.reason === reason,
    );
  }
});

// term_to_binary of each control tuple on OTP 27, with a@h/b@h pids and a b@h reference
// made by binary_to_term (see the erl -eval in the commit that added this table):
//   A = binary_to_term(<<131,88,119,3,"a@h",1:32,0:32,3:32>>),
//   B = binary_to_term(<<131,88,119,3,"b@h",2:32,0:32,4:32>>),
//   R = binary_to_term(<<131,90,3:16,119,3,"b@h",4:32,1:32,2:32,3:32>>), token <<"t">>.
const OTP27_BYTES = new Map<number, string>([
  [22, '8368036116587703614068000000010000000000000003587703624068000000020000000000000004'],
  [2, '83680361027700587703624068000000020000000000000004'],
  [23, '83680461175877036140680000000100000000000000035877036240680000000200000000000000046d0000000174'],
  [12, '836804610c77005877036240680000000200000000000000046d0000000174'],
  [6, '83680461065877036140680000000100000000000000037700770a6e65745f6b65726e656c'],
  [16, '836805611058770361406800000001000000000000000377007701786d0000000174'],
  [33, '83680361215877036140680000000100000000000000035a0003770362406800000004000000010000000200000003'],
  [34, '83680461225877036140680000000100000000000000035a00037703624068000000040000000100000002000000036d0000000174'],
  [1, '8368036101587703614068000000010000000000000003587703624068000000020000000000000004'],
  [4, '8368036104587703614068000000010000000000000003587703624068000000020000000000000004'],
  [35, '83680461236107587703614068000000010000000000000003587703624068000000020000000000000004'],
  [36, '83680461246e08000000000000000080587703614068000000010000000000000003587703624068000000020000000000000004'],
  [24, '8368036118587703614068000000010000000000000003587703624068000000020000000000000004'],
  [3, '83680461035877036140680000000100000000000000035877036240680000000200000000000000047704626f6f6d'],
  [25, '83680461195877036140680000000100000000000000035877036240680000000200000000000000046d0000000174'],
  [13, '836805610d5877036140680000000100000000000000035877036240680000000200000000000000046d00000001746101'],
  [26, '836803611a587703614068000000010000000000000003587703624068000000020000000000000004'],
  [8, '83680461085877036140680000000100000000000000035877036240680000000200000000000000046101'],
  [27, '836804611b5877036140680000000100000000000000035877036240680000000200000000000000046d0000000174'],
  [18, '83680561125877036140680000000100000000000000035877036240680000000200000000000000046d00000001746101'],
  [19, '836804611358770361406800000001000000000000000377037372765a0003770362406800000004000000010000000200000003'],
  [20, '83680461145877036140680000000100000000000000035877036240680000000200000000000000045a0003770362406800000004000000010000000200000003'],
  [28, '836804611c77037372765877036140680000000100000000000000035a0003770362406800000004000000010000000200000003'],
  [21, '83680561155877036240680000000200000000000000045877036140680000000100000000000000035a00037703624068000000040000000100000002000000036101'],
  [29, '836806611d5a00037703624068000000040000000100000002000000035877036140680000000100000000000000035877036140680000000100000000000000036803770465727063770c657865637574655f63616c6c61046c0000000177076d6f6e69746f726a'],
  [30, '836807611e5a0003770362406800000004000000010000000200000003587703614068000000010000000000000003587703614068000000010000000000000003680377016d77016661006a6d0000000174'],
  [31, '836805611f5a00037703624068000000040000000100000002000000035877036140680000000100000000000000036102587703624068000000020000000000000004'],
  [32, '83680661205a0003770362406800000004000000010000000200000003587703614068000000010000000000000003610077066261646f70746d0000000174'],
  [7, '8368036107587703614068000000010000000000000003587703624068000000020000000000000004'],
  [5, '8368016105'],
]);

test('dist/control: every control tuple encodes to the bytes term_to_binary gives on OTP 27', () => {
  const seen = new Set<number>();
  for (const c of cases) {
    const op = c.control[0] as number;
    const expected = OTP27_BYTES.get(op);
    assert.ok(expected, `a vector for op ${op}`);
    assert.equal(encode(new Tuple(c.control)).toString('hex'), expected, `op ${op}`);
    seen.add(op);
  }
  assert.equal(seen.size, OTP27_BYTES.size, 'every vector is used');
});

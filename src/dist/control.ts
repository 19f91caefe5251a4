/**
 * Control messages ⇄ the wire tuples of erl_dist_protocol, "Protocol between connected
 * nodes". Pure: terms in, terms out; the connection encodes them.
 *
 * The encoder picks the form the connection negotiated:
 * - `SEND` with a sender → SEND_SENDER (22) when DFLAG_SEND_SENDER is on, else SEND (2);
 * - `EXIT`, `EXIT2`, `MONITOR_P_EXIT` → the PAYLOAD_* forms (24, 26, 28) when
 *   DFLAG_EXIT_PAYLOAD is on, else the reason inside the tuple (3, 8, 21);
 * - `UNLINK_ID` → UNLINK_ID (35) when DFLAG_UNLINK_ID is on, else the old UNLINK (4).
 *   The old protocol has no ack, so the connection then acknowledges the unlink itself
 *   (it emits the UNLINK_ID_ACK the peer would have sent), and an `UNLINK_ID_ACK` to a
 *   peer without UNLINK_ID is not sent at all (the peer never asked for one);
 * - a `token` selects the `_TT` form (12, 13, 16, 18, 23, 25, 27, 30, 32, 34).
 *
 * The decoder folds every form back into one {@link ControlMessage} variant per meaning.
 *
 * @see https://www.erlang.org/doc/apps/erts/erl_dist_protocol.html#protocol-between-connected-nodes
 * @module
 */
import type { TermReader } from '../term/decode.ts';
import { Tag } from '../term/tags.ts';
import { Atom, Pid, Ref, Tuple, atom, type Term } from '../term/types.ts';
import type { ControlMessage } from './control-message.ts';
import { DFLAG } from './flags.ts';

/**
 * The operation numbers, as erl_dist_protocol names them.
 *
 * @example
 * ```ts
 * toWire({ op: 'LINK', from, to }).control.elements[0] === OP.LINK; // true (1)
 * ```
 */
export const OP = {
  LINK: 1,
  SEND: 2,
  EXIT: 3,
  UNLINK: 4,
  NODE_LINK: 5,
  REG_SEND: 6,
  GROUP_LEADER: 7,
  EXIT2: 8,
  SEND_TT: 12,
  EXIT_TT: 13,
  REG_SEND_TT: 16,
  EXIT2_TT: 18,
  MONITOR_P: 19,
  DEMONITOR_P: 20,
  MONITOR_P_EXIT: 21,
  SEND_SENDER: 22,
  SEND_SENDER_TT: 23,
  PAYLOAD_EXIT: 24,
  PAYLOAD_EXIT_TT: 25,
  PAYLOAD_EXIT2: 26,
  PAYLOAD_EXIT2_TT: 27,
  PAYLOAD_MONITOR_P_EXIT: 28,
  SPAWN_REQUEST: 29,
  SPAWN_REQUEST_TT: 30,
  SPAWN_REPLY: 31,
  SPAWN_REPLY_TT: 32,
  ALIAS_SEND: 33,
  ALIAS_SEND_TT: 34,
  UNLINK_ID: 35,
  UNLINK_ID_ACK: 36,
} as const;

/** The ops followed by a second term (the message, the reason, or the argument list). */
const WITH_PAYLOAD: readonly number[] = [
  OP.SEND,
  OP.REG_SEND,
  OP.SEND_TT,
  OP.REG_SEND_TT,
  OP.SEND_SENDER,
  OP.SEND_SENDER_TT,
  OP.PAYLOAD_EXIT,
  OP.PAYLOAD_EXIT_TT,
  OP.PAYLOAD_EXIT2,
  OP.PAYLOAD_EXIT2_TT,
  OP.PAYLOAD_MONITOR_P_EXIT,
  OP.SPAWN_REQUEST,
  OP.SPAWN_REQUEST_TT,
  OP.ALIAS_SEND,
  OP.ALIAS_SEND_TT,
];
/** `PAYLOAD_OPS[op]` is 1 for the ops of {@link WITH_PAYLOAD}: one load per frame, not a Set lookup. */
const PAYLOAD_OPS = new Uint8Array(64);
for (const op of WITH_PAYLOAD) PAYLOAD_OPS[op] = 1;

/**
 * Whether the control message with operation `op` is followed by a payload term.
 *
 * @example
 * ```ts
 * hasPayload(OP.SEND); // true
 * hasPayload(OP.LINK); // false
 * ```
 */
export function hasPayload(op: number): boolean {
  return op >= 0 && op < 64 && PAYLOAD_OPS[op] === 1;
}

/**
 * A control message in wire form: the control tuple and, for some ops, a payload.
 *
 * @example
 * ```ts
 * const w: WireMessage = toWire({ op: 'SEND', to: pid, message: 'hi' });
 * w.hasPayload; // true: the message follows the control tuple
 * ```
 */
export interface WireMessage {
  readonly control: Tuple;
  /** Present exactly when {@link hasPayload} of the op is true. */
  readonly payload?: Term;
  readonly hasPayload: boolean;
}

const EMPTY = atom('');

function wire(control: Term[], payload?: Term): WireMessage {
  return payload === undefined
    ? { control: new Tuple(control), hasPayload: false }
    : { control: new Tuple(control), payload, hasPayload: true };
}

function idTerm(id: bigint): number | bigint {
  return id <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(id) : id;
}

/**
 * The wire form of `message` under the negotiated `flags`, or `undefined` when nothing
 * is to be sent (an UNLINK_ID_ACK to a peer without UNLINK_ID).
 *
 * @example
 * ```ts
 * toWire({ op: 'REG_SEND', from, to: atom('net_kernel'), message }, flags);
 * // { control: {6, From, '', net_kernel}, payload: message, hasPayload: true }
 * ```
 */
export function toWire(message: ControlMessage, flags: bigint): WireMessage | undefined {
  const exitPayload = (flags & DFLAG.EXIT_PAYLOAD) !== 0n;
  switch (message.op) {
    case 'SEND': {
      const { from, to, token } = message;
      if (from !== undefined && (flags & DFLAG.SEND_SENDER) !== 0n) {
        return token === undefined
          ? wire([OP.SEND_SENDER, from, to], message.message)
          : wire([OP.SEND_SENDER_TT, from, to, token], message.message);
      }
      return token === undefined
        ? wire([OP.SEND, EMPTY, to], message.message)
        : wire([OP.SEND_TT, EMPTY, to, token], message.message);
    }
    case 'REG_SEND':
      return message.token === undefined
        ? wire([OP.REG_SEND, message.from, EMPTY, message.to], message.message)
        : wire([OP.REG_SEND_TT, message.from, EMPTY, message.to, message.token], message.message);
    case 'ALIAS_SEND':
      return message.token === undefined
        ? wire([OP.ALIAS_SEND, message.from, message.alias], message.message)
        : wire([OP.ALIAS_SEND_TT, message.from, message.alias, message.token], message.message);
    case 'LINK':
      return wire([OP.LINK, message.from, message.to]);
    case 'UNLINK':
      return wire([OP.UNLINK, message.from, message.to]);
    case 'UNLINK_ID':
      return (flags & DFLAG.UNLINK_ID) !== 0n
        ? wire([OP.UNLINK_ID, idTerm(message.id), message.from, message.to])
        : wire([OP.UNLINK, message.from, message.to]);
    case 'UNLINK_ID_ACK':
      return (flags & DFLAG.UNLINK_ID) !== 0n
        ? wire([OP.UNLINK_ID_ACK, idTerm(message.id), message.from, message.to])
        : undefined;
    case 'EXIT':
    case 'EXIT2': {
      const isExit = message.op === 'EXIT';
      const { from, to, token, reason } = message;
      if (exitPayload) {
        const op = isExit
          ? token === undefined ? OP.PAYLOAD_EXIT : OP.PAYLOAD_EXIT_TT
          : token === undefined ? OP.PAYLOAD_EXIT2 : OP.PAYLOAD_EXIT2_TT;
        return wire(token === undefined ? [op, from, to] : [op, from, to, token], reason);
      }
      if (token === undefined) return wire([isExit ? OP.EXIT : OP.EXIT2, from, to, reason]);
      return wire([isExit ? OP.EXIT_TT : OP.EXIT2_TT, from, to, token, reason]);
    }
    case 'MONITOR_P':
      return wire([OP.MONITOR_P, message.from, message.to, message.ref]);
    case 'DEMONITOR_P':
      return wire([OP.DEMONITOR_P, message.from, message.to, message.ref]);
    case 'MONITOR_P_EXIT':
      return exitPayload
        ? wire([OP.PAYLOAD_MONITOR_P_EXIT, message.from, message.to, message.ref], message.reason)
        : wire([OP.MONITOR_P_EXIT, message.from, message.to, message.ref, message.reason]);
    case 'SPAWN_REQUEST': {
      const mfa = new Tuple([message.module, message.function, message.arity]);
      const base = [OP.SPAWN_REQUEST, message.reqId, message.from, message.groupLeader, mfa, message.options as Term];
      if (message.token !== undefined) {
        base[0] = OP.SPAWN_REQUEST_TT;
        base.push(message.token);
      }
      return wire(base, message.args as Term);
    }
    case 'SPAWN_REPLY':
      return message.token === undefined
        ? wire([OP.SPAWN_REPLY, message.reqId, message.to, message.flags, message.result])
        : wire([OP.SPAWN_REPLY_TT, message.reqId, message.to, message.flags, message.result, message.token]);
    case 'GROUP_LEADER':
      return wire([OP.GROUP_LEADER, message.from, message.to]);
    case 'NODE_LINK':
      return wire([OP.NODE_LINK]);
  }
}

/**
 * Why a control tuple was refused: what {@link fromWire} throws.
 *
 * @example
 * ```ts
 * try { fromWire(tuple(99), undefined); } catch (e) { if (e instanceof ControlDecodeError) e.reason; } // 'unknown_op'
 * ```
 */
export class ControlDecodeError extends Error {
  readonly reason: 'unknown_op' | 'bad_control';

  constructor(reason: 'unknown_op' | 'bad_control', message: string) {
    super(message);
    this.reason = reason;
  }
}

function bad(op: number, what: string): never {
  throw new ControlDecodeError('bad_control', `control message op ${op}: ${what}`);
}

function arityIs(e: readonly Term[], op: number, n: number): void {
  if (e.length !== n) bad(op, `expected ${n} elements, got ${e.length}`);
}

function need(op: number, payload: Term | undefined): Term {
  if (payload === undefined) bad(op, 'the payload is missing');
  return payload;
}

function pid(op: number, t: Term | undefined, what: string): Pid {
  if (t instanceof Pid) return t;
  return bad(op, `${what} is not a pid`);
}

function ref(op: number, t: Term | undefined, what: string): Ref {
  if (t instanceof Ref) return t;
  return bad(op, `${what} is not a reference`);
}

function name(op: number, t: Term | undefined, what: string): Atom {
  if (t instanceof Atom) return t;
  return bad(op, `${what} is not an atom`);
}

function pidOrName(op: number, t: Term | undefined, what: string): Pid | Atom {
  if (t instanceof Pid || t instanceof Atom) return t;
  return bad(op, `${what} is neither a pid nor an atom`);
}

function unlinkId(op: number, t: Term | undefined): bigint {
  if (typeof t === 'bigint' && t > 0n) return t;
  if (typeof t === 'number' && Number.isInteger(t) && t > 0) return BigInt(t);
  return bad(op, 'the unlink id is not a positive integer');
}

function list(op: number, t: Term | undefined, what: string): readonly Term[] {
  if (Array.isArray(t)) return t as readonly Term[];
  return bad(op, `${what} is not a proper list`);
}

/**
 * The control message that the wire tuple `control` (and `payload`, for the ops that
 * have one) means. Throws {@link ControlDecodeError} for an unknown op or a malformed
 * tuple.
 *
 * @example
 * ```ts
 * fromWire(tuple(22, from, to), message); // { op: 'SEND', from, to, message }
 * ```
 */
export function fromWire(control: Term, payload: Term | undefined): ControlMessage {
  if (!(control instanceof Tuple) || control.length === 0) {
    throw new ControlDecodeError('bad_control', 'the control message is not a non-empty tuple');
  }
  const e = control.elements;
  const op = e[0];
  if (typeof op !== 'number') {
    throw new ControlDecodeError('bad_control', 'the control message op is not an integer');
  }
  switch (op) {
    case OP.LINK:
      arityIs(e, op, 3);
      return { op: 'LINK', from: pid(op, e[1], 'from'), to: pid(op, e[2], 'to') };
    case OP.SEND:
      arityIs(e, op, 3);
      return { op: 'SEND', to: pid(op, e[2], 'to'), message: need(op, payload) };
    case OP.SEND_TT:
      arityIs(e, op, 4);
      return { op: 'SEND', to: pid(op, e[2], 'to'), message: need(op, payload), token: e[3]! };
    case OP.SEND_SENDER:
      arityIs(e, op, 3);
      return { op: 'SEND', from: pid(op, e[1], 'from'), to: pid(op, e[2], 'to'), message: need(op, payload) };
    case OP.SEND_SENDER_TT:
      arityIs(e, op, 4);
      return {
        op: 'SEND',
        from: pid(op, e[1], 'from'),
        to: pid(op, e[2], 'to'),
        message: need(op, payload),
        token: e[3]!,
      };
    case OP.EXIT:
    case OP.EXIT2:
      arityIs(e, op, 4);
      return {
        op: op === OP.EXIT ? 'EXIT' : 'EXIT2',
        from: pid(op, e[1], 'from'),
        to: pid(op, e[2], 'to'),
        reason: e[3]!,
      };
    case OP.EXIT_TT:
    case OP.EXIT2_TT:
      arityIs(e, op, 5);
      return {
        op: op === OP.EXIT_TT ? 'EXIT' : 'EXIT2',
        from: pid(op, e[1], 'from'),
        to: pid(op, e[2], 'to'),
        token: e[3]!,
        reason: e[4]!,
      };
    case OP.PAYLOAD_EXIT:
    case OP.PAYLOAD_EXIT2:
      arityIs(e, op, 3);
      return {
        op: op === OP.PAYLOAD_EXIT ? 'EXIT' : 'EXIT2',
        from: pid(op, e[1], 'from'),
        to: pid(op, e[2], 'to'),
        reason: need(op, payload),
      };
    case OP.PAYLOAD_EXIT_TT:
    case OP.PAYLOAD_EXIT2_TT:
      arityIs(e, op, 4);
      return {
        op: op === OP.PAYLOAD_EXIT_TT ? 'EXIT' : 'EXIT2',
        from: pid(op, e[1], 'from'),
        to: pid(op, e[2], 'to'),
        token: e[3]!,
        reason: need(op, payload),
      };
    case OP.UNLINK:
      arityIs(e, op, 3);
      return { op: 'UNLINK', from: pid(op, e[1], 'from'), to: pid(op, e[2], 'to') };
    case OP.NODE_LINK:
      return { op: 'NODE_LINK' };
    case OP.REG_SEND:
      arityIs(e, op, 4);
      return { op: 'REG_SEND', from: pid(op, e[1], 'from'), to: name(op, e[3], 'to'), message: need(op, payload) };
    case OP.REG_SEND_TT:
      arityIs(e, op, 5);
      return {
        op: 'REG_SEND',
        from: pid(op, e[1], 'from'),
        to: name(op, e[3], 'to'),
        message: need(op, payload),
        token: e[4]!,
      };
    case OP.GROUP_LEADER:
      arityIs(e, op, 3);
      return { op: 'GROUP_LEADER', from: pid(op, e[1], 'from'), to: pid(op, e[2], 'to') };
    case OP.MONITOR_P:
    case OP.DEMONITOR_P:
      arityIs(e, op, 4);
      return {
        op: op === OP.MONITOR_P ? 'MONITOR_P' : 'DEMONITOR_P',
        from: pid(op, e[1], 'from'),
        to: pidOrName(op, e[2], 'to'),
        ref: ref(op, e[3], 'ref'),
      };
    case OP.MONITOR_P_EXIT:
      arityIs(e, op, 5);
      return {
        op: 'MONITOR_P_EXIT',
        from: pidOrName(op, e[1], 'from'),
        to: pid(op, e[2], 'to'),
        ref: ref(op, e[3], 'ref'),
        reason: e[4]!,
      };
    case OP.PAYLOAD_MONITOR_P_EXIT:
      arityIs(e, op, 4);
      return {
        op: 'MONITOR_P_EXIT',
        from: pidOrName(op, e[1], 'from'),
        to: pid(op, e[2], 'to'),
        ref: ref(op, e[3], 'ref'),
        reason: need(op, payload),
      };
    case OP.SPAWN_REQUEST:
    case OP.SPAWN_REQUEST_TT: {
      arityIs(e, op, op === OP.SPAWN_REQUEST ? 6 : 7);
      const mfa = e[4];
      if (!(mfa instanceof Tuple) || mfa.length !== 3) bad(op, 'the MFA is not a 3-tuple');
      const [m, f, a] = mfa.elements;
      if (typeof a !== 'number' || !Number.isInteger(a) || a < 0) bad(op, 'the arity is not an integer');
      const msg = {
        op: 'SPAWN_REQUEST' as const,
        reqId: ref(op, e[1], 'the request id'),
        from: pid(op, e[2], 'from'),
        groupLeader: pid(op, e[3], 'the group leader'),
        module: name(op, m, 'the module'),
        function: name(op, f, 'the function'),
        arity: a,
        options: list(op, e[5], 'the option list'),
        args: list(op, need(op, payload), 'the argument list'),
      };
      return op === OP.SPAWN_REQUEST ? msg : { ...msg, token: e[6]! };
    }
    case OP.SPAWN_REPLY:
    case OP.SPAWN_REPLY_TT: {
      arityIs(e, op, op === OP.SPAWN_REPLY ? 5 : 6);
      const flags = e[3];
      if (typeof flags !== 'number') bad(op, 'the flags are not an integer');
      const result = e[4];
      if (!(result instanceof Pid) && !(result instanceof Atom)) bad(op, 'the result is neither a pid nor an atom');
      const msg = {
        op: 'SPAWN_REPLY' as const,
        reqId: ref(op, e[1], 'the request id'),
        to: pid(op, e[2], 'to'),
        flags,
        result,
      };
      return op === OP.SPAWN_REPLY ? msg : { ...msg, token: e[5]! };
    }
    case OP.ALIAS_SEND:
      arityIs(e, op, 3);
      return { op: 'ALIAS_SEND', from: pid(op, e[1], 'from'), alias: ref(op, e[2], 'the alias'), message: need(op, payload) };
    case OP.ALIAS_SEND_TT:
      arityIs(e, op, 4);
      return {
        op: 'ALIAS_SEND',
        from: pid(op, e[1], 'from'),
        alias: ref(op, e[2], 'the alias'),
        message: need(op, payload),
        token: e[3]!,
      };
    case OP.UNLINK_ID:
    case OP.UNLINK_ID_ACK:
      arityIs(e, op, 4);
      return {
        op: op === OP.UNLINK_ID ? 'UNLINK_ID' : 'UNLINK_ID_ACK',
        id: unlinkId(op, e[1]),
        from: pid(op, e[2], 'from'),
        to: pid(op, e[3], 'to'),
      };
    default:
      throw new ControlDecodeError('unknown_op', `unknown control message op ${op}`);
  }
}

const TRUE = atom('true');
const FALSE = atom('false');
const NIL = atom('nil');

function isPidTag(t: number | undefined): boolean {
  return t === Tag.NEW_PID_EXT || t === Tag.PID_EXT;
}

function isAtomTag(t: number | undefined): boolean {
  return (
    t === Tag.SMALL_ATOM_UTF8_EXT ||
    t === Tag.ATOM_CACHE_REF ||
    t === Tag.ATOM_UTF8_EXT ||
    t === Tag.SMALL_ATOM_EXT ||
    t === Tag.ATOM_EXT
  );
}

function isRefTag(t: number | undefined): boolean {
  return t === Tag.NEWER_REFERENCE_EXT || t === Tag.NEW_REFERENCE_EXT || t === Tag.REFERENCE_EXT;
}

/** An atom that decodes to an Erlang atom term (`true`, `false` and `nil` decode to JavaScript values). */
function plainAtom(a: Atom): boolean {
  return a !== TRUE && a !== FALSE && a !== NIL;
}

/**
 * The control messages of a process's everyday traffic — SEND_SENDER (22), REG_SEND (6),
 * MONITOR_P (19), DEMONITOR_P (20) — read field by field from `r` (at the control tuple)
 * with their payload, without building the tuple: what {@link fromWire} of the decoded
 * tuple and payload would return. Any other op, or a field of a kind that `fromWire` would
 * refuse, gives `undefined` after reading part of the message: read it again from the
 * start the general way (which makes the same message or the same error).
 *
 * @example
 * ```ts
 * reader.reset(frame, 3);
 * const m = readControl(reader) ?? fromWire(...); // the general way from offset 3 again
 * ```
 */
export function readControl(r: TermReader): ControlMessage | undefined {
  if (r.peek(0) !== Tag.SMALL_TUPLE_EXT || r.peek(2) !== Tag.SMALL_INTEGER_EXT) return undefined;
  const n = r.peek(1);
  const op = r.peek(3);
  switch (op) {
    case OP.SEND_SENDER: {
      if (n !== 3 || !isPidTag(r.peek(4))) return undefined;
      r.skip(4);
      const from = r.pid();
      if (!isPidTag(r.peek(0))) return undefined;
      const to = r.pid();
      return { op: 'SEND', from, to, message: r.term() };
    }
    case OP.REG_SEND: {
      if (n !== 4 || !isPidTag(r.peek(4))) return undefined;
      r.skip(4);
      const from = r.pid();
      r.term(); // unused ('')
      if (!isAtomTag(r.peek(0))) return undefined;
      const to = r.atom();
      if (!plainAtom(to)) return undefined;
      return { op: 'REG_SEND', from, to, message: r.term() };
    }
    case OP.MONITOR_P:
    case OP.DEMONITOR_P: {
      if (n !== 4 || !isPidTag(r.peek(4))) return undefined;
      r.skip(4);
      const from = r.pid();
      const t = r.peek(0);
      let to: Pid | Atom;
      if (isPidTag(t)) to = r.pid();
      else if (isAtomTag(t)) {
        to = r.atom();
        if (!plainAtom(to)) return undefined;
      } else return undefined;
      if (!isRefTag(r.peek(0))) return undefined;
      return { op: op === OP.MONITOR_P ? 'MONITOR_P' : 'DEMONITOR_P', from, to, ref: r.ref() };
    }
    default:
      return undefined;
  }
}

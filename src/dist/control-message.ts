/**
 * Distribution control messages as structured data: what one node's processes say to
 * another's. `dist/control.ts` turns these into the wire tuples of erl_dist_protocol
 * ("Protocol between connected nodes") and back; the process runtime consumes them.
 *
 * One variant per meaning, not per wire op: the encoder picks the wire form the
 * connection negotiated (SEND vs SEND_SENDER, EXIT vs PAYLOAD_EXIT, UNLINK vs UNLINK_ID,
 * the `_TT` trace-token variants), and the decoder folds those forms back together.
 *
 * @example
 * ```ts
 * const m: ControlMessage = { op: 'REG_SEND', from: self, to: atom('net_kernel'), message };
 * ```
 *
 * @module
 */
import type { Atom, Pid, Ref, Term } from '../term/types.ts';

/**
 * A message for a pid (SEND 2, SEND_SENDER 22, and their `_TT` forms).
 *
 * @example
 * ```ts
 * conn.send({ op: 'SEND', to: pid, message: tuple(atom('hello'), 1) });
 * ```
 */
export interface SendMessage {
  readonly op: 'SEND';
  readonly to: Pid;
  /** The sender; present when SEND_SENDER was used, and always given by local senders. */
  readonly from?: Pid;
  readonly message: Term;
  readonly token?: Term;
}

/**
 * A message for a registered name on the receiving node (REG_SEND 6 / 16).
 *
 * @example
 * ```ts
 * conn.send({ op: 'REG_SEND', from: self, to: atom('inbox'), message: 'hi' });
 * ```
 */
export interface RegSendMessage {
  readonly op: 'REG_SEND';
  readonly from: Pid;
  readonly to: Atom;
  readonly message: Term;
  readonly token?: Term;
}

/**
 * A message for an alias (ALIAS_SEND 33 / 34).
 *
 * @example
 * ```ts
 * conn.send({ op: 'ALIAS_SEND', from: self, alias: ref, message: tuple(ref, atom('ok')) });
 * ```
 */
export interface AliasSendMessage {
  readonly op: 'ALIAS_SEND';
  readonly from: Pid;
  readonly alias: Ref;
  readonly message: Term;
  readonly token?: Term;
}

/**
 * LINK 1.
 *
 * @example
 * ```ts
 * conn.send({ op: 'LINK', from: self, to: remotePid });
 * ```
 */
export interface LinkMessage {
  readonly op: 'LINK';
  readonly from: Pid;
  readonly to: Pid;
}

/**
 * The old UNLINK 4 (sent by OTP 25 when UNLINK_ID is not negotiated).
 *
 * @example
 * ```ts
 * conn.send({ op: 'UNLINK', from: self, to: remotePid });
 * ```
 */
export interface UnlinkMessage {
  readonly op: 'UNLINK';
  readonly from: Pid;
  readonly to: Pid;
}

/**
 * UNLINK_ID 35: the OTP 26 link protocol's unlink request.
 *
 * @example
 * ```ts
 * conn.send({ op: 'UNLINK_ID', id: 1n, from: self, to: remotePid });
 * ```
 */
export interface UnlinkIdMessage {
  readonly op: 'UNLINK_ID';
  readonly id: bigint;
  readonly from: Pid;
  readonly to: Pid;
}

/**
 * UNLINK_ID_ACK 36.
 *
 * @example
 * ```ts
 * conn.send({ op: 'UNLINK_ID_ACK', id: 1n, from: self, to: remotePid });
 * ```
 */
export interface UnlinkIdAckMessage {
  readonly op: 'UNLINK_ID_ACK';
  readonly id: bigint;
  readonly from: Pid;
  readonly to: Pid;
}

/**
 * A link broke: EXIT 3, PAYLOAD_EXIT 24 (and `_TT`).
 *
 * @example
 * ```ts
 * conn.send({ op: 'EXIT', from: self, to: linkedPid, reason: atom('killed') });
 * ```
 */
export interface ExitMessage {
  readonly op: 'EXIT';
  readonly from: Pid;
  readonly to: Pid;
  readonly reason: Term;
  readonly token?: Term;
}

/**
 * `exit(To, Reason)`: EXIT2 8, PAYLOAD_EXIT2 26 (and `_TT`).
 *
 * @example
 * ```ts
 * conn.send({ op: 'EXIT2', from: self, to: remotePid, reason: atom('shutdown') });
 * ```
 */
export interface Exit2Message {
  readonly op: 'EXIT2';
  readonly from: Pid;
  readonly to: Pid;
  readonly reason: Term;
  readonly token?: Term;
}

/**
 * MONITOR_P 19: monitor a pid, or a name registered on the receiving node.
 *
 * @example
 * ```ts
 * conn.send({ op: 'MONITOR_P', from: self, to: atom('rex'), ref });
 * ```
 */
export interface MonitorMessage {
  readonly op: 'MONITOR_P';
  readonly from: Pid;
  readonly to: Pid | Atom;
  readonly ref: Ref;
}

/**
 * DEMONITOR_P 20.
 *
 * @example
 * ```ts
 * conn.send({ op: 'DEMONITOR_P', from: self, to: remotePid, ref });
 * ```
 */
export interface DemonitorMessage {
  readonly op: 'DEMONITOR_P';
  readonly from: Pid;
  readonly to: Pid | Atom;
  readonly ref: Ref;
}

/**
 * A monitored process went down: MONITOR_P_EXIT 21, PAYLOAD_MONITOR_P_EXIT 28.
 * `from` is the atom name when the monitor was set up by name.
 *
 * @example
 * ```ts
 * conn.send({ op: 'MONITOR_P_EXIT', from: self, to: watcher, ref, reason: atom('normal') });
 * ```
 */
export interface MonitorExitMessage {
  readonly op: 'MONITOR_P_EXIT';
  readonly from: Pid | Atom;
  readonly to: Pid;
  readonly ref: Ref;
  readonly reason: Term;
}

/**
 * SPAWN_REQUEST 29 / 30: spawn `module:function/arity` with `args` on the receiver.
 *
 * @example
 * ```ts
 * conn.on('message', (m) => { if (m.op === 'SPAWN_REQUEST') console.log(m.module, m.function, m.args); });
 * ```
 */
export interface SpawnRequestMessage {
  readonly op: 'SPAWN_REQUEST';
  readonly reqId: Ref;
  readonly from: Pid;
  readonly groupLeader: Pid;
  readonly module: Atom;
  readonly function: Atom;
  readonly arity: number;
  /** The option list as sent (`link`, `monitor`, and ordinary spawn options). */
  readonly options: readonly Term[];
  readonly args: readonly Term[];
  readonly token?: Term;
}

/**
 * SPAWN_REPLY 31 / 32. `flags`: 1 = link set up, 2 = monitor set up.
 *
 * @example
 * ```ts
 * conn.on('message', (m) => { if (m.op === 'SPAWN_REPLY') console.log(m.reqId, m.result); });
 * ```
 */
export interface SpawnReplyMessage {
  readonly op: 'SPAWN_REPLY';
  readonly reqId: Ref;
  readonly to: Pid;
  readonly flags: number;
  /** The new pid, or an error atom such as `badopt` or `system_limit`. */
  readonly result: Pid | Atom;
  readonly token?: Term;
}

/**
 * GROUP_LEADER 7.
 *
 * @example
 * ```ts
 * conn.send({ op: 'GROUP_LEADER', from: leader, to: remotePid });
 * ```
 */
export interface GroupLeaderMessage {
  readonly op: 'GROUP_LEADER';
  readonly from: Pid;
  readonly to: Pid;
}

/**
 * NODE_LINK 5 (obsolete; decoded, never sent).
 *
 * @example
 * ```ts
 * conn.on('message', (m) => { if (m.op === 'NODE_LINK') return; }); // obsolete: ignore it
 * ```
 */
export interface NodeLinkMessage {
  readonly op: 'NODE_LINK';
}

/**
 * Every control message a connection carries.
 *
 * @example
 * ```ts
 * function route(m: ControlMessage): void {
 *   if (m.op === 'SEND' || m.op === 'REG_SEND') deliver(m.to, m.message);
 * }
 * ```
 */
export type ControlMessage =
  | SendMessage
  | RegSendMessage
  | AliasSendMessage
  | LinkMessage
  | UnlinkMessage
  | UnlinkIdMessage
  | UnlinkIdAckMessage
  | ExitMessage
  | Exit2Message
  | MonitorMessage
  | DemonitorMessage
  | MonitorExitMessage
  | SpawnRequestMessage
  | SpawnReplyMessage
  | GroupLeaderMessage
  | NodeLinkMessage;

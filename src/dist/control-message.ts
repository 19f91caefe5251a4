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

/** A message for a pid (SEND 2, SEND_SENDER 22, and their `_TT` forms). */
export interface SendMessage {
  readonly op: 'SEND';
  readonly to: Pid;
  /** The sender; present when SEND_SENDER was used, and always given by local senders. */
  readonly from?: Pid;
  readonly message: Term;
  readonly token?: Term;
}

/** A message for a registered name on the receiving node (REG_SEND 6 / 16). */
export interface RegSendMessage {
  readonly op: 'REG_SEND';
  readonly from: Pid;
  readonly to: Atom;
  readonly message: Term;
  readonly token?: Term;
}

/** A message for an alias (ALIAS_SEND 33 / 34). */
export interface AliasSendMessage {
  readonly op: 'ALIAS_SEND';
  readonly from: Pid;
  readonly alias: Ref;
  readonly message: Term;
  readonly token?: Term;
}

/** LINK 1. */
export interface LinkMessage {
  readonly op: 'LINK';
  readonly from: Pid;
  readonly to: Pid;
}

/** The old UNLINK 4 (sent by OTP 25 when UNLINK_ID is not negotiated). */
export interface UnlinkMessage {
  readonly op: 'UNLINK';
  readonly from: Pid;
  readonly to: Pid;
}

/** UNLINK_ID 35: the OTP 26 link protocol's unlink request. */
export interface UnlinkIdMessage {
  readonly op: 'UNLINK_ID';
  readonly id: bigint;
  readonly from: Pid;
  readonly to: Pid;
}

/** UNLINK_ID_ACK 36. */
export interface UnlinkIdAckMessage {
  readonly op: 'UNLINK_ID_ACK';
  readonly id: bigint;
  readonly from: Pid;
  readonly to: Pid;
}

/** A link broke: EXIT 3, PAYLOAD_EXIT 24 (and `_TT`). */
export interface ExitMessage {
  readonly op: 'EXIT';
  readonly from: Pid;
  readonly to: Pid;
  readonly reason: Term;
  readonly token?: Term;
}

/** `exit(To, Reason)`: EXIT2 8, PAYLOAD_EXIT2 26 (and `_TT`). */
export interface Exit2Message {
  readonly op: 'EXIT2';
  readonly from: Pid;
  readonly to: Pid;
  readonly reason: Term;
  readonly token?: Term;
}

/** MONITOR_P 19: monitor a pid, or a name registered on the receiving node. */
export interface MonitorMessage {
  readonly op: 'MONITOR_P';
  readonly from: Pid;
  readonly to: Pid | Atom;
  readonly ref: Ref;
}

/** DEMONITOR_P 20. */
export interface DemonitorMessage {
  readonly op: 'DEMONITOR_P';
  readonly from: Pid;
  readonly to: Pid | Atom;
  readonly ref: Ref;
}

/**
 * A monitored process went down: MONITOR_P_EXIT 21, PAYLOAD_MONITOR_P_EXIT 28.
 * `from` is the atom name when the monitor was set up by name.
 */
export interface MonitorExitMessage {
  readonly op: 'MONITOR_P_EXIT';
  readonly from: Pid | Atom;
  readonly to: Pid;
  readonly ref: Ref;
  readonly reason: Term;
}

/** SPAWN_REQUEST 29 / 30: spawn `module:function/arity` with `args` on the receiver. */
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

/** SPAWN_REPLY 31 / 32. `flags`: 1 = link set up, 2 = monitor set up. */
export interface SpawnReplyMessage {
  readonly op: 'SPAWN_REPLY';
  readonly reqId: Ref;
  readonly to: Pid;
  readonly flags: number;
  /** The new pid, or an error atom such as `badopt` or `system_limit`. */
  readonly result: Pid | Atom;
  readonly token?: Term;
}

/** GROUP_LEADER 7. */
export interface GroupLeaderMessage {
  readonly op: 'GROUP_LEADER';
  readonly from: Pid;
  readonly to: Pid;
}

/** NODE_LINK 5 (obsolete; decoded, never sent). */
export interface NodeLinkMessage {
  readonly op: 'NODE_LINK';
}

/** Every control message a connection carries. */
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

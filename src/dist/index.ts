/**
 * The distribution layer: one connection between two nodes — handshake, cookie digest,
 * framing, control messages, fragments and ticks (erl_dist_protocol).
 *
 * @example
 * ```ts
 * import { initiate, tcpTransport } from 'beamlink/dist';
 * const conn = await initiate(tcpTransport(socket), {
 *   localName: 'ts@host', localCreation: 1, cookie: 'secret', remoteName: 'erl@host',
 * });
 * conn.on('message', (m) => console.log(m.op));
 * ```
 *
 * @module
 */
export type * from './control-message.ts';
export { Connection, PASS_THROUGH, type ConnectionOptions, type ConnectionState } from './connection.ts';
export { OP, fromWire, hasPayload, toWire, ControlDecodeError, type WireMessage } from './control.ts';
export { DIGEST_LENGTH, checkDigest, genChallenge, genDigest } from './digest.ts';
export {
  DistBusyError,
  DistClosedError,
  DistProtocolError,
  HandshakeError,
  type HandshakeFailure,
} from './errors.ts';
export {
  DEFAULT_FLAGS,
  DFLAG,
  MANDATORY_DFLAGS_25,
  MANDATORY_DFLAGS_26,
  REQUIRED_FLAGS,
  expandMandatory25,
  flagNames,
  hexFlags,
  missingFlags,
  negotiate,
  type DFlagName,
} from './flags.ts';
export { FRAGMENT_SIZE, Reassembler, FragmentError, splitFragments, type ReassemblyLimits } from './fragments.ts';
export { FrameReader, TICK, TICK_FRAME, frame2, frame4 } from './framing.ts';
export {
  DEFAULT_SETUP_TIMEOUT_MS,
  accept,
  initiate,
  type HandshakeOptions,
  type StatusDecider,
  type StatusDecision,
} from './handshake.ts';
export * from './handshake-codec.ts';
export { defaultLogger, type DistLogger } from './logger.ts';
export { DEFAULT_TICK_TIME_MS, Ticker } from './ticker.ts';
export { tcpTransport, type Transport } from './transport.ts';
export {
  DEFAULT_BUSY_WAIT_US,
  DEFAULT_READ_GAP_US,
  SMALL_STREAM_BYTES,
  busyWait,
  busyWaitState,
  flushInTurn,
  noteRead,
  noteTraffic,
  noteWrite,
  readGap,
} from './busy-wait.ts';

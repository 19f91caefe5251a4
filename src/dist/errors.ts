/**
 * Errors of the distribution layer. Each names the peer node (as a string: names offered
 * by unauthenticated peers are never made atoms) and has a stable `code`.
 *
 * @module
 */
import { BeamlinkError } from '../errors.ts';

/**
 * Why a handshake failed: a status the peer sent (`nok`, `not_allowed`, `false` for a
 * refused `alive` check), or what we found wrong (`bad_cookie`, `name_mismatch`,
 * `missing_flags`, `bad_frame`, `timeout`, `closed`, `refused`: our own decider said no).
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof HandshakeError && e.status === 'not_allowed') console.log('wrong cookie?'); }
 * ```
 */
export type HandshakeFailure =
  | 'nok'
  | 'not_allowed'
  | 'alive_false'
  | 'unknown_status'
  | 'bad_cookie'
  | 'name_mismatch'
  | 'bad_name'
  | 'missing_flags'
  | 'bad_frame'
  | 'timeout'
  | 'closed'
  | 'refused';

/**
 * The handshake with `node` failed with `status`.
 *
 * @example
 * ```ts
 * try { await initiate(t, opts) } catch (e) {
 *   if (e instanceof HandshakeError && e.status === 'bad_cookie') console.log('wrong cookie for', e.node);
 * }
 * ```
 */
export class HandshakeError extends BeamlinkError {
  /** The peer's name as far as it is known (the name dialled, or the name offered). */
  readonly node: string;
  readonly status: HandshakeFailure;

  constructor(node: string, status: HandshakeFailure, message: string, options?: ErrorOptions) {
    const shown = node.length > 256 ? `${node.slice(0, 256)}…` : node;
    super('BL_ERR_DIST_HANDSHAKE', `handshake with ${shown || '(unknown)'}: ${message}`, options);
    this.node = node;
    this.status = status;
  }
}

/**
 * The peer sent bytes that break the distribution protocol after the handshake (a bad
 * frame, an unknown operation, a bad atom-cache reference, fragment abuse…). The
 * connection closes; the node stays up.
 *
 * @example
 * ```ts
 * conn.on('close', (reason, error) => {
 *   if (error instanceof DistProtocolError) console.log(error.node, error.reason);
 * });
 * ```
 */
export class DistProtocolError extends BeamlinkError {
  readonly node: string;
  /** A short machine-readable reason, such as `'unknown_op'` or `'frame_too_large'`. */
  readonly reason: string;

  constructor(node: string, reason: string, message: string, options?: ErrorOptions) {
    super('BL_ERR_DIST_PROTOCOL', `connection to ${node}: ${reason}: ${message}`, options);
    this.node = node;
    this.reason = reason;
  }
}

/**
 * `send()` on a connection whose outgoing buffer is over its hard limit: the message was
 * not queued. Wait for the connection's `'drain'` event (BEAM would suspend the sender).
 *
 * @example
 * ```ts
 * if (!conn.send(msg)) await once(conn, 'drain');
 * ```
 */
export class DistBusyError extends BeamlinkError {
  readonly node: string;
  readonly queuedBytes: number;

  constructor(node: string, queuedBytes: number) {
    super(
      'BL_ERR_DIST_BUSY',
      `connection to ${node} is busy: ${queuedBytes} bytes queued; wait for 'drain'`,
    );
    this.node = node;
    this.queuedBytes = queuedBytes;
  }
}

/**
 * `send()` on a connection that has closed.
 *
 * @example
 * ```ts
 * try { conn.send(msg) } catch (e) { if (e instanceof DistClosedError) reconnect(e.node) }
 * ```
 */
export class DistClosedError extends BeamlinkError {
  readonly node: string;

  constructor(node: string) {
    super('BL_ERR_DIST_CLOSED', `connection to ${node} is closed`);
    this.node = node;
  }
}

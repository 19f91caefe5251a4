/**
 * The distribution handshake as two straight-line scripts, one per side, in the order of
 * dist_util's `handshake_we_started/1` (initiator) and `handshake_other_started/1`
 * (acceptor). I/O is injected as a {@link Transport}.
 *
 * ```
 *  initiator (A)                          acceptor (B)
 *  send_name 'N' flags creation name  →
 *                                      ←  status 's' ok | ok_simultaneous | nok | not_allowed | alive | named:
 *  ('s' true|false, after alive)      →
 *                                      ←  challenge 'N' flags challenge creation name
 *  challenge_reply 'r' chA digest(chB) →
 *                                      ←  challenge_ack 'a' digest(chA)
 * ```
 *
 * Names offered by a peer stay strings until its digest checks out, so failed handshakes
 * never grow the atom table. The whole exchange has a deadline (`setupTimeoutMs`,
 * net_setuptime's 7 s by default).
 *
 * @see https://www.erlang.org/doc/apps/erts/erl_dist_protocol.html#distribution-handshake
 * @module
 */
import { Connection, type ConnectionOptions } from './connection.ts';
import { digestMatches, genChallenge, genDigest } from './digest.ts';
import { HandshakeError, type HandshakeFailure } from './errors.ts';
import {
  DEFAULT_FLAGS,
  DFLAG,
  REQUIRED_FLAGS,
  expandMandatory25,
  missingFlags,
  negotiate,
} from './flags.ts';
import { FrameReader, TICK, frame2 } from './framing.ts';
import {
  decodeChallenge,
  decodeChallengeAck,
  decodeChallengeReply,
  decodeComplement,
  decodeSendName,
  decodeStatus,
  encodeChallenge,
  encodeChallengeAck,
  encodeChallengeReply,
  encodeSendName,
  encodeStatus,
  isNodeName,
} from './handshake-codec.ts';
import { defaultLogger, type DistLogger } from './logger.ts';
import type { Transport } from './transport.ts';

/**
 * net_setuptime's default: 7 seconds for the whole handshake.
 *
 * @example
 * ```ts
 * await initiate(transport, { ...opts, setupTimeoutMs: 2 * DEFAULT_SETUP_TIMEOUT_MS });
 * ```
 */
export const DEFAULT_SETUP_TIMEOUT_MS = 7_000;

/**
 * What both sides of a handshake need.
 *
 * @example
 * ```ts
 * const opts: HandshakeOptions = { localName: 'ts@host', localCreation: 1, cookie: 'secret' };
 * ```
 */
export interface HandshakeOptions {
  /** Our node name, `name@host`. */
  localName: string;
  /** Our creation (from the port mapper). */
  localCreation: number;
  cookie: string;
  /** Do not set PUBLISHED: BEAM lists us in `nodes(hidden)`. */
  hidden?: boolean;
  /** The flags to advertise (default {@link DEFAULT_FLAGS}); PUBLISHED follows `hidden`. */
  flags?: bigint;
  /** Deadline for the whole handshake (default 7 s). */
  setupTimeoutMs?: number;
  /** net_ticktime in milliseconds for the connection (default 60 s). */
  tickTimeMs?: number;
  logger?: DistLogger;
  /** Connection tuning: buffer limits, reassembly bounds (see {@link ConnectionOptions}). */
  connection?: Partial<ConnectionOptions>;
}

/**
 * The acceptor's verdict on an incoming name, from the node layer (net_kernel's
 * `accept_pending`): `ok`; `ok_simultaneous` (we were dialling it too and it wins);
 * `nok` (we win a simultaneous connect); `not_allowed`; `alive` (we think a connection to
 * it is already up; it must confirm it is a new incarnation).
 *
 * @example
 * ```ts
 * const decide: StatusDecider = (name): StatusDecision => (allowed.has(name) ? 'ok' : 'not_allowed');
 * ```
 */
export type StatusDecision = 'ok' | 'ok_simultaneous' | 'nok' | 'not_allowed' | 'alive';

/**
 * Decides the status for a peer that offered `remoteName` (still unauthenticated: a
 * string, never an atom).
 *
 * @example
 * ```ts
 * const decide: StatusDecider = (name) => (connections.has(name) ? 'alive' : 'ok');
 * ```
 */
export type StatusDecider = (
  remoteName: string,
  remoteFlags: bigint,
  remoteCreation: number,
) => StatusDecision | Promise<StatusDecision>;

/** A handshake's deadline in {@link deadlines}. */
interface Deadline {
  /** `performance.now()` at which it expires. */
  readonly at: number;
  expire(): void;
}

/**
 * The deadlines of every handshake under way, served by one timer armed for the earliest:
 * a timer made and cleared per handshake costs some 50 µs of cold code on the critical
 * path of every connection setup. The timer holds the event loop open only while a
 * handshake is pending.
 */
const deadlines = new Set<Deadline>();
let sweep: NodeJS.Timeout | undefined;
let sweepAt = Infinity;

function addDeadline(d: Deadline): void {
  deadlines.add(d);
  if (d.at < sweepAt) armSweep(d.at);
  else if (deadlines.size === 1) sweep?.ref();
}

function removeDeadline(d: Deadline): void {
  if (!deadlines.delete(d)) return;
  if (deadlines.size === 0) sweep?.unref();
}

function armSweep(at: number): void {
  clearTimeout(sweep);
  sweepAt = at;
  sweep = setTimeout(runSweep, Math.max(1, at - performance.now()));
}

/**
 * Calls `expire` once `timeoutMs` have passed unless the returned cancel function is
 * called first, on the timer the handshake deadlines share (no timer made per call: a
 * setTimeout/clearTimeout pair costs some 50 µs of cold code on a setup's critical path).
 * While a deadline is pending it keeps the event loop open, as a timer would.
 *
 * @example
 * ```ts
 * const cancel = onDeadline(7_000, () => socket.destroy());
 * socket.once('connect', cancel);
 * ```
 */
export function onDeadline(timeoutMs: number, expire: () => void): () => void {
  const d: Deadline = { at: performance.now() + timeoutMs, expire };
  addDeadline(d);
  return () => removeDeadline(d);
}

function runSweep(): void {
  sweep = undefined;
  sweepAt = Infinity;
  const now = performance.now();
  let next = Infinity;
  for (const d of deadlines) {
    if (d.at <= now) {
      deadlines.delete(d);
      d.expire();
    } else if (d.at < next) {
      next = d.at;
    }
  }
  if (next !== Infinity) armSweep(next);
}

/** Frame I/O for one handshake, with its deadline. */
class HandshakeIO {
  private readonly transport: Transport;
  readonly reader = new FrameReader(2);
  node: string;
  private waiter:
    | { decode: (b: Buffer) => unknown; resolve: (value: unknown) => void; reject: (e: Error) => void }
    | undefined;
  private failure: HandshakeError | undefined;
  /** Cancels the handshake's deadline (on the shared timer). */
  private readonly cancelDeadline: () => void;

  constructor(transport: Transport, node: string, timeoutMs: number) {
    this.transport = transport;
    this.node = node;
    transport.onData((chunk) => {
      this.reader.push(chunk);
      this.pump();
    });
    transport.onClose((error) => {
      // An error: the connection failed (a refused TCP connect, as the dialler starts the
      // handshake while it connects, or a reset).
      const why = error ? `the connection failed: ${error.message}` : 'the peer closed the connection';
      this.fail(new HandshakeError(this.node, 'closed', why, { cause: error }));
    });
    this.cancelDeadline = onDeadline(timeoutMs, () => {
      this.fail(new HandshakeError(this.node, 'timeout', `no handshake within ${timeoutMs} ms`));
      transport.close();
    });
  }

  private fail(error: HandshakeError): void {
    if (this.failure) return;
    this.failure = error;
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(error);
  }

  /** Hands the next whole frame, decoded, to the waiter (decoding here saves a promise hop). */
  private pump(): void {
    const w = this.waiter;
    if (!w) return;
    let frame;
    try {
      frame = this.reader.next();
    } catch (e) {
      this.fail(new HandshakeError(this.node, 'bad_frame', String(e)));
      return;
    }
    if (frame === undefined) return;
    this.waiter = undefined;
    let value: unknown;
    try {
      value = w.decode(frame === TICK ? Buffer.alloc(0) : frame);
    } catch (e) {
      // Name the peer in a `bad_frame` error from the codec.
      w.reject(e instanceof HandshakeError ? new HandshakeError(this.node, e.status, e.message) : (e as Error));
      return;
    }
    w.resolve(value);
  }

  send(payload: Buffer): void {
    if (this.failure) throw this.failure;
    this.transport.write(frame2(payload));
  }

  /** Sends bytes already framed (with their 2-byte lengths). */
  sendFramed(bytes: Buffer): void {
    if (this.failure) throw this.failure;
    this.transport.write(bytes);
  }

  /**
   * Sends several frames in one write (one segment on the wire, one syscall): the bytes
   * are those of sending them one by one.
   */
  sendAll(payloads: readonly Buffer[]): void {
    if (this.failure) throw this.failure;
    let size = 0;
    for (const p of payloads) size += 2 + p.length;
    const out = Buffer.allocUnsafe(size);
    let at = 0;
    for (const p of payloads) {
      if (p.length > 0xffff) throw new RangeError('handshake frame over 65535 bytes');
      out.writeUInt16BE(p.length, at);
      out.set(p, at + 2);
      at += 2 + p.length;
    }
    this.transport.write(out);
  }

  /** The next frame decoded with `decode`, naming the peer in any `bad_frame` error. */
  recvAs<T>(decode: (b: Buffer) => T): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<T>((resolve, reject) => {
      this.waiter = { decode, resolve: resolve as (value: unknown) => void, reject };
      this.pump();
    });
  }

  finish(): void {
    this.cancelDeadline();
    if (this.failure) throw this.failure;
    this.transport.onData(() => {});
    this.transport.onClose(() => {});
  }

  abort(): void {
    this.cancelDeadline();
    this.transport.close();
  }
}

/** {@link okAndChallenge}'s bytes, for the last name, creation and flags asked for. */
let okTemplate: { name: string; creation: number; flags: bigint; bytes: Buffer } | undefined;
/** Where the challenge's 4 bytes are in them: after `0,3,"sok"`, the length and `'N'`, flags. */
const OK_CHALLENGE_AT = 5 + 2 + 1 + 8;

/**
 * The status `ok` and our challenge as two frames in one buffer, the bytes of
 * `sendAll([encodeStatus({ status: 'ok' }), encodeChallenge(...)])`: a copy of bytes made
 * once (per name, creation and flags) with the challenge written in, instead of two
 * frames encoded and framed on the critical path of every accept.
 */
function okAndChallenge(flags: bigint, creation: number, name: string, challenge: number): Buffer {
  let t = okTemplate;
  if (t === undefined || t.flags !== flags || t.creation !== creation || t.name !== name) {
    const frames = [encodeStatus({ status: 'ok' }), encodeChallenge({ flags, challenge: 0, creation, name })];
    t = okTemplate = { name, creation, flags, bytes: Buffer.concat(frames.map((f) => frame2(f))) };
  }
  const out = Buffer.allocUnsafe(t.bytes.length);
  t.bytes.copy(out);
  out.writeUInt32BE(challenge >>> 0, OK_CHALLENGE_AT);
  return out;
}

/**
 * Whether `flags` lack one of {@link REQUIRED_FLAGS}: the test {@link missingFlags} makes,
 * without building the list of names (a loop over 64 bits) on every successful setup.
 */
function lacksRequired(flags: bigint): boolean {
  return (REQUIRED_FLAGS & ~expandMandatory25(flags)) !== 0n;
}

function ourFlags(options: HandshakeOptions): bigint {
  const base = options.flags ?? DEFAULT_FLAGS;
  return options.hidden ? base & ~DFLAG.PUBLISHED : base | DFLAG.PUBLISHED;
}

function refuse(
  logger: DistLogger,
  node: string,
  status: HandshakeFailure,
  message: string,
): HandshakeError {
  logger.warn(`handshake with ${shown(node)} refused: ${message}`);
  return new HandshakeError(node, status, message);
}

/** A peer-supplied name for a log line: bounded, quoted when odd. */
function shown(name: string): string {
  if (name === '') return '(unknown)';
  const cut = name.length > 256 ? `${name.slice(0, 256)}…` : name;
  return /^[\w.@-]+$/.test(cut) ? cut : JSON.stringify(cut);
}

/**
 * Dials side of the handshake over a connected transport: sends our name, reads the
 * status and challenge, checks that the peer is the node dialled and has the mandatory
 * flags, proves the cookie and checks the peer's proof. Resolves with the open
 * {@link Connection}; rejects with {@link HandshakeError} (the transport is closed).
 *
 * @example
 * ```ts
 * const socket = net.connect(port, '127.0.0.1');
 * await once(socket, 'connect');
 * const conn = await initiate(tcpTransport(socket), {
 *   localName: 'ts@host', localCreation: 1, cookie: 'secret', remoteName: 'erl@host',
 * });
 * ```
 */
export async function initiate(
  transport: Transport,
  options: HandshakeOptions & {
    remoteName: string;
    /** Answer to `alive`: do we still have a pending connection? (default true) */
    isPending?: () => boolean;
  },
): Promise<Connection> {
  const logger = options.logger ?? defaultLogger;
  const remote = options.remoteName;
  const io = new HandshakeIO(transport, remote, options.setupTimeoutMs ?? DEFAULT_SETUP_TIMEOUT_MS);
  try {
    const flags = ourFlags(options);
    io.send(encodeSendName({ flags, creation: options.localCreation, name: options.localName }));

    const status = await io.recvAs(decodeStatus);
    switch (status.status) {
      case 'ok':
      case 'ok_simultaneous':
        break;
      case 'alive': {
        const pending = options.isPending ? options.isPending() : true;
        io.send(encodeStatus({ status: pending ? 'true' : 'false' }));
        if (!pending) throw new HandshakeError(remote, 'alive_false', 'we answered alive with false');
        break;
      }
      case 'nok':
        throw new HandshakeError(remote, 'nok', 'the peer is connecting to us (simultaneous connect: it wins)');
      case 'not_allowed':
        throw refuse(
          logger,
          remote,
          'not_allowed',
          `the peer answered not_allowed: it refuses ${options.localName} (check that name@host is valid and, if the peer uses net_kernel:allow/1, that it lists us)`,
        );
      default:
        throw refuse(logger, remote, 'unknown_status', `unexpected status ${JSON.stringify(status)}`);
    }

    const challenge = await io.recvAs(decodeChallenge);
    if (challenge.name !== remote) {
      throw refuse(
        logger,
        remote,
        'name_mismatch',
        `dialled ${remote} but the peer is ${JSON.stringify(challenge.name)}`,
      );
    }
    if (lacksRequired(challenge.flags)) {
      const missing = missingFlags(REQUIRED_FLAGS, challenge.flags);
      throw refuse(logger, remote, 'missing_flags', `the peer lacks ${missing.join(', ')}`);
    }

    const ours = genChallenge();
    io.send(encodeChallengeReply({ challenge: ours, digest: genDigest(challenge.challenge, options.cookie) }));
    // The ack's digest, computed while the peer checks our reply rather than after.
    const expected = genDigest(ours, options.cookie);

    let ack: Uint8Array;
    try {
      ack = await io.recvAs(decodeChallengeAck);
    } catch (e) {
      // dist_util closes without a word when our digest is wrong.
      if (e instanceof HandshakeError && e.status === 'closed') {
        throw refuse(
          logger,
          remote,
          'bad_cookie',
          `${remote} closed the connection after our challenge reply: it refused our digest (wrong cookie?)`,
        );
      }
      throw e;
    }
    if (!digestMatches(ack, expected)) {
      throw refuse(
        logger,
        remote,
        'bad_cookie',
        `** Connection attempt to node ${remote} cancelled. Invalid challenge ack (wrong cookie?) **`,
      );
    }
    io.finish();
    return new Connection({
      transport,
      reader: io.reader,
      localName: options.localName,
      peerName: remote,
      peerFlags: expandMandatory25(challenge.flags),
      peerCreation: challenge.creation,
      flags: negotiate(flags, challenge.flags),
      tickTimeMs: options.tickTimeMs,
      logger,
      ...options.connection,
    });
  } catch (e) {
    io.abort();
    throw e;
  }
}

/**
 * The accepting side of the handshake over a freshly accepted transport: reads the
 * peer's name (the `'N'` form, or the old `'n'` + `'c'` form), refuses peers without the
 * mandatory flags (`not_allowed`), asks `decide` for the status, sends our challenge and
 * checks the peer's digest before acking. Resolves with the open {@link Connection};
 * rejects with {@link HandshakeError} (the transport is closed).
 *
 * @example
 * ```ts
 * server.on('connection', async (socket) => {
 *   const conn = await accept(tcpTransport(socket), {
 *     localName: 'ts@host', localCreation: 1, cookie: 'secret', decide: () => 'ok',
 *   });
 * });
 * ```
 */
export async function accept(
  transport: Transport,
  options: HandshakeOptions & {
    decide: StatusDecider;
    /**
     * Names an initiator that asked for a dynamic name (DFLAG_NAME_ME; its send_name
     * carries only its host): return its full name and creation, sent back in the
     * `named:` status. Without it such peers get `not_allowed`.
     */
    assignName?: (host: string, remoteFlags: bigint) => { name: string; creation: number };
  },
): Promise<Connection> {
  const logger = options.logger ?? defaultLogger;
  const io = new HandshakeIO(transport, '', options.setupTimeoutMs ?? DEFAULT_SETUP_TIMEOUT_MS);
  try {
    const name = await io.recvAs(decodeSendName);
    // A string, never an atom: the peer has proven nothing yet.
    let remote = name.name;
    io.node = remote;
    const dynamic = (name.flags & DFLAG.NAME_ME) !== 0n;
    if (!isNodeName(remote, dynamic)) {
      throw refuse(logger, remote, 'bad_name', `the peer offered an invalid node name ${shown(remote)}`);
    }
    let remoteFlags = name.flags;
    let remoteCreation = name.creation;
    if (lacksRequired(remoteFlags)) {
      const missing = missingFlags(REQUIRED_FLAGS, remoteFlags);
      io.send(encodeStatus({ status: 'not_allowed' }));
      throw refuse(logger, remote, 'missing_flags', `the peer lacks ${missing.join(', ')}`);
    }

    let decision: StatusDecision;
    /** The `named:` status of a peer we named (NAME_ME), else that of `decision`. */
    let named: Buffer | undefined;
    if (dynamic) {
      if (!options.assignName) {
        io.send(encodeStatus({ status: 'not_allowed' }));
        throw refuse(logger, remote, 'not_allowed', 'the peer asked for a dynamic name (NAME_ME); none is assigned here');
      }
      const assigned = options.assignName(remote, remoteFlags);
      remote = assigned.name;
      remoteCreation = assigned.creation;
      io.node = remote;
      named = encodeStatus({ status: 'named', name: remote, creation: remoteCreation });
      decision = 'ok';
    } else {
      const decided = options.decide(remote, remoteFlags, remoteCreation);
      decision = typeof decided === 'string' ? decided : await decided;
    }
    if (decision === 'nok' || decision === 'not_allowed') {
      io.send(encodeStatus({ status: decision }));
      throw new HandshakeError(remote, 'refused', `we answered ${decision}`);
    }

    const flags = ourFlags(options);
    const ours = genChallenge();
    if (decision === 'ok' && named === undefined) {
      // The common case: both frames from a copy of bytes made once (one write, as below).
      io.sendFramed(okAndChallenge(flags, options.localCreation, options.localName, ours));
    } else {
      const status = named ?? encodeStatus({ status: decision });
      const challenge = encodeChallenge({ flags, challenge: ours, creation: options.localCreation, name: options.localName });
      if (decision === 'alive') {
        io.send(status);
        const reply = await io.recvAs(decodeStatus);
        if (reply.status !== 'true') {
          throw new HandshakeError(remote, 'alive_false', `the peer answered alive with ${reply.status}`);
        }
        io.send(challenge);
      } else {
        // Nothing to wait for between the status and the challenge: one write, one
        // segment, one wake-up of the peer (dist_util reads them as two frames all the same).
        io.sendAll([status, challenge]);
      }
    }

    if (name.form === 'n') {
      const complement = await io.recvAs(decodeComplement);
      remoteFlags |= complement.flagsHigh;
      remoteCreation = complement.creation;
    }

    // The reply's digest, computed while the peer works on it rather than after.
    const expected = genDigest(ours, options.cookie);
    const reply = await io.recvAs(decodeChallengeReply);
    if (!digestMatches(reply.digest, expected)) {
      throw refuse(
        logger,
        remote,
        'bad_cookie',
        `** Connection attempt from node ${remote} rejected. Invalid challenge reply (wrong cookie?) **`,
      );
    }
    io.send(encodeChallengeAck(genDigest(reply.challenge, options.cookie)));
    io.finish();
    return new Connection({
      transport,
      reader: io.reader,
      localName: options.localName,
      peerName: remote,
      peerFlags: expandMandatory25(remoteFlags),
      peerCreation: remoteCreation,
      flags: negotiate(flags, remoteFlags),
      tickTimeMs: options.tickTimeMs,
      logger,
      ...options.connection,
    });
  } catch (e) {
    io.abort();
    throw e;
  }
}

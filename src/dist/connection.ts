/**
 * One distribution connection after its handshake: framing, control messages, fragments,
 * ticks, write coalescing and backpressure (erl_dist_protocol, "Protocol between
 * connected nodes"; PROTOCOL-OTP25.md §8 for what real OTP 25 accepts).
 *
 * **Framing is strict, as erts makes it.** With DIST_HDR_ATOM_CACHE or FRAGMENTS
 * negotiated every message is `131,68,…`: we send `131,68,0` (no atom-cache refs, we
 * never populate a cache) and the terms without their 131 byte, and we read the peer's
 * atom-cache header. With neither flag every message is `112` ('p') and terms with 131.
 *
 * **Send path.** `send()` encodes straight into one reused {@link Writer} holding every
 * frame written in this turn of the event loop; one `setImmediate` later the batch goes to
 * the socket in one write (coalescing). A message whose encoding exceeds 64 KiB is split
 * into fragments (when FRAGMENTS is negotiated) and written up to `fragmentBudget` bytes
 * per job per turn, so ticks and other senders interleave with it. Binaries of 64 KiB or
 * more in such a message are not copied: its fragments are views of the caller's arrays
 * (`encodeChunks`' pieces) handed to the socket in one `writev`, so **an array passed to
 * `send()` must not be changed until it has been written** (binaries are immutable in
 * Erlang; reuse a buffer only after `'drain'` or a reply). Per-sender order is kept: while a
 * sender's fragmented message is in flight, that sender's later messages wait behind it.
 * The SequenceId identifies the sending process, as in BEAM (which uses the pid's raw
 * word): each sender gets one from a per-connection counter while it has fragmented
 * messages in flight, and its fragmented messages go out one after the other under it.
 *
 * **Backpressure (like `+zdbbl`).** `send()` returns `false` once `highWaterMark` bytes
 * are queued (our batch + fragments in flight + the socket's buffer): the message is
 * queued, and the caller should wait for `'drain'`. Past `maxQueuedBytes` `send()`
 * throws {@link DistBusyError} and queues nothing. Everything queued is freed on close.
 *
 * **Unlink without UNLINK_ID.** An `UNLINK_ID` to a peer without DFLAG_UNLINK_ID goes out
 * as the old `UNLINK {4, From, To}`, and since that peer will never ack it, the
 * connection emits the `UNLINK_ID_ACK` itself right after; an `UNLINK_ID_ACK` to such a
 * peer is not sent.
 *
 * Events: `'message'` (a {@link ControlMessage}; frames are read from the socket all the
 * time, for ticks, but decoded only while a `'message'` listener is attached, so attach one
 * right after the handshake), `'close'` (`reason`, `error?`): reason
 * is `connection_closed` (the peer closed), `net_tick_timeout`, `protocol_error` (with a
 * {@link DistProtocolError}), or whatever `close(reason)` was given; `'drain'`.
 *
 * @module
 */
import { EventEmitter } from 'node:events';
import type { BinaryMode, DecodeOptions } from '../term/index.ts';
import { TermReader, Writer } from '../term/index.ts';
import { atom, type Atom, type Pid, type Term } from '../term/types.ts';
import { ControlDecodeError, fromWire, hasPayload, readControl, toWire } from './control.ts';
import type { ControlMessage } from './control-message.ts';
import { flushInTurn } from './busy-wait.ts';
import { DistBusyError, DistClosedError, DistProtocolError } from './errors.ts';
import { LARGE_FRAME, largeFrameReceived } from './malloc-tune.ts';
import { DFLAG, hexFlags } from './flags.ts';
import {
  DIST_FRAG_CONT,
  DIST_FRAG_HEADER,
  DIST_HEADER,
  FRAGMENT_HEADER_SIZE,
  FRAGMENT_SIZE,
  FragmentError,
  Reassembler,
  writeFragmentHeader,
  type ReassemblyLimits,
} from './fragments.ts';
import { FrameReader, FrameTooLargeError, SPLIT, TICK, TICK_FRAME } from './framing.ts';
import { defaultLogger, type DistLogger } from './logger.ts';
import { AtomCache, decodeTermInto, encodeTermInto, readDistHeader, type DecodedTerm } from './term-io.ts';
import { DEFAULT_TICK_TIME_MS, Ticker } from './ticker.ts';
import type { Transport } from './transport.ts';

/**
 * `'p'`: the pass-through tag when no distribution header is negotiated.
 *
 * @example
 * ```ts
 * frame[0] === PASS_THROUGH; // a message frame of a connection without the distribution header
 * ```
 */
export const PASS_THROUGH = 112;
const VERSION_MAGIC = 131;
/** The batch writer keeps up to this much memory between turns (so big messages do not regrow it). */
const BATCH_KEEP = 4 * 1024 * 1024;
/** Encode buffers of finished fragmented messages kept for reuse. */
const MAX_SPARES = 2;
/** Larger encode buffers are left to the garbage collector. */
const MAX_SPARE_SIZE = 16 * 1024 * 1024;

/**
 * Tuning of a {@link Connection}.
 *
 * @example
 * ```ts
 * const opts: Partial<ConnectionOptions> = { tickTimeMs: 15_000, maxQueuedBytes: 64 * 1024 * 1024 };
 * await initiate(transport, { localName, localCreation, cookie, remoteName, connection: opts });
 * ```
 */
export interface ConnectionOptions {
  transport: Transport;
  /** The handshake's reader, holding any bytes that arrived behind the last handshake frame. */
  reader: FrameReader;
  localName: string;
  peerName: string;
  peerFlags: bigint;
  peerCreation: number;
  /** The negotiated flags. */
  flags: bigint;
  tickTimeMs?: number;
  logger?: DistLogger;
  /** `send()` returns false from this many queued bytes (default 8 MiB). */
  highWaterMark?: number;
  /** `send()` throws {@link DistBusyError} past this many queued bytes (default 256 MiB). */
  maxQueuedBytes?: number;
  /** Largest frame accepted (default 256 MiB; fragments keep BEAM's at 64 KiB + 18). */
  maxFrame?: number;
  /** Bounds of fragment reassembly. */
  reassembly?: Partial<ReassemblyLimits>;
  /** Fragment bytes written per job per turn of the event loop (default 1 MiB). */
  fragmentBudget?: number;
  /** Bytes the socket may buffer before fragments wait for its `drain` (default 2 MiB). */
  transportHighWater?: number;
  /** How received binaries decode (the codec's option; default `'auto'`). */
  binaries?: BinaryMode;
}

/** One fragmented message being written. */
interface Outgoing {
  /** Encoded control message and payload, without any header, in pieces (large binaries are the caller's arrays). */
  readonly pieces: readonly Uint8Array[];
  /** A buffer to reuse once the last fragment is on the socket (the batch's, when the message was encoded in it). */
  readonly backing: Buffer | undefined;
  readonly sequenceId: bigint;
  readonly count: number;
  /** Fragments written so far. */
  sent: number;
  /** Where the next fragment starts: `pieces[piece]` at `offset`. */
  piece: number;
  offset: number;
}

/** A sender's messages waiting behind its fragmented message. */
interface SenderQueue {
  /** The sender's SequenceId while it has fragmented messages in flight. */
  readonly sequenceId: bigint;
  current: Outgoing;
  /** Later frames (whole, with their length) or fragmented messages, in order. */
  readonly waiting: (Buffer | Outgoing)[];
}

/**
 * Connection states.
 *
 * @example
 * ```ts
 * if (conn.state === 'closed') console.log('nodedown', conn.peerName);
 * ```
 */
export type ConnectionState = 'up' | 'closed';

// Typed events: the interface only adds `on`/`once` overloads to the class below.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Connection {
  on(event: 'message', listener: (message: ControlMessage) => void): this;
  on(event: 'close', listener: (reason: Term, error?: Error) => void): this;
  on(event: 'drain', listener: () => void): this;
  once(event: 'message', listener: (message: ControlMessage) => void): this;
  once(event: 'close', listener: (reason: Term, error?: Error) => void): this;
  once(event: 'drain', listener: () => void): this;
}

/**
 * An open distribution connection. Made by {@link initiate} or {@link accept}, never
 * constructed by hand outside tests.
 *
 * @example
 * ```ts
 * const conn = await initiate(tcpTransport(socket), options);
 * conn.on('message', (m) => runtime.deliver(m));
 * conn.on('close', (reason) => console.log('nodedown', conn.peerName, reason));
 * if (!conn.send({ op: 'REG_SEND', from: self, to: atom('inbox'), message: 'hi' })) {
 *   await once(conn, 'drain');
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Connection extends EventEmitter {
  readonly localName: string;
  readonly peerName: string;
  /** What the peer advertised (the mandatory-25 shorthand expanded). */
  readonly peerFlags: bigint;
  readonly peerCreation: number;
  /** The negotiated flags: ours ∩ the peer's. */
  readonly flags: bigint;
  private stateValue: ConnectionState = 'up';
  private readonly transport: Transport;
  private readonly reader: FrameReader;
  private readonly logger: DistLogger;
  private readonly ticker: Ticker;
  private readonly reassembler: Reassembler;
  private readonly atomCache = new AtomCache();
  private readonly headerMode: boolean;
  private readonly fragmenting: boolean;
  private readonly sendUnlinkId: boolean;
  private readonly sendSender: boolean;
  /** The header and control tuple of the last SEND or REG_SEND, and whose they were. */
  private prefix: Uint8Array | undefined = undefined;
  private prefixOp: string = '';
  private prefixFrom: Pid | undefined = undefined;
  private prefixTo: Pid | Atom | undefined = undefined;
  private readonly highWaterMark: number;
  private readonly maxQueuedBytes: number;
  private readonly fragmentBudget: number;
  private readonly transportHighWater: number;
  private batch = new Writer(256 * 1024);
  /** Where the batch's unwritten frames start in `batch.buf` (earlier bytes belong to the socket). */
  private batchStart = 0;
  private spares: Buffer[] = [];
  private readonly senders = new Map<string, SenderQueue>();
  private readonly flushChunks: Buffer[] = [];
  private fragmentBytes = 0;
  private nextSequence = 1n;
  private flushScheduled = false;
  private waitingForTransport = false;
  private needDrain = false;
  private warnedNoListener = false;
  private readonly decodeOptions: { binaries?: BinaryMode; version?: boolean };
  private readonly passThroughOptions: { binaries?: BinaryMode; version: true };
  /** `decodeOptions` plus the message's atom refs, refilled per message. */
  private readonly atomOptions: DecodeOptions;
  /** The one 'message' listener, called directly (see emitMessage). */
  private messageListener: ((m: ControlMessage) => void) | undefined = undefined;
  private messageListenersChanged = true;
  /** Reads the everyday control messages field by field (see readControl). */
  private readonly termReader = new TermReader();
  /** The receive path's decode result, reused for every term. */
  private readonly decoded: DecodedTerm = { term: null, offset: 0 };
  private stats = { bytesIn: 0, bytesOut: 0, messagesIn: 0, messagesOut: 0, ticksOut: 0 };
  /** The transport's `bytesRead` where this connection's bytes start (the reader's leftover included). */
  private readonly readBase: number | undefined;

  constructor(options: ConnectionOptions) {
    super();
    this.transport = options.transport;
    this.reader = options.reader;
    this.reader.headerSize = 4;
    if (options.maxFrame !== undefined) this.reader.maxFrame = options.maxFrame;
    const read = options.transport.bytesRead;
    this.readBase = read === undefined ? undefined : read - this.reader.buffered;
    this.localName = options.localName;
    this.peerName = options.peerName;
    this.peerFlags = options.peerFlags;
    this.peerCreation = options.peerCreation;
    this.flags = options.flags;
    this.logger = options.logger ?? defaultLogger;
    this.headerMode = (this.flags & (DFLAG.DIST_HDR_ATOM_CACHE | DFLAG.FRAGMENTS)) !== 0n;
    this.fragmenting = (this.flags & DFLAG.FRAGMENTS) !== 0n;
    this.sendUnlinkId = (this.flags & DFLAG.UNLINK_ID) !== 0n;
    this.sendSender = (this.flags & DFLAG.SEND_SENDER) !== 0n;
    this.highWaterMark = options.highWaterMark ?? 8 * 1024 * 1024;
    this.maxQueuedBytes = options.maxQueuedBytes ?? 256 * 1024 * 1024;
    this.fragmentBudget = options.fragmentBudget ?? 1024 * 1024;
    this.transportHighWater = options.transportHighWater ?? 2 * 1024 * 1024;
    this.reassembler = new Reassembler(options.reassembly);
    // Large binaries are kept by reference only where they go out in fragments.
    this.batch.deferLarge = this.fragmenting;
    this.decodeOptions = options.binaries ? { binaries: options.binaries } : {};
    this.passThroughOptions = { ...this.decodeOptions, version: true };
    this.atomOptions = { ...this.decodeOptions };
    this.ticker = new Ticker(options.tickTimeMs ?? DEFAULT_TICK_TIME_MS, {
      tick: () => this.writeTick(),
      timeout: () => {
        this.logger.warn(`connection to ${this.peerName} closed: net_tick_timeout (nothing heard for ${this.ticker.tickTime} ms)`);
        this.shutdown(atom('net_tick_timeout'));
      },
    });
    this.transport.onData((chunk) => this.receive(chunk));
    this.transport.onDrain(() => this.transportDrained());
    this.transport.onClose((error) => {
      if (this.stateValue === 'closed') return;
      this.shutdown(atom('connection_closed'), error);
    });
    this.ticker.start();
    // Frames are decoded once someone listens for them, so that nothing is emitted into
    // the void between the handshake and `on('message')` (BEAM writes right after its ack).
    super.on('newListener', (event: string | symbol) => {
      if (event !== 'message') return;
      this.messageListenersChanged = true;
      if (this.listenerCount('message') === 0) queueMicrotask(() => this.receive(undefined));
    });
    super.on('removeListener', (event: string | symbol) => {
      if (event === 'message') this.messageListenersChanged = true;
    });
  }

  private isClosed(): boolean {
    return this.stateValue === 'closed';
  }

  /** `'up'` until the connection closes. */
  get state(): ConnectionState {
    return this.stateValue;
  }

  /** Bytes queued for the peer: our batch, fragments in flight and the socket's buffer. */
  get queuedBytes(): number {
    return this.batchBytes + this.fragmentBytes + this.transport.pendingBytes;
  }

  /**
   * Sends a control message. Returns `true` while the outgoing buffer is below its high
   * water mark, `false` once it is at or above it (the message is queued all the same;
   * wait for `'drain'` before sending more). Throws {@link DistBusyError} without queueing
   * when the buffer is over `maxQueuedBytes`, {@link DistClosedError} after close, and the
   * codec's `TermEncodeError` for a value that is not a term.
   */
  send(message: ControlMessage): boolean {
    if (this.stateValue === 'closed') throw new DistClosedError(this.peerName);
    const queued = this.queuedBytes;
    if (queued > this.maxQueuedBytes) throw new DistBusyError(this.peerName, queued);
    // A SEND or REG_SEND from the sender to the destination of the last one: the header and
    // control tuple are the bytes written then (pids and atoms are immutable).
    const cacheable = this.headerMode && this.prefixable(message);
    const prefix =
      cacheable && message.from === this.prefixFrom && message.to === this.prefixTo && message.op === this.prefixOp
        ? this.prefix
        : undefined;
    const w = prefix === undefined ? toWire(message, this.flags) : undefined;
    if (prefix !== undefined || w !== undefined) {
      const b = this.batch;
      const start = b.length;
      try {
        b.u32(0);
        if (prefix !== undefined) {
          b.bytes(prefix);
          encodeTermInto(b, (message as { message: Term }).message);
        } else if (this.headerMode) {
          b.u8(VERSION_MAGIC).u8(DIST_HEADER).u8(0);
          encodeTermInto(b, w!.control);
          if (cacheable) this.rememberPrefix(message, start + 4, b.length);
          if (w!.hasPayload) encodeTermInto(b, w!.payload!);
        } else {
          const w1 = w!;
          b.u8(PASS_THROUGH).u8(VERSION_MAGIC);
          encodeTermInto(b, w1.control);
          if (w1.hasPayload) {
            b.u8(VERSION_MAGIC);
            encodeTermInto(b, w1.payload!);
          }
        }
      } catch (e) {
        b.length = start;
        b.clearChunks();
        throw e;
      }
      // `size` counts deferred binaries (there are some only in a message over 64 KiB).
      const length = b.size - start - 4;
      const large = this.fragmenting && (b.hasChunks || length - 3 > FRAGMENT_SIZE);
      // The sender's key is needed only while some sender has a fragmented message in flight.
      const sender = large || this.senders.size > 0 ? senderKey(message) : '';
      const queue = this.senders.size > 0 ? this.senders.get(sender) : undefined;
      if (large) {
        if (queue) {
          queue.waiting.push(this.takeLarge(start, queue.sequenceId));
        } else {
          const sequenceId = this.nextSequence++;
          this.senders.set(sender, { sequenceId, current: this.takeLarge(start, sequenceId), waiting: [] });
        }
      } else {
        b.setU32(start, length);
        if (queue) {
          queue.waiting.push(Buffer.from(b.buf.subarray(start, b.length)));
          this.fragmentBytes += length + 4;
          b.length = start;
        }
      }
      this.stats.messagesOut++;
      this.scheduleFlush();
    }
    if (message.op === 'UNLINK_ID' && !this.sendUnlinkId) {
      const ack: ControlMessage = { op: 'UNLINK_ID_ACK', id: message.id, from: message.to, to: message.from };
      queueMicrotask(() => {
        if (this.stateValue === 'up') this.emit('message', ack);
      });
    }
    if (this.queuedBytes >= this.highWaterMark) {
      this.needDrain = true;
      return false;
    }
    return true;
  }

  /** Whether `m` goes out as `{22, From, To}` or `{6, From, '', To}` and a payload (see {@link send}). */
  private prefixable(m: ControlMessage): m is ControlMessage & { op: 'SEND' | 'REG_SEND'; from: Pid } {
    if (m.op === 'SEND') return m.from !== undefined && m.token === undefined && this.sendSender;
    return m.op === 'REG_SEND' && m.token === undefined;
  }

  /** Keeps `batch.buf[from, to)` (the header and control tuple of `m`) for the next message alike. */
  private rememberPrefix(m: ControlMessage & { op: 'SEND' | 'REG_SEND'; from: Pid }, from: number, to: number): void {
    this.prefix = Uint8Array.prototype.slice.call(this.batch.buf, from, to);
    this.prefixOp = m.op;
    this.prefixFrom = m.from;
    this.prefixTo = m.to;
  }

  /** Bytes of the batch not yet handed to the transport. */
  private get batchBytes(): number {
    return this.batch.length - this.batchStart;
  }

  /** Moves the message encoded at `start` of the batch into a fragmented job. */
  private takeLarge(start: number, sequenceId: bigint): Outgoing {
    const b = this.batch;
    let pieces: Uint8Array[];
    let backing: Buffer | undefined;
    let length: number;
    if (b.hasChunks) {
      // Large binaries were not copied: keep them by reference, copy the few bytes
      // around them out of the batch, and leave the batch as it was before this message.
      const buf = b.buf.buffer;
      pieces = b.pieces(start + 4 + 3).map((p) => (p.buffer === buf ? Uint8Array.prototype.slice.call(p) : p));
      length = b.size - start - 4 - 3;
      b.length = start;
      b.clearChunks();
    } else {
      // Hand the big encoding over without copying it; the batch gets a fresh buffer.
      const data = b.buf.subarray(start + 4 + 3, b.length);
      backing = b.buf;
      b.buf = this.spares.pop() ?? Buffer.allocUnsafe(Math.max(Math.min(backing.length, BATCH_KEEP), 2 * (start - this.batchStart)));
      backing.copy(b.buf, 0, this.batchStart, start);
      b.length = start - this.batchStart;
      this.batchStart = 0;
      pieces = [data];
      length = data.length;
    }
    const count = Math.ceil(length / FRAGMENT_SIZE);
    this.fragmentBytes += length + count * (4 + FRAGMENT_HEADER_SIZE) + 1;
    return { pieces, backing, sequenceId, count, sent: 0, piece: 0, offset: 0 };
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.waitingForTransport) return;
    this.flushScheduled = true;
    // While the busy wait spins, its next turn flushes (before it may wait for a stream).
    if (!flushInTurn(this.flushNow)) setImmediate(this.flushNow);
  }

  private readonly flushNow = (): void => {
    this.flushScheduled = false;
    this.flush();
  };

  /** One turn: the batch of whole frames, then up to the budget of each fragmented job. */
  private flush(): void {
    if (this.stateValue === 'closed' || this.waitingForTransport) return;
    // One array kept for the chunks of every flush (the transport copies what it keeps).
    const chunks = this.flushChunks;
    let done: Buffer[] | undefined;
    if (this.batchBytes > 0) {
      // Hand the socket a view of the batch (no copy) and go on writing after it; the
      // buffer is replaced, never overwritten, once it is half used.
      const b = this.batch;
      chunks.push(b.buf.subarray(this.batchStart, b.length));
      if (b.length > b.buf.length >> 1) {
        b.buf = Buffer.allocUnsafe(b.buf.length > BATCH_KEEP ? 64 * 1024 : b.buf.length);
        b.length = 0;
      }
      this.batchStart = b.length;
    }
    for (const [key, q] of this.senders) {
      let budget = this.fragmentBudget;
      while (budget > 0) {
        const job = q.current;
        const i = job.sent;
        const first = i === 0;
        const head = Buffer.allocUnsafe(4 + FRAGMENT_HEADER_SIZE + (first ? 1 : 0));
        chunks.push(head);
        const n = takeFragment(job, chunks);
        head.writeUInt32BE(head.length - 4 + n, 0);
        writeFragmentHeader(head, 4, first, job.sequenceId, BigInt(job.count - i));
        if (first) head[4 + FRAGMENT_HEADER_SIZE] = 0; // no atom-cache refs
        job.sent++;
        budget -= n;
        this.fragmentBytes -= n + head.length;
        if (job.sent < job.count) continue;
        if (job.backing) (done ??= []).push(job.backing);
        // This job is done: release the sender's waiting frames up to its next big message.
        let next: Outgoing | undefined;
        while (q.waiting.length > 0) {
          const item = q.waiting.shift()!;
          if (Buffer.isBuffer(item)) {
            chunks.push(item);
            this.fragmentBytes -= item.length;
          } else {
            next = item;
            break;
          }
        }
        if (next) {
          q.current = next;
        } else {
          this.senders.delete(key);
          break;
        }
      }
    }
    if (chunks.length === 0) return;
    let ok = true;
    for (const c of chunks) this.stats.bytesOut += c.length;
    try {
      if (chunks.length === 1 && done === undefined) {
        // The everyday case, a batch of whole frames: a plain write (no cork, no writev).
        ok = this.transport.write(chunks[0]!);
      } else if (this.transport.writev) {
        // Once the socket has taken the bytes, finished jobs' buffers can be encoded into again.
        const finished = done;
        const reuse = finished ? () => this.recycle(finished) : undefined;
        ok = this.transport.writev(chunks, reuse);
      } else {
        for (const c of chunks) ok = this.transport.write(c) && ok;
      }
    } finally {
      chunks.length = 0;
    }
    this.ticker.wrote();
    // The socket's own buffer may hold up to `transportHighWater` before we wait for it.
    if (!ok && this.transport.pendingBytes >= this.transportHighWater) {
      this.waitingForTransport = true;
    } else if (this.senders.size > 0) {
      this.scheduleFlush();
    }
    this.checkDrain();
  }

  private recycle(buffers: Buffer[]): void {
    if (this.stateValue === 'closed') return;
    for (const b of buffers) {
      if (this.spares.length < MAX_SPARES && b.length <= MAX_SPARE_SIZE) this.spares.push(b);
    }
  }

  private transportDrained(): void {
    this.waitingForTransport = false;
    if (this.senders.size > 0 || this.batchBytes > 0) this.scheduleFlush();
    this.checkDrain();
  }

  private checkDrain(): void {
    if (this.needDrain && this.queuedBytes < this.highWaterMark) {
      this.needDrain = false;
      this.emit('drain');
    }
  }

  private writeTick(): void {
    if (this.stateValue === 'closed') return;
    this.stats.ticksOut++;
    this.stats.bytesOut += 4;
    this.transport.write(TICK_FRAME);
  }

  private receive(chunk: Buffer | undefined): void {
    if (this.stateValue === 'closed') return;
    if (chunk) {
      this.stats.bytesIn += chunk.length;
      this.reader.push(chunk);
    }
    this.ticker.read();
    if (this.listenerCount('message') === 0) {
      // Keep frames for the listener to come, but not without bound.
      if (this.reader.buffered < this.reader.maxFrame) return;
      if (!this.warnedNoListener) {
        this.warnedNoListener = true;
        this.logger.warn(`connection to ${this.peerName}: no 'message' listener; dropping messages`);
      }
    }
    try {
      const reader = this.reader;
      for (;;) {
        const buf = reader.nextInPlace(this.headerMode);
        if (buf === undefined) return;
        if (buf === TICK) continue;
        if (buf === SPLIT) {
          // A frame spread over socket chunks: a fragment continuation is reassembled
          // from the pieces without copying them first (the common case for big messages).
          const parts = reader.nextParts();
          if (byteOfParts(parts, 0) === VERSION_MAGIC && byteOfParts(parts, 1) === DIST_FRAG_CONT) {
            const whole = this.reassembler.continueParts(parts);
            if (whole) this.handleMessage(whole, 2);
          } else {
            const frame = Buffer.concat(parts);
            this.handleFrame(frame, 0, frame.length);
          }
        } else {
          this.handleFrame(buf, reader.frameStart, reader.frameEnd);
        }
        if (this.isClosed()) return;
      }
    } catch (e) {
      this.protocolError(e);
    }
  }

  /** The frame at `[start, end)` of `buf` (other bytes of `buf` are other frames'). */
  private handleFrame(buf: Buffer, start: number, end: number): void {
    if (end - start >= LARGE_FRAME) largeFrameReceived();
    // The everyday message, 131, 68, 0 and a control message readControl knows: read in place.
    const everyday =
      this.headerMode && end - start > 3 && buf[start] === VERSION_MAGIC && buf[start + 1] === DIST_HEADER && buf[start + 2] === 0;
    if (everyday && this.readInPlace(buf, start + 3, end, undefined)) return;
    const frame = start === 0 && end === buf.length ? buf : buf.subarray(start, end);
    if (everyday) return this.decodeMessage(frame, 3, undefined, this.decodeOptions);
    if (this.headerMode) {
      if (frame[0] !== VERSION_MAGIC) throw this.error('bad_header', `a frame starting with ${frame[0]}, not 131, while the distribution header is on`);
      const kind = frame[1];
      if (kind === DIST_HEADER) return this.handleMessage(frame, 2);
      let whole: Buffer | undefined;
      if (kind === DIST_FRAG_HEADER) whole = this.reassembler.start(frame);
      else if (kind === DIST_FRAG_CONT) whole = this.reassembler.continue(frame);
      else throw this.error('bad_header', `distribution header tag ${kind}, expected 68, 69 or 70`);
      if (whole) this.handleMessage(whole, 2);
      return;
    }
    if (frame[0] !== PASS_THROUGH) throw this.error('bad_header', `a frame starting with ${frame[0]}, not 112 ('p'), without the distribution header`);
    this.decodeMessage(frame, 1, undefined, this.passThroughOptions);
  }

  /**
   * The message at `[offset, end)` of `buf` (after `131, 68, 0`) when {@link readControl}
   * knows its control message: delivered, and true. False when it must be read the general
   * way (from the start again).
   */
  private readInPlace(buf: Buffer, offset: number, end: number, atoms: readonly Atom[] | undefined): boolean {
    const r = this.termReader;
    let options: DecodeOptions = this.decodeOptions;
    if (atoms) {
      this.atomOptions.atomRefs = atoms;
      options = this.atomOptions;
    }
    r.reset(buf, offset, options, end);
    let message: ControlMessage | undefined;
    try {
      message = readControl(r);
    } finally {
      r.release();
      this.atomOptions.atomRefs = undefined;
    }
    if (message === undefined) return false;
    if (r.offset !== end) throw this.error('trailing_bytes', `${end - r.offset} bytes after the message`);
    this.stats.messagesIn++;
    this.emitMessage(message);
    return true;
  }

  /** `buf[offset]` is NumberOfAtomCacheRefs of a `131,68` header. */
  private handleMessage(buf: Buffer, offset: number): void {
    if (buf[offset] === 0) {
      // No atom-cache refs (what beamlink and most peers send): nothing to read or keep.
      if (!this.readInPlace(buf, offset + 1, buf.length, undefined)) this.decodeMessage(buf, offset + 1, undefined, this.decodeOptions);
      return;
    }
    const header = readDistHeader(buf, offset, this.atomCache);
    if (!this.readInPlace(buf, header.offset, buf.length, header.atoms)) this.decodeMessage(buf, header.offset, header.atoms, this.decodeOptions);
  }

  /** The control message at `offset` of `buf`, its payload if the op has one, and nothing after. */
  private decodeMessage(
    buf: Buffer,
    offset: number,
    atoms: readonly Atom[] | undefined,
    options: { binaries?: BinaryMode; version?: boolean },
  ): void {
    const d = this.decoded;
    decodeTermInto(d, buf, offset, atoms, options, this.atomOptions);
    const control = d.term;
    let payload: Term | undefined;
    if (hasPayloadOf(control)) {
      decodeTermInto(d, buf, d.offset, atoms, options, this.atomOptions);
      payload = d.term;
    }
    const end = d.offset;
    d.term = null;
    if (end !== buf.length) throw this.error('trailing_bytes', `${buf.length - end} bytes after the message`);
    this.deliver(control, payload);
  }

  private deliver(control: Term, payload: Term | undefined): void {
    const message = fromWire(control, payload);
    this.stats.messagesIn++;
    this.emitMessage(message);
  }

  /**
   * `emit('message', m)`, but with one listener it is called directly: emit's lookup of the
   * listener is megamorphic (every emitter in the process shares it), ~100 instructions a
   * message. The listener is found again after any listener of 'message' is added or removed.
   */
  private emitMessage(m: ControlMessage): void {
    if (this.messageListenersChanged) {
      this.messageListenersChanged = false;
      const raw = this.rawListeners('message');
      this.messageListener = raw.length === 1 ? (raw[0] as (m: ControlMessage) => void) : undefined;
    }
    const f = this.messageListener;
    if (f !== undefined) f.call(this, m);
    else this.emit('message', m);
  }

  private error(reason: string, message: string): DistProtocolError {
    return new DistProtocolError(this.peerName, reason, message);
  }

  private protocolError(e: unknown): void {
    let error: Error;
    if (e instanceof DistProtocolError) error = e;
    else if (e instanceof FragmentError || e instanceof ControlDecodeError) error = this.error(e.reason, e.message);
    else if (e instanceof FrameTooLargeError) error = this.error('frame_too_large', e.message);
    else if (e instanceof Error && 'code' in e && e.code === 'BL_ERR_TERM_DECODE') error = this.error('bad_term', e.message);
    else if (e instanceof Error) error = this.error('internal', `${e.name}: ${e.message}`);
    else error = this.error('internal', String(e));
    this.logger.warn(`connection to ${this.peerName} closed: ${error.message}`);
    this.shutdown(atom('protocol_error'), error);
  }

  /** Changes net_ticktime for this connection (`net_kernel:set_net_ticktime/1`). */
  setTickTime(ms: number): void {
    this.ticker.setTickTime(ms);
  }

  /**
   * Closes the connection: queued bytes are dropped and `'close'` is emitted with
   * `reason` (an atom; default `connection_closed`).
   */
  close(reason = 'connection_closed'): void {
    if (this.stateValue === 'closed') return;
    this.shutdown(atom(reason));
  }

  private shutdown(reason: Term, error?: Error): void {
    if (this.stateValue === 'closed') return;
    this.stateValue = 'closed';
    this.ticker.stop();
    this.reader.clear();
    this.reassembler.clear();
    this.senders.clear();
    this.fragmentBytes = 0;
    this.batch = new Writer(16);
    this.batchStart = 0;
    this.spares = [];
    this.transport.close();
    this.emit('close', reason, error);
    this.removeAllListeners('message');
    this.removeAllListeners('drain');
  }

  /**
   * Traffic so far: bytes read from and written to the wire after the handshake (ticks
   * and, where the transport knows them, fragment headers included), messages each way
   * and ticks sent — as `erlang:dist_get_stat/1` gives them on BEAM.
   *
   * @example
   * ```ts
   * conn.counters(); // { bytesIn: 1032, bytesOut: 88, messagesIn: 7, messagesOut: 1, ticksOut: 0 }
   * ```
   */
  counters(): { bytesIn: number; bytesOut: number; messagesIn: number; messagesOut: number; ticksOut: number } {
    return {
      ...this.stats,
      // What came off the wire: fragments read straight into a message skip the connection.
      bytesIn: this.readBase === undefined ? this.stats.bytesIn : (this.transport.bytesRead ?? 0) - this.readBase,
    };
  }

  /** The connection as plain JSON, for the observer. */
  inspect(): Record<string, unknown> {
    return {
      state: this.stateValue,
      localName: this.localName,
      peerName: this.peerName,
      peerCreation: this.peerCreation,
      flags: hexFlags(this.flags),
      peerFlags: hexFlags(this.peerFlags),
      framing: this.headerMode ? 'dist_header' : 'pass_through',
      tickTimeMs: this.ticker.tickTime,
      transport: this.transport.description,
      queuedBytes: this.queuedBytes,
      fragmentedOutgoing: [...this.senders.values()].reduce((n, q) => n + 1 + q.waiting.filter((w) => !Buffer.isBuffer(w)).length, 0),
      reassembling: this.reassembler.pending,
      reassemblyBytes: this.reassembler.bufferedBytes,
      ...this.counters(),
    };
  }
}

/** Appends views of the job's next fragment (up to {@link FRAGMENT_SIZE} bytes) to `out`; returns its size. */
function takeFragment(job: Outgoing, out: Uint8Array[]): number {
  let want = FRAGMENT_SIZE;
  while (want > 0 && job.piece < job.pieces.length) {
    const p = job.pieces[job.piece]!;
    const n = Math.min(want, p.length - job.offset);
    out.push(job.offset === 0 && n === p.length ? p : p.subarray(job.offset, job.offset + n));
    want -= n;
    job.offset += n;
    if (job.offset === p.length) {
      job.piece++;
      job.offset = 0;
    }
  }
  return FRAGMENT_SIZE - want;
}

function byteOfParts(parts: readonly Buffer[], i: number): number | undefined {
  for (const p of parts) {
    if (i < p.length) return p[i];
    i -= p.length;
  }
  return undefined;
}

function hasPayloadOf(control: Term): boolean {
  if (typeof control !== 'object' || control === null || !('elements' in control)) return false;
  const op = (control.elements as readonly Term[])[0];
  return typeof op === 'number' && hasPayload(op);
}

function senderKey(message: ControlMessage): string {
  if ('from' in message && message.from !== undefined) {
    const from = message.from;
    return 'key' in from ? from.key : from.name;
  }
  return '';
}

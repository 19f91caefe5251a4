/**
 * Socket reads through `net`'s `onread` option, so that the kernel writes a large
 * message's bytes straight into the buffer the message is decoded from.
 *
 * Reads go into a 64 KiB buffer (1 KiB until a read fills it: the handshake and a
 * connection's first messages are small): a read of 16 KiB or more is handed on as a view of it
 * (the next read gets a fresh one, as each of Node's own reads does), a smaller one as a
 * copy, its buffer reused. Once the connection runs 4-byte frames (its FrameReader says
 * so, see `FrameSource` in framing.ts), the stream is followed frame by frame: when a
 * fragmented message starts (`131, 69`, FragmentId > 1), its data and that of each
 * continuation (`131, 70`, same SequenceId, the next FragmentId) is read straight into
 * one buffer laid out as a whole frame, `Len:32, 131, 68, data`, and that frame is handed
 * on in one piece when the last fragment arrives: the connection decodes it as a whole
 * message, as if its reassembler had built it, without the JavaScript copy of each
 * fragment and without a 64 KiB read buffer per read. Each such read also asks for the
 * next frame's 22 header bytes, so a fragment costs one read. Everything else (other
 * frames, fragments of other senders, ticks) is handed on as read. A sequence that stops
 * being regular (a second first fragment, an unexpected FragmentId, a message over the
 * reader's `maxFrame`) is handed over to the connection's reassembler as one first
 * fragment holding the data so far, which then applies its own checks and limits.
 *
 * Node has `onread` for sockets it connects ({@link connectSocket} in transport.ts); an
 * accepted socket gets it by re-wrapping its handle ({@link acceptedWithDirectReads}),
 * which uses Node's private `socket._handle` and falls back to ordinary reads without it.
 *
 * @module
 */
import { noteReadBytes } from './busy-wait.ts';
import { DEFAULT_MAX_FRAME, registerFrameSource, type FrameReader } from './framing.ts';

/** 4-byte length, then `131, 69|70, SequenceId:64, FragmentId:64`. */
const H = 22;
/** Size of a read buffer once the connection has had a read that filled a small one. */
const SLAB = 64 * 1024;
/**
 * Size of the read buffer until then: handshake messages and the first messages of a
 * connection are a few hundred bytes, and a 64 KiB buffer made per read of the handshake
 * costs more than the rest of the read (a fresh one per connection, and per handshake read).
 */
const SMALL_SLAB = 1024;
/** A read smaller than this is handed on as a copy and its buffer reused (no 64 KiB pinned by a small read). */
const COPY_BELOW = 16 * 1024;
/** Largest buffer allocated up front for a message (the rest grows as it arrives). */
const PREALLOCATE_MAX = 16 * 1024 * 1024;
/** Largest fragment frame read straight into a message (BEAM's are 64 KiB + 18). */
const MAX_FRAGMENT_FRAME = 1024 * 1024;
const EMPTY = Buffer.alloc(0);

let wholeMessages = 0;

/**
 * How many messages this process has received read straight into their buffer (for
 * tests and diagnostics).
 *
 * @example
 * ```ts
 * const before = directReadMessages(); // ... receive a 1 MiB binary over TCP
 * directReadMessages() - before; // 1
 * ```
 */
export function directReadMessages(): number {
  return wholeMessages;
}

const SLAB_READ = 0;
const HEAD_READ = 1;
const MESSAGE_READ = 2;

/** What to do with a frame whose header is known. */
const RAW = 0;
const DIRECT = 1;
const HAND_OVER = 2;

/**
 * The read side of one socket (see the module doc). `onread` goes to `net.connect` or
 * `new net.Socket`; the transport sets `deliver`.
 *
 * @example
 * ```ts
 * const reads = new DirectReads();
 * const socket = net.connect({ port, host, onread: reads.onread });
 * reads.deliver = (chunk) => reader.push(chunk);
 * ```
 */
export class DirectReads {
  /** Receives the stream's bytes in order (views; an empty one means "bytes arrived"). */
  deliver: (chunk: Buffer) => void = () => {};
  /** Reads handed on whole as messages (for tests and inspection). */
  messages = 0;
  private framed = false;
  /** The reader's limit (read live: the connection sets it after the switch). */
  private limits: { maxFrame: number } = { maxFrame: DEFAULT_MAX_FRAME };
  private slab = Buffer.allocUnsafeSlow(SMALL_SLAB);
  private into = SLAB_READ;
  /** Bytes of the current frame still to pass through as read. */
  private rawLeft = 0;
  /** Header bytes of the next frame, collected but not yet handed on (made when framing starts, as the two below). */
  private head = EMPTY;
  private headN = 0;
  /** The message read straight into `msg[6..msgOff)`. */
  private msg: Buffer | undefined;
  private msgOff = 0;
  private seq = 0n;
  private nextId = 0n;
  /** Data bytes of the current fragment still to come into `msg`. */
  private left = 0;
  private headRead = EMPTY;
  /** Sequences handed on as read (the reassembler has them): their next FragmentId. */
  private readonly elsewhere = new Map<bigint, bigint>();

  /** For `net.connect({ onread })` / `new Socket({ onread })`. */
  readonly onread = {
    buffer: (): Uint8Array => this.target(),
    callback: (n: number): boolean => {
      noteReadBytes(n);
      this.read(n);
      return true;
    },
  };

  constructor() {
    registerFrameSource(this.slab.buffer, this);
  }

  /**
   * Called by the {@link FrameReader} these bytes go to when it switches to 4-byte frames,
   * with a copy of the bytes it holds (they start at a frame boundary): the stream is
   * followed from there. When they end inside a frame's 4-byte length, reads go on being
   * handed on as they are.
   */
  startFraming(reader: FrameReader, pending: Buffer): void {
    this.head = Buffer.allocUnsafe(H);
    this.headRead = Buffer.allocUnsafe(H);
    let i = 0;
    while (i < pending.length) {
      if (pending.length - i < H) return; // the frame's kind is unknown: stay as is
      this.note(pending, i);
      const end = i + 4 + pending.readUInt32BE(i);
      if (end > pending.length) this.rawLeft = end - pending.length;
      i = end;
    }
    this.framed = true;
    this.limits = reader;
  }

  private target(): Uint8Array {
    if (this.left > 0) {
      const msg = this.msg!;
      this.into = MESSAGE_READ;
      return msg.subarray(this.msgOff, Math.min(msg.length, this.msgOff + this.left + H));
    }
    if (this.framed && this.msg !== undefined) {
      // Between two fragments of a message: read just the next header.
      this.into = HEAD_READ;
      return this.headRead.subarray(0, H - this.headN);
    }
    this.into = SLAB_READ;
    return this.slab;
  }

  private read(n: number): void {
    if (this.into === MESSAGE_READ) {
      const msg = this.msg!;
      const data = Math.min(n, this.left);
      this.msgOff += data;
      this.left -= data;
      const ahead = n > data ? Buffer.from(msg.subarray(this.msgOff, this.msgOff + n - data)) : undefined;
      if (this.left > 0 || !this.fragmentDone()) this.deliver(EMPTY);
      if (ahead) this.scan(ahead);
      return;
    }
    if (this.into === HEAD_READ) {
      this.scan(Buffer.from(this.headRead.subarray(0, n)));
      return;
    }
    const full = n === this.slab.length;
    if (this.framed && n < COPY_BELOW) {
      const copy = Buffer.from(this.slab.subarray(0, n));
      // A read that filled the small buffer: there is traffic, read in 64 KiB from now on.
      if (full && n < SLAB) this.slab = Buffer.allocUnsafeSlow(SLAB);
      return this.scan(copy);
    }
    // A large read (or one of the handshake's, which the reader recognizes by its buffer)
    // is handed on as a view; the next read gets a fresh buffer.
    const chunk = this.slab.subarray(0, n);
    this.slab = Buffer.allocUnsafeSlow(this.framed || full ? SLAB : SMALL_SLAB);
    if (this.framed) return this.scan(chunk);
    registerFrameSource(this.slab.buffer, this);
    this.deliver(chunk);
  }

  /** Follows frames through `c` (bytes not yet handed on). */
  private scan(c: Buffer): void {
    let i = 0;
    let from = 0; // start of the bytes of `c` not yet handed on
    while (i < c.length) {
      if (this.left > 0) {
        // Data of a direct fragment that came with other bytes: into the message.
        const k = Math.min(this.left, c.length - i);
        c.copy(this.msg!, this.msgOff, i, i + k);
        this.msgOff += k;
        this.left -= k;
        i += k;
        from = i;
        if (this.left === 0) this.fragmentDone();
        continue;
      }
      if (this.rawLeft > 0) {
        const k = Math.min(this.rawLeft, c.length - i);
        this.rawLeft -= k;
        i += k;
        continue;
      }
      if (this.headN === 0 && c.length - i >= H) {
        const what = this.decide(c, i);
        if (what === DIRECT) {
          if (i > from) this.deliver(c.subarray(from, i));
          this.begin(c, i);
          i += H;
          from = i;
          continue;
        }
        if (what === HAND_OVER) {
          if (i > from) this.deliver(c.subarray(from, i));
          from = i;
          this.handOver();
        }
        this.rawLeft = c.readUInt32BE(i) + 4;
        continue;
      }
      // A header split over reads: collect it.
      if (this.headN === 0 && i > from) this.deliver(c.subarray(from, i));
      const k = Math.min(H - this.headN, c.length - i);
      c.copy(this.head, this.headN, i, i + k);
      this.headN += k;
      i += k;
      from = i;
      if (this.headN >= 4 && this.head.readUInt32BE(0) + 4 <= this.headN) {
        // A frame shorter than a fragment header (a tick, a small message): hand it on.
        const end = this.head.readUInt32BE(0) + 4;
        const whole = Buffer.from(this.head.subarray(0, end));
        const rest = Buffer.from(this.head.subarray(end, this.headN));
        this.headN = 0;
        this.deliver(whole);
        if (rest.length > 0) this.scan(rest);
      } else if (this.headN === H) {
        this.headComplete();
      }
    }
    if (i > from) this.deliver(c.subarray(from, i));
  }

  /** The `head` holds a whole fragment-sized header of a frame longer than it. */
  private headComplete(): void {
    const h = Buffer.from(this.head);
    this.headN = 0;
    const what = this.decide(h, 0);
    if (what === DIRECT) return this.begin(h, 0);
    if (what === HAND_OVER) this.handOver();
    this.deliver(h);
    this.rawLeft = h.readUInt32BE(0) + 4 - H;
  }

  /** `c[i..i+22)` is a frame's header: read it straight into a message, or not. */
  private decide(c: Buffer, i: number): number {
    const len = c.readUInt32BE(i);
    if (len < 18 || c[i + 4] !== 131) return RAW;
    const tag = c[i + 5];
    if (tag !== 69 && tag !== 70) return RAW;
    const seq = c.readBigUInt64BE(i + 6);
    const id = c.readBigUInt64BE(i + 14);
    const data = len - 18;
    if (this.msg !== undefined && seq === this.seq) {
      const fits = data > 0 && len <= MAX_FRAGMENT_FRAME && this.msgOff - 4 + data <= this.limits.maxFrame;
      return tag === 70 && id === this.nextId && fits ? DIRECT : HAND_OVER;
    }
    if (
      this.msg === undefined &&
      tag === 69 &&
      id >= 2n &&
      data > 0 &&
      len <= MAX_FRAGMENT_FRAME &&
      // A claim past maxFrame goes to the reassembler, which refuses or bounds it.
      id <= BigInt(Math.ceil(this.limits.maxFrame / data)) &&
      !this.elsewhere.has(seq)
    ) {
      return DIRECT;
    }
    this.note(c, i);
    return RAW;
  }

  /** A fragment handed on as read: keep track of the reassembler's sequences, never to take one over. */
  private note(c: Buffer, i: number): void {
    if (c.readUInt32BE(i) < 18 || c[i + 4] !== 131) return;
    const tag = c[i + 5];
    const seq = c.readBigUInt64BE(i + 6);
    const id = c.readBigUInt64BE(i + 14);
    if (tag === 69 && id >= 2n && !this.elsewhere.has(seq)) this.elsewhere.set(seq, id - 1n);
    else if (tag === 70 && this.elsewhere.get(seq) === id) {
      if (id <= 1n) this.elsewhere.delete(seq);
      else this.elsewhere.set(seq, id - 1n);
    }
  }

  private begin(c: Buffer, i: number): void {
    const data = c.readUInt32BE(i) - 18;
    const id = c.readBigUInt64BE(i + 14);
    if (c[i + 5] === 69) {
      this.seq = c.readBigUInt64BE(i + 6);
      const room = Math.min(data * Number(id), PREALLOCATE_MAX);
      this.msg = Buffer.allocUnsafe(6 + room + H);
      this.msg[4] = 131;
      this.msg[5] = 68;
      this.msgOff = 6;
    } else if (this.msgOff + data + H > this.msg!.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.msgOff + data + H, 2 * this.msg!.length));
      this.msg!.copy(grown, 0, 0, this.msgOff);
      this.msg = grown;
    }
    this.nextId = id - 1n;
    this.left = data;
  }

  /** The current fragment is complete; hands the message on if it was the last. */
  private fragmentDone(): boolean {
    if (this.nextId !== 0n) return false;
    const msg = this.msg!;
    this.msg = undefined;
    msg.writeUInt32BE(this.msgOff - 4, 0);
    this.messages++;
    wholeMessages++;
    this.deliver(msg.subarray(0, this.msgOff));
    return true;
  }

  /** Hands the message so far to the reassembler as one first fragment. */
  private handOver(): void {
    const msg = this.msg!;
    this.msg = undefined;
    const data = this.msgOff - 6;
    const f = Buffer.allocUnsafe(H + data);
    f.writeUInt32BE(18 + data, 0);
    f[4] = 131;
    f[5] = 69;
    f.writeBigUInt64BE(this.seq, 6);
    f.writeBigUInt64BE(this.nextId + 1n, 14);
    msg.copy(f, H, 6, this.msgOff);
    this.deliver(f);
  }
}

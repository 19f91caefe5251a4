/**
 * Length-prefixed frames (erl_dist_protocol): a 2-byte length during the handshake, a
 * 4-byte length after it, and the zero-length frame as the tick (keepalive).
 *
 * {@link FrameReader} is pull-based: bytes are pushed as they arrive and frames pulled
 * one at a time, so the handshake can take exactly its frames and switch to 4-byte
 * lengths without losing what arrived behind them. A frame that lies inside one chunk is
 * returned as a view of it (no copy); a frame split over chunks is copied once.
 *
 * @see https://www.erlang.org/doc/apps/erts/erl_dist_protocol.html#protocol-between-connected-nodes
 * @module
 */

/**
 * The tick: what {@link FrameReader.next} returns for a zero-length frame.
 *
 * @example
 * ```ts
 * const f = reader.next();
 * if (f === TICK) return; // keep-alive only
 * ```
 */
export const TICK: unique symbol = Symbol('tick');

/**
 * The 4 zero bytes of a tick frame.
 *
 * @example
 * ```ts
 * transport.write(TICK_FRAME); // answer a tick
 * ```
 */
export const TICK_FRAME: Buffer = Buffer.alloc(4);

/**
 * What {@link FrameReader.nextInPlace} returns, when asked to, for a whole frame spread over
 * several received chunks (take it with {@link FrameReader.nextParts}).
 *
 * @example
 * ```ts
 * const f = reader.nextInPlace(true);
 * if (f === SPLIT) handle(reader.nextParts());
 * ```
 */
export const SPLIT: unique symbol = Symbol('split');

/**
 * Default largest frame accepted after the handshake (fragments keep real ones at 64 KiB).
 *
 * @example
 * ```ts
 * const reader = new FrameReader(4, DEFAULT_MAX_FRAME);
 * ```
 */
export const DEFAULT_MAX_FRAME = 256 * 1024 * 1024;

/**
 * A frame length the reader refuses; {@link FrameReader.next} throws it.
 *
 * @example
 * ```ts
 * try { reader.next(); } catch (e) { if (e instanceof FrameTooLargeError) console.log(e.length); }
 * ```
 */
export class FrameTooLargeError extends RangeError {
  readonly length: number;
  readonly max: number;

  constructor(length: number, max: number) {
    super(`frame of ${length} bytes exceeds the limit of ${max} bytes`);
    this.length = length;
    this.max = max;
  }
}

/**
 * Where a reader's bytes come from, when that source can follow frames itself once
 * 4-byte framing starts (DirectReads in direct-reads.ts).
 *
 * @example
 * ```ts
 * const source: FrameSource = { startFraming: (reader, pending) => {} };
 * registerFrameSource(readBuffer.buffer, source);
 * ```
 */
export interface FrameSource {
  /** The reader switched to 4-byte frames holding `pending` (a copy), bytes not yet framed. */
  startFraming(reader: FrameReader, pending: Buffer): void;
}

const frameSources = new WeakMap<ArrayBufferLike, FrameSource>();

/**
 * Declares that chunks backed by `buffer` come from `source`: a {@link FrameReader}
 * pushed such a chunk during the handshake tells `source` when 4-byte framing starts.
 *
 * @example
 * ```ts
 * registerFrameSource(slab.buffer, directReads);
 * ```
 */
export function registerFrameSource(buffer: ArrayBufferLike, source: FrameSource): void {
  frameSources.set(buffer, source);
}

/**
 * Splits a byte stream into frames.
 *
 * @example
 * ```ts
 * const reader = new FrameReader(2);
 * reader.push(chunk);
 * const frame = reader.next(); // Buffer, TICK, or undefined when more bytes are needed
 * reader.headerSize = 4;        // after the handshake
 * ```
 */
export class FrameReader {
  /** Largest frame accepted when `headerSize` is 4. */
  maxFrame: number;
  private chunks: Buffer[] = [];
  private head = 0;
  private offset = 0;
  private total = 0;
  private hs: 2 | 4;
  /** Where the handshake's chunks came from, if it can follow frames (see FrameSource). */
  private source: FrameSource | undefined;

  constructor(headerSize: 2 | 4 = 2, maxFrame = DEFAULT_MAX_FRAME) {
    this.hs = headerSize;
    this.maxFrame = maxFrame;
  }

  /** 2 during the handshake, 4 after it (the switch tells the chunks' source, if any). */
  get headerSize(): 2 | 4 {
    return this.hs;
  }

  set headerSize(size: 2 | 4) {
    const starts = this.hs === 2 && size === 4;
    this.hs = size;
    if (starts && this.source) {
      const source = this.source;
      this.source = undefined;
      source.startFraming(this, this.total === 0 ? Buffer.alloc(0) : this.peekAll());
    }
  }

  /** Bytes received and not yet returned as frames. */
  get buffered(): number {
    return this.total;
  }

  /** Adds received bytes. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.hs === 2 && this.source === undefined) this.source = frameSources.get(chunk.buffer);
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  /** A copy of the bytes buffered. */
  private peekAll(): Buffer {
    const out = Buffer.allocUnsafe(this.total);
    let at = 0;
    for (let i = this.head; i < this.chunks.length; i++) {
      const c = this.chunks[i]!;
      at += c.copy(out, at, i === this.head ? this.offset : 0);
    }
    return out;
  }

  /** Drops every buffered byte (on close). */
  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.offset = 0;
    this.total = 0;
  }

  /**
   * The next whole frame: its payload, {@link TICK} for a zero-length frame, or
   * `undefined` when more bytes are needed. Throws {@link FrameTooLargeError} for a
   * length over `maxFrame` (the reader is then unusable: close the connection).
   */
  next(): Buffer | typeof TICK | undefined {
    const f = this.nextInPlace() as Buffer | typeof TICK | undefined; // no SPLIT without asking
    if (f === undefined || f === TICK) return f;
    return this.frameStart === 0 && this.frameEnd === f.length ? f : f.subarray(this.frameStart, this.frameEnd);
  }

  /** Where the frame {@link FrameReader.nextInPlace} returned starts in the buffer it returned. */
  frameStart = 0;
  /** Where that frame ends (exclusive). */
  frameEnd = 0;

  /**
   * {@link FrameReader.next} without a view per frame: the buffer that holds the next whole
   * frame — the received chunk itself when the frame lies inside it, else a copy — with the
   * frame at `[frameStart, frameEnd)` of it; {@link TICK} for a zero-length frame; or
   * `undefined` when more bytes are needed. Bytes of the buffer outside that range belong to
   * other frames. With `split`, a frame spread over received chunks is left in place and
   * {@link SPLIT} returned (see {@link FrameReader.nextParts}) instead of copied.
   */
  nextInPlace(split = false): Buffer | typeof TICK | typeof SPLIT | undefined {
    const hs = this.hs;
    if (this.total < hs) return undefined;
    const first = this.chunks[this.head]!;
    const length =
      first.length - this.offset >= hs
        ? hs === 4
          ? first.readUInt32BE(this.offset)
          : first.readUInt16BE(this.offset)
        : hs === 2
          ? this.peekU16()
          : this.peekU32();
    if (hs === 4 && length > this.maxFrame) throw new FrameTooLargeError(length, this.maxFrame);
    if (this.total < hs + length) return undefined;
    if (length === 0) {
      this.skip(hs);
      return TICK;
    }
    const start = this.offset + hs;
    if (start + length <= first.length) {
      this.total -= hs + length;
      this.frameStart = start;
      this.frameEnd = start + length;
      this.offset = start + length;
      if (this.offset === first.length) this.advanceChunk();
      return first;
    }
    if (split) return SPLIT;
    this.skip(hs);
    this.frameStart = 0;
    this.frameEnd = length;
    return this.take(length);
  }

  /**
   * Whether the next frame is whole in the buffer but spread over several received
   * chunks, so that {@link FrameReader.next} would copy it; {@link FrameReader.nextParts}
   * can take it without copying.
   */
  nextIsSplit(): boolean {
    const hs = this.hs;
    if (this.total < hs) return false;
    const length = hs === 2 ? this.peekU16() : this.peekU32();
    if (length === 0 || length > this.maxFrame || this.total < hs + length) return false;
    return this.chunks[this.head]!.length - this.offset < hs + length;
  }

  /** The next frame's payload as views of the received chunks (only after `nextIsSplit()`). */
  nextParts(): Buffer[] {
    const hs = this.hs;
    const length = hs === 2 ? this.peekU16() : this.peekU32();
    this.skip(hs);
    this.total -= length;
    const parts: Buffer[] = [];
    let n = length;
    while (n > 0) {
      const c = this.chunks[this.head]!;
      const avail = c.length - this.offset;
      const want = Math.min(avail, n);
      parts.push(c.subarray(this.offset, this.offset + want));
      n -= want;
      if (want === avail) this.advanceChunk();
      else this.offset += want;
    }
    return parts;
  }

  private byteAt(i: number): number {
    let idx = this.head;
    let off = this.offset + i;
    for (;;) {
      const c = this.chunks[idx]!;
      if (off < c.length) return c[off]!;
      off -= c.length;
      idx++;
    }
  }

  private peekU16(): number {
    const c = this.chunks[this.head]!;
    if (c.length - this.offset >= 2) return c.readUInt16BE(this.offset);
    return (this.byteAt(0) << 8) | this.byteAt(1);
  }

  private peekU32(): number {
    const c = this.chunks[this.head]!;
    if (c.length - this.offset >= 4) return c.readUInt32BE(this.offset);
    return (
      ((this.byteAt(0) << 24) | (this.byteAt(1) << 16) | (this.byteAt(2) << 8) | this.byteAt(3)) >>>
      0
    );
  }

  private skip(n: number): void {
    this.total -= n;
    while (n > 0) {
      const c = this.chunks[this.head]!;
      const left = c.length - this.offset;
      if (n < left) {
        this.offset += n;
        return;
      }
      n -= left;
      this.advanceChunk();
    }
  }

  private advanceChunk(): void {
    this.chunks[this.head] = undefined as unknown as Buffer;
    this.head++;
    this.offset = 0;
    if (this.head === this.chunks.length) {
      this.chunks = [];
      this.head = 0;
    } else if (this.head > 1024) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }

  private take(n: number): Buffer {
    this.total -= n;
    const first = this.chunks[this.head]!;
    const left = first.length - this.offset;
    if (n <= left) {
      const out = first.subarray(this.offset, this.offset + n);
      this.offset += n;
      if (this.offset === first.length) this.advanceChunk();
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[this.head]!;
      const avail = c.length - this.offset;
      const want = Math.min(avail, n - filled);
      c.copy(out, filled, this.offset, this.offset + want);
      filled += want;
      if (want === avail) this.advanceChunk();
      else this.offset += want;
    }
    return out;
  }
}

/**
 * A handshake frame: `Length:16` then the payload.
 *
 * @example
 * ```ts
 * transport.write(frame2(encodeStatus({ status: 'ok' }))); // <<0,3,"sok">>
 * ```
 */
export function frame2(payload: Uint8Array): Buffer {
  if (payload.length > 0xffff) throw new RangeError('handshake frame over 65535 bytes');
  const out = Buffer.allocUnsafe(2 + payload.length);
  out.writeUInt16BE(payload.length, 0);
  out.set(payload, 2);
  return out;
}

/**
 * A connected-state frame: `Length:32` then the payload.
 *
 * @example
 * ```ts
 * frame4(Buffer.of(112)); // <<0,0,0,1,112>>
 * ```
 */
export function frame4(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(4 + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.set(payload, 4);
  return out;
}

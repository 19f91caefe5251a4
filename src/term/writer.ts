/**
 * A growable byte buffer with chainable big-endian writes, reused between messages
 * (postgres.js `bytes.js`): the encoder and the distribution layer write into one
 * `Writer`, then take the bytes with {@link Writer.copy} or {@link Writer.view}.
 *
 * @module
 */

// Buffer from node:buffer, not the global: globalThis.Buffer is a getter, called on each
// use in a hot path.
import { Buffer } from 'node:buffer';

const INITIAL_SIZE = 1024;

/**
 * A reusable output buffer. Writes grow it (doubling) as needed; {@link Writer.reset}
 * rewinds it without freeing the memory, so a hot path allocates nothing per message.
 *
 * @example
 * ```ts
 * const w = new Writer();
 * w.u8(131).u8(68).u8(0);        // a dist header with no atom cache refs
 * encodeInto(w, controlTuple);   // terms without the version byte
 * encodeInto(w, payload);
 * socket.write(w.copy());
 * w.reset();
 * ```
 */
export class Writer {
  /** The backing store; valid bytes are `buf[0 .. length)`. Grows, so do not hold on to it. */
  buf: Buffer;
  /** How many bytes have been written to `buf`. */
  length = 0;
  /**
   * When set, {@link Writer.bytes} keeps arrays of 64 KiB or more by reference instead of
   * copying them, and {@link Writer.copy} assembles the output: one copy of a large binary
   * instead of two. Only for callers that take the result with `copy()` before the
   * referenced arrays can change (`encode()` does).
   */
  deferLarge = false;
  private chunks: { at: number; data: Uint8Array }[] | undefined = undefined;
  private deferred = 0;

  constructor(initialSize = INITIAL_SIZE) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialSize));
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): this {
    const need = this.length + n;
    if (need > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < need) size *= 2;
      const next = Buffer.allocUnsafe(size);
      this.buf.copy(next, 0, 0, this.length);
      this.buf = next;
    }
    return this;
  }

  /** Everything written, deferred chunks included. */
  get size(): number {
    return this.length + this.deferred;
  }

  /** Rewinds to empty, keeping the memory (shrinking it back when it grew past `keep`). */
  reset(keep = 4 << 20): this {
    this.length = 0;
    this.chunks = undefined;
    this.deferred = 0;
    if (this.buf.length > keep) this.buf = Buffer.allocUnsafe(INITIAL_SIZE);
    return this;
  }

  /** Drops everything written after `length` (as measured by `this.length`). */
  truncate(length: number): this {
    this.length = length;
    if (this.chunks !== undefined) {
      this.chunks = this.chunks.filter((c) => c.at < length);
      this.deferred = this.chunks.reduce((n, c) => n + c.data.length, 0);
    }
    return this;
  }

  /** An unsigned byte. */
  u8(v: number): this {
    if (this.length + 1 > this.buf.length) this.ensure(1);
    this.buf[this.length++] = v;
    return this;
  }

  /** An unsigned 16-bit big-endian integer. */
  u16(v: number): this {
    if (this.length + 2 > this.buf.length) this.ensure(2);
    const b = this.buf;
    b[this.length] = v >>> 8;
    b[this.length + 1] = v & 0xff;
    this.length += 2;
    return this;
  }

  /** An unsigned 32-bit big-endian integer. */
  u32(v: number): this {
    if (this.length + 4 > this.buf.length) this.ensure(4);
    const b = this.buf;
    const o = this.length;
    b[o] = v >>> 24;
    b[o + 1] = (v >>> 16) & 0xff;
    b[o + 2] = (v >>> 8) & 0xff;
    b[o + 3] = v & 0xff;
    this.length = o + 4;
    return this;
  }

  /** A signed 32-bit big-endian integer. */
  i32(v: number): this {
    return this.u32(v >>> 0);
  }

  /** An unsigned 64-bit big-endian integer. */
  u64(v: bigint): this {
    this.ensure(8);
    this.buf.writeBigUInt64BE(v, this.length);
    this.length += 8;
    return this;
  }

  /** A float64, big-endian (NEW_FLOAT_EXT's payload). */
  f64(v: number): this {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.length);
    this.length += 8;
    return this;
  }

  /** Raw bytes. */
  bytes(data: Uint8Array): this {
    const n = data.length;
    if (n >= 65536 && this.deferLarge) {
      (this.chunks ??= []).push({ at: this.length, data });
      this.deferred += n;
      return this;
    }
    this.ensure(n);
    if (n < 32) {
      const b = this.buf;
      let o = this.length;
      for (let i = 0; i < n; i++) b[o++] = data[i]!;
    } else {
      this.buf.set(data, this.length);
    }
    this.length += n;
    return this;
  }

  /** A string as UTF-8 (no length prefix); returns the writer. See {@link Writer.utf8Length}. */
  utf8(text: string): this {
    this.ensure(text.length * 3);
    this.length += this.buf.write(text, this.length, 'utf8');
    return this;
  }

  /** Overwrites a 32-bit big-endian integer at `offset` (back-patching a length). */
  setU32(offset: number, v: number): this {
    this.buf.writeUInt32BE(v >>> 0, offset);
    return this;
  }

  /** Whether large arrays were deferred (see {@link Writer.deferLarge}). */
  get hasChunks(): boolean {
    return this.chunks !== undefined;
  }

  /** Forgets deferred arrays (keeps what was written to `buf`). */
  clearChunks(): void {
    this.chunks = undefined;
    this.deferred = 0;
  }

  /** A copy of the bytes written from `start` on: safe to keep after {@link Writer.reset}. */
  copy(start = 0): Buffer {
    if (this.chunks !== undefined) return this.assemble(start);
    const n = this.length - start;
    const out = Buffer.allocUnsafe(n);
    if (n <= 64) {
      const b = this.buf;
      for (let i = 0; i < n; i++) out[i] = b[start + i]!;
    } else {
      this.buf.copy(out, 0, start, this.length);
    }
    return out;
  }

  private assemble(start = 0): Buffer {
    const out = Buffer.allocUnsafe(this.size - start);
    let from = start;
    let to = 0;
    for (const c of this.chunks!) {
      to += this.buf.copy(out, to, from, c.at);
      from = c.at;
      out.set(c.data, to);
      to += c.data.length;
    }
    this.buf.copy(out, to, from, this.length);
    return out;
  }

  /**
   * The bytes written from `start` on as pieces, in order, without assembling them:
   * views of this writer's buffer between the deferred arrays, and the deferred arrays
   * themselves (see {@link Writer.deferLarge}; not copied). Their concatenation is what
   * {@link Writer.copy} returns. The views are valid only until the next write or reset;
   * the deferred arrays are the caller's own (their bytes go out as they are when sent).
   *
   * @example
   * ```ts
   * const w = new Writer();
   * w.deferLarge = true;
   * w.u8(131);
   * encodeInto(w, tuple(atom('file'), bigBinary)); // bigBinary: 1 MiB
   * w.pieces(); // [<83 68 02 77 04 ... 6d 00 10 00 00>, bigBinary]
   * ```
   */
  pieces(start = 0): Uint8Array[] {
    const out: Uint8Array[] = [];
    let from = start;
    if (this.chunks !== undefined) {
      for (const c of this.chunks) {
        if (c.at < start) continue;
        if (c.at > from) out.push(this.buf.subarray(from, c.at));
        out.push(c.data);
        from = c.at;
      }
    }
    if (this.length > from || out.length === 0) out.push(this.buf.subarray(from, this.length));
    return out;
  }

  /**
   * A view of the bytes written so far: valid only until the next write or reset. (With
   * deferred chunks, a fresh copy.)
   */
  view(start = 0): Buffer {
    if (this.chunks !== undefined) return this.assemble(start);
    return this.buf.subarray(start, this.length);
  }
}

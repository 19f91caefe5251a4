/**
 * Fragmented messages (erl_ext_dist, "Distribution Header for Fragmented Messages";
 * DFLAG_FRAGMENTS, OTP 22+).
 *
 * ```
 * first:        131, 69, SequenceId:64, FragmentId:64, NumberOfAtomCacheRefs, [Flags, Refs…], data…
 * continuation: 131, 70, SequenceId:64, FragmentId:64, data…
 * ```
 *
 * FragmentId counts down to 1; the first fragment's id is the number of fragments.
 * SequenceId identifies the sending process (BEAM uses the sender's pid), so fragments
 * of different senders interleave on one connection and are reassembled per SequenceId.
 * Like BEAM, each fragment carries 64 KiB of data after its 18-byte header (the first
 * also carries the atom-cache header).
 *
 * The {@link Reassembler} is bounded: at most `maxSequences` messages in flight and
 * `maxBytes` buffered in total; a duplicate start, an unknown sequence or an
 * out-of-order id is a protocol error that closes the connection.
 *
 * @see https://www.erlang.org/doc/apps/erts/erl_ext_dist.html#distribution-header-for-fragmented-messages
 * @module
 */

/**
 * Bytes of message data in each fragment (erts' `ERTS_DIST_FRAGMENT_SIZE`).
 *
 * @example
 * ```ts
 * const count = Math.ceil(body.length / FRAGMENT_SIZE); // fragments splitFragments yields
 * ```
 */
export const FRAGMENT_SIZE = 64 * 1024;

/**
 * `131, 69|70, SequenceId:64, FragmentId:64`.
 *
 * @example
 * ```ts
 * frame.subarray(FRAGMENT_HEADER_SIZE); // the fragment's data
 * ```
 */
export const FRAGMENT_HEADER_SIZE = 18;

/**
 * The distribution header tag after the 131 version byte of a whole message (the
 * fragment tags follow).
 *
 * @example
 * ```ts
 * frame[0] === 131 && frame[1] === DIST_HEADER; // a whole message with the atom-cache header
 * ```
 */
export const DIST_HEADER = 68;
/**
 * The first fragment of a fragmented message (`131, 69, SequenceId, FragmentId, ...`).
 *
 * @example
 * ```ts
 * if (frame[1] === DIST_FRAG_HEADER) whole = reassembler.start(frame);
 * ```
 */
export const DIST_FRAG_HEADER = 69;
/**
 * A later fragment of a fragmented message (`131, 70, SequenceId, FragmentId, data`).
 *
 * @example
 * ```ts
 * if (frame[1] === DIST_FRAG_CONT) whole = reassembler.continue(frame);
 * ```
 */
export const DIST_FRAG_CONT = 70;

/**
 * The fragments of one message: `header` is the atom-cache part of the distribution
 * header (one byte `0` when no cache is used) and `data` the encoded control message and
 * payload; yields each fragment's whole frame payload (without the 4-byte length).
 *
 * @example
 * ```ts
 * for (const f of splitFragments(seq, Buffer.of(0), body)) writeFrame(f);
 * ```
 */
export function* splitFragments(sequenceId: bigint, header: Uint8Array, data: Uint8Array): Generator<Buffer> {
  const count = Math.max(1, Math.ceil(data.length / FRAGMENT_SIZE));
  for (let i = 0; i < count; i++) {
    const chunk = data.subarray(i * FRAGMENT_SIZE, (i + 1) * FRAGMENT_SIZE);
    const extra = i === 0 ? header.length : 0;
    const out = Buffer.allocUnsafe(FRAGMENT_HEADER_SIZE + extra + chunk.length);
    writeFragmentHeader(out, 0, i === 0, sequenceId, BigInt(count - i));
    if (i === 0) out.set(header, FRAGMENT_HEADER_SIZE);
    out.set(chunk, FRAGMENT_HEADER_SIZE + extra);
    yield out;
  }
}

/**
 * Writes `131, 69|70, SequenceId:64, FragmentId:64` at `offset`.
 *
 * @example
 * ```ts
 * writeFragmentHeader(buf, 4, true, 7n, 3n);
 * ```
 */
export function writeFragmentHeader(
  out: Buffer,
  offset: number,
  first: boolean,
  sequenceId: bigint,
  fragmentId: bigint,
): void {
  out[offset] = 131;
  out[offset + 1] = first ? DIST_FRAG_HEADER : DIST_FRAG_CONT;
  out.writeBigUInt64BE(sequenceId, offset + 2);
  out.writeBigUInt64BE(fragmentId, offset + 10);
}

/**
 * Bounds of a {@link Reassembler}.
 *
 * @example
 * ```ts
 * const r = new Reassembler({ maxSequences: 64, maxBytes: 64 * 1024 * 1024 });
 * ```
 */
export interface ReassemblyLimits {
  /** Messages being reassembled at once (default 256). */
  maxSequences: number;
  /** Bytes buffered over all of them (default 512 MiB). */
  maxBytes: number;
}

/**
 * A fragment the reassembler refuses; the connection closes with it.
 *
 * @example
 * ```ts
 * try { reassembler.continue(frame); } catch (e) { if (e instanceof FragmentError) log(e.reason); }
 * ```
 */
export class FragmentError extends Error {
  readonly reason: string;

  constructor(reason: string, message: string) {
    super(message);
    this.reason = reason;
  }
}

interface Sequence {
  next: bigint;
  /** `131, 68` and the data received so far, at `[0, size)`; room for more after it. */
  buf: Buffer;
  size: number;
}

/**
 * Largest buffer allocated up front for a message, from its first fragment's size times
 * its fragment count; a bigger one grows as its fragments arrive (the count is the
 * peer's claim, not bytes received).
 */
const PREALLOCATE_MAX = 16 * 1024 * 1024;

/**
 * Reassembles fragmented messages. `start` and `continue` take the frame payload of a
 * `131,69` / `131,70` frame and return the whole message as a `131,68,…` payload once
 * its last fragment arrives (else `undefined`). Each fragment's data is copied once, as
 * it arrives, into the message's buffer (sized from the first fragment: BEAM's fragments
 * are all 64 KiB but the last), so received socket chunks are not kept.
 *
 * @example
 * ```ts
 * const r = new Reassembler();
 * const whole = frame[1] === 69 ? r.start(frame) : r.continue(frame);
 * if (whole) handleMessage(whole); // 131, 68, NumberOfAtomCacheRefs, …
 * ```
 */
export class Reassembler {
  readonly limits: ReassemblyLimits;
  private readonly sequences = new Map<bigint, Sequence>();
  private bytes = 0;

  constructor(limits: Partial<ReassemblyLimits> = {}) {
    this.limits = { maxSequences: 256, maxBytes: 512 * 1024 * 1024, ...limits };
  }

  /** Messages in flight. */
  get pending(): number {
    return this.sequences.size;
  }

  /** Bytes buffered. */
  get bufferedBytes(): number {
    return this.bytes;
  }

  /** Drops everything (on close). */
  clear(): void {
    this.sequences.clear();
    this.bytes = 0;
  }

  start(frame: Buffer): Buffer | undefined {
    if (frame.length < FRAGMENT_HEADER_SIZE + 1) {
      throw new FragmentError('bad_fragment', `first fragment of ${frame.length} bytes is too short`);
    }
    const seq = frame.readBigUInt64BE(2);
    const id = frame.readBigUInt64BE(10);
    if (id === 0n) throw new FragmentError('bad_fragment', `fragment id 0 in sequence ${seq}`);
    if (this.sequences.has(seq)) {
      throw new FragmentError('duplicate_sequence', `a second first fragment for sequence ${seq}`);
    }
    const data = frame.length - FRAGMENT_HEADER_SIZE;
    if (id === 1n) return withHeader(frame, data, 2 + data);
    if (this.sequences.size >= this.limits.maxSequences) {
      throw new FragmentError('too_many_sequences', `more than ${this.limits.maxSequences} fragmented messages in flight`);
    }
    if (id > BigInt(Math.ceil(this.limits.maxBytes / FRAGMENT_SIZE)) + 1n) {
      throw new FragmentError('message_too_large', `a message of ${id} fragments exceeds ${this.limits.maxBytes} bytes`);
    }
    this.account(2 + data);
    // Room for `id` fragments the size of this one (the last is usually smaller).
    const room = Math.min(2 + data * Number(id), PREALLOCATE_MAX, 2 + this.limits.maxBytes);
    this.sequences.set(seq, { next: id - 1n, buf: withHeader(frame, data, Math.max(room, 2 + data)), size: 2 + data });
    return undefined;
  }

  continue(frame: Buffer): Buffer | undefined {
    return this.continueParts([frame]);
  }

  /**
   * As {@link Reassembler.continue}, for a frame received in pieces (views of socket
   * chunks): each piece is copied into the message's buffer, none is kept.
   */
  continueParts(frame: readonly Buffer[]): Buffer | undefined {
    let size = 0;
    for (const p of frame) size += p.length;
    if (size < FRAGMENT_HEADER_SIZE) {
      throw new FragmentError('bad_fragment', `fragment of ${size} bytes is too short`);
    }
    const first = frame[0]!;
    const header = first.length >= FRAGMENT_HEADER_SIZE ? first : Buffer.concat(frame, FRAGMENT_HEADER_SIZE);
    const seq = header.readBigUInt64BE(2);
    const id = header.readBigUInt64BE(10);
    const s = this.sequences.get(seq);
    if (!s) throw new FragmentError('unknown_sequence', `fragment ${id} of unknown sequence ${seq}`);
    if (id !== s.next) {
      throw new FragmentError('out_of_order', `fragment ${id} of sequence ${seq} where ${s.next} was due`);
    }
    const data = size - FRAGMENT_HEADER_SIZE;
    this.account(data);
    if (s.size + data > s.buf.length) {
      // Fragments larger than the first one: grow (amortised by doubling).
      const grown = Buffer.allocUnsafe(Math.max(s.size + data, Math.min(2 * s.buf.length, 2 + this.limits.maxBytes)));
      s.buf.copy(grown, 0, 0, s.size);
      s.buf = grown;
    }
    let skip = FRAGMENT_HEADER_SIZE;
    for (const p of frame) {
      if (skip >= p.length) {
        skip -= p.length;
        continue;
      }
      s.size += p.copy(s.buf, s.size, skip);
      skip = 0;
    }
    s.next = id - 1n;
    if (id !== 1n) return undefined;
    this.sequences.delete(seq);
    this.bytes -= s.size;
    return s.buf.length === s.size ? s.buf : s.buf.subarray(0, s.size);
  }

  private account(n: number): void {
    if (this.bytes + n > this.limits.maxBytes) {
      throw new FragmentError('reassembly_too_large', `over ${this.limits.maxBytes} bytes of fragments buffered`);
    }
    this.bytes += n;
  }
}

/** A buffer of `room` bytes holding `131, 68` and the first fragment's `data` bytes. */
function withHeader(frame: Buffer, data: number, room: number): Buffer {
  const buf = Buffer.allocUnsafe(room);
  buf[0] = 131;
  buf[1] = DIST_HEADER;
  frame.copy(buf, 2, FRAGMENT_HEADER_SIZE, FRAGMENT_HEADER_SIZE + data);
  return buf;
}

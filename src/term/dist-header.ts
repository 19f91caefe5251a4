/**
 * The distribution header (`131, 68, ...`, erl_ext_dist "Distribution Header") and the
 * per-connection atom cache it maintains.
 *
 * ```
 * 131 | 68 | NumberOfAtomCacheRefs:8 | Flags:(N/2+1 bytes) | AtomCacheRefs...
 * ```
 *
 * Each ref has a half-byte of flags (NewCacheEntryFlag bit 3, SegmentIndex bits 0-2;
 * even refs in the low half of a byte, odd refs in the high half); the half-byte after
 * the last ref holds LongAtoms (bit 0). A new entry is `InternalSegmentIndex:8,
 * Length:8|16, AtomText`; an old one is `InternalSegmentIndex:8`. The control message
 * and payload that follow use ATOM_CACHE_REF (82) with an index into these refs.
 *
 * beamlink never populates a cache on send: it writes `131, 68, 0` (no refs), which a
 * BEAM peer accepts whenever DIST_HDR_ATOM_CACHE or FRAGMENTS was negotiated.
 *
 * Spec: https://www.erlang.org/doc/apps/erts/erl_ext_dist.html#distribution-header
 *
 * @module
 */
import { isUtf8 } from 'node:buffer';
import { decodeAt, type DecodeOptions } from './decode.ts';
import { TermDecodeError } from './errors.ts';
import { Tag } from './tags.ts';
import { Atom, MAX_ATOM_LENGTH, type Term } from './types.ts';
import type { Writer } from './writer.ts';

/**
 * Entries of an atom cache: 8 segments of 256.
 *
 * @example
 * ```ts
 * const index = segment * 256 + internalIndex; // 0 .. ATOM_CACHE_SIZE - 1
 * ```
 */
export const ATOM_CACHE_SIZE = 2048;

/**
 * One connection's receive-side atom cache: what the peer's header entries said, kept
 * for later headers that refer to them. Index = `SegmentIndex * 256 + InternalIndex`.
 *
 * @example
 * ```ts
 * const cache = new AtomCache(); // one per connection, dropped with it
 * const hdr = decodeDistHeader(frame, 0, cache);
 * ```
 */
export class AtomCache {
  private readonly entries: (Atom | undefined)[] = new Array<Atom | undefined>(ATOM_CACHE_SIZE);

  /** The atom at a cache index (0..2047), if set. */
  get(index: number): Atom | undefined {
    return this.entries[index];
  }

  /** Sets the atom at a cache index (0..2047). */
  set(index: number, atom: Atom): void {
    if (!(index >= 0 && index < ATOM_CACHE_SIZE)) throw new RangeError(`cache index ${index}`);
    this.entries[index] = atom;
  }

  /** Forgets every entry. */
  clear(): void {
    this.entries.fill(undefined);
  }

  /** How many entries are set. */
  get size(): number {
    let n = 0;
    for (const e of this.entries) if (e !== undefined) n++;
    return n;
  }
}

/**
 * A decoded distribution header: the refs that ATOM_CACHE_REF indexes, and where it ended.
 *
 * @example
 * ```ts
 * const { refs, offset }: DistHeader = decodeDistHeader(frame, 0, cache);
 * ```
 */
export interface DistHeader {
  /** `refs[i]` is the atom that `ATOM_CACHE_REF i` means in the terms that follow. */
  readonly refs: Atom[];
  /** The offset just after the header (where the control message starts). */
  readonly offset: number;
}

function fail(message: string, offset: number): never {
  throw new TermDecodeError(message, offset, Tag.DIST_HEADER);
}

/** The `i`-th half-byte of the flags at `flagsAt` (even ones low, odd ones high). */
function halfByte(buf: Uint8Array, flagsAt: number, i: number): number {
  const b = buf[flagsAt + (i >> 1)]!;
  return i & 1 ? b >> 4 : b & 0x0f;
}

/**
 * Decodes the atom-cache part of a header, starting at its `NumberOfAtomCacheRefs` byte:
 * the part shared by `131, 68` and the first fragment (`131, 69, SeqId, FragId, ...`).
 * New entries are stored in `cache`.
 *
 * @example
 * ```ts
 * // after parsing 131, 69, SequenceId:64, FragmentId:64 at offset 0:
 * const { refs, offset } = decodeAtomCacheRefs(frame, 18, cache);
 * ```
 */
export function decodeAtomCacheRefs(buf: Uint8Array, offset: number, cache: AtomCache): DistHeader {
  const end = buf.length;
  if (offset >= end) fail('missing NumberOfAtomCacheRefs', offset);
  const n = buf[offset]!;
  let p = offset + 1;
  if (n === 0) return { refs: [], offset: p };
  const flagBytes = (n >> 1) + 1;
  if (p + flagBytes > end) fail(`needs ${flagBytes} flag bytes`, p);
  const flagsAt = p;
  const longAtoms = (halfByte(buf, flagsAt, n) & 1) === 1;
  p += flagBytes;
  const refs = new Array<Atom>(n);
  for (let i = 0; i < n; i++) {
    const f = halfByte(buf, flagsAt, i);
    const segment = f & 0x07;
    if (p >= end) fail(`atom cache ref ${i} is missing`, p);
    const index = segment * 256 + buf[p]!;
    p += 1;
    if ((f & 0x08) !== 0) {
      const lenBytes = longAtoms ? 2 : 1;
      if (p + lenBytes > end) fail(`atom cache ref ${i}: length is missing`, p);
      const len = longAtoms ? (buf[p]! << 8) | buf[p + 1]! : buf[p]!;
      p += lenBytes;
      if (p + len > end) fail(`atom cache ref ${i}: needs ${len} bytes of text`, p);
      const bytes = Buffer.from(buf.buffer, buf.byteOffset + p, len);
      if (!isUtf8(bytes)) fail(`atom cache ref ${i}: atom text is not valid UTF-8`, p);
      const text = bytes.toString('utf8');
      if ([...text].length > MAX_ATOM_LENGTH) fail(`atom cache ref ${i}: atom too long`, p);
      let atom: Atom;
      try {
        atom = Atom.of(text);
      } catch (e) {
        fail(`atom cache ref ${i}: ${(e as Error).message}`, p);
      }
      p += len;
      cache.set(index, atom);
      refs[i] = atom;
    } else {
      const atom = cache.get(index);
      if (atom === undefined) fail(`atom cache ref ${i} names empty entry ${index}`, p - 1);
      refs[i] = atom;
    }
  }
  return { refs, offset: p };
}

/**
 * Decodes a `131, 68` distribution header at `offset`, updating `cache`.
 *
 * @example
 * ```ts
 * const { refs, offset } = decodeDistHeader(frame, 0, cache);
 * const control = decodeAt(frame, offset, { atomRefs: refs });
 * ```
 */
export function decodeDistHeader(buf: Uint8Array, offset: number, cache: AtomCache): DistHeader {
  if (offset + 2 > buf.length) fail('truncated distribution header', offset);
  if (buf[offset] !== Tag.VERSION_MAGIC) fail(`expected 131, got ${buf[offset]}`, offset);
  if (buf[offset + 1] !== Tag.DIST_HEADER) fail(`expected 68, got ${buf[offset + 1]}`, offset + 1);
  return decodeAtomCacheRefs(buf, offset + 2, cache);
}

/**
 * A whole distribution message: the control message, and the payload when there is one.
 *
 * @example
 * ```ts
 * const { control, payload }: DistMessage = decodeDistMessage(frame, 0, cache);
 * ```
 */
export interface DistMessage {
  readonly control: Term;
  /** The message term for SEND, REG_SEND, PAYLOAD_EXIT... (`undefined` when absent). */
  readonly payload: Term | undefined;
}

/**
 * Decodes a whole `131, 68` message (header, control message, optional payload) from a
 * frame without its 4-byte length. The frame must end exactly after the last term.
 *
 * @example
 * ```ts
 * const { control, payload } = decodeDistMessage(frame, 0, cache);
 * ```
 */
export function decodeDistMessage(
  buf: Uint8Array,
  offset: number,
  cache: AtomCache,
  options?: Omit<DecodeOptions, 'atomRefs' | 'allowTrailing'>,
): DistMessage {
  const hdr = decodeDistHeader(buf, offset, cache);
  const opts: DecodeOptions = { ...options, atomRefs: hdr.refs };
  const control = decodeAt(buf, hdr.offset, opts);
  if (control.offset === buf.length) return { control: control.value, payload: undefined };
  const payload = decodeAt(buf, control.offset, opts);
  if (payload.offset !== buf.length) {
    throw new TermDecodeError(
      `${buf.length - payload.offset} bytes after the payload`,
      payload.offset,
    );
  }
  return { control: control.value, payload: payload.value };
}

/**
 * `131, 68, 0`: a distribution header with no atom cache refs.
 *
 * @example
 * ```ts
 * socket.write(Buffer.concat([len, EMPTY_DIST_HEADER, control, payload]));
 * ```
 */
export const EMPTY_DIST_HEADER: Readonly<Uint8Array> = Uint8Array.of(
  Tag.VERSION_MAGIC,
  Tag.DIST_HEADER,
  0,
);

/**
 * Writes `131, 68, 0` (a header with no atom cache refs); the control message and payload
 * follow through `encodeInto` (no version bytes).
 *
 * @example
 * ```ts
 * writeDistHeader(w);
 * encodeInto(w, control);
 * encodeInto(w, payload);
 * ```
 */
export function writeDistHeader(w: Writer): Writer {
  return w.u8(Tag.VERSION_MAGIC).u8(Tag.DIST_HEADER).u8(0);
}

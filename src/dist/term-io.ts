/**
 * The connection's bridge to the term codec: encode without the version byte into the
 * shared writer, decode at an offset, and read the `131,68` distribution header with its
 * atom cache (erl_ext_dist, "Distribution Header").
 *
 * ```
 * NumberOfAtomCacheRefs:8, Flags:(N/2+1 bytes), AtomCacheRefs…
 * Flags: one half-byte per ref (even refs in the low half): NewCacheEntryFlag (bit 3),
 *        SegmentIndex (bits 0-2); the last half-byte: bit 0 = LongAtoms
 * ref:   new entry → InternalSegmentIndex:8, Length:8|16, AtomText (UTF-8)
 *        old entry → InternalSegmentIndex:8
 * ```
 *
 * Atoms that enter the cache come from a peer whose cookie checked out; they are interned
 * as any decoded atom is (the table is bounded). A reference to an empty cache slot is a
 * protocol error.
 *
 * @see https://www.erlang.org/doc/apps/erts/erl_ext_dist.html#distribution-header
 * @module
 */
import { decodeAt, type DecodeOptions } from '../term/decode.ts';
import { encodeInto } from '../term/encode.ts';
import { TermDecodeError } from '../term/errors.ts';
import { Atom, type Term } from '../term/types.ts';
import type { Writer } from '../term/writer.ts';

/** 8 segments × 256 entries: the receiving side of one connection's atom cache. */
export class AtomCache {
  private readonly entries: (Atom | undefined)[] = new Array(2048);

  get(index: number): Atom | undefined {
    return this.entries[index];
  }

  set(index: number, value: Atom): void {
    this.entries[index] = value;
  }
}

/**
 * Encodes `term` without its 131 version byte at the end of `writer`.
 *
 * @example
 * ```ts
 * encodeTermInto(w.u8(131).u8(68).u8(0), control);
 * ```
 */
export function encodeTermInto(writer: Writer, term: Term): void {
  encodeInto(writer, term);
}

/**
 * Decodes one term at `offset` (no version byte unless `version`), with the header's
 * atom refs.
 *
 * @example
 * ```ts
 * const { term, offset } = decodeTermAt(frame, hdr.offset, hdr.atoms);
 * ```
 */
export function decodeTermAt(
  buf: Buffer,
  offset: number,
  atoms: readonly (Atom | undefined)[] | undefined,
  options?: DecodeOptions & { version?: boolean },
): { term: Term; offset: number } {
  const r = decodeAt(buf, offset, atoms ? { ...options, atomRefs: atoms } : options);
  return { term: r.value, offset: r.offset };
}

const NO_ATOMS: readonly Atom[] = [];

/**
 * Reads the atom-cache part of a `131,68` header starting at `offset` (the
 * NumberOfAtomCacheRefs byte), updating `cache` with new entries. Returns the atoms the
 * message's ATOM_CACHE_REFs index and where the control message starts. Throws
 * `TermDecodeError` for a short header or a reference to an empty slot.
 *
 * @example
 * ```ts
 * const hdr = readDistHeader(frame, 2, cache); // frame = 131, 68, …
 * ```
 */
export function readDistHeader(
  buf: Buffer,
  offset: number,
  cache: AtomCache,
): { offset: number; atoms: readonly Atom[] } {
  const need = (n: number, at: number) => {
    if (at + n > buf.length) throw new TermDecodeError('distribution header cut short', at);
  };
  need(1, offset);
  const n = buf[offset]!;
  let pos = offset + 1;
  if (n === 0) return { offset: pos, atoms: NO_ATOMS };
  const flagBytes = (n >> 1) + 1;
  need(flagBytes, pos);
  const flagsAt = pos;
  pos += flagBytes;
  const half = (i: number) => {
    const byte = buf[flagsAt + (i >> 1)]!;
    return i & 1 ? byte >> 4 : byte & 0x0f;
  };
  const longAtoms = (half(n) & 1) !== 0;
  const atoms: Atom[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const f = half(i);
    const segment = f & 0x7;
    need(1, pos);
    const index = segment * 256 + buf[pos]!;
    pos += 1;
    if (f & 0x8) {
      need(longAtoms ? 2 : 1, pos);
      const len = longAtoms ? buf.readUInt16BE(pos) : buf[pos]!;
      pos += longAtoms ? 2 : 1;
      need(len, pos);
      let a: Atom;
      try {
        a = Atom.of(buf.toString('utf8', pos, pos + len));
      } catch (e) {
        throw new TermDecodeError(`atom-cache entry ${index}: ${(e as Error).message}`, pos);
      }
      pos += len;
      cache.set(index, a);
      atoms[i] = a;
    } else {
      const a = cache.get(index);
      if (a === undefined) throw new TermDecodeError(`atom-cache reference to empty slot ${index}`, pos - 1);
      atoms[i] = a;
    }
  }
  return { offset: pos, atoms };
}

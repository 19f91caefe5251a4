/**
 * The connection's bridge to the term codec (`src/term/`): encode without the version
 * byte into the shared writer, decode at an offset, and read the atom-cache part of a
 * `131,68` distribution header (erl_ext_dist, "Distribution Header") into the
 * connection's receive-side {@link AtomCache}.
 *
 * Atoms that enter the cache come from a peer whose cookie checked out; they are interned
 * as any decoded atom is (the table is bounded). A reference to an empty cache slot is a
 * `TermDecodeError`, which closes the connection as a protocol error.
 *
 * @see https://www.erlang.org/doc/apps/erts/erl_ext_dist.html#distribution-header
 * @module
 */
import {
  AtomCache,
  decodeAt,
  decodeAtomCacheRefs,
  encodeInto,
  type Atom,
  type DecodeOptions,
  type Term,
  type Writer,
} from '../term/index.ts';

export { AtomCache };

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
 * atom refs. `scratch`, when given, is an options object of the caller's that is filled
 * in and reused (no object per call on a connection's receive path).
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
  scratch?: DecodeOptions & { version?: boolean },
): { term: Term; offset: number } {
  let opts = options;
  if (atoms) {
    if (scratch) {
      scratch.atomRefs = atoms;
      opts = scratch;
    } else opts = { ...options, atomRefs: atoms };
  }
  const r = decodeAt(buf, offset, opts);
  if (scratch) scratch.atomRefs = undefined;
  return { term: r.value, offset: r.offset };
}

/** Where {@link decodeTermInto} puts a term and the offset after it. */
export interface DecodedTerm {
  term: Term;
  offset: number;
}

/**
 * {@link decodeTermAt} into the caller's `out` (no result object per call): the receive
 * path decodes two terms per message with one `out` per connection.
 *
 * @example
 * ```ts
 * const out: DecodedTerm = { term: null, offset: 0 };
 * decodeTermInto(out, frame, 3, undefined, options, scratch);
 * ```
 */
export function decodeTermInto(
  out: DecodedTerm,
  buf: Buffer,
  offset: number,
  atoms: readonly (Atom | undefined)[] | undefined,
  options: DecodeOptions & { version?: boolean },
  scratch: DecodeOptions & { version?: boolean },
): void {
  let opts = options;
  if (atoms) {
    scratch.atomRefs = atoms;
    opts = scratch;
  }
  const r = decodeAt(buf, offset, opts);
  if (atoms) scratch.atomRefs = undefined;
  out.term = r.value;
  out.offset = r.offset;
}

/**
 * Reads the atom-cache part of a `131,68` header starting at `offset` (the
 * NumberOfAtomCacheRefs byte), updating `cache` with new entries. Returns the atoms the
 * message's ATOM_CACHE_REFs index and where the control message starts.
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
): { offset: number; atoms: readonly Atom[] | undefined } {
  const h = decodeAtomCacheRefs(buf, offset, cache);
  return { offset: h.offset, atoms: h.refs.length > 0 ? h.refs : undefined };
}

/**
 * External Term Format tags, named and numbered as erl_ext_dist spells them.
 *
 * Spec: https://www.erlang.org/doc/apps/erts/erl_ext_dist.html
 *
 * @module
 */

/**
 * Every tag of the External Term Format, with the release that introduced it and what
 * `term_to_binary` writes today.
 *
 * @example
 * ```ts
 * import { Tag } from 'beamlink/term';
 * buf[0] === Tag.VERSION_MAGIC; // 131
 * ```
 */
export const Tag = {
  /** 131: the version byte in front of every encoded term (not before dist-header terms). */
  VERSION_MAGIC: 131,
  /** 68 'D': the distribution header with atom cache refs (DFLAG_DIST_HDR_ATOM_CACHE). */
  DIST_HEADER: 68,
  /** 69 'E': first fragment of a fragmented message (DFLAG_FRAGMENTS). */
  DIST_FRAG_HEADER: 69,
  /** 70 'F': fragment continuation. (Same number as NEW_FLOAT_EXT, other context.) */
  DIST_FRAG_CONT: 70,
  /** 80 'P': zlib-compressed term: `UncompressedSize:32, ZlibData`. */
  COMPRESSED: 80,
  /** 82 'R': `AtomCacheReferenceIndex:8`, an atom from the dist header's refs. */
  ATOM_CACHE_REF: 82,
  /** 97 'a': `Int:8` unsigned, 0..255. */
  SMALL_INTEGER_EXT: 97,
  /** 98 'b': `Int:32` signed big-endian. */
  INTEGER_EXT: 98,
  /** 99 'c': old float, 31 bytes of `"%.20e"` text. Decoded only; never written. */
  FLOAT_EXT: 99,
  /** 100 'd': `Len:16, Latin1`. Deprecated, but OTP 25's term_to_binary still writes it. */
  ATOM_EXT: 100,
  /** 101 'e': old reference, `Node, ID:32, Creation:8`. Decoded only. */
  REFERENCE_EXT: 101,
  /** 102 'f': old port, `Node, ID:32, Creation:8`. Decoded only. */
  PORT_EXT: 102,
  /** 103 'g': old pid, `Node, ID:32, Serial:32, Creation:8`. Decoded only. */
  PID_EXT: 103,
  /** 104 'h': `Arity:8, Elements`. */
  SMALL_TUPLE_EXT: 104,
  /** 105 'i': `Arity:32, Elements`. */
  LARGE_TUPLE_EXT: 105,
  /** 106 'j': the empty list. */
  NIL_EXT: 106,
  /** 107 'k': `Len:16, Bytes`: a list of integers 0..255, at most 65535 long. */
  STRING_EXT: 107,
  /** 108 'l': `Len:32, Elements, Tail`. */
  LIST_EXT: 108,
  /** 109 'm': `Len:32, Data`. */
  BINARY_EXT: 109,
  /** 110 'n': `n:8, Sign:8, d(0)..d(n-1)` little-endian digits. */
  SMALL_BIG_EXT: 110,
  /** 111 'o': `n:32, Sign:8, d(0)..d(n-1)`. */
  LARGE_BIG_EXT: 111,
  /** 112 'p': `Size:32, Arity:8, Uniq:16B, Index:32, NumFree:32, Module, OldIndex, OldUniq, Pid, FreeVars`. */
  NEW_FUN_EXT: 112,
  /** 113 'q': `Module, Function, Arity` (Arity a SMALL_INTEGER_EXT). */
  EXPORT_EXT: 113,
  /** 114 'r': `Len:16, Node, Creation:8, ID:32*Len`. Decoded only. */
  NEW_REFERENCE_EXT: 114,
  /** 115 's': `Len:8, Latin1`. Deprecated; decoded only. */
  SMALL_ATOM_EXT: 115,
  /** 116 't': `Arity:32, Key1, Value1, ...`. */
  MAP_EXT: 116,
  /** 117 'u': old fun (pre R8). Not supported: rejected. */
  FUN_EXT: 117,
  /** 118 'v': `Len:16, UTF8`. */
  ATOM_UTF8_EXT: 118,
  /** 119 'w': `Len:8, UTF8`. What the distribution and OTP 26+ write for short atoms. */
  SMALL_ATOM_UTF8_EXT: 119,
  /** 120 'x': `Node, ID:64, Creation:32` (OTP 24+, DFLAG_V4_NC). */
  V4_PORT_EXT: 120,
  /** 121 'y': term_to_binary(T, [local]); internal to one runtime: always rejected. */
  LOCAL_EXT: 121,
  /** 77 'M': `Len:32, Bits:8, Data`; Bits (1..8) of the last byte are used. */
  BIT_BINARY_EXT: 77,
  /** 70 'F': `IEEE 754 float64` big-endian. */
  NEW_FLOAT_EXT: 70,
  /** 88 'X': `Node, ID:32, Serial:32, Creation:32` (OTP 19+, required since OTP 23). */
  NEW_PID_EXT: 88,
  /** 89 'Y': `Node, ID:32, Creation:32` (OTP 19+). */
  NEW_PORT_EXT: 89,
  /** 90 'Z': `Len:16, Node, Creation:32, ID:32*Len` (Len up to 5 with V4_NC). */
  NEWER_REFERENCE_EXT: 90,
} as const;

/**
 * One of the numbers in {@link Tag}.
 *
 * @example
 * ```ts
 * const t: TagValue = Tag.NEW_PID_EXT;
 * ```
 */
export type TagValue = (typeof Tag)[keyof typeof Tag];

const names = new Map<number, string>();
for (const [name, value] of Object.entries(Tag)) {
  if (!names.has(value) || name.endsWith('_EXT')) names.set(value, name);
}

/**
 * The spec's name for a term tag, for error messages (`'SMALL_TUPLE_EXT'`), or
 * `'unknown tag N'`.
 *
 * @example
 * ```ts
 * tagName(104); // 'SMALL_TUPLE_EXT'
 * ```
 */
export function tagName(tag: number): string {
  return names.get(tag) ?? `unknown tag ${tag}`;
}

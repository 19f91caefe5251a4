/**
 * The External Term Format codec and the JavaScript ⇄ Erlang value mapping.
 *
 * @example
 * ```ts
 * import { atom, decode, encode, tuple } from 'beamlink/term';
 * const bytes = encode(tuple(atom('ok'), 1));
 * decode(bytes); // Tuple {:ok, 1}
 * ```
 *
 * @module
 */
export * from './types.ts';
export { Tag, tagName, type TagValue } from './tags.ts';
export { TermDecodeError, TermEncodeError } from './errors.ts';
export { Writer } from './writer.ts';
export { encode, encodeChunks, encodeInto, type EncodeOptions } from './encode.ts';
export {
  decode,
  decodeAt,
  TermReader,
  DEFAULT_MAX_INFLATED_SIZE,
  type BinaryMode,
  type DecodeAtOptions,
  type DecodeOptions,
  type DecodeResult,
} from './decode.ts';
export {
  ATOM_CACHE_SIZE,
  AtomCache,
  decodeAtomCacheRefs,
  decodeDistHeader,
  decodeDistMessage,
  EMPTY_DIST_HEADER,
  writeDistHeader,
  type DistHeader,
  type DistMessage,
} from './dist-header.ts';
export { compare, compareMapKeys, compareText, Kind, termKind } from './compare.ts';
export { equals } from './equals.ts';
export { termKey } from './term-key.ts';
export { format, setLocalNodeForPrinting, type FormatOptions } from './format.ts';

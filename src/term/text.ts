/**
 * Bytes to text for the decoder's hot paths: short ASCII strings without a native call,
 * and a byte-keyed cache of recently decoded atoms, so a repeated atom costs a hash and a
 * compare instead of a string allocation and a table lookup. Internal to the codec.
 *
 * @module
 */
import type { Atom } from './types.ts';

interface FastSlices {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}
const fastSlices =
  typeof (Buffer.prototype as unknown as Partial<FastSlices>).latin1Slice === 'function' &&
  typeof (Buffer.prototype as unknown as Partial<FastSlices>).utf8Slice === 'function';

const fcc = String.fromCharCode;

/** Latin-1 (or ASCII) bytes as a string; short ones without a native call. */
export function latin1(b: Buffer, s: number, e: number): string {
  switch (e - s) {
    case 0:
      return '';
    case 1:
      return fcc(b[s]!);
    case 2:
      return fcc(b[s]!, b[s + 1]!);
    case 3:
      return fcc(b[s]!, b[s + 1]!, b[s + 2]!);
    case 4:
      return fcc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!);
    case 5:
      return fcc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!);
    case 6:
      return fcc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!);
    case 7:
      return fcc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!);
    case 8:
      return fcc(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
      );
    default:
      if (e - s <= 16) return latin1(b, s, s + 8) + latin1(b, s + 8, e);
      return fastSlices
        ? (b as unknown as FastSlices).latin1Slice(s, e)
        : b.toString('latin1', s, e);
  }
}

/** UTF-8 bytes as a string (the caller has checked they are valid when it matters). */
export function utf8(b: Buffer, s: number, e: number): string {
  return fastSlices ? (b as unknown as FastSlices).utf8Slice(s, e) : b.toString('utf8', s, e);
}

/** Whether every byte in `[s, e)` is below 0x80. */
export function isAscii(b: Buffer, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (b[i]! >= 0x80) return false;
  return true;
}

/**
 * A quick reject before a full UTF-8 validation: whether the first 256 bytes already hold
 * a byte sequence that is not UTF-8 (so random bytes are not scanned to the end).
 * `false` means "could not tell", not "valid".
 */
export function invalidUtf8Prefix(b: Buffer, s: number, e: number): boolean {
  const lim = Math.min(e, s + 256);
  let i = s;
  while (i < lim) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const n =
      c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (n === 0) return true;
    if (i + n >= lim) return i + n >= e;
    for (let k = 1; k <= n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return true;
    i += n + 1;
  }
  return false;
}

const SLOTS = 4096;
const slotBytes: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(SLOTS);
const slotLatin1 = new Uint8Array(SLOTS);
const slotAtom: (Atom | undefined)[] = new Array<Atom | undefined>(SLOTS);

/**
 * The slot of an atom's text: a hash of its length and of every byte of the first 64 (and
 * of the last 16 past that). Atoms that differ in a single byte are common — node names
 * `app_1@host`, `app_2@host` sit in every pid's encoding, two per message — so no byte of
 * a usual atom is left out. The lookup compares every byte anyway, so two atoms that share
 * a slot only evict each other (a slower decode, not a wrong one).
 */
function slotOf(b: Buffer, s: number, e: number, latin1Form: boolean): number {
  const n = e - s;
  let h = (n ^ (latin1Form ? 0x9e3779b9 : 0x811c9dc5)) | 0;
  const head = n <= 64 ? e : s + 64;
  for (let i = s; i < head; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  if (head !== e) for (let i = e - 16; i < e; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return ((h >>> 0) ^ (h >>> 15)) & (SLOTS - 1);
}

/** The atom these text bytes decoded to last time, if it is still cached. */
export function cachedAtom(b: Buffer, s: number, e: number, latin1Form: boolean): Atom | undefined {
  const slot = slotOf(b, s, e, latin1Form);
  const key = slotBytes[slot];
  if (key === undefined || key.length !== e - s || slotLatin1[slot] !== (latin1Form ? 1 : 0)) {
    return undefined;
  }
  for (let i = 0, j = s; j < e; i++, j++) if (key[i] !== b[j]) return undefined;
  return slotAtom[slot];
}

/** Remembers that these text bytes decode to `atom` (the cache is fixed-size). */
export function cacheAtom(b: Buffer, s: number, e: number, latin1Form: boolean, atom: Atom): void {
  const slot = slotOf(b, s, e, latin1Form);
  slotBytes[slot] = Uint8Array.prototype.slice.call(b, s, e);
  slotLatin1[slot] = latin1Form ? 1 : 0;
  slotAtom[slot] = atom;
}

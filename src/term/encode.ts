/**
 * Term encoder: JavaScript values to External Term Format bytes, matching
 * `term_to_binary/1,2` byte for byte wherever the value mapping allows (see docs/term.md
 * for the few intended differences).
 *
 * Spec: https://www.erlang.org/doc/apps/erts/erl_ext_dist.html
 *
 * @module
 */
// Buffer from node:buffer, not the global: globalThis.Buffer is a getter, called on each
// use in a hot path.
import { Buffer } from 'node:buffer';
import { deflateSync } from 'node:zlib';
import { compareMapKeys, compareText } from './compare.ts';
import { TermEncodeError } from './errors.ts';
import { Tag } from './tags.ts';
import {
  Atom,
  BitBinary,
  ExportFun,
  Float,
  Fun,
  ImproperList,
  MAX_ATOM_LENGTH,
  Pid,
  Port,
  Ref,
  Tuple,
  type Term,
} from './types.ts';
import { rawFunBytes } from './fun-bytes.ts';
import { Writer } from './writer.ts';
import { dataView, planOf, writePlan, type BytePlan } from './byte-plan.ts';
import { pidSlot, refSlot } from './encoded-slot.ts';

/**
 * Options of {@link encode}.
 *
 * @example
 * ```ts
 * encode(bigValue, { compressed: 9 });
 * ```
 */
export interface EncodeOptions {
  /**
   * Compress with zlib as `term_to_binary(T, [compressed])` does: `true` is level 6,
   * a number 0..9 is the level. As in Erlang, the compressed form is used only when it is
   * smaller.
   */
  compressed?: boolean | number;
}

/** Maps this large or larger are HAMTs in Erlang, whose key order we do not reproduce. */
const FLATMAP_LIMIT = 32;
/** Below this depth no cycle check is made; a cycle is found within a few rounds after. */
const CYCLE_CHECK_DEPTH = 64;

/** Internal: an error on the way up, collecting the path as the stack unwinds. */
class Failure {
  readonly message: string;
  readonly segments: string[] = [];
  constructor(message: string) {
    this.message = message;
  }
}

class CycleSignal {}

/** Each atom's encoding, cached on the (interned, bounded) atom itself. */
const ETF = Symbol('beamlink.etf');
interface CachedAtom {
  [ETF]?: BytePlan;
}

function encodeAtomText(name: string): Buffer {
  const bytes = Buffer.from(name, 'utf8');
  if (name.length > MAX_ATOM_LENGTH && [...name].length > MAX_ATOM_LENGTH) {
    throw new Failure(`atom too long (${[...name].length} characters, at most 255)`);
  }
  const n = bytes.length;
  const out = Buffer.allocUnsafe(n + (n <= 255 ? 2 : 3));
  if (n <= 255) {
    out[0] = Tag.SMALL_ATOM_UTF8_EXT;
    out[1] = n;
    bytes.copy(out, 2);
  } else {
    out[0] = Tag.ATOM_UTF8_EXT;
    out.writeUInt16BE(n, 1);
    bytes.copy(out, 3);
  }
  return out;
}

/**
 * The encoding of an atom (SMALL_ATOM_UTF8_EXT, or ATOM_UTF8_EXT past 255 bytes),
 * cached per atom: atoms are interned and bounded, so the cache is too.
 */
function writeAtom(w: Writer, a: Atom): void {
  let p = (a as CachedAtom)[ETF];
  if (p === undefined) {
    p = planOf(encodeAtomText(a.name));
    Object.defineProperty(a, ETF, { value: p, enumerable: false });
  }
  writePlan(w, p);
}

const TRUE = Buffer.from([Tag.SMALL_ATOM_UTF8_EXT, 4, 0x74, 0x72, 0x75, 0x65]);
const FALSE = Buffer.from([Tag.SMALL_ATOM_UTF8_EXT, 5, 0x66, 0x61, 0x6c, 0x73, 0x65]);
const NIL = Buffer.from([Tag.SMALL_ATOM_UTF8_EXT, 3, 0x6e, 0x69, 0x6c]);
const TRUE_PLAN = planOf(TRUE);
const FALSE_PLAN = planOf(FALSE);
const NIL_PLAN = planOf(NIL);

/** An object key as an atom, without interning it. */
function writeKeyAtom(w: Writer, key: string): void {
  const n = key.length;
  if (n <= 255) {
    w.ensure(2 + n);
    const b = w.buf;
    const start = w.length;
    let o = start + 2;
    let ascii = true;
    for (let i = 0; i < n; i++) {
      const c = key.charCodeAt(i);
      if (c >= 0x80) {
        ascii = false;
        break;
      }
      b[o++] = c;
    }
    if (ascii) {
      b[start] = Tag.SMALL_ATOM_UTF8_EXT;
      b[start + 1] = n;
      w.length = o;
      return;
    }
  }
  w.bytes(encodeAtomText(key));
}

function writeString(w: Writer, s: string): void {
  const n = s.length;
  if (w.length + 5 + n > w.buf.length) w.ensure(5 + n);
  const b = w.buf;
  const start = w.length;
  b[start] = Tag.BINARY_EXT;
  if (n < 48) {
    // Short ASCII text four characters to a store; the header's length as one store.
    const d = dataView(b);
    let o = start + 5;
    let i = 0;
    let ascii = true;
    for (; i + 4 <= n; i += 4) {
      const c0 = s.charCodeAt(i);
      const c1 = s.charCodeAt(i + 1);
      const c2 = s.charCodeAt(i + 2);
      const c3 = s.charCodeAt(i + 3);
      if ((c0 | c1 | c2 | c3) >= 0x80) {
        ascii = false;
        break;
      }
      d.setUint32(o, (c0 << 24) | (c1 << 16) | (c2 << 8) | c3);
      o += 4;
    }
    if (ascii) {
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        b[o++] = c;
      }
      if (i === n) {
        d.setUint32(start + 1, n);
        w.length = o;
        return;
      }
    }
  }
  w.length = start + 5;
  w.utf8(s);
  w.setU32(start + 1, w.length - start - 5);
}

function writeInteger(w: Writer, v: number): void {
  if (v >= 0 && v <= 255) {
    w.u8(Tag.SMALL_INTEGER_EXT).u8(v);
  } else if (v >= -2147483648 && v <= 2147483647) {
    w.u8(Tag.INTEGER_EXT).i32(v);
  } else {
    // A safe integer past 32 bits: SMALL_BIG_EXT with up to 7 digit bytes.
    let m = Math.abs(v);
    const start = w.length;
    w.u8(Tag.SMALL_BIG_EXT)
      .u8(0)
      .u8(v < 0 ? 1 : 0);
    let n = 0;
    while (m > 0) {
      w.u8(m % 256);
      m = Math.floor(m / 256);
      n++;
    }
    w.buf[start + 1] = n;
  }
}

function writeBigInt(w: Writer, v: bigint): void {
  if (v >= -2147483648n && v <= 2147483647n) {
    writeInteger(w, Number(v));
    return;
  }
  const neg = v < 0n;
  const m = neg ? -v : v;
  let hex = m.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  const digits = Buffer.from(hex, 'hex').reverse();
  const n = digits.length;
  if (n <= 255) w.u8(Tag.SMALL_BIG_EXT).u8(n);
  else w.u8(Tag.LARGE_BIG_EXT).u32(n);
  w.u8(neg ? 1 : 0).bytes(digits);
}

function writeFloat(w: Writer, v: number): void {
  if (!Number.isFinite(v)) throw new Failure(`${v} is not an Erlang float`);
  if (w.length + 9 > w.buf.length) w.ensure(9);
  const o = w.length;
  w.buf[o] = Tag.NEW_FLOAT_EXT;
  dataView(w.buf).setFloat64(o + 1, v);
  w.length = o + 9;
}

function writeNumber(w: Writer, v: number): void {
  if ((v | 0) === v) {
    // a 32-bit integer (-0 included, written as 0)
    if (w.length + 5 > w.buf.length) w.ensure(5);
    const b = w.buf;
    const o = w.length;
    if (v >= 0 && v <= 255) {
      b[o] = Tag.SMALL_INTEGER_EXT;
      b[o + 1] = v;
      w.length = o + 2;
    } else {
      b[o] = Tag.INTEGER_EXT;
      dataView(b).setInt32(o + 1, v);
      w.length = o + 5;
    }
  } else if (Number.isSafeInteger(v)) writeInteger(w, v);
  else writeFloat(w, v);
}

/** Whether `list` goes out as STRING_EXT: 1..65535 integers 0..255 (term_to_binary's rule). */
function isByteList(list: readonly Term[]): boolean {
  const n = list.length;
  if (n === 0 || n > 65535) return false;
  for (let i = 0; i < n; i++) {
    const x = list[i];
    if (typeof x === 'number') {
      if (!(x >= 0 && x <= 255 && Number.isInteger(x))) return false;
    } else if (typeof x === 'bigint') {
      if (!(x >= 0n && x <= 255n)) return false;
    } else return false;
  }
  return true;
}

/**
 * What a pid's or reference's private cache holds (encoded-slot.ts): nothing before its
 * first encoding, {@link SEEN} after it, its whole encoding from the second on (an object
 * encoded once costs no plan). A reference gets its plan only at its fourth encoding:
 * most are encoded two or three times (a reply's alias in ALIAS_SEND's control and in the
 * message; a call's monitor ref in MONITOR_P, in the request and in DEMONITOR_P), where an
 * earlier plan would never be used (it costs about 230 bytes).
 */
const SEEN = 1;
const SEEN_TWICE = 2;
const SEEN_THRICE = 3;

function writePid(w: Writer, p: Pid): void {
  const cached = pidSlot.get(p);
  if (typeof cached === 'object') return writePlan(w, cached as BytePlan);
  const start = w.length;
  writePidBytes(w, p);
  pidSlot.set(p, cached === undefined ? SEEN : planOf(w.buf.subarray(start, w.length)));
}

function writePidBytes(w: Writer, p: Pid): void {
  const { id, serial, creation } = p;
  checkU32(id, 'a pid id');
  checkU32(serial, 'a pid serial');
  checkU32(creation, 'a pid creation');
  w.u8(Tag.NEW_PID_EXT);
  writeAtom(w, p.node);
  if (w.length + 12 > w.buf.length) w.ensure(12);
  const d = dataView(w.buf);
  const o = w.length;
  d.setUint32(o, id);
  d.setUint32(o + 4, serial);
  d.setUint32(o + 8, creation);
  w.length = o + 12;
}

function writeRef(w: Writer, r: Ref): void {
  const cached = refSlot.get(r);
  if (typeof cached === 'object') return writePlan(w, cached as BytePlan);
  const start = w.length;
  writeRefBytes(w, r);
  refSlot.set(
    r,
    cached === undefined
      ? SEEN
      : cached === SEEN
        ? SEEN_TWICE
        : cached === SEEN_TWICE
          ? SEEN_THRICE
          : planOf(w.buf.subarray(start, w.length)),
  );
}

function writeRefBytes(w: Writer, r: Ref): void {
  const ids = r.ids;
  const n = ids.length;
  if (n < 1 || n > 5) throw new Failure(`a reference has 1..5 ids, got ${n}`);
  const creation = r.creation;
  checkU32(creation, 'a reference creation');
  for (let i = 0; i < n; i++) checkU32(ids[i]!, 'a reference id');
  w.u8(Tag.NEWER_REFERENCE_EXT).u16(n);
  writeAtom(w, r.node);
  const m = 4 + 4 * n;
  if (w.length + m > w.buf.length) w.ensure(m);
  const d = dataView(w.buf);
  let o = w.length;
  d.setUint32(o, creation);
  for (let i = 0; i < n; i++) d.setUint32((o += 4), ids[i]!);
  w.length = o + 4;
}

function writePort(w: Writer, p: Port): void {
  if (p.id < 0n || p.id > 0xffffffffffffffffn) throw new Failure('a port id is 0..2^64-1');
  checkU32(p.creation, 'a port creation');
  if (p.id > 0xffffffffn) {
    w.u8(Tag.V4_PORT_EXT);
    writeAtom(w, p.node);
    w.u64(p.id).u32(p.creation);
  } else {
    w.u8(Tag.NEW_PORT_EXT);
    writeAtom(w, p.node);
    w.u32(Number(p.id)).u32(p.creation);
  }
}

function checkU32(v: number, what: string): void {
  // v >>> 0 === v exactly for the integers 0..2^32-1 (and -0)
  if (typeof v !== 'number' || v >>> 0 !== v) {
    throw new Failure(`${what} must be an integer 0..2^32-1, got ${v}`);
  }
}

/** A key's path segment: `.name` when it is an identifier, else `["na me"]`. */
function keySegment(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

const ancestors = new Set<object>();

function enterDeep(v: object): void {
  if (ancestors.has(v)) throw new CycleSignal();
  ancestors.add(v);
}

function isPlainObject(v: object): boolean {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function writeListHeader(w: Writer, n: number): void {
  if (w.length + 5 > w.buf.length) w.ensure(5);
  const o = w.length;
  w.buf[o] = Tag.LIST_EXT;
  dataView(w.buf).setUint32(o + 1, n);
  w.length = o + 5;
}

function writeList(w: Writer, list: readonly Term[], depth: number): void {
  if (isByteList(list)) {
    const n = list.length;
    w.u8(Tag.STRING_EXT).u16(n).ensure(n);
    const b = w.buf;
    let o = w.length;
    for (let i = 0; i < n; i++) b[o++] = Number(list[i]);
    w.length = o;
    return;
  }
  const n = list.length;
  if (n === 0) {
    w.u8(Tag.NIL_EXT);
    return;
  }
  writeListHeader(w, n);
  let i = 0;
  try {
    for (; i < n; i++) {
      const x = list[i];
      if (typeof x === 'number' && (x | 0) === x) {
        // The common case inline: a 32-bit integer.
        if (w.length + 5 > w.buf.length) w.ensure(5);
        const b = w.buf;
        const o = w.length;
        if (x >= 0 && x <= 255) {
          b[o] = Tag.SMALL_INTEGER_EXT;
          b[o + 1] = x;
          w.length = o + 2;
        } else {
          b[o] = Tag.INTEGER_EXT;
          b[o + 1] = x >>> 24;
          b[o + 2] = (x >>> 16) & 0xff;
          b[o + 3] = (x >>> 8) & 0xff;
          b[o + 4] = x & 0xff;
          w.length = o + 5;
        }
        continue;
      }
      if (typeof x === 'object' && x !== null && !(x instanceof Atom)) {
        writeObjectTerm(w, x, x.constructor, depth);
        continue;
      }
      if (x === undefined && !(i in list)) throw new Failure('a hole in an array is not a term');
      writeTerm(w, x!, depth);
    }
  } catch (e) {
    if (e instanceof Failure) e.segments.push(`[${i}]`);
    throw e;
  }
  w.u8(Tag.NIL_EXT);
}

/** Sorts a few keys by code point: insertion sort, `<` unless a key has surrogates. */
function sortKeys(keys: string[]): void {
  const n = keys.length;
  let plain = true;
  for (let i = 0; i < n && plain; i++) {
    const k = keys[i]!;
    for (let j = 0; j < k.length; j++) {
      if (k.charCodeAt(j) >= 0xd800) {
        plain = false;
        break;
      }
    }
  }
  if (!plain) {
    keys.sort(compareText);
    return;
  }
  for (let i = 1; i < n; i++) {
    const k = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > k) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = k;
  }
}

/**
 * What an object shape (its keys in insertion order) encodes to: the keys in the order
 * they go out (`sorted`, and `order`: where each one is in insertion order), each with its
 * SMALL_ATOM_UTF8_EXT bytes. Cached per first key, a few shapes per first key (`next`),
 * a bounded number in all.
 */
interface Shape {
  readonly keys: readonly string[];
  readonly sorted: readonly string[];
  readonly order: readonly number[];
  readonly atoms: readonly BytePlan[];
  readonly next: Shape | undefined;
}
const MAX_SHAPES = 1024;
const MAX_SHAPES_PER_KEY = 8;
const shapes = new Map<string, Shape>();
/** The shape writeObject used last: tried before the cache. */
let lastShape: Shape | undefined;
const NO_KEYS: readonly string[] = [];

/**
 * The keys and values of the objects being written, outermost first: writeObject reads an
 * object's properties with `for...in` (a load by index, where `obj[key]` in sorted order
 * is a keyed lookup per property) into `[base, top)`, then writes them in sorted order.
 */
const stackKeys: string[] = [];
const stackValues: (Term | undefined)[] = [];
let top = 0;

/**
 * The cached shape of the keys at `stackKeys[base, base + n)` (made on first sight);
 * `undefined` if a key is too long for an atom.
 */
function shapeAt(base: number, n: number): Shape | undefined {
  const first = stackKeys[base]!;
  const head = shapes.get(first);
  let chain = 0;
  for (let s = head; s !== undefined; s = s.next) {
    const k = s.keys;
    if (k.length === n) {
      let i = 1;
      while (i < n && k[i] === stackKeys[base + i]) i++;
      if (i === n) return s;
    }
    chain++;
  }
  const keys = stackKeys.slice(base, base + n);
  const sorted = keys.slice();
  if (n > 1) sortKeys(sorted);
  const atoms: BytePlan[] = [];
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = keyAtomBytes(sorted[i]!);
    if (a === undefined) return undefined;
    atoms.push(planOf(a));
    order.push(keys.indexOf(sorted[i]!));
  }
  const shape: Shape = {
    keys,
    sorted,
    order,
    atoms,
    next: chain < MAX_SHAPES_PER_KEY ? head : undefined,
  };
  if (shapes.size >= MAX_SHAPES) {
    shapes.clear();
    lastShape = undefined;
  }
  shapes.set(first, shape);
  return shape;
}

/** An object key as an atom's bytes (without interning it), or `undefined` if too long. */
function keyAtomBytes(key: string): Buffer | undefined {
  try {
    return encodeAtomText(key);
  } catch (e) {
    if (e instanceof Failure) return undefined;
    throw e;
  }
}

/**
 * Whether `for...in` over an object whose prototype is `Object.prototype` yields just its
 * own keys (as `Object.keys`): true unless someone made a property of `Object.prototype`
 * enumerable.
 */
function onlyOwnKeys(): boolean {
  for (const key in Object.prototype) return key === undefined;
  return true;
}

function releaseStack(base: number, end: number): void {
  for (let j = base; j < end; j++) stackValues[j] = undefined;
  top = base;
}

function writeObject(w: Writer, obj: Readonly<Record<string, Term>>, depth: number): void {
  // for...in also walks the prototype chain: only for objects whose prototype is
  // Object.prototype (with nothing enumerable) or null, as Object.keys would see them.
  const proto: unknown = Object.getPrototypeOf(obj);
  if ((proto !== Object.prototype && proto !== null) || !onlyOwnKeys()) {
    return writeObjectKeys(w, obj, depth);
  }
  const base = top;
  let n = 0;
  // The keys are checked against the last shape written as they come; they are stored
  // (for shapeAt) only from the first one that differs.
  const last = lastShape;
  const lastKeys = last !== undefined ? last.keys : NO_KEYS;
  let same = true;
  // The slots are taken before the walk: a getter may encode (in a writer of its own,
  // with this stack).
  top = base + FLATMAP_LIMIT;
  try {
    for (const key in obj) {
      if (n === FLATMAP_LIMIT) {
        releaseStack(base, base + n);
        return writeObjectKeys(w, obj, depth);
      }
      if (!same) stackKeys[base + n] = key;
      else if (lastKeys[n] !== key) {
        same = false;
        for (let j = 0; j < n; j++) stackKeys[base + j] = lastKeys[j]!;
        stackKeys[base + n] = key;
      }
      stackValues[base + n++] = obj[key];
    }
  } catch (e) {
    releaseStack(base, base + n);
    throw e;
  }
  top = base + n;
  if (n === 0) {
    w.u8(Tag.MAP_EXT).u32(0);
    return;
  }
  let shape: Shape;
  if (same && n === lastKeys.length && last !== undefined) shape = last;
  else {
    if (same) for (let j = 0; j < n; j++) stackKeys[base + j] = lastKeys[j]!;
    const found = shapeAt(base, n);
    if (found === undefined) {
      releaseStack(base, base + n);
      return writeObjectKeys(w, obj, depth);
    }
    shape = lastShape = found;
  }
  const { sorted, order, atoms } = shape;
  if (w.length + 5 > w.buf.length) w.ensure(5);
  const b = w.buf;
  const o = w.length;
  b[o] = Tag.MAP_EXT;
  b[o + 1] = 0;
  b[o + 2] = 0;
  b[o + 3] = 0;
  b[o + 4] = n;
  w.length = o + 5;
  let i = 0;
  try {
    for (; i < n; i++) {
      writePlan(w, atoms[i]!);
      // Each value is let go of (for the GC) as it is taken.
      const at = base + order[i]!;
      const v = stackValues[at]!;
      stackValues[at] = undefined;
      if (typeof v === 'object' && v !== null && !(v instanceof Atom)) {
        writeObjectTerm(w, v, v.constructor, depth);
      } else writeTerm(w, v, depth);
    }
  } catch (e) {
    releaseStack(base, base + n);
    if (e instanceof Failure) e.segments.push(keySegment(sorted[i]!));
    throw e;
  }
  top = base;
}

/** An object through `Object.keys`: a large one, or one with a key too long for an atom. */
function writeObjectKeys(w: Writer, obj: Readonly<Record<string, Term>>, depth: number): void {
  const keys = Object.keys(obj);
  const n = keys.length;
  if (n > 1 && n <= FLATMAP_LIMIT) sortKeys(keys);
  w.u8(Tag.MAP_EXT).u32(n);
  let key = '';
  try {
    for (let i = 0; i < n; i++) {
      key = keys[i]!;
      writeKeyAtom(w, key);
      writeTerm(w, obj[key]!, depth);
    }
  } catch (e) {
    if (e instanceof Failure) e.segments.push(keySegment(key));
    throw e;
  }
}

function writeMap(w: Writer, map: ReadonlyMap<Term, Term>, depth: number): void {
  w.u8(Tag.MAP_EXT).u32(map.size);
  let entries: Iterable<[Term, Term]> = map.entries();
  if (map.size > 1 && map.size <= FLATMAP_LIMIT) {
    const sorted = [...map.entries()].sort((a, b) => compareMapKeys(a[0], b[0]));
    for (let i = 1; i < sorted.length; i++) {
      if (compareMapKeys(sorted[i - 1]![0], sorted[i]![0]) === 0) {
        throw new Failure('two keys of the Map are the same term');
      }
    }
    entries = sorted;
  }
  let index = 0;
  let side = 'key';
  try {
    for (const [k, v] of entries) {
      side = 'key';
      writeTerm(w, k, depth);
      side = 'value';
      writeTerm(w, v, depth);
      index++;
    }
  } catch (e) {
    if (e instanceof Failure) e.segments.push(`.<${side} ${index}>`);
    throw e;
  }
}

function writeFun(w: Writer, f: Fun, depth: number): void {
  const raw = rawFunBytes(f);
  if (raw !== undefined) {
    w.bytes(raw);
    return;
  }
  if (f.uniq.length !== 16) throw new Failure('a fun uniq is 16 bytes');
  const start = w.length;
  const sizeBefore = w.size;
  w.u8(Tag.NEW_FUN_EXT).u32(0).u8(f.arity).bytes(f.uniq).u32(f.index).u32(f.freeVars.length);
  writeAtom(w, f.module);
  writeInteger(w, f.oldIndex);
  writeInteger(w, f.oldUniq);
  writePid(w, f.pid);
  let i = 0;
  try {
    for (; i < f.freeVars.length; i++) writeTerm(w, f.freeVars[i]!, depth);
  } catch (e) {
    if (e instanceof Failure) e.segments.push(`.freeVars[${i}]`);
    throw e;
  }
  w.setU32(start + 1, w.size - sizeBefore - 1);
}

function writeTuple(w: Writer, t: Tuple, depth: number): void {
  const els = t.elements;
  const n = els.length;
  if (n <= 255) {
    if (w.length + 2 > w.buf.length) w.ensure(2);
    const o = w.length;
    w.buf[o] = Tag.SMALL_TUPLE_EXT;
    w.buf[o + 1] = n;
    w.length = o + 2;
  } else w.u8(Tag.LARGE_TUPLE_EXT).u32(n);
  let i = 0;
  try {
    for (; i < n; i++) {
      const x = els[i]!;
      // The constructor loaded here, not in writeTerm: each container's loop has its own
      // inline cache, which sees the few classes found there (one shared load sees all).
      if (typeof x === 'object' && x !== null && !(x instanceof Atom)) {
        writeObjectTerm(w, x, x.constructor, depth);
      } else writeTerm(w, x, depth);
    }
  } catch (e) {
    if (e instanceof Failure) e.segments.push(`[${i}]`);
    throw e;
  }
}

function writeImproper(w: Writer, v: ImproperList, d: number): void {
  const n = v.elements.length;
  writeListHeader(w, n);
  let i = 0;
  try {
    for (; i < n; i++) {
      const x = v.elements[i]!;
      if (typeof x === 'object' && x !== null && !(x instanceof Atom)) {
        writeObjectTerm(w, x, x.constructor, d);
      } else writeTerm(w, x, d);
    }
  } catch (e) {
    if (e instanceof Failure) e.segments.push(`.elements[${i}]`);
    throw e;
  }
  try {
    const t = v.tail;
    if (typeof t === 'object' && t !== null && !(t instanceof Atom)) {
      writeObjectTerm(w, t, t.constructor, d);
    } else writeTerm(w, t, d);
  } catch (e) {
    if (e instanceof Failure) e.segments.push('.tail');
    throw e;
  }
}

function writeBits(w: Writer, v: BitBinary): void {
  if (v.bits === 8) return writeBinary(w, v.bytes); // whole bytes: a binary, as BEAM has it
  const n = v.bytes.length;
  const mask = (0xff << (8 - v.bits)) & 0xff;
  w.u8(Tag.BIT_BINARY_EXT)
    .u32(n)
    .u8(v.bits)
    .bytes(v.bytes.subarray(0, n - 1));
  w.u8(v.bytes[n - 1]! & mask);
}

function writeExport(w: Writer, v: ExportFun): void {
  if (!Number.isInteger(v.arity) || v.arity < 0 || v.arity > 255) {
    throw new Failure(`a fun arity is 0..255, got ${v.arity}`);
  }
  w.u8(Tag.EXPORT_EXT);
  writeAtom(w, v.module);
  writeAtom(w, v.name);
  w.u8(Tag.SMALL_INTEGER_EXT).u8(v.arity);
}

function writeBinary(w: Writer, v: Uint8Array): void {
  w.u8(Tag.BINARY_EXT).u32(v.length).bytes(v);
}

/**
 * Everything that is an object but not an atom: dispatch on the constructor first (one
 * load, no chain), then `instanceof` for subclasses and the rare classes.
 */
function writeObjectTerm(w: Writer, v: object, c: unknown, depth: number): void {
  if (depth > CYCLE_CHECK_DEPTH) enterDeep(v);
  const d = depth + 1;
  if (c === Tuple) writeTuple(w, v as Tuple, d);
  else if (c === Array) writeList(w, v as Term[], d);
  else if (c === Object) writeObject(w, v as Record<string, Term>, d);
  else if (c === Pid) writePid(w, v as Pid);
  else if (c === Ref) writeRef(w, v as Ref);
  else if (c === Buffer || c === Uint8Array) writeBinary(w, v as Uint8Array);
  else if (c === Float) writeFloat(w, (v as Float).value);
  else if (c === ImproperList) writeImproper(w, v as ImproperList, d);
  else if (c === Map) writeMap(w, v as Map<Term, Term>, d);
  else if (Array.isArray(v)) writeList(w, v as Term[], d);
  else if (v instanceof Tuple) writeTuple(w, v, d);
  else if (v instanceof Pid) writePid(w, v);
  else if (v instanceof Uint8Array) writeBinary(w, v);
  else if (v instanceof Float) writeFloat(w, v.value);
  else if (v instanceof Ref) writeRef(w, v);
  else if (v instanceof Map) writeMap(w, v as Map<Term, Term>, d);
  else if (v instanceof ImproperList) writeImproper(w, v, d);
  else if (v instanceof BitBinary) writeBits(w, v);
  else if (v instanceof Port) writePort(w, v);
  else if (v instanceof ExportFun) writeExport(w, v);
  else if (v instanceof Fun) writeFun(w, v, d);
  else if (isPlainObject(v)) writeObject(w, v as Record<string, Term>, d);
  else {
    const name = (c as { name?: string } | undefined)?.name ?? 'object';
    throw new Failure(`a ${name} is not a term`);
  }
  if (depth > CYCLE_CHECK_DEPTH) ancestors.delete(v);
}

function writeTerm(w: Writer, v: Term, depth: number): void {
  // typeof comparisons (not a switch on typeof v): each compiles to an inline check.
  if (typeof v === 'object') {
    if (v === null) return writePlan(w, NIL_PLAN);
    if (v instanceof Atom) return writeAtom(w, v);
    return writeObjectTerm(w, v, v.constructor, depth);
  }
  if (typeof v === 'number') return writeNumber(w, v);
  if (typeof v === 'string') return writeString(w, v);
  if (typeof v === 'boolean') return writePlan(w, v ? TRUE_PLAN : FALSE_PLAN);
  if (typeof v === 'bigint') return writeBigInt(w, v);
  throw new Failure(`${typeof v === 'function' ? 'a function' : String(typeof v)} is not a term`);
}

/** Depth-first search for the first place where a value contains one of its ancestors. */
function findCycle(root: unknown): string {
  interface Step {
    value: unknown;
    path: string;
    children: [unknown, string][] | undefined;
    next: number;
  }
  const onPath = new Set<unknown>();
  const children = (v: unknown): [unknown, string][] => {
    if (Array.isArray(v)) return v.map((x, i) => [x, `[${i}]`]);
    if (v instanceof Tuple) return v.elements.map((x, i) => [x, `[${i}]`]);
    if (v instanceof ImproperList) {
      return [
        ...v.elements.map((x, i): [unknown, string] => [x, `.elements[${i}]`]),
        [v.tail, '.tail'],
      ];
    }
    if (v instanceof Fun) return v.freeVars.map((x, i) => [x, `.freeVars[${i}]`]);
    if (v instanceof Map) {
      return [...v.entries()].flatMap(([k, x], i): [unknown, string][] => [
        [k, `.<key ${i}>`],
        [x, `.<value ${i}>`],
      ]);
    }
    if (typeof v === 'object' && v !== null && isPlainObject(v)) {
      return Object.entries(v).map(([k, x]) => [x, keySegment(k)]);
    }
    return [];
  };
  const stack: Step[] = [{ value: root, path: '$', children: undefined, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.children === undefined) {
      onPath.add(top.value);
      top.children = children(top.value);
    }
    if (top.next < top.children.length) {
      const [child, seg] = top.children[top.next++]!;
      if (typeof child !== 'object' || child === null || child instanceof Atom) continue;
      if (onPath.has(child)) return top.path + seg;
      stack.push({ value: child, path: top.path + seg, children: undefined, next: 0 });
    } else {
      onPath.delete(top.value);
      stack.pop();
    }
  }
  return '$';
}

/** The typed error for whatever `writeTerm` threw (rethrows anything else). */
function encodeError(e: unknown, term: Term): unknown {
  ancestors.clear();
  if (e instanceof Failure) {
    return new TermEncodeError(e.message, `$${e.segments.reverse().join('')}`);
  }
  if (e instanceof CycleSignal) {
    return new TermEncodeError('a cycle: the value contains itself', findCycle(term));
  }
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return new TermEncodeError('the value is nested too deeply to encode', '$', { cause: e });
  }
  return e;
}

/**
 * Appends `term` to `writer` WITHOUT the 131 version byte: what the distribution layer
 * needs after a `131, 68` header, where the control message and payload follow one
 * another. Throws {@link TermEncodeError}; on error the writer is rewound to where it was.
 *
 * @example
 * ```ts
 * const w = new Writer();
 * w.u8(131).u8(68).u8(0);
 * encodeInto(w, tuple(6, self, atom(''), atom('net_kernel')));
 * encodeInto(w, message);
 * ```
 */
export function encodeInto(writer: Writer, term: Term): Writer {
  const start = writer.length;
  try {
    writeTerm(writer, term, 0);
    return writer;
  } catch (e) {
    writer.truncate(start);
    throw encodeError(e, term);
  }
}

/**
 * encode() writes into a 64 KiB slab and returns views of it, one after another, as
 * Node's own Buffer pool does: a small term costs no copy and no pool bookkeeping. A term
 * that outgrows the slab keeps the grown buffer for itself; a new slab follows.
 */
const SLAB = 64 * 1024;
/** Room always left after `slabUsed`, so the version byte needs no bounds check. */
const SLAB_SPARE = 512;
let slab = Buffer.allocUnsafe(SLAB);
/** `slab.buffer` and `slab.byteOffset`, read once per slab (`.buffer` is a C++ getter). */
let slabBuffer = slab.buffer;
let slabOffset = slab.byteOffset;
let slabUsed = 0;
const shared = new Writer(16);
shared.buf = slab;
shared.deferLarge = true;
/** Set while encode() uses `shared`: a getter in the value that calls encode() again gets its own writer. */
let busy = false;
/**
 * `Buffer.prototype.slice` is a view like `subarray` (Node ≥ 17), but builds the Buffer
 * directly instead of through the species constructor: about half the cost.
 */
const view = Buffer.prototype.slice as (this: Buffer, start: number, end: number) => Buffer;

/**
 * Encodes a value as `term_to_binary/1` does: the 131 version byte, then the term.
 * With `compressed`, as `term_to_binary(T, [compressed])` / `[{compressed, Level}]`.
 *
 * Throws {@link TermEncodeError} (with the path to the culprit) for values that are not
 * terms: `undefined`, NaN, ±Infinity, functions, symbols, cycles, unknown class instances.
 *
 * Like `Buffer.allocUnsafe`'s pool, small results share one underlying `ArrayBuffer`
 * (each result owns its own range); mind `byteOffset` when using `result.buffer`.
 *
 * @example
 * ```ts
 * encode(tuple(atom('ok'), 1)); // <Buffer 83 68 02 77 02 6f 6b 61 01>
 * encode(bigPayload, { compressed: true });
 * ```
 */
export function encode(term: Term, options?: EncodeOptions): Buffer {
  if (busy) return encodeAlone(term, options);
  if (options !== undefined) {
    const c = options.compressed;
    if (c !== undefined && c !== false && c !== 0) return encodeAlone(term, options);
  }
  busy = true;
  const w = shared;
  const start = slabUsed;
  slab[start] = Tag.VERSION_MAGIC;
  w.length = start + 1;
  try {
    writeTerm(w, term, 0);
  } catch (e) {
    busy = false;
    w.length = start;
    w.clearChunks();
    if (w.buf !== slab) newSlab();
    throw encodeError(e, term);
  }
  busy = false;
  const end = w.length;
  if (w.buf === slab && !w.hasChunks) {
    // Buffer.from(arrayBuffer, offset, length) makes the view without reading
    // `slab.buffer` again (what Buffer.prototype.slice does): a few ns less per call.
    const out = Buffer.from(slabBuffer, slabOffset + start, end - start);
    slabUsed = (end + 7) & ~7;
    if (slabUsed > SLAB - SLAB_SPARE) newSlab();
    return out;
  }
  // Outgrew the slab (the grown buffer is the result's), or holds deferred large binaries.
  let out: Buffer;
  if (w.hasChunks) {
    out = w.copy(start);
    w.clearChunks();
  } else {
    out = view.call(w.buf, start, end);
  }
  w.length = start;
  if (w.buf !== slab) newSlab();
  return out;
}

function newSlab(): void {
  slab = Buffer.allocUnsafe(SLAB);
  slabBuffer = slab.buffer;
  slabOffset = slab.byteOffset;
  shared.buf = slab;
  shared.length = 0;
  slabUsed = 0;
}

/**
 * Encodes a value as {@link encode} does, but returns the bytes as a list of pieces in
 * which every binary of 64 KiB or more (a `Uint8Array`/`Buffer`, or the whole bytes of a
 * `BitBinary`) is the caller's own array, referenced rather than copied: a 1 MiB binary is
 * written to a socket without first being copied into the encoded buffer. The
 * concatenation of the pieces is exactly `encode(term, options)`. Small terms come back as
 * one piece. With `compressed`, one piece (compression needs the whole term).
 *
 * The referenced arrays are not copied: changing one before the pieces are written out
 * changes what is sent. The other pieces belong to the result.
 *
 * Throws {@link TermEncodeError} as {@link encode} does.
 *
 * @example
 * ```ts
 * const pieces = encodeChunks(tuple(atom('file'), oneMiB));
 * // [<83 68 02 77 04 66 69 6c 65 6d 00 10 00 00>, oneMiB]
 * for (const p of pieces) socket.write(p);
 * ```
 */
export function encodeChunks(term: Term, options?: EncodeOptions): Uint8Array[] {
  if (options !== undefined) {
    const c = options.compressed;
    if (c !== undefined && c !== false && c !== 0) return [encodeAlone(term, options)];
  }
  const w = new Writer(256);
  w.deferLarge = true;
  w.u8(Tag.VERSION_MAGIC);
  encodeInto(w, term);
  return w.pieces(0);
}

/** encode() in a writer of its own: compressed, or called again from inside a value. */
function encodeAlone(term: Term, options: EncodeOptions | undefined): Buffer {
  const w = new Writer();
  w.deferLarge = true;
  w.u8(Tag.VERSION_MAGIC);
  encodeInto(w, term);
  const c = options?.compressed;
  if (c !== undefined && c !== false && c !== 0) return compress(w.view(0), c === true ? 6 : c);
  return w.hasChunks ? w.copy(0) : view.call(w.buf, 0, w.length);
}

function compress(plain: Buffer, level: number): Buffer {
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new TermEncodeError(`compression level must be 0..9, got ${level}`, '$');
  }
  const body = plain.subarray(1);
  const packed = deflateSync(body, { level });
  if (packed.length + 5 > body.length) return Buffer.from(plain);
  const out = Buffer.allocUnsafe(6 + packed.length);
  out[0] = Tag.VERSION_MAGIC;
  out[1] = Tag.COMPRESSED;
  out.writeUInt32BE(body.length, 2);
  packed.copy(out, 6);
  return out;
}

/**
 * Term decoder: External Term Format bytes to JavaScript values.
 *
 * It never trusts its input. Every length is checked against the bytes that remain
 * before anything is allocated; nesting past a few dozen levels is walked with an
 * explicit stack (the first levels by recursive descent, bounded), so a million nested
 * lists cost memory proportional to the input but never more than that much call stack;
 * compressed terms inflate under a cap and must match their declared size; atoms come
 * from the bounded table. Anything malformed raises {@link TermDecodeError} with the
 * offset; no other exception escapes.
 *
 * Spec: https://www.erlang.org/doc/apps/erts/erl_ext_dist.html
 *
 * @module
 */
// Buffer from node:buffer, not the global: globalThis.Buffer is a getter, called on each
// use in a hot path.
import { Buffer, isUtf8 } from 'node:buffer';
import { inflateSync } from 'node:zlib';
import { TermDecodeError } from './errors.ts';
import { rememberFunBytes } from './fun-bytes.ts';
import { findShape, keyName, MAX_SHAPE_KEYS, recordShape } from './map-shapes.ts';
import { Tag } from './tags.ts';
import { cacheAtom, cachedAtom, invalidUtf8Prefix, isAscii, latin1, utf8 } from './text.ts';
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

/**
 * How BINARY_EXT decodes: see {@link DecodeOptions.binaries}.
 *
 * @example
 * ```ts
 * const mode: BinaryMode = 'buffer';
 * decode(bytes, { binaries: mode });
 * ```
 */
export type BinaryMode = 'auto' | 'buffer' | 'string';

/**
 * Options of {@link decode} and {@link decodeAt}.
 *
 * @example
 * ```ts
 * const opts: DecodeOptions = { binaries: 'buffer', maxInflatedSize: 1 << 20 };
 * decode(bytes, opts);
 * ```
 */
export interface DecodeOptions {
  /**
   * `'auto'` (default): a binary that is valid UTF-8 becomes a `string`, any other a
   * `Buffer`. `'buffer'`: always a `Buffer`. `'string'`: always a `string` (invalid
   * sequences become U+FFFD).
   */
  binaries?: BinaryMode;
  /**
   * Copy every binary out of the input. By default binaries of 1 KiB or more that decode
   * to bytes are views into the input buffer (no allocation; the input stays alive while
   * they do); pass `true` when the input buffer will be reused or changed.
   */
  copyBinaries?: boolean;
  /** `decode` only: accept bytes after the term instead of raising. Default false. */
  allowTrailing?: boolean;
  /** The most bytes a COMPRESSED term may inflate to. Default 64 MiB. */
  maxInflatedSize?: number;
  /**
   * The atoms that ATOM_CACHE_REF (82) indexes refer to: the refs of the distribution
   * header this term follows (see {@link decodeDistHeader}). Without it, 82 is an error.
   */
  atomRefs?: readonly (Atom | undefined)[];
}

/**
 * Options of {@link decodeAt}.
 *
 * @example
 * ```ts
 * decodeAt(frame, 1, { version: true }); // a 'p' pass-through frame: 131 before each term
 * ```
 */
export interface DecodeAtOptions extends DecodeOptions {
  /** Expect the 131 version byte at `offset` (and allow COMPRESSED). Default false. */
  version?: boolean;
}

/**
 * A decoded term and the offset just after it.
 *
 * @example
 * ```ts
 * const { value, offset } = decodeAt(frame, 3);
 * ```
 */
export interface DecodeResult {
  value: Term;
  offset: number;
}

/**
 * The default {@link DecodeOptions.maxInflatedSize}: 64 MiB.
 *
 * @example
 * ```ts
 * decode(bytes, { maxInflatedSize: DEFAULT_MAX_INFLATED_SIZE * 2 });
 * ```
 */
export const DEFAULT_MAX_INFLATED_SIZE = 64 * 1024 * 1024;
/** The most digit bytes an integer may have (8 MiB: past BEAM's own limit). */
const MAX_BIG_BYTES = 8 * 1024 * 1024;

/** Binaries this large (or larger) are views into the input unless copyBinaries is set. */
const VIEW_THRESHOLD = 1024;

/**
 * Containers this shallow are read by recursive descent (a call per element, no frame);
 * deeper ones on the explicit stack.
 */
const DESCENT = 32;

const K_TUPLE = 0;
const K_LIST = 1;
const K_TAIL = 2;
const K_MAP = 3;
const K_FUN = 4;

interface FunHeader {
  start: number;
  end: number;
  arity: number;
  uniq: Uint8Array;
  index: number;
  module: Atom;
  oldIndex: number;
  oldUniq: number;
  pid: Pid;
}

class Frame {
  kind = 0;
  items: Term[] = [];
  i = 0;
  n = 0;
  start = 0;
  fun: FunHeader | undefined = undefined;
}

const PUSHED: unique symbol = Symbol('pushed');
const NO_ITEMS: Term[] = [];
const NO_BYTES = Buffer.alloc(0);

const ATOM_TRUE = Atom.of('true');
const ATOM_FALSE = Atom.of('false');
const ATOM_NIL = Atom.of('nil');

/**
 * A node name {@link Decoder.nodeAtom} saw: its text and atom. A byte loop costs ~25
 * instructions a byte once optimised, and every pid and reference names its node in 15-20
 * of them, so in an input worth a DataView (see {@link Decoder.view}) the name is compared
 * in 32-bit words: word k is the 4 bytes at `min(4k, length - 4)`, little-endian (the last
 * word overlaps the one before it).
 */
class SeenNode {
  length = -1;
  bytes: Uint8Array = new Uint8Array(0);
  readonly words = new Int32Array(64);
  count = 0;
  atom: Atom | undefined = undefined;

  /** Whether the `n` bytes at `s` of `buf` are this name's. */
  isBytes(buf: Buffer, s: number, n: number): boolean {
    const key = this.bytes;
    if (this.length !== n) return false;
    for (let i = 0; i < n; i++) if (key[i] !== buf[s + i]) return false;
    return true;
  }

  /** {@link SeenNode.isBytes} through a DataView of the same bytes. */
  isWords(dv: DataView, buf: Buffer, s: number, n: number): boolean {
    if (this.length !== n) return false;
    if (n < 4) return this.isBytes(buf, s, n);
    const w = this.words;
    const last = n - 4;
    for (let k = 0, i = 0; k < this.count; k++, i += 4) {
      if (dv.getInt32(s + (i < last ? i : last), true) !== w[k]) return false;
    }
    return true;
  }

  set(buf: Buffer, s: number, e: number, atom: Atom): void {
    const b = Uint8Array.prototype.slice.call(buf, s, e);
    const n = b.length;
    const last = n - 4;
    let k = 0;
    if (n >= 4) {
      for (let i = 0; i < n; i += 4) {
        const j = i < last ? i : last;
        this.words[k++] = b[j]! | (b[j + 1]! << 8) | (b[j + 2]! << 16) | (b[j + 3]! << 24);
      }
    }
    this.count = k;
    this.bytes = b;
    this.length = n;
    this.atom = atom;
  }
}

/** The two node names {@link Decoder.nodeAtom} saw last (a message names the same two again and again). */
const seenNode0 = new SeenNode();
const seenNode1 = new SeenNode();
let seenNodeNext = 0;

const NO_VIEW = new DataView(new ArrayBuffer(0));
/** Inputs this large hold several frames (a socket read): a DataView of one pays for itself. */
const VIEW_MIN = 8 * 1024;
/** Larger inputs get none (a decoder keeps its DataView, and so the input, until the next one). */
const VIEW_MAX = 256 * 1024;

/**
 * The pids and references decoded last: equal bytes decode to the same (immutable) object,
 * so a sender's pid or a call's reference (monitor, alias, demonitor) is one allocation and
 * its `key` is made once.
 */
const SEEN = 4;
const seenPids: (Pid | undefined)[] = [undefined, undefined, undefined, undefined];
let seenPidNext = 0;
const seenRefs: (Ref | undefined)[] = [undefined, undefined, undefined, undefined];
let seenRefNext = 0;

class Decoder {
  buf: Buffer = NO_BYTES;
  pos = 0;
  end = 0;
  binaries: BinaryMode = 'auto';
  copyBinaries = false;
  refs: readonly (Atom | undefined)[] | undefined = undefined;
  compressed = false;
  /** A DataView of `viewOf`, kept while inputs are the same buffer (frames of one socket read). */
  private dv: DataView = NO_VIEW;
  private viewOf: Buffer = NO_BYTES;
  private readonly frames: Frame[] = [];
  private sp = 0;

  reset(buf: Buffer, pos: number, options: DecodeOptions | undefined, compressed: boolean): void {
    this.buf = buf;
    this.pos = pos;
    this.end = buf.length;
    this.binaries = options?.binaries ?? 'auto';
    this.copyBinaries = options?.copyBinaries ?? false;
    this.refs = options?.atomRefs;
    this.compressed = compressed;
    this.sp = 0;
  }

  /** Drops references to partial results after a failure. */
  release(): void {
    for (let i = 0; i < this.frames.length; i++) {
      const f = this.frames[i]!;
      f.items = NO_ITEMS;
      f.fun = undefined;
    }
    this.sp = 0;
    this.buf = NO_BYTES;
  }

  fail(message: string, offset: number, tag?: number): never {
    throw new TermDecodeError(message, offset, tag, { compressed: this.compressed });
  }

  /** A DataView of the input when it is between VIEW_MIN and VIEW_MAX bytes long, else undefined. */
  view(): DataView | undefined {
    const buf = this.buf;
    if (this.viewOf === buf) return this.dv;
    if (buf.length < VIEW_MIN || buf.length > VIEW_MAX) return undefined;
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.viewOf = buf;
    return this.dv;
  }

  /** Fails unless `n` bytes remain from `at`. */
  need(at: number, n: number, tag: number): void {
    if (n > this.end - at) this.fail(`needs ${n} bytes, ${this.end - at} left`, at, tag);
  }

  u16(at: number): number {
    return (this.buf[at]! << 8) | this.buf[at + 1]!;
  }

  u32(at: number): number {
    const b = this.buf;
    return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
  }

  private push(kind: number, items: Term[], n: number, start: number): typeof PUSHED {
    let f = this.frames[this.sp];
    if (f === undefined) {
      f = new Frame();
      this.frames.push(f);
    }
    this.sp++;
    f.kind = kind;
    f.items = items;
    f.i = 0;
    f.n = n;
    f.start = start;
    return PUSHED;
  }

  /** Reads one whole term at `pos`, leaving `pos` after it. */
  term(): Term {
    const base = this.sp;
    const value = this.one(0);
    return typeof value === 'symbol' ? this.run(base, value) : value;
  }

  /**
   * An element of a container read by recursive descent (at `depth` < {@link DESCENT}):
   * a leaf, a container read the same way, or (past the depth limit, and for funs) one
   * finished by {@link Decoder.run} on the explicit stack.
   */
  private element(depth: number): Term {
    const value = this.one(depth);
    // one() pushed exactly one frame when it returns PUSHED.
    return typeof value === 'symbol' ? this.run(this.sp - 1, value) : value;
  }

  /**
   * Finishes the containers pushed above frame `base` (`value` is the last read): the
   * explicit stack, so deep nesting costs memory, never the call stack.
   */
  private run(base: number, first: Term | typeof PUSHED): Term {
    let value = first;
    for (;;) {
      // typeof, not `=== PUSHED`: a type check inline, where comparing with a value of
      // unknown type (a term may be a string or a number) calls the generic StrictEqual.
      // PUSHED is the only symbol a term read can produce.
      if (typeof value === 'symbol') {
        value = this.one(DESCENT);
        continue;
      }
      if (this.sp === base) return value;
      const f = this.frames[this.sp - 1]!;
      switch (f.kind) {
        case K_TUPLE:
          f.items[f.i++] = value;
          if (f.i < f.n) {
            value = this.one(DESCENT);
            continue;
          }
          value = new Tuple(f.items);
          break;
        case K_LIST: {
          const items = f.items;
          items[f.i++] = value;
          // The common case inline: a run of small integers.
          const buf = this.buf;
          let p = this.pos;
          while (f.i < f.n && p + 5 <= this.end) {
            const tag = buf[p];
            if (tag === Tag.SMALL_INTEGER_EXT) {
              items[f.i++] = buf[p + 1]!;
              p += 2;
            } else if (tag === Tag.INTEGER_EXT) {
              items[f.i++] =
                (buf[p + 1]! << 24) | (buf[p + 2]! << 16) | (buf[p + 3]! << 8) | buf[p + 4]!;
              p += 5;
            } else break;
          }
          this.pos = p;
          if (f.i === f.n) {
            if (p < this.end && buf[p] === Tag.NIL_EXT) {
              // A proper list, the common case: done without reading [] as a tail.
              this.pos = p + 1;
              value = items;
              break;
            }
            f.kind = K_TAIL;
          }
          value = this.one(DESCENT);
          continue;
        }
        case K_TAIL:
          value = this.listWithTail(f.items, value);
          break;
        case K_MAP:
          f.items[f.i++] = value;
          if (f.i < f.n) {
            value = this.one(DESCENT);
            continue;
          }
          value = this.map(f.items, f.start);
          break;
        default:
          f.items[f.i++] = value;
          if (f.i < f.n) {
            value = this.one(DESCENT);
            continue;
          }
          value = this.fun(f.fun!, f.items);
          f.fun = undefined;
          break;
      }
      f.items = NO_ITEMS;
      this.sp--;
    }
  }

  /** The `n` elements of a LIST_EXT (`pos` after its header) and its tail, by descent. */
  private list(n: number, depth: number): Term {
    const items = new Array<Term>(n);
    const buf = this.buf;
    const end = this.end;
    let i = 0;
    while (i < n) {
      // The common case inline: a run of small integers.
      const p = this.pos;
      if (p + 5 <= end) {
        const tag = buf[p];
        if (tag === Tag.SMALL_INTEGER_EXT) {
          items[i++] = buf[p + 1]!;
          this.pos = p + 2;
          continue;
        }
        if (tag === Tag.INTEGER_EXT) {
          items[i++] = (buf[p + 1]! << 24) | (buf[p + 2]! << 16) | (buf[p + 3]! << 8) | buf[p + 4]!;
          this.pos = p + 5;
          continue;
        }
      }
      items[i++] = this.element(depth);
    }
    const p = this.pos;
    if (p < end && buf[p] === Tag.NIL_EXT) {
      // A proper list, the common case: done without reading [] as a tail.
      this.pos = p + 1;
      return items;
    }
    return this.listWithTail(items, this.element(depth));
  }

  private listWithTail(items: Term[], tail: Term): Term {
    if (items.length === 0) return tail;
    if (Array.isArray(tail)) return tail.length === 0 ? items : items.concat(tail as Term[]);
    if (tail instanceof ImproperList) {
      return new ImproperList(items.concat(tail.elements as Term[]), tail.tail);
    }
    return new ImproperList(items, tail);
  }

  private map(items: Term[], start: number): Term {
    const n = items.length;
    let atomKeys = true;
    for (let i = 0; i < n; i += 2) {
      const k = items[i];
      if (!(k instanceof Atom || typeof k === 'boolean' || k === null)) {
        atomKeys = false;
        break;
      }
    }
    if (atomKeys) {
      // A key set seen before has distinct keys: no check, and (once seen a few times) an
      // object made whole by its factory.
      const shape = n <= 2 * MAX_SHAPE_KEYS ? findShape(items) : undefined;
      if (shape !== undefined && shape.make !== undefined) return shape.make(items);
      if (n <= 2 * MAX_SHAPE_KEYS && shape === undefined) {
        // Atom keys are interned (booleans and null are primitives): identity finds repeats.
        for (let i = 2; i < n; i += 2) {
          for (let j = 0; j < i; j += 2) {
            if (items[i] === items[j]) this.fail('duplicate map key', start, Tag.MAP_EXT);
          }
        }
        recordShape(items);
      }
      const obj: Record<string, Term> = {};
      for (let i = 0; i < n; i += 2) {
        const name = keyName(items[i]!);
        if (n > 2 * MAX_SHAPE_KEYS && Object.hasOwn(obj, name)) {
          this.fail(`duplicate map key ${name}`, start, Tag.MAP_EXT);
        }
        if (name === '__proto__') {
          Object.defineProperty(obj, name, {
            value: items[i + 1],
            enumerable: true,
            writable: true,
            configurable: true,
          });
        } else obj[name] = items[i + 1]!;
      }
      return obj;
    }
    const m = new Map<Term, Term>();
    for (let i = 0; i < n; i += 2) {
      const k = items[i]!;
      if (m.has(k)) this.fail('duplicate map key', start, Tag.MAP_EXT);
      m.set(k, items[i + 1]!);
    }
    return m;
  }

  private fun(h: FunHeader, freeVars: Term[]): Fun {
    if (this.pos !== h.end) {
      this.fail(
        `size says the fun ends at ${h.end}, it ends at ${this.pos}`,
        h.start,
        Tag.NEW_FUN_EXT,
      );
    }
    const fun = new Fun({
      arity: h.arity,
      uniq: h.uniq,
      index: h.index,
      module: h.module,
      oldIndex: h.oldIndex,
      oldUniq: h.oldUniq,
      pid: h.pid,
      freeVars,
    });
    if (this.refs === undefined) {
      rememberFunBytes(fun, Uint8Array.prototype.slice.call(this.buf, h.start, h.end));
    }
    return fun;
  }

  /**
   * Reads one term, or the start of a container (then returns PUSHED). Below depth
   * {@link DESCENT}, tuples, lists and maps are read whole, by recursive descent.
   */
  private one(depth: number): Term | typeof PUSHED {
    const buf = this.buf;
    const p = this.pos;
    if (p >= this.end) this.fail('unexpected end of input', p);
    const tag = buf[p]!;
    switch (tag) {
      case Tag.SMALL_INTEGER_EXT:
        this.need(p, 2, tag);
        this.pos = p + 2;
        return buf[p + 1]!;
      case Tag.INTEGER_EXT:
        this.need(p, 5, tag);
        this.pos = p + 5;
        return (buf[p + 1]! << 24) | (buf[p + 2]! << 16) | (buf[p + 3]! << 8) | buf[p + 4]!;
      case Tag.SMALL_ATOM_UTF8_EXT: {
        // The common case without the call to atom(): an atom seen before.
        const e = p + 2 + (buf[p + 1] ?? 0);
        if (e <= this.end) {
          const cached = cachedAtom(buf, p + 2, e, false);
          if (cached !== undefined) {
            this.pos = e;
            return cached === ATOM_TRUE
              ? true
              : cached === ATOM_FALSE
                ? false
                : cached === ATOM_NIL
                  ? null
                  : cached;
          }
        }
        const a = this.atom();
        return a === ATOM_TRUE ? true : a === ATOM_FALSE ? false : a === ATOM_NIL ? null : a;
      }
      case Tag.ATOM_UTF8_EXT:
      case Tag.ATOM_EXT:
      case Tag.SMALL_ATOM_EXT:
      case Tag.ATOM_CACHE_REF: {
        const a = this.atom();
        return a === ATOM_TRUE ? true : a === ATOM_FALSE ? false : a === ATOM_NIL ? null : a;
      }
      case Tag.SMALL_TUPLE_EXT: {
        this.need(p, 2, tag);
        const n = buf[p + 1]!;
        this.pos = p + 2;
        if (n === 0) return new Tuple([]);
        if (depth < DESCENT) {
          const items = new Array<Term>(n);
          for (let i = 0; i < n; i++) items[i] = this.element(depth + 1);
          return new Tuple(items);
        }
        return this.push(K_TUPLE, new Array<Term>(n), n, p);
      }
      case Tag.LARGE_TUPLE_EXT: {
        this.need(p, 5, tag);
        const n = this.u32(p + 1);
        if (n > this.end - p - 5) this.fail(`arity ${n} exceeds the input`, p, tag);
        this.pos = p + 5;
        if (n === 0) return new Tuple([]);
        return this.push(K_TUPLE, new Array<Term>(n), n, p);
      }
      case Tag.NIL_EXT:
        this.pos = p + 1;
        return [];
      case Tag.STRING_EXT: {
        this.need(p, 3, tag);
        const n = this.u16(p + 1);
        this.need(p, 3 + n, tag);
        const out = new Array<number>(n);
        for (let i = 0, o = p + 3; i < n; i++) out[i] = buf[o + i]!;
        this.pos = p + 3 + n;
        return out;
      }
      case Tag.LIST_EXT: {
        this.need(p, 5, tag);
        const n = this.u32(p + 1);
        if (n > this.end - p - 6) this.fail(`length ${n} exceeds the input`, p, tag);
        this.pos = p + 5;
        if (depth < DESCENT && n > 0) return this.list(n, depth + 1);
        return this.push(n === 0 ? K_TAIL : K_LIST, new Array<Term>(n), n, p);
      }
      case Tag.BINARY_EXT: {
        this.need(p, 5, tag);
        const n = this.u32(p + 1);
        this.need(p, 5 + n, tag);
        this.pos = p + 5 + n;
        return this.binary(p + 5, p + 5 + n);
      }
      case Tag.MAP_EXT: {
        this.need(p, 5, tag);
        const n = this.u32(p + 1);
        if (n > (this.end - p - 5) / 2) this.fail(`arity ${n} exceeds the input`, p, tag);
        this.pos = p + 5;
        if (n === 0) return {};
        if (depth < DESCENT) {
          const items = new Array<Term>(2 * n);
          for (let i = 0; i < 2 * n; i++) items[i] = this.element(depth + 1);
          return this.map(items, p);
        }
        return this.push(K_MAP, new Array<Term>(2 * n), 2 * n, p);
      }
      case Tag.NEW_FLOAT_EXT: {
        this.need(p, 9, tag);
        const f = buf.readDoubleBE(p + 1);
        if (!Number.isFinite(f)) this.fail('not a finite float', p, tag);
        this.pos = p + 9;
        return Number.isInteger(f) ? new Float(f) : f;
      }
      case Tag.SMALL_BIG_EXT: {
        this.need(p, 3, tag);
        const n = buf[p + 1]!;
        this.need(p, 3 + n, tag);
        this.pos = p + 3 + n;
        return this.big(p + 3, n, buf[p + 2]!, p);
      }
      case Tag.LARGE_BIG_EXT: {
        this.need(p, 6, tag);
        const n = this.u32(p + 1);
        this.need(p, 6 + n, tag);
        if (n > MAX_BIG_BYTES) this.fail(`an integer of ${n} bytes is too large`, p, tag);
        this.pos = p + 6 + n;
        return this.big(p + 6, n, buf[p + 5]!, p);
      }
      case Tag.NEW_PID_EXT:
      case Tag.PID_EXT:
        return this.pid();
      case Tag.NEWER_REFERENCE_EXT:
      case Tag.NEW_REFERENCE_EXT:
      case Tag.REFERENCE_EXT:
        return this.ref();
      case Tag.NEW_PORT_EXT:
      case Tag.V4_PORT_EXT:
      case Tag.PORT_EXT:
        return this.port();
      case Tag.BIT_BINARY_EXT:
        return this.bitBinary();
      case Tag.EXPORT_EXT: {
        this.pos = p + 1;
        const module = this.atom();
        const name = this.atom();
        const q = this.pos;
        this.need(q, 2, tag);
        if (buf[q] !== Tag.SMALL_INTEGER_EXT) this.fail('arity must be SMALL_INTEGER_EXT', q, tag);
        this.pos = q + 2;
        return new ExportFun(module, name, buf[q + 1]!);
      }
      case Tag.NEW_FUN_EXT:
        return this.funHeader();
      case Tag.FLOAT_EXT:
        return this.oldFloat();
      case Tag.COMPRESSED:
        return this.fail('COMPRESSED is only allowed right after the version byte', p, tag);
      case Tag.LOCAL_EXT:
        return this.fail('LOCAL_EXT is internal to one runtime and cannot be decoded', p, tag);
      case Tag.FUN_EXT:
        return this.fail('FUN_EXT (pre-R8 funs) is not supported', p, tag);
      default:
        return this.fail(`unknown tag ${tag}`, p, tag);
    }
  }

  /**
   * A pid's or reference's node atom at `pos`: {@link atom}, with the common case first
   * (SMALL_ATOM_UTF8_EXT of a name decoded before: one cache lookup, no switch).
   */
  private nodeAtom(): Atom {
    const buf = this.buf;
    const p = this.pos;
    if (buf[p] === Tag.SMALL_ATOM_UTF8_EXT && p + 1 < this.end) {
      const n = buf[p + 1]!;
      const s = p + 2;
      const e = s + n;
      if (e <= this.end) {
        // The last two node names first: a message names the same two nodes again and
        // again, and a compare is a fraction of a cache lookup (which hashes the bytes too).
        const dv = this.view();
        if (dv !== undefined ? seenNode0.isWords(dv, buf, s, n) : seenNode0.isBytes(buf, s, n)) {
          this.pos = e;
          return seenNode0.atom!;
        }
        if (dv !== undefined ? seenNode1.isWords(dv, buf, s, n) : seenNode1.isBytes(buf, s, n)) {
          this.pos = e;
          return seenNode1.atom!;
        }
        let a = cachedAtom(buf, s, e, false);
        if (a === undefined) a = this.atom();
        else this.pos = e;
        (seenNodeNext === 0 ? seenNode0 : seenNode1).set(buf, s, e, a);
        seenNodeNext ^= 1;
        return a;
      }
    }
    return this.atom();
  }

  /** An atom in any form at `pos` (also ATOM_CACHE_REF); advances `pos`. */
  atom(): Atom {
    const buf = this.buf;
    const p = this.pos;
    if (p >= this.end) this.fail('expected an atom, got end of input', p);
    const tag = buf[p]!;
    let start: number;
    let len: number;
    let isUtf8Form = true;
    switch (tag) {
      case Tag.SMALL_ATOM_UTF8_EXT:
        this.need(p, 2, tag);
        len = buf[p + 1]!;
        start = p + 2;
        break;
      case Tag.ATOM_UTF8_EXT:
        this.need(p, 3, tag);
        len = this.u16(p + 1);
        start = p + 3;
        break;
      case Tag.ATOM_EXT:
        this.need(p, 3, tag);
        len = this.u16(p + 1);
        start = p + 3;
        isUtf8Form = false;
        break;
      case Tag.SMALL_ATOM_EXT:
        this.need(p, 2, tag);
        len = buf[p + 1]!;
        start = p + 2;
        isUtf8Form = false;
        break;
      case Tag.ATOM_CACHE_REF: {
        this.need(p, 2, tag);
        const index = buf[p + 1]!;
        const found = this.refs?.[index];
        if (found === undefined) this.fail(`no atom cache ref ${index}`, p, tag);
        this.pos = p + 2;
        return found;
      }
      default:
        return this.fail(`expected an atom, got ${tag}`, p, tag);
    }
    const end = start + len;
    if (end > this.end) this.fail(`needs ${len} bytes of text, ${this.end - start} left`, p, tag);
    const cached = cachedAtom(buf, start, end, !isUtf8Form);
    if (cached !== undefined) {
      this.pos = end;
      return cached;
    }
    let text: string;
    if (isAscii(buf, start, end)) text = latin1(buf, start, end);
    else if (!isUtf8Form) text = latin1(buf, start, end);
    else if (isUtf8(buf.subarray(start, end))) text = utf8(buf, start, end);
    else return this.fail('atom text is not valid UTF-8', p, tag);
    if (text.length > MAX_ATOM_LENGTH && [...text].length > MAX_ATOM_LENGTH) {
      this.fail(`atom longer than ${MAX_ATOM_LENGTH} characters`, p, tag);
    }
    let atom: Atom;
    try {
      atom = Atom.of(text);
    } catch (e) {
      return this.fail(`cannot make atom: ${(e as Error).message}`, p, tag);
    }
    this.pos = end;
    cacheAtom(buf, start, end, !isUtf8Form, atom);
    return atom;
  }

  private binary(start: number, end: number): Term {
    const buf = this.buf;
    const mode = this.binaries;
    if (mode === 'string') return utf8(buf, start, end);
    if (mode === 'auto') {
      const n = end - start;
      if (n < 64 ? isAscii(buf, start, end) : false) return latin1(buf, start, end);
      if (!invalidUtf8Prefix(buf, start, end) && isUtf8(buf.subarray(start, end))) {
        return utf8(buf, start, end);
      }
    }
    if (end - start >= VIEW_THRESHOLD && !this.copyBinaries) return buf.subarray(start, end);
    const out = Buffer.allocUnsafe(end - start);
    buf.copy(out, 0, start, end);
    return out;
  }

  private big(start: number, n: number, sign: number, p: number): number | bigint {
    if (sign > 1) this.fail(`bad sign ${sign}`, p, this.buf[p]);
    const buf = this.buf;
    if (n <= 6) {
      let v = 0;
      for (let i = n - 1; i >= 0; i--) v = v * 256 + buf[start + i]!;
      return sign === 1 && v !== 0 ? -v : v;
    }
    const digits = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) digits[n - 1 - i] = buf[start + i]!;
    let v = BigInt(`0x${digits.toString('hex')}`);
    if (sign === 1) v = -v;
    return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
  }

  /** A pid in any form at `pos`; advances `pos`. */
  pid(): Pid {
    const p = this.pos;
    const tag = this.buf[p];
    if (tag !== Tag.NEW_PID_EXT && tag !== Tag.PID_EXT) {
      return this.fail(`expected a pid, got ${tag}`, p, tag);
    }
    this.pos = p + 1;
    const node = this.nodeAtom();
    const q = this.pos;
    let creation: number;
    if (tag === Tag.NEW_PID_EXT) {
      this.need(q, 12, tag);
      this.pos = q + 12;
      creation = this.u32(q + 8);
    } else {
      this.need(q, 9, tag);
      this.pos = q + 9;
      creation = this.buf[q + 8]!;
    }
    const id = this.u32(q);
    const serial = this.u32(q + 4);
    for (let i = 0; i < SEEN; i++) {
      const seen = seenPids[i];
      if (
        seen !== undefined &&
        seen.id === id &&
        seen.node === node &&
        seen.serial === serial &&
        seen.creation === creation
      ) {
        return seen;
      }
    }
    const made = new Pid(node, id, serial, creation);
    seenPids[seenPidNext] = made;
    seenPidNext = (seenPidNext + 1) & (SEEN - 1);
    return made;
  }

  /** A reference in any form at `pos`; advances `pos`. */
  ref(): Ref {
    const p = this.pos;
    const tag = this.buf[p]!;
    if (
      tag !== Tag.NEWER_REFERENCE_EXT &&
      tag !== Tag.NEW_REFERENCE_EXT &&
      tag !== Tag.REFERENCE_EXT
    ) {
      return this.fail(`expected a reference, got ${tag}`, p, tag);
    }
    if (tag === Tag.REFERENCE_EXT) {
      this.pos = p + 1;
      const node = this.atom();
      const q = this.pos;
      this.need(q, 5, tag);
      this.pos = q + 5;
      return new Ref(node, this.buf[q + 4]!, [this.u32(q)]);
    }
    this.need(p, 3, tag);
    const n = this.u16(p + 1);
    if (n < 1 || n > 5) this.fail(`a reference has 1..5 ids, got ${n}`, p, tag);
    this.pos = p + 3;
    const node = this.nodeAtom();
    const q = this.pos;
    const cw = tag === Tag.NEWER_REFERENCE_EXT ? 4 : 1;
    this.need(q, cw + 4 * n, tag);
    const creation = cw === 4 ? this.u32(q) : this.buf[q]!;
    this.pos = q + cw + 4 * n;
    for (let i = 0; i < SEEN; i++) {
      const seen = seenRefs[i];
      if (
        seen !== undefined &&
        seen.node === node &&
        seen.creation === creation &&
        this.sameIds(seen.ids, q + cw, n)
      ) {
        return seen;
      }
    }
    const ids = new Array<number>(n);
    for (let i = 0; i < n; i++) ids[i] = this.u32(q + cw + 4 * i);
    const made = new Ref(node, creation, ids);
    seenRefs[seenRefNext] = made;
    seenRefNext = (seenRefNext + 1) & (SEEN - 1);
    return made;
  }

  /** Whether the `n` 32-bit ids at `at` are `ids`. */
  private sameIds(ids: readonly number[], at: number, n: number): boolean {
    if (ids.length !== n) return false;
    for (let i = 0; i < n; i++) if (ids[i] !== this.u32(at + 4 * i)) return false;
    return true;
  }

  private port(): Port {
    const p = this.pos;
    const tag = this.buf[p]!;
    this.pos = p + 1;
    const node = this.atom();
    const q = this.pos;
    if (tag === Tag.V4_PORT_EXT) {
      this.need(q, 12, tag);
      this.pos = q + 12;
      return new Port(node, this.buf.readBigUInt64BE(q), this.u32(q + 8));
    }
    if (tag === Tag.NEW_PORT_EXT) {
      this.need(q, 8, tag);
      this.pos = q + 8;
      return new Port(node, BigInt(this.u32(q)), this.u32(q + 4));
    }
    this.need(q, 5, tag);
    this.pos = q + 5;
    return new Port(node, BigInt(this.u32(q)), this.buf[q + 4]!);
  }

  private bitBinary(): Term {
    const p = this.pos;
    const tag = Tag.BIT_BINARY_EXT;
    this.need(p, 6, tag);
    const n = this.u32(p + 1);
    const bits = this.buf[p + 5]!;
    this.need(p, 6 + n, tag);
    this.pos = p + 6 + n;
    if (n === 0) {
      if (bits !== 0) this.fail('an empty bitstring must have 0 bits', p, tag);
      return this.binary(p + 6, p + 6);
    }
    if (bits < 1 || bits > 8) this.fail(`bits must be 1..8, got ${bits}`, p, tag);
    if (bits === 8) return this.binary(p + 6, p + 6 + n);
    const bytes = Buffer.allocUnsafe(n);
    this.buf.copy(bytes, 0, p + 6, p + 6 + n);
    bytes[n - 1] = bytes[n - 1]! & ((0xff << (8 - bits)) & 0xff);
    return new BitBinary(bytes, bits);
  }

  /** A small integer field (fun OldIndex / OldUniq): SMALL_INTEGER_EXT or INTEGER_EXT. */
  private int32(): number {
    const p = this.pos;
    const tag = this.buf[p];
    if (tag === Tag.SMALL_INTEGER_EXT) {
      this.need(p, 2, tag);
      this.pos = p + 2;
      return this.buf[p + 1]!;
    }
    if (tag === Tag.INTEGER_EXT) {
      this.need(p, 5, tag);
      this.pos = p + 5;
      return this.buf.readInt32BE(p + 1);
    }
    return this.fail(`expected an integer, got ${tag}`, p, tag);
  }

  private funHeader(): Fun | typeof PUSHED {
    const p = this.pos;
    const tag = Tag.NEW_FUN_EXT;
    this.need(p, 30, tag);
    const size = this.u32(p + 1);
    const end = p + 1 + size;
    if (size < 29 || end > this.end) this.fail(`bad size ${size}`, p, tag);
    const arity = this.buf[p + 5]!;
    const uniq = Uint8Array.prototype.slice.call(this.buf, p + 6, p + 22);
    const index = this.u32(p + 22);
    const numFree = this.u32(p + 26);
    this.pos = p + 30;
    const module = this.atom();
    const oldIndex = this.int32();
    const oldUniq = this.int32();
    const pid = this.pid();
    if (numFree > end - this.pos) this.fail(`${numFree} free variables exceed the size`, p, tag);
    const h: FunHeader = { start: p, end, arity, uniq, index, module, oldIndex, oldUniq, pid };
    if (numFree === 0) return this.fun(h, []);
    this.push(K_FUN, new Array<Term>(numFree), numFree, p);
    this.frames[this.sp - 1]!.fun = h;
    return PUSHED;
  }

  private oldFloat(): Term {
    const p = this.pos;
    const tag = Tag.FLOAT_EXT;
    this.need(p, 32, tag);
    let e = p + 1;
    while (e < p + 32 && this.buf[e] !== 0) e++;
    const text = latin1(this.buf, p + 1, e).trim();
    const f = /^[+-]?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(text) ? Number(text) : Number.NaN;
    if (!Number.isFinite(f)) this.fail(`not a float: ${JSON.stringify(text)}`, p, tag);
    this.pos = p + 32;
    return Number.isInteger(f) ? new Float(f) : f;
  }

  /** A term after the 131 byte at `pos`: also handles COMPRESSED. */
  versioned(options: DecodeOptions | undefined): Term {
    const p = this.pos;
    if (p < this.end && this.buf[p] === Tag.COMPRESSED) {
      const tag = Tag.COMPRESSED;
      this.need(p, 5, tag);
      const size = this.u32(p + 1);
      const cap = options?.maxInflatedSize ?? DEFAULT_MAX_INFLATED_SIZE;
      if (size > cap) this.fail(`declares ${size} bytes inflated, over the cap of ${cap}`, p, tag);
      let plain: Buffer;
      try {
        plain = inflateSync(this.buf.subarray(p + 5, this.end), {
          maxOutputLength: Math.max(1, size),
        });
      } catch (e) {
        return this.fail(`zlib: ${(e as Error).message}`, p, tag);
      }
      if (plain.length !== size) {
        this.fail(`inflated to ${plain.length} bytes, declared ${size}`, p, tag);
      }
      const outer = this.end;
      this.reset(plain, 0, options, true);
      const value = this.term();
      if (this.pos !== plain.length) this.fail('bytes after the term', this.pos);
      this.buf = NO_BYTES;
      this.compressed = false;
      this.pos = outer;
      this.end = outer;
      return value;
    }
    return this.term();
  }
}

let spare: Decoder | undefined = new Decoder();

function asBuffer(bytes: Uint8Array): Buffer {
  if (Buffer.isBuffer(bytes)) return bytes;
  if (!(bytes instanceof Uint8Array)) {
    throw new TermDecodeError('input is not a Uint8Array', 0);
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function take(): Decoder {
  const d = spare ?? new Decoder();
  spare = undefined;
  return d;
}

/** Every failure leaves as a TermDecodeError; the decoder goes back to the pool. */
function failed(d: Decoder, e: unknown): never {
  d.release();
  spare = d;
  return rethrow(d, e);
}

/** `e` as a {@link TermDecodeError} (one already is; anything else is wrapped, at `d.pos`). */
function rethrow(d: Decoder, e: unknown): never {
  if (e instanceof TermDecodeError) throw e;
  const message = e instanceof Error ? e.message : String(e);
  throw new TermDecodeError(`malformed input (${message})`, d.pos, undefined, { cause: e });
}

/**
 * Decodes `term_to_binary` output: the 131 version byte, then one term (possibly
 * COMPRESSED). Bytes after the term are an error unless `allowTrailing` is set.
 *
 * Throws {@link TermDecodeError} (with the offset) for anything malformed.
 *
 * @example
 * ```ts
 * decode(Buffer.from([131, 104, 2, 119, 2, 111, 107, 97, 1])); // Tuple {:ok, 1}
 * decode(bytes, { binaries: 'buffer' }); // binaries stay bytes
 * ```
 */
export function decode(bytes: Uint8Array, options?: DecodeOptions): Term {
  const buf = asBuffer(bytes);
  if (buf.length === 0) throw new TermDecodeError('empty input', 0);
  if (buf[0] !== Tag.VERSION_MAGIC) {
    throw new TermDecodeError(`expected version byte 131, got ${buf[0]}`, 0);
  }
  const d = take();
  try {
    d.reset(buf, 1, options, false);
    const value = d.versioned(options);
    if (d.pos !== buf.length && !options?.allowTrailing) {
      d.fail(`${buf.length - d.pos} bytes after the term`, d.pos);
    }
    d.buf = NO_BYTES;
    spare = d;
    return value;
  } catch (e) {
    return failed(d, e);
  }
}

/**
 * Decodes one term starting at `offset` and says where it ended: the entry point of the
 * distribution layer, whose control message and payload follow a `131, 68` header
 * without version bytes. Pass the header's atom refs as `atomRefs` (see
 * {@link decodeDistHeader}); `version: true` expects (and skips) a 131 byte first.
 *
 * @example
 * ```ts
 * const hdr = decodeDistHeader(frame, 0, cache);
 * const control = decodeAt(frame, hdr.offset, { atomRefs: hdr.refs });
 * const payload = decodeAt(frame, control.offset, { atomRefs: hdr.refs });
 * ```
 */
export function decodeAt(
  bytes: Uint8Array,
  offset: number,
  options?: DecodeAtOptions,
): DecodeResult {
  const buf = asBuffer(bytes);
  if (!Number.isInteger(offset) || offset < 0 || offset > buf.length) {
    throw new TermDecodeError(`offset ${offset} is outside the input`, 0);
  }
  const d = take();
  try {
    d.reset(buf, offset, options, false);
    let value: Term;
    if (options?.version) {
      if (buf[offset] !== Tag.VERSION_MAGIC) {
        d.fail(`expected version byte 131, got ${buf[offset]}`, offset);
      }
      d.pos = offset + 1;
      value = d.versioned(options);
    } else value = d.term();
    const end = d.pos;
    d.buf = NO_BYTES;
    spare = d;
    return { value, offset: end };
  } catch (e) {
    return failed(d, e);
  }
}

/**
 * Reads consecutive terms of one buffer field by field, for the distribution layer's hot
 * path: a control tuple's pids, atoms and references one at a time (no tuple, no array),
 * then the payload. Every read throws {@link TermDecodeError} on malformed input, as
 * {@link decodeAt} does; the reader may be reset and reused after a failure.
 *
 * @example
 * ```ts
 * const r = new TermReader();
 * r.reset(frame, 7); // after 131, 68, 0 and the tuple's header and op: SEND_SENDER's pids
 * const from = r.pid();
 * const to = r.pid();
 * const message = r.term();
 * r.release();
 * ```
 */
export class TermReader {
  private readonly d = new Decoder();

  /** Starts reading `buf` at `offset` (terms without version bytes), up to `end` (default: its length). */
  reset(buf: Buffer, offset: number, options?: DecodeOptions, end?: number): void {
    this.d.reset(buf, offset, options, false);
    if (end !== undefined && end >= offset && end < buf.length) this.d.end = end;
  }

  /** Where reading stops. */
  get end(): number {
    return this.d.end;
  }

  /** Where the next term starts. */
  get offset(): number {
    return this.d.pos;
  }

  /** The byte at `offset + i` (`undefined` past the end). */
  peek(i: number): number | undefined {
    const at = this.d.pos + i;
    return at < this.d.end ? this.d.buf[at] : undefined;
  }

  /** Skips `n` bytes the caller has checked. */
  skip(n: number): void {
    this.d.pos += n;
  }

  /** A pid (NEW_PID_EXT or PID_EXT). */
  pid(): Pid {
    return this.d.pid();
  }

  /** A reference (NEWER_REFERENCE_EXT, NEW_REFERENCE_EXT or REFERENCE_EXT). */
  ref(): Ref {
    return this.d.ref();
  }

  /** An atom in any form, as an {@link Atom} (`true`, `false` and `nil` too). */
  atom(): Atom {
    return this.d.atom();
  }

  /** Any term, as {@link decodeAt} reads it. */
  term(): Term {
    try {
      return this.d.term();
    } catch (e) {
      this.d.release();
      return rethrow(this.d, e);
    }
  }

  /** Drops the buffer (call when done with it). */
  release(): void {
    this.d.buf = NO_BYTES;
  }
}

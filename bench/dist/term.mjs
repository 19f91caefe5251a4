// src/term/types.ts
var ATOM_TABLE_LIMIT = 1048576;
var MAX_ATOM_LENGTH = 255;
var atomTable = /* @__PURE__ */ new Map();
var Atom = class _Atom {
  /** The atom's text. */
  name;
  /** Use {@link atom} or {@link Atom.of}; the constructor is for the table only. */
  constructor(name) {
    this.name = name;
  }
  /**
   * The interned atom for `name`. Throws `RangeError` when `name` is longer than 255
   * characters or the table is full.
   */
  static of(name) {
    const found = atomTable.get(name);
    if (found !== void 0) return found;
    if (name.length > MAX_ATOM_LENGTH && [...name].length > MAX_ATOM_LENGTH) {
      throw new RangeError(`atom too long (${[...name].length} characters, at most 255)`);
    }
    if (atomTable.size >= ATOM_TABLE_LIMIT) {
      throw new RangeError(`atom table full (${ATOM_TABLE_LIMIT} atoms)`);
    }
    const created = new _Atom(name);
    atomTable.set(name, created);
    return created;
  }
  /** The interned atom for `name` when it already exists, else `undefined`. */
  static existing(name) {
    return atomTable.get(name);
  }
  /** How many atoms the process-wide table holds. */
  static count() {
    return atomTable.size;
  }
  toString() {
    return this.name;
  }
  toJSON() {
    return this.name;
  }
};
function atom(name) {
  return Atom.of(name);
}
var Tuple = class {
  elements;
  constructor(elements) {
    this.elements = elements;
  }
  get length() {
    return this.elements.length;
  }
  /** The element at `index` (0-based; negative counts from the end). */
  at(index) {
    return this.elements.at(index);
  }
  [Symbol.iterator]() {
    return this.elements[Symbol.iterator]();
  }
};
function tuple(...elements) {
  return new Tuple(elements);
}
var Pid = class {
  node;
  id;
  serial;
  creation;
  constructor(node, id, serial, creation) {
    this.node = node;
    this.id = id;
    this.serial = serial;
    this.creation = creation;
  }
  /** A string that is the same for equal pids: usable as a `Map` key. */
  get key() {
    return `${this.node.name}|${this.id}|${this.serial}|${this.creation}`;
  }
};
var Ref = class {
  node;
  creation;
  ids;
  constructor(node, creation, ids) {
    this.node = node;
    this.creation = creation;
    this.ids = ids;
  }
  /** A string that is the same for equal references: usable as a `Map` key. */
  get key() {
    return `${this.node.name}|${this.creation}|${this.ids.join(".")}`;
  }
};
var Port = class {
  node;
  id;
  creation;
  constructor(node, id, creation) {
    this.node = node;
    this.id = id;
    this.creation = creation;
  }
  /** A string that is the same for equal ports: usable as a `Map` key. */
  get key() {
    return `${this.node.name}|${this.id}|${this.creation}`;
  }
};
var Float = class {
  value;
  constructor(value) {
    this.value = value;
  }
  valueOf() {
    return this.value;
  }
};
var ImproperList = class {
  elements;
  tail;
  constructor(elements, tail) {
    if (elements.length === 0) throw new RangeError("an improper list needs at least one element");
    this.elements = elements;
    this.tail = tail;
  }
};
var BitBinary = class {
  bytes;
  bits;
  constructor(bytes, bits) {
    if (!Number.isInteger(bits) || bits < 1 || bits > 8) {
      throw new RangeError(`bits must be 1..8, got ${bits}`);
    }
    if (bytes.length === 0) throw new RangeError("a bit binary needs at least one byte");
    this.bytes = bytes;
    this.bits = bits;
  }
};
var ExportFun = class {
  module;
  name;
  arity;
  constructor(module, name, arity) {
    this.module = module;
    this.name = name;
    this.arity = arity;
  }
};
var Fun = class {
  arity;
  /** 16 bytes of MD5 of the module's code. */
  uniq;
  index;
  module;
  oldIndex;
  oldUniq;
  pid;
  freeVars;
  constructor(fields) {
    this.arity = fields.arity;
    this.uniq = fields.uniq;
    this.index = fields.index;
    this.module = fields.module;
    this.oldIndex = fields.oldIndex;
    this.oldUniq = fields.oldUniq;
    this.pid = fields.pid;
    this.freeVars = fields.freeVars;
  }
};

// src/term/tags.ts
var Tag = {
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
  NEWER_REFERENCE_EXT: 90
};
var names = /* @__PURE__ */ new Map();
for (const [name, value] of Object.entries(Tag)) {
  if (!names.has(value) || name.endsWith("_EXT")) names.set(value, name);
}
function tagName(tag) {
  return names.get(tag) ?? `unknown tag ${tag}`;
}

// src/errors.ts
var brand = /* @__PURE__ */ Symbol.for("beamlink.error");
var BeamlinkError = class _BeamlinkError extends Error {
  code;
  constructor(code, message, options) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
  static [Symbol.hasInstance](value) {
    if (this === _BeamlinkError) {
      return typeof value === "object" && value !== null && value[brand] === true;
    }
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }
  get [brand]() {
    return true;
  }
};

// src/term/errors.ts
var TermDecodeError = class extends BeamlinkError {
  /** Byte offset in the buffer given to the decoder (or in the inflated data). */
  offset;
  /** The tag being decoded when the problem was found, when there was one. */
  tag;
  /** Whether `offset` counts inside the data of a COMPRESSED term. */
  compressed;
  constructor(message, offset, tag, options) {
    const where = tag === void 0 ? "" : ` in ${tagName(tag)}`;
    const inflated = options?.compressed ? " of the inflated data" : "";
    super("BL_ERR_TERM_DECODE", `${message}${where} at offset ${offset}${inflated}`, options);
    this.offset = offset;
    this.tag = tag;
    this.compressed = options?.compressed ?? false;
  }
};
var TermEncodeError = class extends BeamlinkError {
  /** Where in the value the problem is (`$` for the value itself). */
  path;
  constructor(message, path, options) {
    super("BL_ERR_TERM_ENCODE", `${message} at ${path}`, options);
    this.path = path;
  }
};

// src/term/writer.ts
var INITIAL_SIZE = 1024;
var Writer = class {
  /** The backing store; valid bytes are `buf[0 .. length)`. Grows, so do not hold on to it. */
  buf;
  /** How many bytes have been written to `buf`. */
  length = 0;
  /**
   * When set, {@link Writer.bytes} keeps arrays of 64 KiB or more by reference instead of
   * copying them, and {@link Writer.copy} assembles the output: one copy of a large binary
   * instead of two. Only for callers that take the result with `copy()` before the
   * referenced arrays can change (`encode()` does).
   */
  deferLarge = false;
  chunks = void 0;
  deferred = 0;
  constructor(initialSize = INITIAL_SIZE) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialSize));
  }
  /** Makes room for `n` more bytes. */
  ensure(n) {
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
  get size() {
    return this.length + this.deferred;
  }
  /** Rewinds to empty, keeping the memory (shrinking it back when it grew past `keep`). */
  reset(keep = 4 << 20) {
    this.length = 0;
    this.chunks = void 0;
    this.deferred = 0;
    if (this.buf.length > keep) this.buf = Buffer.allocUnsafe(INITIAL_SIZE);
    return this;
  }
  /** Drops everything written after `length` (as measured by `this.length`). */
  truncate(length) {
    this.length = length;
    if (this.chunks !== void 0) {
      this.chunks = this.chunks.filter((c) => c.at < length);
      this.deferred = this.chunks.reduce((n, c) => n + c.data.length, 0);
    }
    return this;
  }
  /** An unsigned byte. */
  u8(v) {
    if (this.length + 1 > this.buf.length) this.ensure(1);
    this.buf[this.length++] = v;
    return this;
  }
  /** An unsigned 16-bit big-endian integer. */
  u16(v) {
    if (this.length + 2 > this.buf.length) this.ensure(2);
    const b = this.buf;
    b[this.length] = v >>> 8;
    b[this.length + 1] = v & 255;
    this.length += 2;
    return this;
  }
  /** An unsigned 32-bit big-endian integer. */
  u32(v) {
    if (this.length + 4 > this.buf.length) this.ensure(4);
    const b = this.buf;
    const o = this.length;
    b[o] = v >>> 24;
    b[o + 1] = v >>> 16 & 255;
    b[o + 2] = v >>> 8 & 255;
    b[o + 3] = v & 255;
    this.length = o + 4;
    return this;
  }
  /** A signed 32-bit big-endian integer. */
  i32(v) {
    return this.u32(v >>> 0);
  }
  /** An unsigned 64-bit big-endian integer. */
  u64(v) {
    this.ensure(8);
    this.buf.writeBigUInt64BE(v, this.length);
    this.length += 8;
    return this;
  }
  /** A float64, big-endian (NEW_FLOAT_EXT's payload). */
  f64(v) {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.length);
    this.length += 8;
    return this;
  }
  /** Raw bytes. */
  bytes(data) {
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
      for (let i = 0; i < n; i++) b[o++] = data[i];
    } else {
      this.buf.set(data, this.length);
    }
    this.length += n;
    return this;
  }
  /** A string as UTF-8 (no length prefix); returns the writer. See {@link Writer.utf8Length}. */
  utf8(text) {
    this.ensure(text.length * 3);
    this.length += this.buf.write(text, this.length, "utf8");
    return this;
  }
  /** Overwrites a 32-bit big-endian integer at `offset` (back-patching a length). */
  setU32(offset, v) {
    this.buf.writeUInt32BE(v >>> 0, offset);
    return this;
  }
  /** A copy of the bytes written so far: safe to keep after {@link Writer.reset}. */
  copy() {
    const n = this.length;
    if (this.chunks !== void 0) return this.assemble();
    const out = Buffer.allocUnsafe(n);
    if (n <= 64) {
      const b = this.buf;
      for (let i = 0; i < n; i++) out[i] = b[i];
    } else {
      this.buf.copy(out, 0, 0, n);
    }
    return out;
  }
  assemble() {
    const out = Buffer.allocUnsafe(this.size);
    let from = 0;
    let to = 0;
    for (const c of this.chunks) {
      to += this.buf.copy(out, to, from, c.at);
      from = c.at;
      out.set(c.data, to);
      to += c.data.length;
    }
    this.buf.copy(out, to, from, this.length);
    return out;
  }
  /**
   * A view of the bytes written so far: valid only until the next write or reset. (With
   * deferred chunks, a fresh copy.)
   */
  view() {
    if (this.chunks !== void 0) return this.assemble();
    return this.buf.subarray(0, this.length);
  }
};

// src/term/encode.ts
import { deflateSync } from "node:zlib";

// src/term/compare.ts
var Kind = {
  NUMBER: 0,
  ATOM: 1,
  REFERENCE: 2,
  FUN: 3,
  PORT: 4,
  PID: 5,
  TUPLE: 6,
  MAP: 7,
  NIL: 8,
  LIST: 9,
  BITSTRING: 10
};
function termKind(v) {
  switch (typeof v) {
    case "number":
      return Number.isFinite(v) ? Kind.NUMBER : -1;
    case "bigint":
      return Kind.NUMBER;
    case "string":
      return Kind.BITSTRING;
    case "boolean":
      return Kind.ATOM;
    case "object":
      if (v === null || v instanceof Atom) return Kind.ATOM;
      if (Array.isArray(v)) return v.length === 0 ? Kind.NIL : Kind.LIST;
      if (v instanceof Tuple) return Kind.TUPLE;
      if (v instanceof Float) return Kind.NUMBER;
      if (v instanceof Uint8Array || v instanceof BitBinary) return Kind.BITSTRING;
      if (v instanceof Pid) return Kind.PID;
      if (v instanceof Ref) return Kind.REFERENCE;
      if (v instanceof Port) return Kind.PORT;
      if (v instanceof ImproperList) return Kind.LIST;
      if (v instanceof ExportFun || v instanceof Fun) return Kind.FUN;
      if (v instanceof Map) return Kind.MAP;
      {
        const proto = Object.getPrototypeOf(v);
        return proto === Object.prototype || proto === null ? Kind.MAP : -1;
      }
    default:
      return -1;
  }
}
function isFloatTerm(v) {
  return v instanceof Float || typeof v === "number" && !Number.isSafeInteger(v);
}
function atomText(v) {
  if (v === null) return "nil";
  if (typeof v === "boolean") return v ? "true" : "false";
  return v.name;
}
function compareText(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 55296 || y >= 55296) {
        const cx = a.codePointAt(i);
        const cy = b.codePointAt(i);
        if (cx !== cy) return cx < cy ? -1 : 1;
        continue;
      }
      return x < y ? -1 : 1;
    }
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}
function num(v) {
  if (v instanceof Float) return v.value;
  return v;
}
function compareNumbers(a, b, exact) {
  if (exact) {
    const fa = isFloatTerm(a);
    const fb = isFloatTerm(b);
    if (fa !== fb) return fa ? 1 : -1;
  }
  const x = num(a);
  const y = num(b);
  if (typeof x === "number" && typeof y === "number") return x < y ? -1 : x > y ? 1 : 0;
  if (typeof x === "bigint" && typeof y === "bigint") return x < y ? -1 : x > y ? 1 : 0;
  const big = typeof x === "bigint" ? x : y;
  const n = typeof x === "bigint" ? y : x;
  const t = BigInt(Math.trunc(n));
  let r = big < t ? -1 : big > t ? 1 : n === Math.trunc(n) ? 0 : n > 0 ? -1 : 1;
  if (typeof x !== "bigint") r = -r;
  return r;
}
function bitsOf(v) {
  if (typeof v === "string") return { bytes: Buffer.from(v, "utf8"), bits: 8 };
  if (v instanceof BitBinary) return { bytes: v.bytes, bits: v.bits };
  return { bytes: v, bits: 8 };
}
function compareBits(a, b) {
  if (typeof a === "string" && typeof b === "string") return compareText(a, b);
  const x = bitsOf(a);
  const y = bitsOf(b);
  const lx = x.bytes.length === 0 ? 0 : (x.bytes.length - 1) * 8 + x.bits;
  const ly = y.bytes.length === 0 ? 0 : (y.bytes.length - 1) * 8 + y.bits;
  const full = Math.floor(Math.min(lx, ly) / 8);
  const r = Buffer.compare(x.bytes.subarray(0, full), y.bytes.subarray(0, full));
  if (r !== 0) return r;
  const rest = Math.min(lx, ly) - full * 8;
  if (rest > 0) {
    const mask = 255 << 8 - rest & 255;
    const p = x.bytes[full] & mask;
    const q = y.bytes[full] & mask;
    if (p !== q) return p < q ? -1 : 1;
  }
  return lx === ly ? 0 : lx < ly ? -1 : 1;
}
function compareSeq(a, b, exact) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const r = cmp(a[i], b[i], exact);
    if (r !== 0) return r;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}
function mapEntries(v) {
  const entries = v instanceof Map ? [...v.entries()] : Object.entries(v).map(([k, x]) => [Atom.of(k), x]);
  return entries.sort((p, q) => cmp(p[0], q[0], true));
}
function listParts(v) {
  if (v instanceof ImproperList) return { elements: v.elements, tail: v.tail };
  return { elements: v, tail: [] };
}
function cmpInt(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}
function cmp(a, b, exact) {
  const ka = termKind(a);
  const kb = termKind(b);
  if (ka !== kb) return ka < kb ? -1 : 1;
  switch (ka) {
    case Kind.NUMBER:
      return compareNumbers(a, b, exact);
    case Kind.ATOM:
      return compareText(atomText(a), atomText(b));
    case Kind.BITSTRING:
      return compareBits(a, b);
    case Kind.NIL:
      return 0;
    case Kind.TUPLE: {
      const x = a.elements;
      const y = b.elements;
      if (x.length !== y.length) return x.length < y.length ? -1 : 1;
      return compareSeq(x, y, exact);
    }
    case Kind.LIST: {
      const x = listParts(a);
      const y = listParts(b);
      const n = Math.min(x.elements.length, y.elements.length);
      for (let i = 0; i < n; i++) {
        const r = cmp(x.elements[i], y.elements[i], exact);
        if (r !== 0) return r;
      }
      const restA = x.elements.length > n ? new ImproperList(x.elements.slice(n), x.tail) : x.tail;
      const restB = y.elements.length > n ? new ImproperList(y.elements.slice(n), y.tail) : y.tail;
      return cmp(restA, restB, exact);
    }
    case Kind.MAP: {
      const x = mapEntries(a);
      const y = mapEntries(b);
      if (x.length !== y.length) return x.length < y.length ? -1 : 1;
      for (let i = 0; i < x.length; i++) {
        const r = cmp(x[i][0], y[i][0], true);
        if (r !== 0) return r;
      }
      for (let i = 0; i < x.length; i++) {
        const r = cmp(x[i][1], y[i][1], exact);
        if (r !== 0) return r;
      }
      return 0;
    }
    case Kind.PID: {
      const x = a;
      const y = b;
      return compareText(x.node.name, y.node.name) || cmpInt(x.serial, y.serial) || cmpInt(x.id, y.id) || cmpInt(x.creation, y.creation);
    }
    case Kind.PORT: {
      const x = a;
      const y = b;
      return compareText(x.node.name, y.node.name) || cmpInt(x.id, y.id) || cmpInt(x.creation, y.creation);
    }
    case Kind.REFERENCE: {
      const x = a;
      const y = b;
      const r = compareText(x.node.name, y.node.name);
      if (r !== 0) return r;
      if (x.ids.length !== y.ids.length) return x.ids.length < y.ids.length ? -1 : 1;
      for (let i = x.ids.length - 1; i >= 0; i--) {
        const d = cmpInt(x.ids[i], y.ids[i]);
        if (d !== 0) return d;
      }
      return cmpInt(x.creation, y.creation);
    }
    case Kind.FUN: {
      const fx = a instanceof ExportFun ? 1 : 0;
      const fy = b instanceof ExportFun ? 1 : 0;
      if (fx !== fy) return fx < fy ? -1 : 1;
      if (a instanceof ExportFun && b instanceof ExportFun) {
        return compareText(a.module.name, b.module.name) || compareText(a.name.name, b.name.name) || cmpInt(a.arity, b.arity);
      }
      const x = a;
      const y = b;
      return compareText(x.module.name, y.module.name) || cmpInt(x.oldIndex, y.oldIndex) || cmpInt(x.oldUniq, y.oldUniq) || Buffer.compare(x.uniq, y.uniq) || cmpInt(x.index, y.index) || cmp(x.pid, y.pid, exact) || compareSeq(x.freeVars, y.freeVars, exact);
    }
    default:
      throw new TypeError(`not a term: ${String(a)}`);
  }
}
function compare(a, b) {
  return cmp(a, b, false);
}
function compareMapKeys(a, b) {
  return cmp(a, b, true);
}

// src/term/fun-bytes.ts
var raw = /* @__PURE__ */ new WeakMap();
function rememberFunBytes(fun, bytes) {
  raw.set(fun, bytes);
}
function rawFunBytes(fun) {
  return raw.get(fun);
}

// src/term/encode.ts
var FLATMAP_LIMIT = 32;
var CYCLE_CHECK_DEPTH = 64;
var Failure = class {
  message;
  segments = [];
  constructor(message) {
    this.message = message;
  }
};
var CycleSignal = class {
};
var ETF = /* @__PURE__ */ Symbol("beamlink.etf");
function encodeAtomText(name) {
  const bytes = Buffer.from(name, "utf8");
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
function writeAtom(w, a) {
  let b = a[ETF];
  if (b === void 0) {
    b = encodeAtomText(a.name);
    Object.defineProperty(a, ETF, { value: b, enumerable: false });
  }
  const n = b.length;
  if (w.length + n > w.buf.length) w.ensure(n);
  const out = w.buf;
  let o = w.length;
  for (let i = 0; i < n; i++) out[o++] = b[i];
  w.length = o;
}
var TRUE = Buffer.from([Tag.SMALL_ATOM_UTF8_EXT, 4, 116, 114, 117, 101]);
var FALSE = Buffer.from([Tag.SMALL_ATOM_UTF8_EXT, 5, 102, 97, 108, 115, 101]);
var NIL = Buffer.from([Tag.SMALL_ATOM_UTF8_EXT, 3, 110, 105, 108]);
function writeKeyAtom(w, key) {
  const n = key.length;
  if (n <= 255) {
    w.ensure(2 + n);
    const b = w.buf;
    const start = w.length;
    let o = start + 2;
    let ascii = true;
    for (let i = 0; i < n; i++) {
      const c = key.charCodeAt(i);
      if (c >= 128) {
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
function writeString(w, s) {
  const n = s.length;
  w.ensure(5 + n);
  const b = w.buf;
  const start = w.length;
  b[start] = Tag.BINARY_EXT;
  if (n < 48) {
    let o = start + 5;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 128) break;
      b[o++] = c;
    }
    if (i === n) {
      b[start + 1] = 0;
      b[start + 2] = 0;
      b[start + 3] = 0;
      b[start + 4] = n;
      w.length = o;
      return;
    }
  }
  w.length = start + 5;
  w.utf8(s);
  w.setU32(start + 1, w.length - start - 5);
}
function writeInteger(w, v) {
  if (v >= 0 && v <= 255) {
    w.u8(Tag.SMALL_INTEGER_EXT).u8(v);
  } else if (v >= -2147483648 && v <= 2147483647) {
    w.u8(Tag.INTEGER_EXT).i32(v);
  } else {
    let m = Math.abs(v);
    const start = w.length;
    w.u8(Tag.SMALL_BIG_EXT).u8(0).u8(v < 0 ? 1 : 0);
    let n = 0;
    while (m > 0) {
      w.u8(m % 256);
      m = Math.floor(m / 256);
      n++;
    }
    w.buf[start + 1] = n;
  }
}
function writeBigInt(w, v) {
  if (v >= -2147483648n && v <= 2147483647n) {
    writeInteger(w, Number(v));
    return;
  }
  const neg = v < 0n;
  const m = neg ? -v : v;
  let hex = m.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  const digits = Buffer.from(hex, "hex").reverse();
  const n = digits.length;
  if (n <= 255) w.u8(Tag.SMALL_BIG_EXT).u8(n);
  else w.u8(Tag.LARGE_BIG_EXT).u32(n);
  w.u8(neg ? 1 : 0).bytes(digits);
}
function writeFloat(w, v) {
  if (!Number.isFinite(v)) throw new Failure(`${v} is not an Erlang float`);
  w.u8(Tag.NEW_FLOAT_EXT).f64(v);
}
function writeNumber(w, v) {
  if (Number.isSafeInteger(v)) writeInteger(w, v === 0 ? 0 : v);
  else writeFloat(w, v);
}
function isByteList(list) {
  const n = list.length;
  if (n === 0 || n > 65535) return false;
  for (let i = 0; i < n; i++) {
    const x = list[i];
    if (typeof x === "number") {
      if (!(x >= 0 && x <= 255 && Number.isInteger(x))) return false;
    } else if (typeof x === "bigint") {
      if (!(x >= 0n && x <= 255n)) return false;
    } else return false;
  }
  return true;
}
function writePid(w, p) {
  checkU32(p.id, "a pid id");
  checkU32(p.serial, "a pid serial");
  checkU32(p.creation, "a pid creation");
  w.u8(Tag.NEW_PID_EXT);
  writeAtom(w, p.node);
  w.ensure(12);
  const b = w.buf;
  const o = w.length;
  const { id, serial, creation } = p;
  b[o] = id >>> 24;
  b[o + 1] = id >>> 16 & 255;
  b[o + 2] = id >>> 8 & 255;
  b[o + 3] = id & 255;
  b[o + 4] = serial >>> 24;
  b[o + 5] = serial >>> 16 & 255;
  b[o + 6] = serial >>> 8 & 255;
  b[o + 7] = serial & 255;
  b[o + 8] = creation >>> 24;
  b[o + 9] = creation >>> 16 & 255;
  b[o + 10] = creation >>> 8 & 255;
  b[o + 11] = creation & 255;
  w.length = o + 12;
}
function writeRef(w, r) {
  const n = r.ids.length;
  if (n < 1 || n > 5) throw new Failure(`a reference has 1..5 ids, got ${n}`);
  checkU32(r.creation, "a reference creation");
  for (let i = 0; i < n; i++) checkU32(r.ids[i], "a reference id");
  w.u8(Tag.NEWER_REFERENCE_EXT).u16(n);
  writeAtom(w, r.node);
  w.u32(r.creation);
  for (let i = 0; i < n; i++) w.u32(r.ids[i]);
}
function writePort(w, p) {
  if (p.id < 0n || p.id > 0xffffffffffffffffn) throw new Failure("a port id is 0..2^64-1");
  checkU32(p.creation, "a port creation");
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
function checkU32(v, what) {
  if (!Number.isInteger(v) || v < 0 || v > 4294967295) {
    throw new Failure(`${what} must be an integer 0..2^32-1, got ${v}`);
  }
}
function keySegment(key) {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}
var ancestors = /* @__PURE__ */ new Set();
function enterDeep(v) {
  if (ancestors.has(v)) throw new CycleSignal();
  ancestors.add(v);
}
function isPlainObject(v) {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
function writeList(w, list, depth) {
  if (isByteList(list)) {
    const n2 = list.length;
    w.u8(Tag.STRING_EXT).u16(n2).ensure(n2);
    const b = w.buf;
    let o = w.length;
    for (let i2 = 0; i2 < n2; i2++) b[o++] = Number(list[i2]);
    w.length = o;
    return;
  }
  const n = list.length;
  if (n === 0) {
    w.u8(Tag.NIL_EXT);
    return;
  }
  w.u8(Tag.LIST_EXT).u32(n);
  let i = 0;
  try {
    for (; i < n; i++) {
      const x = list[i];
      if (typeof x === "number" && (x | 0) === x) {
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
          b[o + 2] = x >>> 16 & 255;
          b[o + 3] = x >>> 8 & 255;
          b[o + 4] = x & 255;
          w.length = o + 5;
        }
        continue;
      }
      if (x === void 0 && !(i in list)) throw new Failure("a hole in an array is not a term");
      writeTerm(w, x, depth);
    }
  } catch (e) {
    if (e instanceof Failure) e.segments.push(`[${i}]`);
    throw e;
  }
  w.u8(Tag.NIL_EXT);
}
function sortKeys(keys) {
  const n = keys.length;
  let plain = true;
  for (let i = 0; i < n && plain; i++) {
    const k = keys[i];
    for (let j = 0; j < k.length; j++) {
      if (k.charCodeAt(j) >= 55296) {
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
    const k = keys[i];
    let j = i - 1;
    while (j >= 0 && keys[j] > k) {
      keys[j + 1] = keys[j];
      j--;
    }
    keys[j + 1] = k;
  }
}
function writeObject(w, obj, depth) {
  const keys = Object.keys(obj);
  const n = keys.length;
  if (n > 1 && n <= FLATMAP_LIMIT) sortKeys(keys);
  w.u8(Tag.MAP_EXT).u32(n);
  let key = "";
  try {
    for (let i = 0; i < n; i++) {
      key = keys[i];
      writeKeyAtom(w, key);
      writeTerm(w, obj[key], depth);
    }
  } catch (e) {
    if (e instanceof Failure) e.segments.push(keySegment(key));
    throw e;
  }
}
function writeMap(w, map, depth) {
  w.u8(Tag.MAP_EXT).u32(map.size);
  let entries = map.entries();
  if (map.size > 1 && map.size <= FLATMAP_LIMIT) {
    const sorted = [...map.entries()].sort((a, b) => compareMapKeys(a[0], b[0]));
    for (let i = 1; i < sorted.length; i++) {
      if (compareMapKeys(sorted[i - 1][0], sorted[i][0]) === 0) {
        throw new Failure("two keys of the Map are the same term");
      }
    }
    entries = sorted;
  }
  let index = 0;
  let side = "key";
  try {
    for (const [k, v] of entries) {
      side = "key";
      writeTerm(w, k, depth);
      side = "value";
      writeTerm(w, v, depth);
      index++;
    }
  } catch (e) {
    if (e instanceof Failure) e.segments.push(`.<${side} ${index}>`);
    throw e;
  }
}
function writeFun(w, f, depth) {
  const raw2 = rawFunBytes(f);
  if (raw2 !== void 0) {
    w.bytes(raw2);
    return;
  }
  if (f.uniq.length !== 16) throw new Failure("a fun uniq is 16 bytes");
  const start = w.length;
  const sizeBefore = w.size;
  w.u8(Tag.NEW_FUN_EXT).u32(0).u8(f.arity).bytes(f.uniq).u32(f.index).u32(f.freeVars.length);
  writeAtom(w, f.module);
  writeInteger(w, f.oldIndex);
  writeInteger(w, f.oldUniq);
  writePid(w, f.pid);
  let i = 0;
  try {
    for (; i < f.freeVars.length; i++) writeTerm(w, f.freeVars[i], depth);
  } catch (e) {
    if (e instanceof Failure) e.segments.push(`.freeVars[${i}]`);
    throw e;
  }
  w.setU32(start + 1, w.size - sizeBefore - 1);
}
function writeTuple(w, t, depth) {
  const els = t.elements;
  const n = els.length;
  if (n <= 255) w.u8(Tag.SMALL_TUPLE_EXT).u8(n);
  else w.u8(Tag.LARGE_TUPLE_EXT).u32(n);
  let i = 0;
  try {
    for (; i < n; i++) writeTerm(w, els[i], depth);
  } catch (e) {
    if (e instanceof Failure) e.segments.push(`[${i}]`);
    throw e;
  }
}
function writeImproper(w, v, d) {
  const n = v.elements.length;
  w.u8(Tag.LIST_EXT).u32(n);
  let i = 0;
  try {
    for (; i < n; i++) writeTerm(w, v.elements[i], d);
  } catch (e) {
    if (e instanceof Failure) e.segments.push(`.elements[${i}]`);
    throw e;
  }
  try {
    writeTerm(w, v.tail, d);
  } catch (e) {
    if (e instanceof Failure) e.segments.push(".tail");
    throw e;
  }
}
function writeBits(w, v) {
  const n = v.bytes.length;
  const mask = 255 << 8 - v.bits & 255;
  w.u8(Tag.BIT_BINARY_EXT).u32(n).u8(v.bits).bytes(v.bytes.subarray(0, n - 1));
  w.u8(v.bytes[n - 1] & mask);
}
function writeExport(w, v) {
  if (!Number.isInteger(v.arity) || v.arity < 0 || v.arity > 255) {
    throw new Failure(`a fun arity is 0..255, got ${v.arity}`);
  }
  w.u8(Tag.EXPORT_EXT);
  writeAtom(w, v.module);
  writeAtom(w, v.name);
  w.u8(Tag.SMALL_INTEGER_EXT).u8(v.arity);
}
function writeBinary(w, v) {
  w.u8(Tag.BINARY_EXT).u32(v.length).bytes(v);
}
function writeObjectTerm(w, v, depth) {
  const c = v.constructor;
  if (c === Atom) return writeAtom(w, v);
  if (depth > CYCLE_CHECK_DEPTH) enterDeep(v);
  const d = depth + 1;
  if (c === Tuple) writeTuple(w, v, d);
  else if (c === Array) writeList(w, v, d);
  else if (c === Object) writeObject(w, v, d);
  else if (c === Pid) writePid(w, v);
  else if (c === Ref) writeRef(w, v);
  else if (c === Buffer || c === Uint8Array) writeBinary(w, v);
  else if (c === Float) writeFloat(w, v.value);
  else if (c === ImproperList) writeImproper(w, v, d);
  else if (c === Map) writeMap(w, v, d);
  else if (v instanceof Atom) writeAtom(w, v);
  else if (Array.isArray(v)) writeList(w, v, d);
  else if (v instanceof Tuple) writeTuple(w, v, d);
  else if (v instanceof Pid) writePid(w, v);
  else if (v instanceof Uint8Array) writeBinary(w, v);
  else if (v instanceof Float) writeFloat(w, v.value);
  else if (v instanceof Ref) writeRef(w, v);
  else if (v instanceof Map) writeMap(w, v, d);
  else if (v instanceof ImproperList) writeImproper(w, v, d);
  else if (v instanceof BitBinary) writeBits(w, v);
  else if (v instanceof Port) writePort(w, v);
  else if (v instanceof ExportFun) writeExport(w, v);
  else if (v instanceof Fun) writeFun(w, v, d);
  else if (isPlainObject(v)) writeObject(w, v, d);
  else {
    const name = c?.name ?? "object";
    throw new Failure(`a ${name} is not a term`);
  }
  if (depth > CYCLE_CHECK_DEPTH) ancestors.delete(v);
}
function writeTerm(w, v, depth) {
  switch (typeof v) {
    case "number":
      return writeNumber(w, v);
    case "string":
      return writeString(w, v);
    case "object":
      if (v === null) return void w.bytes(NIL);
      return writeObjectTerm(w, v, depth);
    case "boolean":
      return void w.bytes(v ? TRUE : FALSE);
    case "bigint":
      return writeBigInt(w, v);
    default:
      throw new Failure(
        `${typeof v === "function" ? "a function" : String(typeof v)} is not a term`
      );
  }
}
function findCycle(root) {
  const onPath = /* @__PURE__ */ new Set();
  const children = (v) => {
    if (Array.isArray(v)) return v.map((x, i) => [x, `[${i}]`]);
    if (v instanceof Tuple) return v.elements.map((x, i) => [x, `[${i}]`]);
    if (v instanceof ImproperList) {
      return [
        ...v.elements.map((x, i) => [x, `.elements[${i}]`]),
        [v.tail, ".tail"]
      ];
    }
    if (v instanceof Fun) return v.freeVars.map((x, i) => [x, `.freeVars[${i}]`]);
    if (v instanceof Map) {
      return [...v.entries()].flatMap(([k, x], i) => [
        [k, `.<key ${i}>`],
        [x, `.<value ${i}>`]
      ]);
    }
    if (typeof v === "object" && v !== null && isPlainObject(v)) {
      return Object.entries(v).map(([k, x]) => [x, keySegment(k)]);
    }
    return [];
  };
  const stack = [{ value: root, path: "$", children: void 0, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.children === void 0) {
      onPath.add(top.value);
      top.children = children(top.value);
    }
    if (top.next < top.children.length) {
      const [child, seg] = top.children[top.next++];
      if (typeof child !== "object" || child === null || child instanceof Atom) continue;
      if (onPath.has(child)) return top.path + seg;
      stack.push({ value: child, path: top.path + seg, children: void 0, next: 0 });
    } else {
      onPath.delete(top.value);
      stack.pop();
    }
  }
  return "$";
}
function encodeInto(writer, term) {
  const start = writer.length;
  try {
    writeTerm(writer, term, 0);
    return writer;
  } catch (e) {
    writer.truncate(start);
    ancestors.clear();
    if (e instanceof Failure) {
      throw new TermEncodeError(e.message, `$${e.segments.reverse().join("")}`);
    }
    if (e instanceof CycleSignal) {
      throw new TermEncodeError("a cycle: the value contains itself", findCycle(term));
    }
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw new TermEncodeError("the value is nested too deeply to encode", "$", { cause: e });
    }
    throw e;
  }
}
var shared = new Writer(64 * 1024);
function encode(term, options) {
  const w = shared ?? new Writer();
  shared = void 0;
  try {
    w.reset();
    w.deferLarge = true;
    w.u8(Tag.VERSION_MAGIC);
    encodeInto(w, term);
    const c = options?.compressed;
    if (c === void 0 || c === false || c === 0) return w.copy();
    return compress(w.view(), c === true ? 6 : c);
  } finally {
    w.deferLarge = false;
    w.reset();
    shared = w;
  }
}
function compress(plain, level) {
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new TermEncodeError(`compression level must be 0..9, got ${level}`, "$");
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

// src/term/decode.ts
import { isUtf8 } from "node:buffer";
import { inflateSync } from "node:zlib";

// src/term/text.ts
var fastSlices = typeof Buffer.prototype.latin1Slice === "function" && typeof Buffer.prototype.utf8Slice === "function";
var fcc = String.fromCharCode;
function latin1(b, s, e) {
  switch (e - s) {
    case 0:
      return "";
    case 1:
      return fcc(b[s]);
    case 2:
      return fcc(b[s], b[s + 1]);
    case 3:
      return fcc(b[s], b[s + 1], b[s + 2]);
    case 4:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3]);
    case 5:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4]);
    case 6:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5]);
    case 7:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6]);
    case 8:
      return fcc(
        b[s],
        b[s + 1],
        b[s + 2],
        b[s + 3],
        b[s + 4],
        b[s + 5],
        b[s + 6],
        b[s + 7]
      );
    default:
      if (e - s <= 16) return latin1(b, s, s + 8) + latin1(b, s + 8, e);
      return fastSlices ? b.latin1Slice(s, e) : b.toString("latin1", s, e);
  }
}
function utf8(b, s, e) {
  return fastSlices ? b.utf8Slice(s, e) : b.toString("utf8", s, e);
}
function isAscii(b, s, e) {
  for (let i = s; i < e; i++) if (b[i] >= 128) return false;
  return true;
}
function invalidUtf8Prefix(b, s, e) {
  const lim = Math.min(e, s + 256);
  let i = s;
  while (i < lim) {
    const c = b[i];
    if (c < 128) {
      i++;
      continue;
    }
    const n = c >= 194 && c <= 223 ? 1 : c >= 224 && c <= 239 ? 2 : c >= 240 && c <= 244 ? 3 : 0;
    if (n === 0) return true;
    if (i + n >= lim) return i + n >= e;
    for (let k = 1; k <= n; k++) if ((b[i + k] & 192) !== 128) return true;
    i += n + 1;
  }
  return false;
}
var SLOTS = 4096;
var slotBytes = new Array(SLOTS);
var slotLatin1 = new Uint8Array(SLOTS);
var slotAtom = new Array(SLOTS);
function slotOf(b, s, e, latin1Form) {
  let h = e - s ^ (latin1Form ? 2654435769 : 0);
  for (let i = s; i < e; i++) h = Math.imul(h ^ b[i], 16777619);
  return h >>> 0 & SLOTS - 1;
}
function cachedAtom(b, s, e, latin1Form) {
  const slot = slotOf(b, s, e, latin1Form);
  const key = slotBytes[slot];
  if (key === void 0 || key.length !== e - s || slotLatin1[slot] !== (latin1Form ? 1 : 0)) {
    return void 0;
  }
  for (let i = 0, j = s; j < e; i++, j++) if (key[i] !== b[j]) return void 0;
  return slotAtom[slot];
}
function cacheAtom(b, s, e, latin1Form, atom2) {
  const slot = slotOf(b, s, e, latin1Form);
  slotBytes[slot] = Uint8Array.prototype.slice.call(b, s, e);
  slotLatin1[slot] = latin1Form ? 1 : 0;
  slotAtom[slot] = atom2;
}

// src/term/decode.ts
var DEFAULT_MAX_INFLATED_SIZE = 64 * 1024 * 1024;
var MAX_BIG_BYTES = 8 * 1024 * 1024;
var VIEW_THRESHOLD = 1024;
var K_TUPLE = 0;
var K_LIST = 1;
var K_TAIL = 2;
var K_MAP = 3;
var K_FUN = 4;
var Frame = class {
  kind = 0;
  items = [];
  i = 0;
  n = 0;
  start = 0;
  fun = void 0;
};
var PUSHED = /* @__PURE__ */ Symbol("pushed");
var NO_ITEMS = [];
var NO_BYTES = Buffer.alloc(0);
var ATOM_TRUE = Atom.of("true");
var ATOM_FALSE = Atom.of("false");
var ATOM_NIL = Atom.of("nil");
var Decoder = class {
  buf = NO_BYTES;
  pos = 0;
  end = 0;
  binaries = "auto";
  copyBinaries = false;
  refs = void 0;
  compressed = false;
  frames = [];
  sp = 0;
  reset(buf, pos, options, compressed) {
    this.buf = buf;
    this.pos = pos;
    this.end = buf.length;
    this.binaries = options?.binaries ?? "auto";
    this.copyBinaries = options?.copyBinaries ?? false;
    this.refs = options?.atomRefs;
    this.compressed = compressed;
    this.sp = 0;
  }
  /** Drops references to partial results after a failure. */
  release() {
    for (let i = 0; i < this.frames.length; i++) {
      const f = this.frames[i];
      f.items = NO_ITEMS;
      f.fun = void 0;
    }
    this.sp = 0;
    this.buf = NO_BYTES;
  }
  fail(message, offset, tag) {
    throw new TermDecodeError(message, offset, tag, { compressed: this.compressed });
  }
  /** Fails unless `n` bytes remain from `at`. */
  need(at, n, tag) {
    if (n > this.end - at) this.fail(`needs ${n} bytes, ${this.end - at} left`, at, tag);
  }
  u16(at) {
    return this.buf[at] << 8 | this.buf[at + 1];
  }
  u32(at) {
    const b = this.buf;
    return (b[at] << 24 | b[at + 1] << 16 | b[at + 2] << 8 | b[at + 3]) >>> 0;
  }
  push(kind, items, n, start) {
    let f = this.frames[this.sp];
    if (f === void 0) {
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
  term() {
    const base = this.sp;
    let value = this.one();
    for (; ; ) {
      if (value === PUSHED) {
        value = this.one();
        continue;
      }
      if (this.sp === base) return value;
      const f = this.frames[this.sp - 1];
      switch (f.kind) {
        case K_TUPLE:
          f.items[f.i++] = value;
          if (f.i < f.n) {
            value = this.one();
            continue;
          }
          value = new Tuple(f.items);
          break;
        case K_LIST: {
          const items = f.items;
          items[f.i++] = value;
          const buf = this.buf;
          let p = this.pos;
          while (f.i < f.n && p + 5 <= this.end) {
            const tag = buf[p];
            if (tag === Tag.SMALL_INTEGER_EXT) {
              items[f.i++] = buf[p + 1];
              p += 2;
            } else if (tag === Tag.INTEGER_EXT) {
              items[f.i++] = buf[p + 1] << 24 | buf[p + 2] << 16 | buf[p + 3] << 8 | buf[p + 4];
              p += 5;
            } else break;
          }
          this.pos = p;
          if (f.i === f.n) f.kind = K_TAIL;
          value = this.one();
          continue;
        }
        case K_TAIL:
          value = this.listWithTail(f.items, value);
          break;
        case K_MAP:
          f.items[f.i++] = value;
          if (f.i < f.n) {
            value = this.one();
            continue;
          }
          value = this.map(f.items, f.start);
          break;
        default:
          f.items[f.i++] = value;
          if (f.i < f.n) {
            value = this.one();
            continue;
          }
          value = this.fun(f.fun, f.items);
          f.fun = void 0;
          break;
      }
      f.items = NO_ITEMS;
      this.sp--;
    }
  }
  listWithTail(items, tail) {
    if (items.length === 0) return tail;
    if (Array.isArray(tail)) return tail.length === 0 ? items : items.concat(tail);
    if (tail instanceof ImproperList) {
      return new ImproperList(items.concat(tail.elements), tail.tail);
    }
    return new ImproperList(items, tail);
  }
  map(items, start) {
    const n = items.length;
    let atomKeys = true;
    for (let i = 0; i < n; i += 2) {
      const k = items[i];
      if (!(k instanceof Atom || typeof k === "boolean" || k === null)) {
        atomKeys = false;
        break;
      }
    }
    if (atomKeys) {
      if (n <= 32) {
        for (let i = 2; i < n; i += 2) {
          for (let j = 0; j < i; j += 2) {
            if (items[i] === items[j]) this.fail("duplicate map key", start, Tag.MAP_EXT);
          }
        }
      }
      const obj = {};
      for (let i = 0; i < n; i += 2) {
        const k = items[i];
        const name = k === null ? "nil" : typeof k === "boolean" ? String(k) : k.name;
        if (n > 32 && Object.hasOwn(obj, name)) {
          this.fail(`duplicate map key ${name}`, start, Tag.MAP_EXT);
        }
        if (name === "__proto__") {
          Object.defineProperty(obj, name, {
            value: items[i + 1],
            enumerable: true,
            writable: true,
            configurable: true
          });
        } else obj[name] = items[i + 1];
      }
      return obj;
    }
    const m = /* @__PURE__ */ new Map();
    for (let i = 0; i < n; i += 2) {
      const k = items[i];
      if (m.has(k)) this.fail("duplicate map key", start, Tag.MAP_EXT);
      m.set(k, items[i + 1]);
    }
    return m;
  }
  fun(h, freeVars) {
    if (this.pos !== h.end) {
      this.fail(
        `size says the fun ends at ${h.end}, it ends at ${this.pos}`,
        h.start,
        Tag.NEW_FUN_EXT
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
      freeVars
    });
    if (this.refs === void 0) {
      rememberFunBytes(fun, Uint8Array.prototype.slice.call(this.buf, h.start, h.end));
    }
    return fun;
  }
  /** Reads one term, or the start of a container (then returns PUSHED). */
  one() {
    const buf = this.buf;
    const p = this.pos;
    if (p >= this.end) this.fail("unexpected end of input", p);
    const tag = buf[p];
    switch (tag) {
      case Tag.SMALL_INTEGER_EXT:
        this.need(p, 2, tag);
        this.pos = p + 2;
        return buf[p + 1];
      case Tag.INTEGER_EXT:
        this.need(p, 5, tag);
        this.pos = p + 5;
        return buf[p + 1] << 24 | buf[p + 2] << 16 | buf[p + 3] << 8 | buf[p + 4];
      case Tag.SMALL_ATOM_UTF8_EXT:
      case Tag.ATOM_UTF8_EXT:
      case Tag.ATOM_EXT:
      case Tag.SMALL_ATOM_EXT:
      case Tag.ATOM_CACHE_REF: {
        const a = this.atom();
        return a === ATOM_TRUE ? true : a === ATOM_FALSE ? false : a === ATOM_NIL ? null : a;
      }
      case Tag.SMALL_TUPLE_EXT: {
        this.need(p, 2, tag);
        const n = buf[p + 1];
        this.pos = p + 2;
        if (n === 0) return new Tuple([]);
        return this.push(K_TUPLE, new Array(n), n, p);
      }
      case Tag.LARGE_TUPLE_EXT: {
        this.need(p, 5, tag);
        const n = this.u32(p + 1);
        if (n > this.end - p - 5) this.fail(`arity ${n} exceeds the input`, p, tag);
        this.pos = p + 5;
        if (n === 0) return new Tuple([]);
        return this.push(K_TUPLE, new Array(n), n, p);
      }
      case Tag.NIL_EXT:
        this.pos = p + 1;
        return [];
      case Tag.STRING_EXT: {
        this.need(p, 3, tag);
        const n = this.u16(p + 1);
        this.need(p, 3 + n, tag);
        const out = new Array(n);
        for (let i = 0, o = p + 3; i < n; i++) out[i] = buf[o + i];
        this.pos = p + 3 + n;
        return out;
      }
      case Tag.LIST_EXT: {
        this.need(p, 5, tag);
        const n = this.u32(p + 1);
        if (n > this.end - p - 6) this.fail(`length ${n} exceeds the input`, p, tag);
        this.pos = p + 5;
        return this.push(n === 0 ? K_TAIL : K_LIST, new Array(n), n, p);
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
        return this.push(K_MAP, new Array(2 * n), 2 * n, p);
      }
      case Tag.NEW_FLOAT_EXT: {
        this.need(p, 9, tag);
        const f = buf.readDoubleBE(p + 1);
        if (!Number.isFinite(f)) this.fail("not a finite float", p, tag);
        this.pos = p + 9;
        return Number.isInteger(f) ? new Float(f) : f;
      }
      case Tag.SMALL_BIG_EXT: {
        this.need(p, 3, tag);
        const n = buf[p + 1];
        this.need(p, 3 + n, tag);
        this.pos = p + 3 + n;
        return this.big(p + 3, n, buf[p + 2], p);
      }
      case Tag.LARGE_BIG_EXT: {
        this.need(p, 6, tag);
        const n = this.u32(p + 1);
        this.need(p, 6 + n, tag);
        if (n > MAX_BIG_BYTES) this.fail(`an integer of ${n} bytes is too large`, p, tag);
        this.pos = p + 6 + n;
        return this.big(p + 6, n, buf[p + 5], p);
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
        if (buf[q] !== Tag.SMALL_INTEGER_EXT) this.fail("arity must be SMALL_INTEGER_EXT", q, tag);
        this.pos = q + 2;
        return new ExportFun(module, name, buf[q + 1]);
      }
      case Tag.NEW_FUN_EXT:
        return this.funHeader();
      case Tag.FLOAT_EXT:
        return this.oldFloat();
      case Tag.COMPRESSED:
        return this.fail("COMPRESSED is only allowed right after the version byte", p, tag);
      case Tag.LOCAL_EXT:
        return this.fail("LOCAL_EXT is internal to one runtime and cannot be decoded", p, tag);
      case Tag.FUN_EXT:
        return this.fail("FUN_EXT (pre-R8 funs) is not supported", p, tag);
      default:
        return this.fail(`unknown tag ${tag}`, p, tag);
    }
  }
  /** An atom in any form at `pos` (also ATOM_CACHE_REF); advances `pos`. */
  atom() {
    const buf = this.buf;
    const p = this.pos;
    if (p >= this.end) this.fail("expected an atom, got end of input", p);
    const tag = buf[p];
    let start;
    let len;
    let isUtf8Form = true;
    switch (tag) {
      case Tag.SMALL_ATOM_UTF8_EXT:
        this.need(p, 2, tag);
        len = buf[p + 1];
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
        len = buf[p + 1];
        start = p + 2;
        isUtf8Form = false;
        break;
      case Tag.ATOM_CACHE_REF: {
        this.need(p, 2, tag);
        const index = buf[p + 1];
        const found = this.refs?.[index];
        if (found === void 0) this.fail(`no atom cache ref ${index}`, p, tag);
        this.pos = p + 2;
        return found;
      }
      default:
        return this.fail(`expected an atom, got ${tag}`, p, tag);
    }
    const end = start + len;
    if (end > this.end) this.fail(`needs ${len} bytes of text, ${this.end - start} left`, p, tag);
    const cached = cachedAtom(buf, start, end, !isUtf8Form);
    if (cached !== void 0) {
      this.pos = end;
      return cached;
    }
    let text;
    if (isAscii(buf, start, end)) text = latin1(buf, start, end);
    else if (!isUtf8Form) text = latin1(buf, start, end);
    else if (isUtf8(buf.subarray(start, end))) text = utf8(buf, start, end);
    else return this.fail("atom text is not valid UTF-8", p, tag);
    if (text.length > MAX_ATOM_LENGTH && [...text].length > MAX_ATOM_LENGTH) {
      this.fail(`atom longer than ${MAX_ATOM_LENGTH} characters`, p, tag);
    }
    let atom2;
    try {
      atom2 = Atom.of(text);
    } catch (e) {
      return this.fail(`cannot make atom: ${e.message}`, p, tag);
    }
    this.pos = end;
    cacheAtom(buf, start, end, !isUtf8Form, atom2);
    return atom2;
  }
  binary(start, end) {
    const buf = this.buf;
    const mode = this.binaries;
    if (mode === "string") return utf8(buf, start, end);
    if (mode === "auto") {
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
  big(start, n, sign, p) {
    if (sign > 1) this.fail(`bad sign ${sign}`, p, this.buf[p]);
    const buf = this.buf;
    if (n <= 6) {
      let v2 = 0;
      for (let i = n - 1; i >= 0; i--) v2 = v2 * 256 + buf[start + i];
      return sign === 1 && v2 !== 0 ? -v2 : v2;
    }
    const digits = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) digits[n - 1 - i] = buf[start + i];
    let v = BigInt(`0x${digits.toString("hex")}`);
    if (sign === 1) v = -v;
    return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
  }
  /** A pid in any form at `pos`; advances `pos`. */
  pid() {
    const p = this.pos;
    const tag = this.buf[p];
    if (tag !== Tag.NEW_PID_EXT && tag !== Tag.PID_EXT) {
      return this.fail(`expected a pid, got ${tag}`, p, tag);
    }
    this.pos = p + 1;
    const node = this.atom();
    const q = this.pos;
    if (tag === Tag.NEW_PID_EXT) {
      this.need(q, 12, tag);
      this.pos = q + 12;
      return new Pid(node, this.u32(q), this.u32(q + 4), this.u32(q + 8));
    }
    this.need(q, 9, tag);
    this.pos = q + 9;
    return new Pid(node, this.u32(q), this.u32(q + 4), this.buf[q + 8]);
  }
  ref() {
    const p = this.pos;
    const tag = this.buf[p];
    if (tag === Tag.REFERENCE_EXT) {
      this.pos = p + 1;
      const node2 = this.atom();
      const q2 = this.pos;
      this.need(q2, 5, tag);
      this.pos = q2 + 5;
      return new Ref(node2, this.buf[q2 + 4], [this.u32(q2)]);
    }
    this.need(p, 3, tag);
    const n = this.u16(p + 1);
    if (n < 1 || n > 5) this.fail(`a reference has 1..5 ids, got ${n}`, p, tag);
    this.pos = p + 3;
    const node = this.atom();
    const q = this.pos;
    const cw = tag === Tag.NEWER_REFERENCE_EXT ? 4 : 1;
    this.need(q, cw + 4 * n, tag);
    const creation = cw === 4 ? this.u32(q) : this.buf[q];
    const ids = new Array(n);
    for (let i = 0; i < n; i++) ids[i] = this.u32(q + cw + 4 * i);
    this.pos = q + cw + 4 * n;
    return new Ref(node, creation, ids);
  }
  port() {
    const p = this.pos;
    const tag = this.buf[p];
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
    return new Port(node, BigInt(this.u32(q)), this.buf[q + 4]);
  }
  bitBinary() {
    const p = this.pos;
    const tag = Tag.BIT_BINARY_EXT;
    this.need(p, 6, tag);
    const n = this.u32(p + 1);
    const bits = this.buf[p + 5];
    this.need(p, 6 + n, tag);
    this.pos = p + 6 + n;
    if (n === 0) {
      if (bits !== 0) this.fail("an empty bitstring must have 0 bits", p, tag);
      return this.binary(p + 6, p + 6);
    }
    if (bits < 1 || bits > 8) this.fail(`bits must be 1..8, got ${bits}`, p, tag);
    if (bits === 8) return this.binary(p + 6, p + 6 + n);
    const bytes = Buffer.allocUnsafe(n);
    this.buf.copy(bytes, 0, p + 6, p + 6 + n);
    bytes[n - 1] = bytes[n - 1] & (255 << 8 - bits & 255);
    return new BitBinary(bytes, bits);
  }
  /** A small integer field (fun OldIndex / OldUniq): SMALL_INTEGER_EXT or INTEGER_EXT. */
  int32() {
    const p = this.pos;
    const tag = this.buf[p];
    if (tag === Tag.SMALL_INTEGER_EXT) {
      this.need(p, 2, tag);
      this.pos = p + 2;
      return this.buf[p + 1];
    }
    if (tag === Tag.INTEGER_EXT) {
      this.need(p, 5, tag);
      this.pos = p + 5;
      return this.buf.readInt32BE(p + 1);
    }
    return this.fail(`expected an integer, got ${tag}`, p, tag);
  }
  funHeader() {
    const p = this.pos;
    const tag = Tag.NEW_FUN_EXT;
    this.need(p, 30, tag);
    const size = this.u32(p + 1);
    const end = p + 1 + size;
    if (size < 29 || end > this.end) this.fail(`bad size ${size}`, p, tag);
    const arity = this.buf[p + 5];
    const uniq = Uint8Array.prototype.slice.call(this.buf, p + 6, p + 22);
    const index = this.u32(p + 22);
    const numFree = this.u32(p + 26);
    this.pos = p + 30;
    const module = this.atom();
    const oldIndex = this.int32();
    const oldUniq = this.int32();
    const pid = this.pid();
    if (numFree > end - this.pos) this.fail(`${numFree} free variables exceed the size`, p, tag);
    const h = { start: p, end, arity, uniq, index, module, oldIndex, oldUniq, pid };
    if (numFree === 0) return this.fun(h, []);
    this.push(K_FUN, new Array(numFree), numFree, p);
    this.frames[this.sp - 1].fun = h;
    return PUSHED;
  }
  oldFloat() {
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
  versioned(options) {
    const p = this.pos;
    if (p < this.end && this.buf[p] === Tag.COMPRESSED) {
      const tag = Tag.COMPRESSED;
      this.need(p, 5, tag);
      const size = this.u32(p + 1);
      const cap = options?.maxInflatedSize ?? DEFAULT_MAX_INFLATED_SIZE;
      if (size > cap) this.fail(`declares ${size} bytes inflated, over the cap of ${cap}`, p, tag);
      let plain;
      try {
        plain = inflateSync(this.buf.subarray(p + 5, this.end), {
          maxOutputLength: Math.max(1, size)
        });
      } catch (e) {
        return this.fail(`zlib: ${e.message}`, p, tag);
      }
      if (plain.length !== size) {
        this.fail(`inflated to ${plain.length} bytes, declared ${size}`, p, tag);
      }
      const outer = this.end;
      this.reset(plain, 0, options, true);
      const value = this.term();
      if (this.pos !== plain.length) this.fail("bytes after the term", this.pos);
      this.buf = NO_BYTES;
      this.compressed = false;
      this.pos = outer;
      this.end = outer;
      return value;
    }
    return this.term();
  }
};
var spare = new Decoder();
function asBuffer(bytes) {
  if (Buffer.isBuffer(bytes)) return bytes;
  if (!(bytes instanceof Uint8Array)) {
    throw new TermDecodeError("input is not a Uint8Array", 0);
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
function take() {
  const d = spare ?? new Decoder();
  spare = void 0;
  return d;
}
function failed(d, e) {
  d.release();
  spare = d;
  if (e instanceof TermDecodeError) throw e;
  const message = e instanceof Error ? e.message : String(e);
  throw new TermDecodeError(`malformed input (${message})`, d.pos, void 0, { cause: e });
}
function decode(bytes, options) {
  const buf = asBuffer(bytes);
  if (buf.length === 0) throw new TermDecodeError("empty input", 0);
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
function decodeAt(bytes, offset, options) {
  const buf = asBuffer(bytes);
  if (!Number.isInteger(offset) || offset < 0 || offset > buf.length) {
    throw new TermDecodeError(`offset ${offset} is outside the input`, 0);
  }
  const d = take();
  try {
    d.reset(buf, offset, options, false);
    let value;
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

// src/term/dist-header.ts
import { isUtf8 as isUtf82 } from "node:buffer";
var ATOM_CACHE_SIZE = 2048;
var AtomCache = class {
  entries = new Array(ATOM_CACHE_SIZE);
  /** The atom at a cache index (0..2047), if set. */
  get(index) {
    return this.entries[index];
  }
  /** Sets the atom at a cache index (0..2047). */
  set(index, atom2) {
    if (!(index >= 0 && index < ATOM_CACHE_SIZE)) throw new RangeError(`cache index ${index}`);
    this.entries[index] = atom2;
  }
  /** Forgets every entry. */
  clear() {
    this.entries.fill(void 0);
  }
  /** How many entries are set. */
  get size() {
    let n = 0;
    for (const e of this.entries) if (e !== void 0) n++;
    return n;
  }
};
function fail(message, offset) {
  throw new TermDecodeError(message, offset, Tag.DIST_HEADER);
}
function decodeAtomCacheRefs(buf, offset, cache) {
  const end = buf.length;
  if (offset >= end) fail("missing NumberOfAtomCacheRefs", offset);
  const n = buf[offset];
  let p = offset + 1;
  if (n === 0) return { refs: [], offset: p };
  const flagBytes = (n >> 1) + 1;
  if (p + flagBytes > end) fail(`needs ${flagBytes} flag bytes`, p);
  const flagsAt = p;
  const half = (i) => {
    const b = buf[flagsAt + (i >> 1)];
    return i & 1 ? b >> 4 : b & 15;
  };
  const longAtoms = (half(n) & 1) === 1;
  p += flagBytes;
  const refs = new Array(n);
  for (let i = 0; i < n; i++) {
    const f = half(i);
    const segment = f & 7;
    if (p >= end) fail(`atom cache ref ${i} is missing`, p);
    const index = segment * 256 + buf[p];
    p += 1;
    if ((f & 8) !== 0) {
      const lenBytes = longAtoms ? 2 : 1;
      if (p + lenBytes > end) fail(`atom cache ref ${i}: length is missing`, p);
      const len = longAtoms ? buf[p] << 8 | buf[p + 1] : buf[p];
      p += lenBytes;
      if (p + len > end) fail(`atom cache ref ${i}: needs ${len} bytes of text`, p);
      const bytes = Buffer.from(buf.buffer, buf.byteOffset + p, len);
      if (!isUtf82(bytes)) fail(`atom cache ref ${i}: atom text is not valid UTF-8`, p);
      const text = bytes.toString("utf8");
      if ([...text].length > MAX_ATOM_LENGTH) fail(`atom cache ref ${i}: atom too long`, p);
      let atom2;
      try {
        atom2 = Atom.of(text);
      } catch (e) {
        fail(`atom cache ref ${i}: ${e.message}`, p);
      }
      p += len;
      cache.set(index, atom2);
      refs[i] = atom2;
    } else {
      const atom2 = cache.get(index);
      if (atom2 === void 0) fail(`atom cache ref ${i} names empty entry ${index}`, p - 1);
      refs[i] = atom2;
    }
  }
  return { refs, offset: p };
}
function decodeDistHeader(buf, offset, cache) {
  if (offset + 2 > buf.length) fail("truncated distribution header", offset);
  if (buf[offset] !== Tag.VERSION_MAGIC) fail(`expected 131, got ${buf[offset]}`, offset);
  if (buf[offset + 1] !== Tag.DIST_HEADER) fail(`expected 68, got ${buf[offset + 1]}`, offset + 1);
  return decodeAtomCacheRefs(buf, offset + 2, cache);
}
function decodeDistMessage(buf, offset, cache, options) {
  const hdr = decodeDistHeader(buf, offset, cache);
  const opts = { ...options, atomRefs: hdr.refs };
  const control = decodeAt(buf, hdr.offset, opts);
  if (control.offset === buf.length) return { control: control.value, payload: void 0 };
  const payload = decodeAt(buf, control.offset, opts);
  if (payload.offset !== buf.length) {
    throw new TermDecodeError(
      `${buf.length - payload.offset} bytes after the payload`,
      payload.offset
    );
  }
  return { control: control.value, payload: payload.value };
}
var EMPTY_DIST_HEADER = Uint8Array.of(
  Tag.VERSION_MAGIC,
  Tag.DIST_HEADER,
  0
);
function writeDistHeader(w) {
  return w.u8(Tag.VERSION_MAGIC).u8(Tag.DIST_HEADER).u8(0);
}

// src/term/equals.ts
function sameNumber(a, b) {
  const fa = isFloatTerm(a);
  if (fa !== isFloatTerm(b)) return false;
  const x = a instanceof Float ? a.value : a;
  const y = b instanceof Float ? b.value : b;
  if (fa) return Object.is(x, y);
  return typeof x === typeof y ? x === y : BigInt(x) === BigInt(y);
}
function bytesOf(v) {
  return typeof v === "string" ? Buffer.from(v, "utf8") : v;
}
function sameBits(a, b) {
  if (typeof a === "string" && typeof b === "string") return a === b;
  const ba = a instanceof BitBinary;
  const bb = b instanceof BitBinary;
  if (ba || bb) {
    if (!(ba && bb) || a.bits !== b.bits || a.bytes.length !== b.bytes.length) return false;
    const n = a.bytes.length;
    const mask = 255 << 8 - a.bits & 255;
    for (let i = 0; i < n - 1; i++) if (a.bytes[i] !== b.bytes[i]) return false;
    return (a.bytes[n - 1] & mask) === (b.bytes[n - 1] & mask);
  }
  return Buffer.compare(bytesOf(a), bytesOf(b)) === 0;
}
function sameSeq(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!equals(a[i], b[i])) return false;
  return true;
}
function flatten(v) {
  if (v instanceof ImproperList) {
    const inner = flatten(v.tail);
    return { elements: [...v.elements, ...inner.elements], tail: inner.tail };
  }
  if (Array.isArray(v)) return { elements: v, tail: [] };
  return { elements: [], tail: v };
}
function equals(a, b) {
  if (a === b) return typeof a !== "number" || !Number.isNaN(a);
  const ka = termKind(a);
  if (ka !== termKind(b) || ka < 0) return false;
  switch (ka) {
    case Kind.NUMBER:
      return sameNumber(a, b);
    case Kind.ATOM:
      return atomText(a) === atomText(b);
    case Kind.BITSTRING:
      return sameBits(a, b);
    case Kind.NIL:
      return true;
    case Kind.TUPLE:
      return sameSeq(a.elements, b.elements);
    case Kind.LIST: {
      const x = flatten(a);
      const y = flatten(b);
      return sameSeq(x.elements, y.elements) && equals(x.tail, y.tail);
    }
    case Kind.MAP: {
      const x = mapEntries(a);
      const y = mapEntries(b);
      if (x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) {
        if (!equals(x[i][0], y[i][0]) || !equals(x[i][1], y[i][1])) return false;
      }
      return true;
    }
    case Kind.PID: {
      const x = a;
      const y = b;
      return x.node === y.node && x.id === y.id && x.serial === y.serial && x.creation === y.creation;
    }
    case Kind.PORT: {
      const x = a;
      const y = b;
      return x.node === y.node && x.id === y.id && x.creation === y.creation;
    }
    case Kind.REFERENCE: {
      const x = a;
      const y = b;
      return x.node === y.node && x.creation === y.creation && sameSeq(x.ids, y.ids);
    }
    default: {
      if (a instanceof ExportFun && b instanceof ExportFun) {
        return a.module === b.module && a.name === b.name && a.arity === b.arity;
      }
      if (a instanceof Fun && b instanceof Fun) {
        return a.module === b.module && a.arity === b.arity && a.index === b.index && a.oldIndex === b.oldIndex && a.oldUniq === b.oldUniq && Buffer.compare(a.uniq, b.uniq) === 0 && equals(a.pid, b.pid) && sameSeq(a.freeVars, b.freeVars);
      }
      return false;
    }
  }
}

// src/term/format.ts
var localNodeForPrinting;
var nodeNumbers = /* @__PURE__ */ new Map();
function setLocalNodeForPrinting(name) {
  localNodeForPrinting = name;
}
function nodeNumber(node, options) {
  const local = options?.localNode ?? localNodeForPrinting ?? "nonode@nohost";
  if (node.name === local) return 0;
  let n = nodeNumbers.get(node.name);
  if (n === void 0) {
    n = nodeNumbers.size + 1;
    nodeNumbers.set(node.name, n);
  }
  return n;
}
function floatParts(x) {
  const s = Math.abs(x).toExponential();
  const [mant, e] = s.split("e");
  return {
    sign: x < 0 || Object.is(x, -0) ? "-" : "",
    digits: mant.replace(".", ""),
    exp: Number(e)
  };
}
function fixedForm(digits, exp) {
  if (exp < 0) return `0.${"0".repeat(-exp - 1)}${digits}`;
  const int = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
  const frac = digits.slice(exp + 1);
  return `${int}.${frac || "0"}`;
}
function sciForm(digits, exp) {
  return `${digits[0]}.${digits.slice(1) || "0"}e${exp}`;
}
function formatFloat(x, erlang) {
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const { sign, digits, exp } = floatParts(x);
  const a = Math.abs(x);
  if (erlang) {
    const f = fixedForm(digits, exp);
    const e = sciForm(digits, exp);
    return sign + (a >= 2 ** 53 || e.length < f.length ? e : f);
  }
  return sign + (a >= 1e-4 && a < 1e16 ? fixedForm(digits, exp) : sciForm(digits, exp));
}
var ELIXIR_ESCAPES = {
  34: '\\"',
  92: "\\\\",
  10: "\\n",
  9: "\\t",
  13: "\\r",
  11: "\\v",
  8: "\\b",
  12: "\\f",
  27: "\\e",
  7: "\\a"
};
var ERLANG_ESCAPES = { ...ELIXIR_ESCAPES, 7: "\\^G" };
function isPrintableCodePoint(c) {
  return c >= 32 && c < 127 || c >= 160 && c !== 65533 && (c < 55296 || c > 57343);
}
function printableText(s, escapes) {
  for (const ch of s) {
    const c = ch.codePointAt(0);
    if (!isPrintableCodePoint(c) && escapes[c] === void 0) return false;
  }
  return true;
}
function quote(s, q, escapes) {
  let out = q;
  for (const ch of s) out += ch === q ? `\\${q}` : escapes[ch.codePointAt(0)] ?? ch;
  if (escapes === ELIXIR_ESCAPES && q === '"') out = out.replace(/#\{/g, "\\#{");
  return out + q;
}
var ELIXIR_OPERATORS = new Set(
  "+ - * / ++ -- == != === !== < > <= >= && || ! <> |> .. ... => -> <- \\\\ ~~~ &&& ||| <<< >>> ^^^ ** :: @ & % {} <<>> ^ | . []".split(
    " "
  )
);
var ERLANG_RESERVED = new Set(
  "after and andalso band begin bnot bor bsl bsr bxor case catch cond div else end fun if let maybe not of or orelse receive rem try when xor".split(
    " "
  )
);
function elixirAtom(name) {
  if (name === "nil" || name === "true" || name === "false") return name;
  if (/^Elixir(\.[A-Z][a-zA-Z0-9_]*)+$/.test(name)) return name.slice(7);
  if (/^[\p{L}_][\p{L}\p{N}_@]*[?!]?$/u.test(name) || ELIXIR_OPERATORS.has(name)) return `:${name}`;
  return `:${quote(name, '"', ELIXIR_ESCAPES)}`;
}
function elixirKey(name) {
  if (/^[\p{L}_][\p{L}\p{N}_@]*[?!]?$/u.test(name)) return `${name}:`;
  return `${quote(name, '"', ELIXIR_ESCAPES)}:`;
}
function erlangAtom(name) {
  if (/^[a-z][a-zA-Z0-9_@]*$/.test(name) && !ERLANG_RESERVED.has(name)) return name;
  return quote(name, "'", ERLANG_ESCAPES);
}
function bytesOf2(v) {
  return typeof v === "string" ? Buffer.from(v, "utf8") : v;
}
function binaryText(v) {
  if (typeof v === "string") return v;
  const s = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("utf8");
  return Buffer.byteLength(s) === v.length && !s.includes("\uFFFD") ? s : void 0;
}
function isCharlist(list, erlang) {
  if (list.length === 0) return false;
  for (const x of list) {
    if (typeof x !== "number" || !Number.isInteger(x)) return false;
    const ok = x >= 32 && x <= 126 || x >= 7 && x <= 13 || x === 27 || erlang && x >= 160 && x <= 255;
    if (!ok || erlang && x === 7) return false;
  }
  return true;
}
var Printer = class {
  erlang;
  options;
  constructor(options) {
    this.erlang = options?.style === "erlang";
    this.options = options;
  }
  get sep() {
    return this.erlang ? "," : ", ";
  }
  print(v) {
    switch (typeof v) {
      case "number":
        return Number.isSafeInteger(v) ? String(v) : formatFloat(v, this.erlang);
      case "bigint":
        return v.toString();
      case "string":
        return this.binary(v);
      case "boolean":
        return String(v);
      case "object":
        return this.object(v);
      default:
        return `#NotATerm<${String(typeof v)}>`;
    }
  }
  atom(v) {
    const name = atomText(v);
    return this.erlang ? erlangAtom(name) : elixirAtom(name);
  }
  binary(v) {
    const text = binaryText(v);
    if (this.erlang) {
      if (text !== void 0 && printableText(text, ERLANG_ESCAPES)) {
        const ascii = Buffer.byteLength(text) === text.length;
        return `<<${quote(text, '"', ERLANG_ESCAPES)}${ascii ? "" : "/utf8"}>>`;
      }
      return `<<${[...bytesOf2(v)].join(",")}>>`;
    }
    if (text !== void 0 && printableText(text, ELIXIR_ESCAPES))
      return quote(text, '"', ELIXIR_ESCAPES);
    return `<<${[...bytesOf2(v)].join(", ")}>>`;
  }
  list(list, tail) {
    if (tail === void 0 && isCharlist(list, this.erlang)) {
      const text = String.fromCharCode(...list);
      if (this.erlang) return quote(text, '"', ERLANG_ESCAPES);
      const mode = this.options?.charlists ?? "sigil";
      if (mode === "sigil") return `~c${quote(text, '"', ELIXIR_ESCAPES)}`;
      if (mode === "quoted") return quote(text, "'", ELIXIR_ESCAPES);
    }
    if (!this.erlang && tail === void 0 && this.isKeywordList(list)) {
      return `[${list.map((t) => this.keywordPair(t)).join(", ")}]`;
    }
    const items = list.map((x) => this.print(x)).join(this.sep);
    if (tail === void 0) return `[${items}]`;
    return `[${items}${this.erlang ? "|" : " | "}${this.print(tail)}]`;
  }
  isKeywordList(list) {
    return list.length > 0 && list.every(
      (t) => t instanceof Tuple && t.elements.length === 2 && (t.elements[0] instanceof Atom || typeof t.elements[0] === "boolean" || t.elements[0] === null)
    );
  }
  keywordPair(t) {
    return `${elixirKey(atomText(t.elements[0]))} ${this.print(t.elements[1])}`;
  }
  map(v) {
    const entries = mapEntries(v);
    if (this.erlang) {
      return `#{${entries.map(([k, x]) => `${this.print(k)} => ${this.print(x)}`).join(",")}}`;
    }
    if (entries.length === 0) return "%{}";
    const atomKeys = entries.every(
      ([k]) => k instanceof Atom || typeof k === "boolean" || k === null
    );
    const body = atomKeys ? entries.map(([k, x]) => `${elixirKey(atomText(k))} ${this.print(x)}`) : entries.map(([k, x]) => `${this.print(k)} => ${this.print(x)}`);
    return `%{${body.join(", ")}}`;
  }
  object(v) {
    if (v === null || v instanceof Atom) return this.atom(v);
    if (Array.isArray(v)) return this.list(v, void 0);
    if (v instanceof Tuple) return `{${v.elements.map((x) => this.print(x)).join(this.sep)}}`;
    if (v instanceof Float) return formatFloat(v.value, this.erlang);
    if (v instanceof Uint8Array) return this.binary(v);
    if (v instanceof ImproperList) return this.list(v.elements, v.tail);
    if (v instanceof Pid) {
      const id = `${nodeNumber(v.node, this.options)}.${v.id}.${v.serial}`;
      return this.erlang ? `<${id}>` : `#PID<${id}>`;
    }
    if (v instanceof Ref) {
      const ids = [...v.ids].reverse().join(".");
      return `${this.erlang ? "#Ref" : "#Reference"}<${nodeNumber(v.node, this.options)}.${ids}>`;
    }
    if (v instanceof Port) return `#Port<${nodeNumber(v.node, this.options)}.${v.id}>`;
    if (v instanceof BitBinary) return this.bits(v);
    if (v instanceof ExportFun) {
      if (this.erlang)
        return `fun ${erlangAtom(v.module.name)}:${erlangAtom(v.name.name)}/${v.arity}`;
      const mod = elixirAtom(v.module.name);
      const name = /^[\p{L}_][\p{L}\p{N}_@]*[?!]?$/u.test(v.name.name) ? v.name.name : quote(v.name.name, '"', ELIXIR_ESCAPES);
      return `&${mod}.${name}/${v.arity}`;
    }
    if (v instanceof Fun) {
      if (this.erlang) return `#Fun<${v.module.name}.${v.index}.${v.oldUniq}>`;
      return `#Function<${v.index}.${v.oldUniq}/${v.arity} in ${elixirAtom(v.module.name).replace(/^:/, "")}>`;
    }
    if (v instanceof Map) return this.map(v);
    return this.map(v);
  }
  bits(v) {
    const full = [...v.bytes.subarray(0, v.bytes.length - 1)];
    const last = v.bytes[v.bytes.length - 1] >> 8 - v.bits;
    const tail = this.erlang ? `${last}:${v.bits}` : `${last}::size(${v.bits})`;
    return `<<${[...full.map(String), tail].join(this.sep)}>>`;
  }
};
function format(term, options) {
  return new Printer(options).print(term);
}
var inspectSymbol = /* @__PURE__ */ Symbol.for("nodejs.util.inspect.custom");
function hook() {
  return format(this);
}
for (const cls of [Atom, Tuple, Pid, Ref, Port, Float, ImproperList, BitBinary, ExportFun, Fun]) {
  Object.defineProperty(cls.prototype, inspectSymbol, {
    value: hook,
    writable: true,
    configurable: true,
    enumerable: false
  });
}
export {
  ATOM_CACHE_SIZE,
  ATOM_TABLE_LIMIT,
  Atom,
  AtomCache,
  BitBinary,
  DEFAULT_MAX_INFLATED_SIZE,
  EMPTY_DIST_HEADER,
  ExportFun,
  Float,
  Fun,
  ImproperList,
  Kind,
  MAX_ATOM_LENGTH,
  Pid,
  Port,
  Ref,
  Tag,
  TermDecodeError,
  TermEncodeError,
  Tuple,
  Writer,
  atom,
  compare,
  compareMapKeys,
  compareText,
  decode,
  decodeAt,
  decodeAtomCacheRefs,
  decodeDistHeader,
  decodeDistMessage,
  encode,
  encodeInto,
  equals,
  format,
  setLocalNodeForPrinting,
  tagName,
  termKind,
  tuple,
  writeDistHeader
};

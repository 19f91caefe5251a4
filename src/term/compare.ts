/**
 * Erlang's term order, for sorting and for writing small maps' keys in the order
 * `term_to_binary` uses.
 *
 * number < atom < reference < fun < port < pid < tuple < map < nil < list < bit string
 *
 * @module
 */
import {
  Atom,
  BitBinary,
  ExportFun,
  Float,
  Fun,
  ImproperList,
  Pid,
  Port,
  Ref,
  Tuple,
  type Term,
} from './types.ts';

/**
 * The rank of each kind of term in Erlang's order.
 *
 * @example
 * ```ts
 * if (termKind(value) === Kind.TUPLE) console.log('a tuple');
 * ```
 */
export const Kind = {
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
  BITSTRING: 10,
} as const;

/**
 * Which kind of Erlang term a value is (a {@link Kind} rank), or -1 when it is not a term.
 *
 * @example
 * ```ts
 * termKind([]) === Kind.NIL; // true
 * termKind('text') === Kind.BITSTRING; // true: a string is a binary
 * ```
 */
export function termKind(v: unknown): number {
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? Kind.NUMBER : -1;
    case 'bigint':
      return Kind.NUMBER;
    case 'string':
      return Kind.BITSTRING;
    case 'boolean':
      return Kind.ATOM;
    case 'object':
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
        const proto: unknown = Object.getPrototypeOf(v);
        return proto === Object.prototype || proto === null ? Kind.MAP : -1;
      }
    default:
      return -1;
  }
}

/** Whether a number-kind value is an Erlang float (a non-integral or unsafe number, a Float). */
export function isFloatTerm(v: Term): boolean {
  return v instanceof Float || (typeof v === 'number' && !Number.isSafeInteger(v));
}

/** The text of an atom-kind value (`Atom`, boolean, null). */
export function atomText(v: Term): string {
  if (v === null) return 'nil';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return (v as Atom).name;
}

/**
 * Compares two strings by code point (the order of their UTF-8 bytes, which is how Erlang
 * orders atoms and binaries); JavaScript's `<` compares UTF-16 units instead.
 *
 * @example
 * ```ts
 * ['b', 'a'].sort(compareText); // ['a', 'b']
 * ```
 */
export function compareText(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 || y >= 0xd800) {
        const cx = a.codePointAt(i)!;
        const cy = b.codePointAt(i)!;
        if (cx !== cy) return cx < cy ? -1 : 1;
        continue;
      }
      return x < y ? -1 : 1;
    }
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function num(v: Term): number | bigint {
  if (v instanceof Float) return v.value;
  return v as number | bigint;
}

function compareNumbers(a: Term, b: Term, exact: boolean): number {
  if (exact) {
    const fa = isFloatTerm(a);
    const fb = isFloatTerm(b);
    if (fa !== fb) return fa ? 1 : -1;
  }
  const x = num(a);
  const y = num(b);
  if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : x > y ? 1 : 0;
  if (typeof x === 'bigint' && typeof y === 'bigint') return x < y ? -1 : x > y ? 1 : 0;
  // A bigint against a number: compare exactly through the integer part.
  const big = typeof x === 'bigint' ? x : (y as bigint);
  const n = typeof x === 'bigint' ? (y as number) : x;
  const t = BigInt(Math.trunc(n));
  let r = big < t ? -1 : big > t ? 1 : n === Math.trunc(n) ? 0 : n > 0 ? -1 : 1;
  if (typeof x !== 'bigint') r = -r;
  return r;
}

function bitsOf(v: Term): { bytes: Uint8Array; bits: number } {
  if (typeof v === 'string') return { bytes: Buffer.from(v, 'utf8'), bits: 8 };
  if (v instanceof BitBinary) return { bytes: v.bytes, bits: v.bits };
  return { bytes: v as Uint8Array, bits: 8 };
}

function compareBits(a: Term, b: Term): number {
  if (typeof a === 'string' && typeof b === 'string') return compareText(a, b);
  const x = bitsOf(a);
  const y = bitsOf(b);
  const lx = x.bytes.length === 0 ? 0 : (x.bytes.length - 1) * 8 + x.bits;
  const ly = y.bytes.length === 0 ? 0 : (y.bytes.length - 1) * 8 + y.bits;
  const full = Math.floor(Math.min(lx, ly) / 8);
  const r = Buffer.compare(x.bytes.subarray(0, full), y.bytes.subarray(0, full));
  if (r !== 0) return r;
  const rest = Math.min(lx, ly) - full * 8;
  if (rest > 0) {
    const mask = (0xff << (8 - rest)) & 0xff;
    const p = x.bytes[full]! & mask;
    const q = y.bytes[full]! & mask;
    if (p !== q) return p < q ? -1 : 1;
  }
  return lx === ly ? 0 : lx < ly ? -1 : 1;
}

function compareSeq(a: readonly Term[], b: readonly Term[], exact: boolean): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const r = cmp(a[i]!, b[i]!, exact);
    if (r !== 0) return r;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** A map-kind value's entries sorted in map-key order. */
export function mapEntries(v: Term): [Term, Term][] {
  const entries: [Term, Term][] =
    v instanceof Map
      ? [...(v as Map<Term, Term>).entries()]
      : Object.entries(v as Record<string, Term>).map(([k, x]) => [Atom.of(k), x]);
  return entries.sort((p, q) => cmp(p[0], q[0], true));
}

function listParts(v: Term): { elements: readonly Term[]; tail: Term } {
  if (v instanceof ImproperList) return { elements: v.elements, tail: v.tail };
  return { elements: v as readonly Term[], tail: [] };
}

function cmpInt(a: number | bigint, b: number | bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function cmp(a: Term, b: Term, exact: boolean): number {
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
      const x = (a as Tuple).elements;
      const y = (b as Tuple).elements;
      if (x.length !== y.length) return x.length < y.length ? -1 : 1;
      return compareSeq(x, y, exact);
    }
    case Kind.LIST: {
      const x = listParts(a);
      const y = listParts(b);
      const n = Math.min(x.elements.length, y.elements.length);
      for (let i = 0; i < n; i++) {
        const r = cmp(x.elements[i]!, y.elements[i]!, exact);
        if (r !== 0) return r;
      }
      const restA: Term =
        x.elements.length > n ? new ImproperList(x.elements.slice(n), x.tail) : x.tail;
      const restB: Term =
        y.elements.length > n ? new ImproperList(y.elements.slice(n), y.tail) : y.tail;
      return cmp(restA, restB, exact);
    }
    case Kind.MAP: {
      const x = mapEntries(a);
      const y = mapEntries(b);
      if (x.length !== y.length) return x.length < y.length ? -1 : 1;
      for (let i = 0; i < x.length; i++) {
        const r = cmp(x[i]![0], y[i]![0], true);
        if (r !== 0) return r;
      }
      for (let i = 0; i < x.length; i++) {
        const r = cmp(x[i]![1], y[i]![1], exact);
        if (r !== 0) return r;
      }
      return 0;
    }
    case Kind.PID: {
      const x = a as Pid;
      const y = b as Pid;
      return (
        compareText(x.node.name, y.node.name) ||
        cmpInt(x.serial, y.serial) ||
        cmpInt(x.id, y.id) ||
        cmpInt(x.creation, y.creation)
      );
    }
    case Kind.PORT: {
      const x = a as Port;
      const y = b as Port;
      return (
        compareText(x.node.name, y.node.name) ||
        cmpInt(x.id, y.id) ||
        cmpInt(x.creation, y.creation)
      );
    }
    case Kind.REFERENCE: {
      const x = a as Ref;
      const y = b as Ref;
      const r = compareText(x.node.name, y.node.name);
      if (r !== 0) return r;
      if (x.ids.length !== y.ids.length) return x.ids.length < y.ids.length ? -1 : 1;
      for (let i = x.ids.length - 1; i >= 0; i--) {
        const d = cmpInt(x.ids[i]!, y.ids[i]!);
        if (d !== 0) return d;
      }
      return cmpInt(x.creation, y.creation);
    }
    case Kind.FUN: {
      const fx = a instanceof ExportFun ? 1 : 0;
      const fy = b instanceof ExportFun ? 1 : 0;
      if (fx !== fy) return fx < fy ? -1 : 1;
      if (a instanceof ExportFun && b instanceof ExportFun) {
        return (
          compareText(a.module.name, b.module.name) ||
          compareText(a.name.name, b.name.name) ||
          cmpInt(a.arity, b.arity)
        );
      }
      const x = a as Fun;
      const y = b as Fun;
      return (
        compareText(x.module.name, y.module.name) ||
        cmpInt(x.oldIndex, y.oldIndex) ||
        cmpInt(x.oldUniq, y.oldUniq) ||
        Buffer.compare(x.uniq, y.uniq) ||
        cmpInt(x.index, y.index) ||
        cmp(x.pid, y.pid, exact) ||
        compareSeq(x.freeVars, y.freeVars, exact)
      );
    }
    default:
      throw new TypeError(`not a term: ${String(a)}`);
  }
}

/**
 * Compares two terms in Erlang's term order: -1, 0 or 1. Integers and floats compare by
 * value, as Erlang's `<` and `==` do (`compare(1, new Float(1)) === 0`).
 *
 * @example
 * ```ts
 * compare(1, atom('a'));          // -1: numbers sort before atoms
 * compare(tuple(1), [1]);        // -1: tuples before lists
 * [b, a].sort(compare);
 * ```
 */
export function compare(a: Term, b: Term): number {
  return cmp(a, b, false);
}

/**
 * The order Erlang keeps small maps' keys in (and `term_to_binary` writes them in): term
 * order, except that every integer sorts before every float.
 *
 * @example
 * ```ts
 * [new Float(0.5), 2].sort(compareMapKeys); // [2, 0.5]
 * ```
 */
export function compareMapKeys(a: Term, b: Term): number {
  return cmp(a, b, true);
}

/**
 * Structural equality as Erlang's `=:=`.
 *
 * @module
 */
import { atomText, isFloatTerm, Kind, mapEntries, termKind } from './compare.ts';
import {
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

function sameNumber(a: Term, b: Term): boolean {
  const fa = isFloatTerm(a);
  if (fa !== isFloatTerm(b)) return false;
  const x = a instanceof Float ? a.value : (a as number | bigint);
  const y = b instanceof Float ? b.value : (b as number | bigint);
  // Floats as OTP 27's =:= (0.0 and -0.0 differ); integers by value, number or bigint.
  if (fa) return Object.is(x, y);
  return typeof x === typeof y ? x === y : BigInt(x) === BigInt(y);
}

function bytesOf(v: Term): Uint8Array {
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : (v as Uint8Array);
}

function sameBits(x: Term, y: Term): boolean {
  // A bitstring of whole bytes is a binary.
  const a = x instanceof BitBinary && x.bits === 8 ? x.bytes : x;
  const b = y instanceof BitBinary && y.bits === 8 ? y.bytes : y;
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  const ba = a instanceof BitBinary;
  const bb = b instanceof BitBinary;
  if (ba || bb) {
    if (!(ba && bb) || a.bits !== b.bits || a.bytes.length !== b.bytes.length) return false;
    const n = a.bytes.length;
    const mask = (0xff << (8 - a.bits)) & 0xff;
    for (let i = 0; i < n - 1; i++) if (a.bytes[i] !== b.bytes[i]) return false;
    return (a.bytes[n - 1]! & mask) === (b.bytes[n - 1]! & mask);
  }
  return Buffer.compare(bytesOf(a), bytesOf(b)) === 0;
}

function sameSeq(a: readonly Term[], b: readonly Term[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!equals(a[i]!, b[i]!)) return false;
  return true;
}

function flatten(v: Term): { elements: Term[]; tail: Term } {
  if (v instanceof ImproperList) {
    const inner = flatten(v.tail);
    return { elements: [...v.elements, ...inner.elements], tail: inner.tail };
  }
  if (Array.isArray(v)) return { elements: v as Term[], tail: [] };
  return { elements: [], tail: v };
}

/**
 * Whether two terms are exactly equal, as Erlang's `=:=`: `1` and `new Float(1)` differ;
 * `1` and `1n` are the same integer; maps compare by content (a plain object and a `Map`
 * with the same atom keys are equal); a string and a `Uint8Array` with the same bytes are
 * the same binary; atoms `true`/`false`/`nil` equal `true`/`false`/`null`.
 *
 * @example
 * ```ts
 * equals(tuple(atom('ok'), 1), tuple(atom('ok'), 1)); // true
 * equals(1, new Float(1)); // false
 * equals('abc', Buffer.from('abc')); // true
 * ```
 */
export function equals(a: Term, b: Term): boolean {
  if (a === b) return typeof a !== 'number' || !Number.isNaN(a);
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
      return sameSeq((a as Tuple).elements, (b as Tuple).elements);
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
        if (!equals(x[i]![0], y[i]![0]) || !equals(x[i]![1], y[i]![1])) return false;
      }
      return true;
    }
    case Kind.PID: {
      const x = a as Pid;
      const y = b as Pid;
      return (
        x.node === y.node && x.id === y.id && x.serial === y.serial && x.creation === y.creation
      );
    }
    case Kind.PORT: {
      const x = a as Port;
      const y = b as Port;
      return x.node === y.node && x.id === y.id && x.creation === y.creation;
    }
    case Kind.REFERENCE: {
      const x = a as Ref;
      const y = b as Ref;
      return x.node === y.node && x.creation === y.creation && sameSeq(x.ids, y.ids);
    }
    default: {
      if (a instanceof ExportFun && b instanceof ExportFun) {
        return a.module === b.module && a.name === b.name && a.arity === b.arity;
      }
      if (a instanceof Fun && b instanceof Fun) {
        return (
          a.module === b.module &&
          a.arity === b.arity &&
          a.index === b.index &&
          a.oldIndex === b.oldIndex &&
          a.oldUniq === b.oldUniq &&
          Buffer.compare(a.uniq, b.uniq) === 0 &&
          equals(a.pid, b.pid) &&
          sameSeq(a.freeVars, b.freeVars)
        );
      }
      return false;
    }
  }
}

/**
 * A string key for any term such that two terms get the same key exactly when they are
 * `=:=` (groups are any term, and a JS `Map` compares objects by identity).
 *
 * Each part is tagged and length-prefixed, so no two different terms share a key. Binaries
 * key by their bytes (a `string` and a `Uint8Array` holding the same UTF-8 are one binary),
 * integers by value (`1` and `1n` are one integer), maps by their sorted entries.
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
} from '../term/types.ts';

const strict = new TextDecoder('utf-8', { fatal: true });

function bin(s: string): string {
  return `b${s.length}:${s}`;
}

function bytesKey(b: Uint8Array): string {
  try {
    return bin(strict.decode(b));
  } catch {
    return `y${b.length}:${Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')}`;
  }
}

function seq(open: string, items: readonly Term[], tail: string): string {
  let s = `${open}${items.length}:`;
  for (const t of items) s += termKey(t) + ',';
  return s + tail;
}

/**
 * The key of a term (see the module comment).
 *
 * @example
 * ```ts
 * termKey(tuple(atom('room'), 1)) === termKey(tuple(atom('room'), 1n)); // true
 * ```
 */
export function termKey(t: Term): string {
  switch (typeof t) {
    case 'string':
      return bin(t);
    case 'number':
      return Number.isInteger(t) ? `i${t}` : `f${t}`;
    case 'bigint':
      return `i${t}`;
    case 'boolean':
      return t ? 'a4:true' : 'a5:false';
    default:
      break;
  }
  if (t === null) return 'a3:nil';
  if (t instanceof Atom) return `a${t.name.length}:${t.name}`;
  if (t instanceof Pid) return `p${t.key}`;
  if (t instanceof Tuple) return seq('{', t.elements, '}');
  if (Array.isArray(t)) return seq('[', t as readonly Term[], ']');
  if (t instanceof Uint8Array) return bytesKey(t);
  if (t instanceof Ref) return `r${t.key}`;
  if (t instanceof Float) return `f${Object.is(t.value, -0) ? '-0' : t.value}`;
  if (t instanceof ImproperList) return seq('[', t.elements, `|${termKey(t.tail)}]`);
  if (t instanceof Port) return `o${t.node.name}|${t.id}|${t.creation}`;
  if (t instanceof BitBinary) return `t${t.bits}:${bytesKey(t.bytes)}`;
  if (t instanceof ExportFun) return `e${t.module.name}:${t.name.name}/${t.arity}`;
  if (t instanceof Fun) {
    return seq(`u${t.module.name}|${t.index}|${bytesKey(t.uniq)}|${t.pid.key}|`, t.freeVars, '');
  }
  const entries: [string, string][] = [];
  if (t instanceof Map) {
    for (const [k, v] of t as ReadonlyMap<Term, Term>) entries.push([termKey(k), termKey(v)]);
  } else {
    for (const [k, v] of Object.entries(t as Record<string, Term>)) {
      entries.push([`a${k.length}:${k}`, termKey(v)]);
    }
  }
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return `#${entries.length}:${entries.map(([k, v]) => `${k}=>${v}`).join(',')}`;
}

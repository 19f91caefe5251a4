/**
 * A string key for any term such that two terms get the same key exactly when they are
 * `=:=` (a JS `Map` compares objects by identity): a `Map<string, …>` keyed by it holds
 * any term as a key. Supervisors key child ids with it, pg keys groups with it.
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
} from './types.ts';

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

/** Text to emit as is, on the work stack among the terms still to key. */
class Lit {
  readonly s: string;
  constructor(s: string) {
    this.s = s;
  }
}
const COMMA = new Lit(',');

/** The key of a term that holds no other term, or undefined for a container. */
function leafKey(t: Term): string | undefined {
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
  if (t instanceof Uint8Array) return bytesKey(t);
  if (t instanceof Ref) return `r${t.key}`;
  if (t instanceof Float) return `f${Object.is(t.value, -0) ? '-0' : t.value}`;
  if (t instanceof Port) return `o${t.node.name}|${t.id}|${t.creation}`;
  if (t instanceof BitBinary) return `t${t.bits}:${bytesKey(t.bytes)}`;
  if (t instanceof ExportFun) return `e${t.module.name}:${t.name.name}/${t.arity}`;
  return undefined;
}

/** Pushes `open`, each item followed by `,`, then `close`, so they pop in that order. */
function pushSeq(
  stack: (Term | Lit)[],
  open: string,
  items: readonly Term[],
  close: Term | Lit,
): void {
  stack.push(close);
  for (let i = items.length - 1; i >= 0; i--) stack.push(COMMA, items[i]!);
  stack.push(new Lit(`${open}${items.length}:`));
}

/**
 * The key of a term (see the module comment). Nesting is walked with an explicit stack,
 * so a deeply nested term from the network costs memory, never the call stack (only map
 * keys that are themselves maps nest calls).
 *
 * @example
 * ```ts
 * termKey(tuple(atom('room'), 1)) === termKey(tuple(atom('room'), 1n)); // true
 * const groups = new Map<string, Pid[]>(); groups.set(termKey(group), members);
 * ```
 */
export function termKey(root: Term): string {
  let out = '';
  const stack: (Term | Lit)[] = [root];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (t instanceof Lit) {
      out += t.s;
      continue;
    }
    const leaf = leafKey(t);
    if (leaf !== undefined) {
      out += leaf;
    } else if (t instanceof Tuple) {
      pushSeq(stack, '{', t.elements, new Lit('}'));
    } else if (Array.isArray(t)) {
      pushSeq(stack, '[', t as readonly Term[], new Lit(']'));
    } else if (t instanceof ImproperList) {
      // [a, b | tail]: the tail is keyed between '|' and ']'.
      stack.push(new Lit(']'), t.tail, new Lit('|'));
      pushSeq(stack, '[', t.elements, new Lit(''));
    } else if (t instanceof Fun) {
      const open = `u${t.module.name}|${t.index}|${bytesKey(t.uniq)}|${t.pid.key}|`;
      pushSeq(stack, open, t.freeVars, new Lit(''));
    } else {
      pushMap(stack, t);
    }
  }
  return out;
}

/** A map: `#N:` then `k=>v` pairs sorted by the key's key, comma-separated. */
function pushMap(stack: (Term | Lit)[], t: Term): void {
  const entries: [string, Term][] = [];
  if (t instanceof Map) {
    for (const [k, v] of t as ReadonlyMap<Term, Term>) entries.push([termKey(k), v]);
  } else {
    for (const [k, v] of Object.entries(t as Record<string, Term>)) {
      entries.push([`a${k.length}:${k}`, v]);
    }
  }
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (let i = entries.length - 1; i >= 0; i--) {
    stack.push(entries[i]![1], new Lit(`${i > 0 ? ',' : ''}${entries[i]![0]}=>`));
  }
  stack.push(new Lit(`#${entries.length}:`));
}

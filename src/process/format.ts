/**
 * A small Erlang-syntax printer for log lines and crash reports (`{ok,<0.5.0>}`). It is
 * deliberately simple and bounded (depth and length); the term layer owns the full
 * printer.
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

const MAX_DEPTH = 8;
const MAX_ITEMS = 50;

function atomText(a: Atom): string {
  return /^[a-z][a-zA-Z0-9_@]*$/.test(a.name) ? a.name : `'${a.name.replace(/'/g, "\\'")}'`;
}

function items(list: readonly Term[], depth: number): string {
  const shown = list.slice(0, MAX_ITEMS).map((t) => formatTerm(t, depth + 1));
  if (list.length > MAX_ITEMS) shown.push('...');
  return shown.join(',');
}

/**
 * Prints a term in Erlang syntax, truncating deep or long structures with `...`.
 *
 * @example
 * ```ts
 * formatTerm(tuple(atom('ok'), [1, 'x'])); // '{ok,[1,<<"x">>]}'
 * ```
 */
export function formatTerm(t: Term, depth = 0): string {
  if (depth > MAX_DEPTH) return '...';
  switch (typeof t) {
    case 'number':
      return Number.isInteger(t) ? String(t) : String(t);
    case 'bigint':
      return t.toString();
    case 'string':
      return `<<${JSON.stringify(t)}>>`;
    case 'boolean':
      return String(t);
    default:
      break;
  }
  if (t === null) return 'nil';
  if (t instanceof Atom) return atomText(t);
  if (t instanceof Tuple) return `{${items(t.elements, depth)}}`;
  if (Array.isArray(t)) return `[${items(t, depth)}]`;
  if (t instanceof Pid) return `<${t.node.name}.${t.id}.${t.serial}>`;
  if (t instanceof Ref) return `#Ref<${t.node.name}.${t.ids.join('.')}>`;
  if (t instanceof Port) return `#Port<${t.node.name}.${t.id}>`;
  if (t instanceof Float) return t.value.toFixed(1);
  if (t instanceof ImproperList) {
    return `[${items(t.elements, depth)}|${formatTerm(t.tail, depth + 1)}]`;
  }
  if (t instanceof Uint8Array) return `<<${[...t.subarray(0, MAX_ITEMS)].join(',')}>>`;
  if (t instanceof BitBinary) return `<<...:${(t.bytes.length - 1) * 8 + t.bits}>>`;
  if (t instanceof ExportFun) return `fun ${t.module.name}:${t.name.name}/${t.arity}`;
  if (t instanceof Fun) return `#Fun<${t.module.name}.${t.index}>`;
  if (t instanceof Map) {
    const parts: string[] = [];
    for (const [k, v] of t) {
      if (parts.length >= MAX_ITEMS) {
        parts.push('...');
        break;
      }
      parts.push(`${formatTerm(k, depth + 1)} => ${formatTerm(v, depth + 1)}`);
    }
    return `#{${parts.join(',')}}`;
  }
  const obj = t as Record<string, Term>;
  const parts = Object.keys(obj)
    .slice(0, MAX_ITEMS)
    .map((k) => `${k} => ${formatTerm(obj[k]!, depth + 1)}`);
  return `#{${parts.join(',')}}`;
}

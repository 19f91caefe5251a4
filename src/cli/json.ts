/**
 * Terms as JSON for `--json` output: atoms as strings, tuples as arrays, pids and refs
 * as their printed form, maps as objects when every key prints to a distinct string.
 *
 * @module
 */
import { format } from '../term/format.ts';
import { Atom, Float, ImproperList, Tuple, type Term } from '../term/types.ts';

/**
 * A JSON-safe value for `term`.
 *
 * @example
 * ```ts
 * toJson(tuple(atom('ok'), 1)); // ['ok', 1]
 * ```
 */
export function toJson(term: Term): unknown {
  if (term === null || typeof term === 'boolean' || typeof term === 'string') return term;
  if (typeof term === 'number') return term;
  if (typeof term === 'bigint') return term.toString();
  if (term instanceof Atom) return term.name;
  if (term instanceof Float) return term.value;
  if (term instanceof Tuple) return term.elements.map(toJson);
  if (term instanceof ImproperList) return [...term.elements.map(toJson), toJson(term.tail)];
  if (Array.isArray(term)) return (term as Term[]).map(toJson);
  if (term instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of term as Map<Term, Term>) {
      out[typeof k === 'string' ? k : k instanceof Atom ? k.name : format(k)] = toJson(v);
    }
    return out;
  }
  if (term instanceof Uint8Array) return format(term);
  if (typeof term === 'object' && term.constructor === Object) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(term)) out[k] = toJson(v as Term);
    return out;
  }
  return format(term);
}

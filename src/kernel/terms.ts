/**
 * Small term helpers for the kernel's message loops (shape tests on tuples).
 *
 * @module
 */
import { Atom, Tuple, type Term } from '../term/types.ts';

/**
 * The elements of `t` when it is a tuple of `size` whose first element is the atom
 * `tag` (or any first element when `tag` is omitted); else `undefined`.
 *
 * @example
 * ```ts
 * const e = tupleOf(msg, 3, '$gen_call'); // [atom('$gen_call'), from, request] | undefined
 * ```
 */
export function tupleOf(
  t: Term | undefined,
  size: number,
  tag?: string,
): readonly Term[] | undefined {
  if (!(t instanceof Tuple) || t.elements.length !== size) return undefined;
  if (tag !== undefined) {
    const first = t.elements[0];
    if (!(first instanceof Atom) || first.name !== tag) return undefined;
  }
  return t.elements;
}

/**
 * Whether `t` is the atom named `name`.
 *
 * @example
 * ```ts
 * isAtom(reply, 'yes'); // true for atom('yes')
 * ```
 */
export function isAtom(t: Term | undefined, name: string): boolean {
  return t instanceof Atom && t.name === name;
}

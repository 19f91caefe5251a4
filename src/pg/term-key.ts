/**
 * pg keys groups by `termKey` (any term; equal keys exactly for `=:=` terms), the term
 * layer's function that supervisors also key child ids with.
 *
 * @module
 */
export { termKey } from '../term/term-key.ts';

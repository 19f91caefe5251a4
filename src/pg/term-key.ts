/**
 * pg keys groups by `termKey` (any term; equal keys exactly for `=:=` terms). It lives in
 * the otp layer, where supervisors key child ids with the same function.
 *
 * @module
 */
export { termKey } from '../otp/term-key.ts';

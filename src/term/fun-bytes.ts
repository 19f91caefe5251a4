/**
 * The bytes a {@link Fun} was decoded from, kept beside it so that it encodes back
 * byte-identically (closures are opaque to us). Internal to the codec.
 *
 * @module
 */
import type { Fun } from './types.ts';

const raw = new WeakMap<Fun, Uint8Array>();

/** Remembers the NEW_FUN_EXT bytes (tag included) that `fun` came from. */
export function rememberFunBytes(fun: Fun, bytes: Uint8Array): void {
  raw.set(fun, bytes);
}

/** The NEW_FUN_EXT bytes `fun` was decoded from, if it was decoded. */
export function rawFunBytes(fun: Fun): Uint8Array | undefined {
  return raw.get(fun);
}

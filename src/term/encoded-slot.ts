/**
 * The encoder's private per-object cache on {@link Pid} and {@link Ref}: each has a
 * private field (invisible to users: not a property, not in the public types) that
 * types.ts lets this module read and write. The encoder keeps a pid's or reference's
 * whole External Term Format encoding there from its second encoding on: the node's own
 * pid and a reused reference then cost one copy of their bytes. Internal to the codec.
 *
 * @module
 */
import type { Pid, Ref } from './types.ts';

/**
 * Reads and writes one private field. Set up once by types.ts (a static block of each
 * class), before any instance exists.
 *
 * @example
 * ```ts
 * const cached = pidSlot.get(pid);
 * if (cached === undefined) pidSlot.set(pid, SEEN);
 * ```
 */
export interface EncodedSlot<T> {
  get: (o: T) => unknown;
  set: (o: T, v: unknown) => void;
}

const unset = (): never => {
  throw new Error('types.ts did not set up the encoded slot');
};

/** The cache field of {@link Pid}. */
export const pidSlot: EncodedSlot<Pid> = { get: unset, set: unset };
/** The cache field of {@link Ref}. */
export const refSlot: EncodedSlot<Ref> = { get: unset, set: unset };

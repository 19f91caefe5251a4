/**
 * Errors of the PubSub layer: misuse of the API (a remote pid subscribing, a non-string
 * topic, a pool size Phoenix would refuse). Broadcasts that arrive from other nodes never
 * raise: a bad one is logged and dropped.
 *
 * @module
 */
import { BeamlinkError } from '../errors.ts';
import type { Atom } from '../term/types.ts';

/**
 * A PubSub call that Phoenix.PubSub would refuse.
 *
 * @example
 * ```ts
 * try { ps.subscribe(remotePid, 'room:1') } catch (e) { if (e instanceof PubSubError) console.log(e.pubsub.name) }
 * ```
 */
export class PubSubError extends BeamlinkError {
  /** The PubSub's name. */
  readonly pubsub: Atom;

  constructor(pubsub: Atom, message: string, options?: ErrorOptions) {
    super('BL_ERR_PUBSUB', `pubsub ${pubsub.name}: ${message}`, options);
    this.pubsub = pubsub;
  }
}

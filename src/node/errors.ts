/**
 * Errors of the node layer: names, cookies, connections.
 *
 * Connection failures are not exceptions toward processes (they become `noconnection`
 * exit reasons and `nodedown` events, as in Erlang); these classes are for misuse and
 * local set-up problems, and for callers that asked for a connection explicitly.
 *
 * @module
 */
import { BeamlinkError } from '../errors.ts';

/**
 * A node name that erl would refuse: a bad alive part, a short name with a dotted host,
 * a long name with no domain, or a short/long mix between two nodes.
 *
 * @example
 * ```ts
 * try { formNodeName({ sname: 'a@b.c' }) } catch (e) {
 *   if (e instanceof NodeNameError) console.log(e.name, e.nodeName); // 'a@b.c'
 * }
 * ```
 */
export class NodeNameError extends BeamlinkError {
  /** The name that was refused. */
  readonly nodeName: string;

  constructor(nodeName: string, message: string, options?: ErrorOptions) {
    super('BL_ERR_NODE_NAME', message, options);
    this.nodeName = nodeName;
  }
}

/**
 * The cookie could not be read or created (`~/.erlang.cookie` unreadable, readable by
 * others, or not writable when missing).
 *
 * @example
 * ```ts
 * try { await resolveCookie({}) } catch (e) {
 *   if (e instanceof CookieError) console.log(e.path);
 * }
 * ```
 */
export class CookieError extends BeamlinkError {
  /** The cookie file involved, when there is one. */
  readonly path: string | undefined;

  constructor(message: string, path?: string, options?: ErrorOptions) {
    super('BL_ERR_COOKIE', message, options);
    this.path = path;
  }
}

/**
 * No connection to `node` could be made (or it was lost) where the caller asked for one.
 *
 * @example
 * ```ts
 * const err = new NoConnectionError('b@host', 'port mapper has no node named b');
 * err.node; // 'b@host'
 * ```
 */
export class NoConnectionError extends BeamlinkError {
  /** The remote node's full name. */
  readonly node: string;

  constructor(node: string, message: string, options?: ErrorOptions) {
    super('BL_ERR_NO_CONNECTION', `${node}: ${message}`, options);
    this.node = node;
  }
}

/**
 * The node is not in a state that allows the operation (stopped, or not started).
 *
 * @example
 * ```ts
 * await node.stop();
 * node.sendControl(peer, msg); // dropped; connect() rejects with NodeStateError
 * ```
 */
export class NodeStateError extends BeamlinkError {
  /** This node's name. */
  readonly node: string;

  constructor(node: string, message: string, options?: ErrorOptions) {
    super('BL_ERR_NODE_STATE', `${node}: ${message}`, options);
    this.node = node;
  }
}

/**
 * The listen socket could not be opened on any port of the configured range.
 *
 * @example
 * ```ts
 * try { await Node.start({ sname: 'a', listen: { min: 9100, max: 9100 } }) } catch (e) {
 *   if (e instanceof ListenError) console.log(e.min, e.max);
 * }
 * ```
 */
export class ListenError extends BeamlinkError {
  readonly min: number;
  readonly max: number;

  constructor(min: number, max: number, message: string, options?: ErrorOptions) {
    super('BL_ERR_NODE_LISTEN', message, options);
    this.min = min;
    this.max = max;
  }
}

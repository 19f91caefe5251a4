/**
 * The node layer: net_kernel's part of a distributed node — name, cookie, port mapper
 * registration, the connection set, auto-connect, nodeup/nodedown.
 *
 * @example
 * ```ts
 * import { Node } from 'beamlink/node';
 * const node = await Node.start({ sname: 'ts1', cookie: 'secret' });
 * ```
 *
 * @module
 */
export { Node, DEFAULT_NET_TICKTIME, defaultNodeLogger, type NodeOptions } from './node.ts';
export {
  Connections,
  type ConnectionInfo,
  type ConnectionState as NodeConnectionState,
  type LocalHandler,
  type NodeLogger,
  type NodeLogLevel,
} from './connections.ts';
export { resolveCookie, CREATED_COOKIE_LENGTH, type CookieSource } from './cookie.ts';
export {
  NodeEvents,
  type MonitorNodesOptions,
  type NodeDownReason,
  type NodeEvent,
  type NodeEventListener,
  type NodeType as NodeVisibility,
} from './events.ts';
export { channels as nodeChannels } from './diagnostics.ts';
export {
  formNodeName,
  hostInfo,
  isAllowed,
  nameMismatch,
  splitNodeName,
  type HostInfo,
  type NameType,
  type NodeName,
} from './names.ts';
export {
  CookieError,
  ListenError,
  NoConnectionError,
  NodeNameError,
  NodeStateError,
} from './errors.ts';

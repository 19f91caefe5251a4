/**
 * `node:diagnostics_channel` channels of the node layer (as undici's
 * `lib/core/diagnostics.js`). Publishing costs nothing while nobody subscribes.
 *
 * | channel                   | message                                                  |
 * | ------------------------- | -------------------------------------------------------- |
 * | `beamlink:node:nodeup`    | `{ node: string, peer: string, nodeType }`               |
 * | `beamlink:node:nodedown`  | `{ node: string, peer: string, nodeType, reason }`       |
 * | `beamlink:node:connect_failed` | `{ node: string, peer: string, reason: string }`   |
 *
 * `node` is this node's name, `peer` the remote node's.
 *
 * @example
 * ```ts
 * import diagnostics from 'node:diagnostics_channel';
 * diagnostics.subscribe('beamlink:node:nodedown', (m) => console.log(m));
 * ```
 *
 * @module
 */
import diagnostics from 'node:diagnostics_channel';

/**
 * The node layer's channels.
 *
 * @example
 * ```ts
 * channels.nodeup.subscribe((m) => console.log('up', m));
 * ```
 */
export const channels = {
  nodeup: diagnostics.channel('beamlink:node:nodeup'),
  nodedown: diagnostics.channel('beamlink:node:nodedown'),
  connectFailed: diagnostics.channel('beamlink:node:connect_failed'),
} as const;

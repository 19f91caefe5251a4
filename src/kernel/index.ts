/**
 * The kernel layer: a whole node (`startNode`) and the kernel processes every node runs
 * for BEAM peers — `net_kernel` (ping), `global_name_server` (a global shim), and the
 * beamlink gossip process that makes connections among beamlink nodes transitive.
 *
 * @example
 * ```ts
 * import { startNode } from 'beamlink';
 * const node = await startNode({ sname: 'ts1', cookie: 'secret' });
 * console.log(await node.ping('erl@vm'));
 * ```
 *
 * @module
 */
export { startNode, type BeamNode, type NodeService, type StartNodeOptions } from './start-node.ts';
export { ping, startNetKernel, type PingOptions } from './net-kernel.ts';
export { startGlobalShim } from './global-shim.ts';
export { GOSSIP_NAME, startNodeGossip } from './node-gossip.ts';

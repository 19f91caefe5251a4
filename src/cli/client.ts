/**
 * Running a one-shot verb against a node: a hidden node with a random name, connected to
 * the target (or a teaching error), stopped when the verb is done.
 *
 * @module
 */
import type { BeamNode } from '../kernel/index.ts';
import { rpcOf, rpcService, type Rpc } from '../rpc/index.ts';
import { connectOrExplain, fullNodeName, startClientNode, type NodeFlags } from './node-setup.ts';

/**
 * What a verb gets: the client node, its rpc, and the target's full name.
 *
 * @example
 * ```ts
 * await withClientNode('ts1', flags, async ({ rpc, target }) => rpc.call(target, 'erlang', 'node', []));
 * ```
 */
export interface ClientSession {
  readonly node: BeamNode;
  readonly rpc: Rpc;
  readonly target: string;
}

/**
 * Starts a hidden client node, connects it to `target` (unless `connect: false`), runs
 * `fn`, and stops the node whatever happens.
 *
 * @example
 * ```ts
 * const pong = await withClientNode('ts1@vm', { cookie: 'c' }, ({ node, target }) => node.ping(target), { connect: false });
 * ```
 */
export async function withClientNode<T>(
  target: string,
  flags: NodeFlags,
  fn: (session: ClientSession) => Promise<T>,
  options: { connect?: boolean } = {},
): Promise<T> {
  const probe = target.includes('@') ? target : `${target}@x`;
  const node = await startClientNode(probe, flags, [rpcService({ output: () => {} })]);
  try {
    const full = fullNodeName(target, node.name);
    if (options.connect !== false) await connectOrExplain(node, full, flags);
    return await fn({ node, rpc: rpcOf(node)!, target: full });
  } finally {
    await node.stop();
  }
}

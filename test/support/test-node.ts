/**
 * A beamlink node as the tests start one: a short name unique to this test process and
 * its log kept in memory (so expected warnings do not clutter the test output).
 *
 * ```ts
 * const node = await startTestNode('node1', {
 *   cookie: COOKIE,
 *   epmdPort: epmd.port,
 *   services: [agentsService()],
 * });
 * ```
 */
import { startNode, type BeamNode, type StartNodeOptions } from '../../src/kernel/start-node.ts';
import { memoryLogger } from '../../src/process/logger.ts';
import { uniqueName } from './erlang-peer.ts';

/**
 * `startNode()` with `sname: uniqueName(prefix)` and a memory logger, unless `options`
 * gives its own name (`sname` or `name`) or logger.
 */
export function startTestNode(prefix: string, options: StartNodeOptions): Promise<BeamNode> {
  const name = options.sname === undefined && options.name === undefined;
  return startNode({
    ...(name ? { sname: uniqueName(prefix) } : {}),
    logger: memoryLogger(),
    ...options,
  });
}

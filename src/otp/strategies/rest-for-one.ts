/**
 * `rest_for_one`: when a child dies, the children started after it are stopped (in
 * reverse start order), then it and they are started again (in start order). Children
 * started before it are left alone.
 *
 * supervisor.erl `restart(rest_for_one, Child, State)` (`split_child/2`).
 *
 * @module
 */
import { restartMultiple, type Strategy } from './strategy.ts';

/**
 * Restarts `child` and every child after it.
 *
 * @example
 * ```ts
 * await Supervisor.startLink(self, [db, cache, api], { strategy: 'rest_for_one' });
 * ```
 */
export const restForOne: Strategy = (ctx, child) =>
  restartMultiple(ctx, child, ctx.table.from(child));

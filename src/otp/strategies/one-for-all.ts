/**
 * `one_for_all`: when one child dies, all the others are stopped (in reverse start order)
 * and then all are started again (in start order).
 *
 * supervisor.erl `restart(one_for_all, Child, State)`.
 *
 * @module
 */
import { restartMultiple, type Strategy } from './strategy.ts';

/**
 * Restarts every child.
 *
 * @example
 * ```ts
 * await Supervisor.startLink(self, children, { strategy: 'one_for_all' });
 * ```
 */
export const oneForAll: Strategy = (ctx, child) => restartMultiple(ctx, child, ctx.table.list());

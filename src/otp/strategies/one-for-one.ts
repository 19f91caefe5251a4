/**
 * `one_for_one`: only the child that died is restarted.
 *
 * supervisor.erl `restart(one_for_one, Child, State)`: start it again; if that fails,
 * mark it restarting and try again later.
 *
 * @module
 */
import type { Strategy } from './strategy.ts';

/**
 * Restarts only `child`.
 *
 * @example
 * ```ts
 * await Supervisor.startLink(self, children, { strategy: 'one_for_one' });
 * ```
 */
export const oneForOne: Strategy = async (ctx, child) => {
  const r = await ctx.startChild(child);
  if (r.ok) {
    ctx.table.setPid(child, r.pid);
    return 'ok';
  }
  ctx.table.setPid(child, undefined, true);
  ctx.reportStartError(child, r);
  return { tryAgain: child };
};

/**
 * What a restart strategy needs from its supervisor, and what it answers.
 *
 * A strategy decides which children restart when one dies (supervisor.erl's
 * `restart/3` clauses, one file per strategy as ergo's `supervisor_ofo/arfo/sofo`). It
 * runs inside the supervisor process, after the restart has been counted against the
 * intensity.
 *
 * @module
 */
import type { StartOutcome } from '../child-lifecycle.ts';
import type { Child, ChildTable } from './child-table.ts';

/**
 * The supervisor's side of a strategy.
 *
 * @example
 * ```ts
 * const outcome = await ctx.startChild(child); // logs the progress report
 * ```
 */
export interface StrategyContext {
  readonly table: ChildTable;
  /** Runs the child's start function (`do_start_child/2`); reports progress on success. */
  startChild(child: Child): Promise<StartOutcome>;
  /** Stops a running child (`do_terminate/2`), reporting a `shutdown_error` if needed. */
  terminateChild(child: Child): Promise<void>;
  /** Logs a `start_error` report for `child`. */
  reportStartError(child: Child, reason: StartOutcome & { ok: false }): void;
}

/**
 * `'ok'`, or "try again later": the restart of `child` failed and the supervisor must
 * retry it after handling what is already in its mailbox (supervisor.erl's
 * `{try_again, Id}` and the `try_again_restart` cast).
 */
export type RestartResult = 'ok' | { readonly tryAgain: Child };

/**
 * A restart strategy: restarts after `child` died (its pid is already cleared).
 *
 * @example
 * ```ts
 * const result = await oneForOne(ctx, child);
 * ```
 */
export type Strategy = (ctx: StrategyContext, child: Child) => Promise<RestartResult>;

/**
 * supervisor.erl's `restart_multiple_children/3` (used by one_for_all and rest_for_one):
 * stops `children` in reverse start order (temporary ones are forgotten), then starts the
 * rest in start order. If one fails to start, the remaining ones stay stopped and the
 * failed one is retried later.
 */
export async function restartMultiple(
  ctx: StrategyContext,
  _crashed: Child,
  children: readonly Child[],
): Promise<RestartResult> {
  const survivors: Child[] = [];
  for (let i = children.length - 1; i >= 0; i--) {
    const c = children[i]!;
    if (c.pid) await ctx.terminateChild(c);
    if (c.spec.restart === 'temporary') ctx.table.remove(c);
    else {
      ctx.table.setPid(c, undefined);
      survivors.push(c);
    }
  }
  survivors.reverse();
  for (const c of survivors) {
    const r = await ctx.startChild(c);
    if (r.ok) {
      ctx.table.setPid(c, r.pid);
      continue;
    }
    ctx.reportStartError(c, r);
    // OTP marks the failed child {restarting, OldPid} (its old pid if it is the one that
    // crashed, else undefined); either way which_children shows `restarting`.
    ctx.table.setPid(c, undefined, true);
    return { tryAgain: c };
  }
  return 'ok';
}

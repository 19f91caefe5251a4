/**
 * Waiting on conditions, never on sleeps (STYLE.md §3.5).
 *
 * ```ts
 * const ms = await until(() => node.nodes().length === 2, 'both peers connected');
 * ```
 */

/**
 * Polls `pred` (sync or async) every 5 ms until it is true; resolves with the milliseconds
 * it took, or throws `timed out waiting for: <what>` after `ms` (default 15 s: generous
 * for a loaded 2-core machine).
 */
export async function until(
  pred: () => boolean | Promise<boolean>,
  what = 'a condition',
  ms = 15_000,
): Promise<number> {
  const start = Date.now();
  while (!(await pred())) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return Date.now() - start;
}

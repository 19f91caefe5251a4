/**
 * Errors of the pg layer. They are misuse of the API (pg raises them as `badarg` or
 * `{nolocal, Pid}` in Erlang); incoming wire messages never raise: a malformed message
 * from a peer is logged and dropped, so a bad peer cannot crash the scope.
 *
 * @module
 */
import { BeamlinkError } from '../errors.ts';
import type { Atom, Term } from '../term/types.ts';

/**
 * `pg:join/3` and `pg:leave/3` take local pids only (`erlang:error({nolocal, Bad})`).
 *
 * @example
 * ```ts
 * try { scope.join('g', remotePid) } catch (e) { if (e instanceof PgNotLocalError) console.log(e.bad) }
 * ```
 */
export class PgNotLocalError extends BeamlinkError {
  /** The value that is not a local pid. */
  readonly bad: Term;
  readonly scope: Atom;

  constructor(scope: Atom, bad: Term) {
    super(
      'BL_ERR_PG_NOT_LOCAL',
      `pg ${scope.name}: {nolocal, ${String(bad)}}: only local pids may join or leave`,
    );
    this.bad = bad;
    this.scope = scope;
  }
}

/**
 * A scope of that name is already running on this node (`{error, {already_started, Pid}}`),
 * or the scope was used after it stopped.
 *
 * @example
 * ```ts
 * try { await startScope(node, { scope: 'pg' }) } catch (e) { if (e instanceof PgScopeError) console.log(e.scope.name) }
 * ```
 */
export class PgScopeError extends BeamlinkError {
  readonly scope: Atom;

  constructor(scope: Atom, message: string, options?: ErrorOptions) {
    super('BL_ERR_PG_SCOPE', `pg ${scope.name}: ${message}`, options);
    this.scope = scope;
  }
}

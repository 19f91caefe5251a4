/**
 * Errors of the OTP layer (shared by every behaviour: add new classes, keep the codes).
 *
 * Misuse and start failures are JS exceptions with a stable `code`; what OTP itself returns
 * as a term (`{error, Reason}`, exit reasons) is carried in a `reason` field as a {@link Term}
 * so that code ported from Erlang/Elixir can match on it.
 *
 * @module
 */
import { BeamlinkError } from '../errors.ts';
import type { Term } from '../term/types.ts';

/**
 * A child specification is invalid. `reason` is the term supervisor.erl's
 * `check_childspec/2` gives for the same mistake: `missing_id`, `missing_start`,
 * `{invalid_restart_type, X}`, `{invalid_shutdown, X}`, `{invalid_child_type, X}`,
 * `{invalid_mfa, X}`, `{invalid_modules, X}`, `{duplicate_child_name, Id}`.
 *
 * @example
 * ```ts
 * try { checkChildSpec({ id: 'w', start, restart: 'sometimes' as never }) }
 * catch (e) { if (e instanceof ChildSpecError) console.log(e.reason) } // {invalid_restart_type, sometimes}
 * ```
 */
export class ChildSpecError extends BeamlinkError {
  readonly reason: Term;

  constructor(reason: Term, message: string) {
    super('BL_ERR_CHILD_SPEC', message);
    this.reason = reason;
  }
}

/**
 * A supervisor (Supervisor, DynamicSupervisor, TaskSupervisor) could not start.
 * `reason` is the term `start_link` returns in `{error, Reason}`: for example
 * `{shutdown, {failed_to_start_child, Id, Why}}` when a child failed to start, or
 * `{start_spec, Why}` / `{supervisor_data, Why}` for invalid specs or flags.
 *
 * @example
 * ```ts
 * try { await Supervisor.startLink(parent, children) }
 * catch (e) { if (e instanceof SupervisorStartError) console.log(e.reason) }
 * ```
 */
export class SupervisorStartError extends BeamlinkError {
  readonly reason: Term;

  constructor(reason: Term, message: string, options?: ErrorOptions) {
    super('BL_ERR_SUPERVISOR_START', message, options);
    this.reason = reason;
  }
}

/**
 * A Task was used by a process that does not own it (Elixir raises `ArgumentError` for
 * `Task.await/2` called outside the owner).
 *
 * @example
 * ```ts
 * try { await Task.await(other, task) } catch (e) { e.code === 'BL_ERR_TASK_OWNER' }
 * ```
 */
export class TaskOwnerError extends BeamlinkError {
  constructor(message: string) {
    super('BL_ERR_TASK_OWNER', message);
  }
}

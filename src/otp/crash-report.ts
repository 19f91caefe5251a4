/**
 * Supervisor reports, shaped and worded as supervisor.erl's `?report_error/4` and
 * `report_progress/2` (stdlib 4.2), written through the runtime's logger.
 *
 * The report term is OTP's: `[{supervisor, SupName}, {errorContext, Ctx}, {reason, R},
 * {offender, [{pid, P}, {id, Id}, {mfargs, MFA}, {restart_type, T}, {significant, false},
 * {shutdown, S}, {child_type, W}]}]`; it travels in the log entry's `meta.report`, and the
 * message is the text `logger_formatter` prints for it:
 *
 * ```
 * =SUPERVISOR REPORT====
 *     supervisor: {local,my_sup}
 *     errorContext: child_terminated
 *     reason: boom
 *     offender: [{pid,<a@host.85.0>},{id,worker},...]
 * ```
 *
 * @module
 */
import type { Logger } from '../process/logger.ts';
import { formatTerm } from '../process/format.ts';
import { atom, tuple, type Pid, type Term } from '../term/types.ts';
import type { NormalizedChildSpec } from './child-spec.ts';

/**
 * Why a supervisor reports: a child died (`child_terminated`), could not start
 * (`start_error`), died with an unexpected reason while being stopped (`shutdown_error`),
 * or the supervisor gives up (`shutdown`, reason `reached_max_restart_intensity`).
 */
export type ErrorContext = 'child_terminated' | 'start_error' | 'shutdown_error' | 'shutdown';

/**
 * The offender part of a report (supervisor.erl's `extract_child/1`). `pid` may be a pid,
 * `undefined`, `{restarting, Pid}` or, for many dynamic children, a list of pids.
 *
 * @example
 * ```ts
 * offender(spec, pid); // [{pid,P},{id,w},{mfargs,...},...]
 * ```
 */
export function offender(spec: NormalizedChildSpec, pid: Term, id: Term = spec.id): Term {
  const shutdown: Term = typeof spec.shutdown === 'number' ? spec.shutdown : atom(spec.shutdown);
  const first = Array.isArray(pid)
    ? tuple(atom('nb_children'), (pid as readonly Term[]).length)
    : tuple(atom('pid'), pid);
  return [
    first,
    tuple(atom('id'), id),
    tuple(atom('mfargs'), spec.mfargs),
    tuple(atom('restart_type'), atom(spec.restart)),
    tuple(atom('significant'), false),
    tuple(atom('shutdown'), shutdown),
    tuple(atom('child_type'), atom(spec.type)),
  ];
}

/**
 * Logs a `SUPERVISOR REPORT` at level `error`.
 *
 * @example
 * ```ts
 * reportError(logger, supName, 'child_terminated', reason, offender(spec, pid));
 * ```
 */
export function reportError(
  logger: Logger | undefined,
  supervisor: Term,
  context: ErrorContext,
  reason: Term,
  offenderTerm: Term,
): void {
  if (!logger) return;
  const report: Term = [
    tuple(atom('supervisor'), supervisor),
    tuple(atom('errorContext'), atom(context)),
    tuple(atom('reason'), reason),
    tuple(atom('offender'), offenderTerm),
  ];
  const message =
    '=SUPERVISOR REPORT====\n' +
    `    supervisor: ${formatTerm(supervisor)}\n` +
    `    errorContext: ${context}\n` +
    `    reason: ${formatTerm(reason)}\n` +
    `    offender: ${formatTerm(offenderTerm)}`;
  logger.log('error', message, {
    label: 'supervisor_report',
    errorContext: context,
    supervisor,
    reason,
    report,
  });
}

/**
 * Logs a `PROGRESS REPORT` (a child started) at level `debug` (OTP logs it at `info`,
 * which the default logger level hides).
 *
 * @example
 * ```ts
 * reportProgress(logger, supName, spec, pid);
 * ```
 */
export function reportProgress(
  logger: Logger | undefined,
  supervisor: Term,
  spec: NormalizedChildSpec,
  pid: Pid,
): void {
  if (!logger) return;
  const started = offender(spec, pid);
  logger.log(
    'debug',
    `=PROGRESS REPORT====\n    supervisor: ${formatTerm(supervisor)}\n    started: ${formatTerm(started)}`,
    { label: 'supervisor_progress', supervisor, report: started },
  );
}

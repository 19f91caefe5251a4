/**
 * Errors of the process runtime.
 *
 * Two kinds of failure stay apart, as in Erlang: an {@link ExitError} is an exit signal
 * (its `reason` is a term that travels in EXIT and DOWN messages); the others are misuse
 * of the API (a name taken, a dead pid, two receives at once) and carry the pid or name.
 *
 * @module
 */
import { BeamlinkError } from '../errors.ts';
import type { Atom, Pid, Term } from '../term/types.ts';

/**
 * An exit with an Erlang reason: thrown by `self.exit(reason)` to unwind a process body,
 * and the rejection of calls that exit in OTP (`GenServer.call` → `{noproc, {gen_server,
 * call, [...]}}`). A body that lets it escape exits with exactly `reason`.
 *
 * @example
 * ```ts
 * try { await GenServer.call(self, 'missing', 'ping') }
 * catch (e) { if (e instanceof ExitError) console.log(e.reason) }
 * ```
 */
export class ExitError extends BeamlinkError {
  readonly reason: Term;

  constructor(reason: Term, message?: string, options?: ErrorOptions) {
    super('BL_ERR_EXIT', message ?? 'process exit', options);
    this.reason = reason;
  }
}

/**
 * The process is dead: a pending `receive` rejects with this when the process is killed,
 * and so does every later `receive`.
 *
 * @example
 * ```ts
 * self.receive().catch((e) => { if (e instanceof ProcessExitedError) console.log(e.reason) })
 * ```
 */
export class ProcessExitedError extends BeamlinkError {
  readonly pid: Pid;
  readonly reason: Term;

  constructor(pid: Pid, reason: Term) {
    super('BL_ERR_PROCESS_EXITED', 'the process has exited');
    this.pid = pid;
    this.reason = reason;
  }
}

/**
 * `noproc`: the pid does not name a live local process (`link/1` to a dead process when
 * not trapping exits, `register/2` of a dead pid).
 *
 * @example
 * ```ts
 * try { self.link(deadPid) } catch (e) { if (e instanceof NoProcError) console.log(e.pid) }
 * ```
 */
export class NoProcError extends BeamlinkError {
  readonly pid: Pid;

  constructor(pid: Pid, action: string) {
    super('BL_ERR_NOPROC', `${action}: no process ${pidText(pid)}`);
    this.pid = pid;
  }
}

/**
 * A name cannot be registered (taken, `undefined`, or the process already has a name), or
 * a send went to a local name nobody holds (Erlang's `badarg`).
 *
 * @example
 * ```ts
 * try { runtime.register('db', pid) } catch (e) { if (e instanceof NameError) console.log(e.name) }
 * ```
 */
export class NameError extends BeamlinkError {
  readonly registeredName: Atom;

  constructor(name: Atom, message: string) {
    super('BL_ERR_NAME', message);
    this.registeredName = name;
  }
}

/**
 * Misuse of a process handle: a second `receive` while one is pending, or a call that
 * needs a running process.
 *
 * @example
 * ```ts
 * void self.receive(); await self.receive().catch((e) => e.code); // 'BL_ERR_PROCESS_USAGE'
 * ```
 */
export class ProcessUsageError extends BeamlinkError {
  readonly pid: Pid;

  constructor(pid: Pid, message: string) {
    super('BL_ERR_PROCESS_USAGE', `${pidText(pid)}: ${message}`);
    this.pid = pid;
  }
}

/** `<0.113.0>` (local) or `<node.113.0>` for messages. */
export function pidText(pid: Pid): string {
  return `<${pid.node.name}.${pid.id}.${pid.serial}>`;
}

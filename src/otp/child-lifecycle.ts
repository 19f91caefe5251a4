/**
 * Starting and stopping one child, shared by Supervisor, DynamicSupervisor and the task
 * supervisor. Both run inside the supervisor process (`self`), as supervisor.erl's
 * `do_start_child_i/3` and `shutdown/1` do.
 *
 * Stopping follows supervisor.erl exactly: monitor the child, send the exit signal
 * (`kill` for `brutal_kill`, else `shutdown`), wait for the `DOWN` (at most `shutdown`
 * milliseconds, then `kill` and wait again), and unlink + flush the `'EXIT'` so that the
 * reason the child really died with is the one judged. A monitor rather than the link is
 * waited on so that a child that unlinked itself cannot hang the supervisor.
 *
 * @module
 */
import { BeamlinkError } from '../errors.ts';
import { crashReason } from '../process/crash.ts';
import { ExitError } from '../process/errors.ts';
import type { Process } from '../process/process.ts';
import { atom, Pid, Ref, Tuple, type Term } from '../term/types.ts';
import type { RestartType, Shutdown, StartFunction, StartReturn } from './child-spec.ts';

/** What starting a child gave: a pid (or none, for `ignore`) and OTP's extra info. */
export type StartOutcome =
  | { readonly ok: true; readonly pid: Pid | undefined; readonly info?: Term }
  | { readonly ok: false; readonly reason: Term };

const OK = atom('ok');
const ERROR = atom('error');
const IGNORE = atom('ignore');
const DOWN = atom('DOWN');
const EXIT = atom('EXIT');
const KILL = atom('kill');
const KILLED = atom('killed');
const SHUTDOWN = atom('shutdown');
const NORMAL = atom('normal');

/**
 * The exit reason a thrown value stands for: an {@link ExitError}'s reason, or the
 * runtime's crash reason (`{{js_error, Name, Message}, Stack}`) for anything else.
 *
 * @example
 * ```ts
 * reasonOfThrown(new ExitError(atom('boom'))); // boom
 * ```
 */
export function reasonOfThrown(e: unknown): Term {
  if (e instanceof ExitError) return e.reason;
  // Start errors of behaviours (GenServer's StartError, SupervisorStartError) carry the
  // `{error, Reason}` reason of OTP's start functions.
  if (e instanceof BeamlinkError && 'reason' in e) return (e as { reason: Term }).reason;
  return crashReason(e);
}

/** Interprets a start function's return value as do_start_child_i/3 does. */
export function interpretStartReturn(r: StartReturn | unknown): StartOutcome {
  if (r instanceof Pid) return { ok: true, pid: r };
  if (r === IGNORE) return { ok: true, pid: undefined };
  if (r instanceof Tuple) {
    const [tag, a, b] = r.elements;
    if (tag === OK && a instanceof Pid && r.length === 2) return { ok: true, pid: a };
    if (tag === OK && a instanceof Pid && r.length === 3) return { ok: true, pid: a, info: b! };
    if (tag === ERROR && r.length === 2) return { ok: false, reason: a! };
  }
  return { ok: false, reason: (r ?? atom('undefined')) as Term };
}

/**
 * Runs a child's start function inside the supervisor process.
 *
 * @example
 * ```ts
 * const r = await startChildProcess(self, (sup) => sup.spawnLink(body));
 * if (r.ok) console.log(r.pid);
 * ```
 */
export async function startChildProcess(
  self: Process,
  start: StartFunction,
): Promise<StartOutcome> {
  try {
    return interpretStartReturn(await start(self));
  } catch (e) {
    const reason = reasonOfThrown(e);
    // GenServer.startLink rejects with reason `ignore` where gen_server returns `ignore`.
    if (reason === IGNORE) return { ok: true, pid: undefined };
    return { ok: false, reason };
  }
}

/**
 * `true` when `m` is `{'DOWN', ref, process, pid, _}` for monitor `ref` (the match a
 * supervisor and a task owner both receive on).
 *
 * @example
 * ```ts
 * const down = await self.receive((m) => isDownFor(m, mon), { timeout: 5000 });
 * ```
 */
export function isDownFor(m: Term, ref: Ref): boolean {
  return (
    m instanceof Tuple &&
    m.length === 5 &&
    m.elements[0] === DOWN &&
    m.elements[1] instanceof Ref &&
    m.elements[1].key === ref.key
  );
}

function isExitFrom(m: Term, pid: Pid): boolean {
  return (
    m instanceof Tuple &&
    m.length === 3 &&
    m.elements[0] === EXIT &&
    m.elements[1] instanceof Pid &&
    m.elements[1].key === pid.key
  );
}

/**
 * supervisor.erl's `unlink_flush/2`: unlink, and take the `'EXIT'` from `pid` if it is
 * already in the mailbox (its reason wins over the DOWN's).
 */
export function unlinkFlush(self: Process, pid: Pid, fallback: Term): Term {
  self.unlink(pid);
  const m = self.poll((x) => isExitFrom(x, pid));
  return m instanceof Tuple ? m.elements[2]! : fallback;
}

/** `true` for `shutdown` and `{shutdown, _}`. */
export function isShutdownReason(reason: Term): boolean {
  return (
    reason === SHUTDOWN ||
    (reason instanceof Tuple && reason.length === 2 && reason.elements[0] === SHUTDOWN)
  );
}

/**
 * Whether a child stopped by its supervisor died "as asked" (no shutdown_error report):
 * `killed` after brutal_kill, `shutdown` otherwise; and for non-permanent children also
 * `normal` and `{shutdown, _}` (and `shutdown` after brutal_kill).
 */
function expectedStop(reason: Term, mode: 'kill' | 'shutdown', restart: RestartType): boolean {
  if (mode === 'kill' && reason === KILLED) return true;
  if (mode === 'shutdown' && reason === SHUTDOWN) return true;
  if (restart === 'permanent') return false;
  return reason === NORMAL || isShutdownReason(reason);
}

/**
 * Stops one child as supervisor.erl's `shutdown/1` does; `'ok'` when it died with the
 * expected reason, else `{ error: reason }` (the caller reports a `shutdown_error`).
 *
 * @example
 * ```ts
 * const r = await shutdownChild(self, pid, 5000, 'permanent');
 * ```
 */
export async function shutdownChild(
  self: Process,
  pid: Pid,
  shutdown: Shutdown,
  restart: RestartType,
): Promise<'ok' | { error: Term }> {
  const mon = self.monitor(pid);
  const mode = shutdown === 'brutal_kill' ? 'kill' : 'shutdown';
  self.exitProcess(pid, mode === 'kill' ? KILL : SHUTDOWN);
  const timeout = typeof shutdown === 'number' ? shutdown : Infinity;
  let down = await self.receive((m) => isDownFor(m, mon), { timeout });
  if (down === undefined) {
    self.exitProcess(pid, KILL);
    down = await self.receive((m) => isDownFor(m, mon));
  }
  const reason = unlinkFlush(self, pid, (down as Tuple).elements[4]!);
  return expectedStop(reason, mode, restart) ? 'ok' : { error: reason };
}

/**
 * Stops many children at once, as DynamicSupervisor's `terminate_children/2` does: every
 * child gets its exit signal first, then the supervisor waits for all the `DOWN`s, killing
 * the children whose `shutdown` time has passed. Returns the children that died with an
 * unexpected reason (for `shutdown_error` reports).
 *
 * @example
 * ```ts
 * const errors = await shutdownMany(self, [{ pid, shutdown: 5000, restart: 'temporary' }]);
 * ```
 */
export async function shutdownMany(
  self: Process,
  children: readonly { pid: Pid; shutdown: Shutdown; restart: RestartType }[],
): Promise<{ pid: Pid; reason: Term }[]> {
  interface Waiting {
    pid: Pid;
    mode: 'kill' | 'shutdown';
    restart: RestartType;
  }
  const waiting = new Map<string, Waiting>();
  // Children grouped by the time they get killed at (one group per distinct timeout).
  const killAt = new Map<number, string[]>();
  const started = performance.now();
  for (const c of children) {
    const mon = self.monitor(c.pid);
    const mode = c.shutdown === 'brutal_kill' ? 'kill' : 'shutdown';
    self.exitProcess(c.pid, mode === 'kill' ? KILL : SHUTDOWN);
    waiting.set(mon.key, { pid: c.pid, mode, restart: c.restart });
    if (typeof c.shutdown === 'number') {
      const group = killAt.get(c.shutdown);
      if (group) group.push(mon.key);
      else killAt.set(c.shutdown, [mon.key]);
    }
  }
  const deadlines = [...killAt.keys()].sort((a, b) => a - b);
  const errors: { pid: Pid; reason: Term }[] = [];
  const isWaitedDown = (m: Term): boolean =>
    m instanceof Tuple &&
    m.length === 5 &&
    m.elements[0] === DOWN &&
    m.elements[1] instanceof Ref &&
    waiting.has(m.elements[1].key);
  while (waiting.size > 0) {
    const next = deadlines[0];
    const timeout = next === undefined ? Infinity : Math.max(0, started + next - performance.now());
    const m = await self.receive(isWaitedDown, { timeout });
    if (m === undefined) {
      deadlines.shift();
      for (const key of killAt.get(next!) ?? []) {
        const w = waiting.get(key);
        if (w) self.exitProcess(w.pid, KILL);
      }
      continue;
    }
    const down = m as Tuple;
    const key = (down.elements[1] as Ref).key;
    const w = waiting.get(key)!;
    waiting.delete(key);
    const reason = unlinkFlush(self, w.pid, down.elements[4]!);
    if (!expectedStop(reason, w.mode, w.restart)) errors.push({ pid: w.pid, reason });
  }
  return errors;
}

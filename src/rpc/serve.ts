/**
 * Serving `erpc` (and so `rpc:call`, `rpc:multicall`, `rpc:cast`) from other nodes: the
 * runtime's SPAWN_REQUEST handler.
 *
 * What a BEAM caller sends and expects (PROTOCOL-OTP25.md §2):
 *
 * - `erpc:call/5` → SPAWN_REQUEST `{erpc, execute_call, 4}`, options `[monitor]`, args
 *   `[Res, M, F, A]`. The runtime answers SPAWN_REPLY with the new pid and flags; the
 *   process runs `M:F(A...)` and **exits** with `{Res, return, V}`, `{Res, throw, V}`,
 *   `{Res, exit, R}` or `{Res, error, R, Stack}`. The caller reads that exit reason from
 *   its monitor's DOWN (MONITOR_P_EXIT).
 * - `erpc:cast/4` → `{erpc, execute_cast, 3}` with `[M, F, A]`: run, report errors in
 *   the log, exit `normal`.
 * - `spawn(Node, M, F, A)` and friends → `{M, F, length(A)}`: the registered function
 *   runs as the new process's body; with no such function the process still starts and
 *   dies with `{undef, [{M, F, A, []}]}`, as on BEAM (it replies with a pid even when
 *   the MFA does not exist).
 *
 * @module
 */
import type { SpawnRequestMessage } from '../dist/control-message.ts';
import type { Process, ProcessBody } from '../process/process.ts';
import type { InstantSpawn } from '../process/remote.ts';
import { Atom, Tuple, type Pid, type Term } from '../term/types.ts';
import { formatTerm } from '../process/format.ts';
import { applyNow, execute, type ModuleRegistry, type Outcome, type RpcHost } from './modules.ts';

const ERPC = Atom.of('erpc');
const EXECUTE_CALL = Atom.of('execute_call');
const EXECUTE_CAST = Atom.of('execute_cast');
const RETURN = Atom.of('return');
const THROW = Atom.of('throw');
const EXIT = Atom.of('exit');
const ERROR = Atom.of('error');
const NORMAL = Atom.of('normal');
const NOCATCH = Atom.of('nocatch');

/**
 * The exit reason of `erpc:execute_call(Res, M, F, A)` for an outcome.
 *
 * @example
 * ```ts
 * erpcExitReason(res, { kind: 'return', value: 3 }); // {Res, return, 3}
 * ```
 */
export function erpcExitReason(res: Term, out: Outcome): Tuple {
  switch (out.kind) {
    case 'return':
      return new Tuple([res, RETURN, out.value]);
    case 'throw':
      return new Tuple([res, THROW, out.value]);
    case 'exit':
      return new Tuple([res, EXIT, out.reason]);
    case 'error':
      return new Tuple([res, ERROR, out.reason, [...out.stack]]);
  }
}

/**
 * The exit reason of a plain spawned process that ended with `out`, as BEAM forms it:
 * `normal`, `R` for an exit, `{R, Stack}` for an error, `{{nocatch, V}, Stack}` for an
 * uncaught throw.
 *
 * @example
 * ```ts
 * processExitReason({ kind: 'exit', reason: atom('shutdown') }); // shutdown
 * ```
 */
export function processExitReason(out: Outcome, m: Atom, f: Atom, arity: number): Term {
  switch (out.kind) {
    case 'return':
      return NORMAL;
    case 'exit':
      return out.reason;
    case 'throw':
      return new Tuple([new Tuple([NOCATCH, out.value]), [new Tuple([m, f, arity, []])]]);
    case 'error':
      return new Tuple([out.reason, [...out.stack]]);
  }
}

/**
 * The SPAWN_REQUEST handler for a node: erpc's `execute_call` / `execute_cast`, and
 * plain spawns of registered functions. Returns `undefined` (the runtime then runs a body
 * that dies with `undef`) for an unregistered MFA. Once `stopping()` is true, requests
 * get a process that never answers.
 *
 * @example
 * ```ts
 * runtime.setSpawnHandler(spawnHandler(registry, host));
 * ```
 */
export function spawnHandler(
  registry: ModuleRegistry,
  host: RpcHost,
  stopping: () => boolean = () => false,
): (request: SpawnRequestMessage, fromNode: Atom) => ProcessBody | InstantSpawn | undefined {
  const rt = host.runtime;
  return (req) => {
    // A node on its way down answers nothing (the caller sees nodedown when the
    // connection closes), as a halting BEAM node does; no undef, no timers left behind.
    if (stopping()) return (self) => self.receive(() => false);
    const args = req.args;
    if (req.module === ERPC && req.function === EXECUTE_CALL && args.length === 4) {
      // A function that answers at once needs no process unless it asks for `self`
      // (InstantSpawn): the exit reason goes back as the DOWN of a process that was
      // never made. Its SPAWN_REPLY and DOWN leave in one write.
      return new ExecuteCall(registry, host, args, req.from);
    }
    if (req.module === ERPC && req.function === EXECUTE_CAST && args.length === 3) {
      const [m, f, a] = args as [Term, Term, Term];
      return async (self) => {
        self.setLabel('erpc:execute_cast/3');
        const out = await execute(registry, host, self, {
          module: m,
          function: f,
          args: a,
          caller: req.from,
        });
        if (out.kind !== 'return') {
          rt.logger.log(
            'error',
            `erpc:cast from ${req.from.node.name} to ${formatTerm(m)}:${formatTerm(f)} failed with ${out.kind}: ${formatTerm(
              out.kind === 'throw' ? out.value : out.reason,
            )}`,
          );
        }
      };
    }
    if (registry.lookup(req.module, req.function, args.length) === undefined) return undefined;
    return async (self) => {
      self.setLabel(`${req.module.name}:${req.function.name}/${args.length}`);
      const out = await execute(registry, host, self, {
        module: req.module,
        function: req.function,
        args: [...args],
        caller: req.from,
      });
      const reason = processExitReason(out, req.module, req.function, args.length);
      if (reason !== NORMAL) {
        rt.logger.log(
          'error',
          `Error in process ${formatTerm(self.pid)} on node ${rt.node.name} with exit value:\n${formatTerm(reason)}`,
        );
        exitWith(self, reason);
      }
    };
  };
}

/** `erpc:execute_call(Res, M, F, A)` as an InstantSpawn: one object per request. */
class ExecuteCall implements InstantSpawn {
  private readonly registry: ModuleRegistry;
  private readonly host: RpcHost;
  private readonly args: readonly Term[];
  private readonly caller: Pid;

  constructor(registry: ModuleRegistry, host: RpcHost, args: readonly Term[], caller: Pid) {
    this.registry = registry;
    this.host = host;
    this.args = args;
    this.caller = caller;
  }

  get label(): string {
    return 'erpc:execute_call/4';
  }

  run(self: () => Process): Term | ProcessBody {
    const a = this.args;
    const res = a[0]!;
    const out = applyNow(this.registry, this.host, self, a[1]!, a[2]!, a[3]!, this.caller);
    if (!(out instanceof Promise)) return erpcExitReason(res, out);
    return (p: Process) => out.then((o) => exitWith(p, erpcExitReason(res, o)));
  }
}

/**
 * Ends `self` with `reason`. An exit signal to itself costs no stack trace (throwing
 * `ExitError` captures one: a tenth of a small call's CPU time); when the function made
 * the process trap exits, the signal would only be a message, so it throws after all.
 */
function exitWith(self: Process, reason: Term): void {
  self.runtime.exit(self.pid, reason);
  if (self.alive) self.exit(reason);
}

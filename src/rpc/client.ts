/**
 * The caller side of erpc on one node: one long-lived process that sends
 * `SPAWN_REQUEST {erpc, execute_call, 4}` with a monitor for every outgoing call and
 * matches the answers by request id, as `erpc:call/5` does in the calling process:
 *
 * - `{spawn_reply, ReqId, ok, Pid}`: the monitor is up (erpc's `{reply, error_only}`
 *   hides this message; here it only marks the request as spawned);
 * - `{spawn_reply, ReqId, error, Reason}`: the spawn failed (`noconnection` when the
 *   node cannot be reached or goes down first);
 * - `{'DOWN', ReqId, process, Pid, Reason}`: the result, in the exit reason.
 *
 * A timeout abandons the request as `erpc:call` does (`call_abandon/1`): after the spawn
 * reply it demonitors (DEMONITOR_P goes out, a DOWN already queued is flushed); before
 * it, the request is marked and demonitored when its late spawn reply arrives. A result
 * that arrives after the timeout is dropped.
 *
 * @module
 */
import type { Process } from '../process/process.ts';
import type { Runtime } from '../process/runtime.ts';
import { Atom, type Pid, Ref, Tuple, type Term } from '../term/types.ts';

/**
 * How one request ended, before erpc's mapping.
 *
 * @example
 * ```ts
 * const raw: RawResult = { type: 'down', reason: tuple(res, atom('return'), 1) };
 * ```
 */
export type RawResult =
  | { readonly type: 'down'; readonly reason: Term }
  | { readonly type: 'spawn_error'; readonly reason: Term }
  | { readonly type: 'timeout' };

interface Pending {
  readonly reqId: Ref;
  readonly resolve: (r: RawResult) => void;
  timer: ReturnType<typeof setTimeout> | null;
  spawned: boolean;
  abandoned: boolean;
}

const SPAWN_REPLY = Atom.of('spawn_reply');
const DOWN = Atom.of('DOWN');
const OK = Atom.of('ok');
const ERPC = Atom.of('erpc');
const EXECUTE_CALL = Atom.of('execute_call');
const EXECUTE_CAST = Atom.of('execute_cast');
const NOCONNECTION = Atom.of('noconnection');
const MAX_TIMEOUT = 2_147_483_647;

/**
 * One node's erpc caller process.
 *
 * @example
 * ```ts
 * const client = new ErpcClient(runtime);
 * const r = await client.call(atom('erl@vm'), res, atom('erlang'), atom('node'), [], 5000);
 * // { type: 'down', reason: {Res, return, 'erl@vm'} }
 * ```
 */
export class ErpcClient {
  private readonly runtime: Runtime;
  private proc: Process | null = null;
  private starting: Promise<Process> | null = null;
  private readonly pending = new Map<string, Pending>();
  private closed = false;
  /**
   * The group leader the caller process gives the processes it spawns remotely (BEAM
   * sends their I/O there). Set before the first call.
   */
  groupLeader: Pid | null = null;

  constructor(runtime: Runtime) {
    this.runtime = runtime;
  }

  /** How many calls wait for an answer (abandoned ones included until their spawn reply). */
  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Calls `module:fn(...args)` on `node` through `erpc:execute_call(res, ...)`.
   *
   * @example
   * ```ts
   * await client.call(atom('erl@vm'), runtime.makeRef(), atom('lists'), atom('sum'), [[1, 2]], Infinity);
   * ```
   */
  async call(
    node: Atom,
    res: Ref,
    module: Atom,
    fn: Atom,
    args: readonly Term[],
    timeoutMs: number,
  ): Promise<RawResult> {
    if (this.closed) return { type: 'spawn_error', reason: NOCONNECTION };
    const self = this.proc !== null && this.proc.alive ? this.proc : await this.start();
    return new Promise<RawResult>((resolve) => {
      const reqId = self.spawnRequest(node, ERPC, EXECUTE_CALL, [res, module, fn, [...args]], {
        monitor: true,
      });
      const p: Pending = { reqId, resolve, timer: null, spawned: false, abandoned: false };
      this.pending.set(reqId.key, p);
      if (timeoutMs !== Infinity) {
        p.timer = setTimeout(
          () => this.timeout(self, p),
          Math.min(Math.max(timeoutMs, 0), MAX_TIMEOUT),
        );
      }
    });
  }

  /**
   * `erpc:cast/4`: spawns `erpc:execute_cast(module, fn, args)` on `node`; no answer.
   *
   * @example
   * ```ts
   * await client.cast(atom('erl@vm'), atom('logger'), atom('info'), ['hello']);
   * ```
   */
  async cast(node: Atom, module: Atom, fn: Atom, args: readonly Term[]): Promise<void> {
    if (this.closed) return;
    const self = this.proc !== null && this.proc.alive ? this.proc : await this.start();
    self.spawnRequest(node, ERPC, EXECUTE_CAST, [module, fn, [...args]]);
  }

  /**
   * Ends every waiting call with `noconnection` and stops the process (node shutdown).
   *
   * @example
   * ```ts
   * node.onStop(() => client.close());
   * ```
   */
  close(): void {
    this.closed = true;
    for (const p of this.pending.values())
      this.finish(p, { type: 'spawn_error', reason: NOCONNECTION });
    this.pending.clear();
    const proc = this.proc;
    if (proc !== null && proc.alive) this.runtime.exit(proc.pid, Atom.of('kill'));
  }

  private start(): Promise<Process> {
    this.starting ??= new Promise<Process>((resolve) => {
      this.runtime.spawn(
        (self) => {
          self.setLabel('erpc client');
          // SPAWN_REQUEST carries the caller's group leader (erlang:group_leader/2)
          if (this.groupLeader !== null) self.groupLeader = this.groupLeader;
          this.proc = self;
          this.starting = null;
          self.handle((m) => this.handle(self, m));
          resolve(self);
        },
        { label: 'erpc client' },
      );
    });
    return this.starting;
  }

  private handle(self: Process, m: Term): void {
    if (!(m instanceof Tuple)) return;
    const e = m.elements;
    const ref = e[1];
    if (!(ref instanceof Ref)) return;
    if (e.length === 4 && e[0] === SPAWN_REPLY) {
      const p = this.pending.get(ref.key);
      if (p === undefined) return;
      if (e[2] === OK) {
        if (p.abandoned) {
          // a late spawn reply after the timeout: stop the monitor (DEMONITOR_P)
          this.pending.delete(ref.key);
          self.demonitor(ref, { flush: true });
        } else {
          p.spawned = true;
        }
      } else {
        this.pending.delete(ref.key);
        this.finish(p, { type: 'spawn_error', reason: e[3]! });
      }
      return;
    }
    if (e.length === 5 && e[0] === DOWN) {
      const p = this.pending.get(ref.key);
      if (p === undefined) return;
      this.pending.delete(ref.key);
      this.finish(p, { type: 'down', reason: e[4]! });
    }
  }

  private timeout(self: Process, p: Pending): void {
    p.timer = null;
    if (!this.pending.has(p.reqId.key)) return;
    if (p.spawned) {
      this.pending.delete(p.reqId.key);
      if (self.alive) self.demonitor(p.reqId, { flush: true });
    } else {
      p.abandoned = true;
    }
    p.resolve({ type: 'timeout' });
  }

  private finish(p: Pending, r: RawResult): void {
    if (p.timer !== null) {
      clearTimeout(p.timer);
      p.timer = null;
    }
    if (!p.abandoned) p.resolve(r);
  }
}

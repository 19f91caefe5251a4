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
import { Timeouts } from '../process/timeouts.ts';
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

/**
 * One outgoing call, found by its request id's number (the ref is ours). `settled` runs
 * once with how the call ended. erpc's calls extend it, so that a call in flight is one
 * object (no closures per call); {@link ErpcClient.request} wraps a callback in one.
 *
 * @example
 * ```ts
 * class Logged extends PendingCall {
 *   settled(r: RawResult): void { console.log(r.type); }
 * }
 * client.start(new Logged(), atom('erl@vm'), runtime.makeRef(), atom('erlang'), atom('node'), [], Infinity);
 * ```
 */
export abstract class PendingCall {
  /** @internal the SPAWN_REQUEST's id, set when the request goes out */
  reqId: Ref | null = null;
  /** @internal the request id's number (-1 until sent) */
  key = -1;
  /** @internal the deadline bucket of the timeout (see Timeouts), or -1 when there is none */
  timer = -1;
  /** @internal the spawn reply came (the monitor is up) */
  spawned = false;
  /** @internal timed out before the spawn reply: demonitor when it comes */
  abandoned = false;

  /** How the call ended (runs once; not after a timeout already settled it). */
  abstract settled(r: RawResult): void;
}

/** A callback as a PendingCall. */
class CallbackCall extends PendingCall {
  private readonly done: (r: RawResult) => void;

  constructor(done: (r: RawResult) => void) {
    super();
    this.done = done;
  }

  settled(r: RawResult): void {
    this.done(r);
  }
}

const SPAWN_REPLY = Atom.of('spawn_reply');
const DOWN = Atom.of('DOWN');
const OK = Atom.of('ok');
const ERPC = Atom.of('erpc');
const EXECUTE_CALL = Atom.of('execute_call');
const EXECUTE_CAST = Atom.of('execute_cast');
const NOCONNECTION = Atom.of('noconnection');
const MAX_TIMEOUT = 2_147_483_647;
const NO_CONNECTION: RawResult = { type: 'spawn_error', reason: NOCONNECTION };
const TIMED_OUT: RawResult = { type: 'timeout' };
const MONITOR: { readonly monitor: true } = { monitor: true };
const FLUSH: { readonly flush: true } = { flush: true };
const NO_ARGS: readonly Term[] = Object.freeze([]);

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
  /**
   * The waiting calls, by their request id's number (the ref is made here: no string
   * key). One call at a time (the common case) sits in `solo` and never touches the
   * map: a `Map` that goes from one entry to none and back reallocates its table each
   * time.
   */
  private solo: PendingCall | null = null;
  private readonly pending = new Map<number, PendingCall>();
  /** Call timeouts in 1 ms buckets, one Node timer per bucket (not one per call). */
  private readonly timeouts = new Timeouts<PendingCall>((p) => this.timeout(p));
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
    return this.pending.size + (this.solo === null ? 0 : 1);
  }

  /**
   * Calls `module:fn(...args)` on `node` through `erpc:execute_call(res, ...)`.
   *
   * @example
   * ```ts
   * await client.call(atom('erl@vm'), runtime.makeRef(), atom('lists'), atom('sum'), [[1, 2]], Infinity);
   * ```
   */
  call(
    node: Atom,
    res: Ref,
    module: Atom,
    fn: Atom,
    args: readonly Term[],
    timeoutMs: number,
  ): Promise<RawResult> {
    return new Promise<RawResult>((resolve) => {
      this.request(node, res, module, fn, args, timeoutMs, resolve);
    });
  }

  /**
   * {@link call} with a callback instead of a promise: `done` runs once with the result
   * (the callers in this package build one promise per call around it).
   *
   * @example
   * ```ts
   * client.request(atom('erl@vm'), ref, atom('erlang'), atom('node'), [], Infinity, (r) => log(r));
   * ```
   */
  request(
    node: Atom,
    res: Ref,
    module: Atom,
    fn: Atom,
    args: readonly Term[],
    timeoutMs: number,
    done: (r: RawResult) => void,
  ): void {
    this.start(new CallbackCall(done), node, res, module, fn, args, timeoutMs);
  }

  /**
   * {@link request} for a call object: `call.settled` runs once with the result. One
   * object per call in flight, whatever the caller keeps in it.
   *
   * @example
   * ```ts
   * client.start(call, atom('erl@vm'), ref, atom('erlang'), atom('node'), [], 5000);
   * ```
   */
  start(
    call: PendingCall,
    node: Atom,
    res: Ref,
    module: Atom,
    fn: Atom,
    args: readonly Term[],
    timeoutMs: number,
  ): void {
    if (this.closed) return call.settled(NO_CONNECTION);
    const proc = this.proc;
    if (proc !== null && proc.alive) {
      this.send(proc, call, node, res, module, fn, args, timeoutMs);
      return;
    }
    void this.process().then((self) => {
      if (this.closed) return call.settled(NO_CONNECTION);
      this.send(self, call, node, res, module, fn, args, timeoutMs);
    });
  }

  private send(
    self: Process,
    p: PendingCall,
    node: Atom,
    res: Ref,
    module: Atom,
    fn: Atom,
    args: readonly Term[],
    timeoutMs: number,
  ): void {
    // the argument list is copied: a request waiting for its connection is encoded later
    const a = args.length === 0 ? NO_ARGS : [...args];
    const reqId = self.spawnRequest(node, ERPC, EXECUTE_CALL, [res, module, fn, a], MONITOR);
    p.reqId = reqId;
    p.key = this.runtime.ids.refNumber(reqId);
    if (this.solo === null) this.solo = p;
    else this.pending.set(p.key, p);
    if (timeoutMs !== Infinity) {
      p.timer = this.timeouts.add(p, Math.min(Math.max(timeoutMs, 0), MAX_TIMEOUT));
    }
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
    const self = this.proc !== null && this.proc.alive ? this.proc : await this.process();
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
    const all: PendingCall[] = [...this.pending.values()];
    if (this.solo !== null) all.push(this.solo);
    this.solo = null;
    this.pending.clear();
    for (const p of all) this.finish(p, NO_CONNECTION);
    const proc = this.proc;
    if (proc !== null && proc.alive) this.runtime.exit(proc.pid, Atom.of('kill'));
  }

  private process(): Promise<Process> {
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
    const key = this.runtime.ids.refNumber(ref);
    if (key === -1) return;
    if (e.length === 4 && e[0] === SPAWN_REPLY) {
      const p = this.lookup(key);
      if (p === undefined) return;
      if (e[2] === OK) {
        if (p.abandoned) {
          // a late spawn reply after the timeout: stop the monitor (DEMONITOR_P)
          this.remove(key);
          self.demonitor(ref, FLUSH);
        } else {
          p.spawned = true;
        }
      } else {
        this.remove(key);
        this.finish(p, { type: 'spawn_error', reason: e[3]! });
      }
      return;
    }
    if (e.length === 5 && e[0] === DOWN) {
      const p = this.lookup(key);
      if (p === undefined) return;
      this.remove(key);
      this.finish(p, { type: 'down', reason: e[4]! });
    }
  }

  private lookup(key: number): PendingCall | undefined {
    const solo = this.solo;
    return solo !== null && solo.key === key ? solo : this.pending.get(key);
  }

  private remove(key: number): void {
    if (this.solo !== null && this.solo.key === key) this.solo = null;
    else this.pending.delete(key);
  }

  private timeout(p: PendingCall): void {
    p.timer = -1;
    if (this.lookup(p.key) !== p) return;
    if (p.spawned) {
      this.remove(p.key);
      const self = this.proc;
      if (self !== null && self.alive) self.demonitor(p.reqId!, FLUSH);
    } else {
      p.abandoned = true;
    }
    p.settled(TIMED_OUT);
  }

  private finish(p: PendingCall, r: RawResult): void {
    if (p.timer !== -1) {
      this.timeouts.cancel(p, p.timer);
      p.timer = -1;
    }
    if (!p.abandoned) p.settled(r);
  }
}

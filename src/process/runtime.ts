/**
 * One node's process runtime: the process table, pid and ref allocation, names, aliases,
 * delivery and the run queue. Links, monitors and exit signals live in signals.ts; the
 * distribution plug (control messages in and out) in remote.ts.
 *
 * Several runtimes may live in one JS process (tests wire two together through a memory
 * distribution): nothing here is global.
 *
 * @module
 */
import type { ControlMessage } from '../dist/control-message.ts';
import { Atom, Pid, Ref, Tuple, type Term } from '../term/types.ts';
import { ERROR, LINK, MONITOR, NOCONNECTION, NONODE, NORMAL, SPAWN_REPLY } from './atoms.ts';
import { crashReason } from './crash.ts';
import {
  ExitError,
  NameError,
  NoProcError,
  ProcessExitedError,
  ProcessUsageError,
} from './errors.ts';
import { formatTerm } from './format.ts';
import { consoleLogger, type Logger } from './logger.ts';
import { Mailbox } from './mailbox.ts';
import { IdAllocator } from './pid.ts';
import {
  Process,
  type AliasMode,
  type ChildSpawnOptions,
  type Dest,
  type ProcessBody,
  type ProcessInfo,
} from './process.ts';
import { Registry, toAtom } from './registry.ts';
import { handleControl, nodeDown, type SpawnHandler } from './remote.ts';
import { Scheduler } from './scheduler.ts';
import { Timeouts } from './timeouts.ts';
import { SmallMap } from './small-map.ts';
import * as signals from './signals.ts';

/** Options of a {@link Runtime}. */
export interface RuntimeOptions {
  /** The node name (default `nonode@nohost`). */
  readonly node?: Atom | string;
  /** The node's creation (default 0). */
  readonly creation?: number;
  /** Where crash reports go (default: console, level `info`). */
  readonly logger?: Logger;
  /** Units of work per event-loop turn before yielding (default 4096). */
  readonly budget?: number;
}

/** Options of `runtime.spawn`. */
export interface SpawnOptions extends ChildSpawnOptions {
  /** Link the new process to this local pid, atomically. */
  readonly link?: Pid;
  /** Monitor the new process from this local pid, atomically (`spawnMonitor` returns the ref). */
  readonly monitor?: Pid;
}

/** What the distribution layer gives the runtime. */
export interface Distribution {
  /**
   * Sends a control message to `node` (connecting first if needed). May return a promise
   * when the connection is busy after this message (its outgoing buffer past the busy
   * limit): it resolves once the connection drained or closed, and `sendAsync` awaits it.
   */
  sendControl(node: Atom, message: ControlMessage): Promise<void> | undefined | void;
}

const BADARG = Atom.of('badarg');
const ANY = (): boolean => true;
const MAX_TIMEOUT = 2_147_483_647;
/** SPAWN_REQUEST option lists, shared by every request (never mutated). */
const NO_OPTIONS: readonly Term[] = Object.freeze([]);
const LINK_ONLY: readonly Term[] = Object.freeze([LINK]);
const MONITOR_ONLY: readonly Term[] = Object.freeze([MONITOR]);
const LINK_MONITOR: readonly Term[] = Object.freeze([LINK, MONITOR]);
const HANDLER_BATCH = 64;

/** A distribution's busy promise, or `undefined` (plain distributions return nothing). */
function busyOf(r: Promise<void> | undefined | void): Promise<void> | undefined {
  return r instanceof Promise ? r : undefined;
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    v !== null &&
    (typeof v === 'object' || typeof v === 'function') &&
    typeof (v as { then?: unknown }).then === 'function'
  );
}

/**
 * One node's process runtime.
 *
 * @example
 * ```ts
 * const rt = new Runtime({ node: 'a@host' });
 * const echo = rt.spawn(async (self) => {
 *   for (;;) {
 *     const m = (await self.receive()) as Tuple;
 *     self.send(m.elements[0] as Pid, m.elements[1]!);
 *   }
 * });
 * rt.spawn(async (self) => { self.send(echo, tuple(self.pid, 'hi')); console.log(await self.receive()) });
 * ```
 */
export class Runtime {
  readonly node: Atom;
  readonly creation: number;
  readonly logger: Logger;
  /** The pid that stands for "outside any process" (REG_SEND's sender, exit/2's from). */
  readonly systemPid: Pid;

  /** @internal */ readonly ids: IdAllocator;
  /** @internal */ readonly table = new Map<number, Process>();
  /** @internal */ readonly registry = new Registry();
  /** @internal */ readonly sched: Scheduler<Process>;
  /** @internal */ dist: Distribution | null = null;
  /** @internal processes with links or monitors towards each remote node */
  readonly remoteRelations = new Map<Atom, Set<Process>>();
  /** @internal */ spawnHandler: SpawnHandler | null = null;
  /** @internal receive timeouts */ readonly timeouts: Timeouts<Process>;
  /** @internal */ readonly signalQueue: [Process, Pid, Term, boolean][] = [];
  /** @internal */ flushing = false;
  /** @internal */ nextUnlinkId = 1n;
  /** @internal */ spawned = 0;
  /** @internal */ exited = 0;

  private readonly onTimeout = (p: Process): void => {
    const resolve = p.waitResolve;
    if (resolve === null) return;
    p.waitMatch = null;
    p.waitResolve = null;
    p.waitTimer = -1;
    resolve(undefined);
  };

  constructor(options?: RuntimeOptions) {
    this.node = options?.node === undefined ? NONODE : toAtom(options.node);
    this.creation = options?.creation ?? 0;
    this.logger = options?.logger ?? consoleLogger();
    this.ids = new IdAllocator(this.node, this.creation);
    this.systemPid = this.ids.pidFor(0);
    this.sched = new Scheduler<Process>(
      (p) => this.run(p),
      options?.budget,
      (e, p) =>
        this.logger.log('error', `runtime error while running ${formatTerm(p.pid)}: ${String(e)}`, {
          error: e,
        }),
    );
    this.timeouts = new Timeouts<Process>(this.onTimeout);
  }

  // ---- processes ---------------------------------------------------------------

  /**
   * Spawns a process running `body`. It starts soon (not inside this call), in a
   * microtask. `link`, `monitor`, `name` and `trapExit` apply atomically.
   *
   * @example
   * ```ts
   * const pid = rt.spawn(async (self) => { await self.receive() }, { name: 'idle' });
   * ```
   */
  spawn(body: ProcessBody, options?: SpawnOptions): Pid {
    return this.create(body, options, null)[0].pid;
  }

  /**
   * Spawns a process monitored by `watcher` (a live local pid): `[pid, ref]`.
   *
   * @example
   * ```ts
   * const [pid, ref] = rt.spawnMonitor(async () => 1, watcherPid);
   * ```
   */
  spawnMonitor(body: ProcessBody, watcher: Pid, options?: ChildSpawnOptions): [Pid, Ref] {
    const [p, ref] = this.create(body, options, watcher);
    return [p.pid, ref!];
  }

  /** @internal */
  create(
    body: ProcessBody | null,
    options: SpawnOptions | undefined,
    watcher: Pid | null,
  ): [Process, Ref | undefined] {
    const num = this.ids.nextPidNumber(this.pidInUse);
    const p = new Process(this, this.ids.pidFor(num), body);
    let ref: Ref | undefined;
    if (options !== undefined) {
      if (options.trapExit === true) p.trapping = true;
      if (options.label !== undefined) p.label = options.label;
      const linker =
        options.link === undefined ? undefined : this.liveLocal(options.link, 'spawn_link');
      const w = options.monitor ?? watcher ?? undefined;
      const watcherProc = w === undefined ? undefined : this.liveLocal(w, 'spawn_monitor');
      if (options.name !== undefined) this.registry.register(toAtom(options.name), p);
      if (linker !== undefined) signals.linkLocal(linker, p);
      if (watcherProc !== undefined) ref = signals.monitorLocal(this, watcherProc, p, null, null);
    } else if (watcher !== null) {
      ref = signals.monitorLocal(this, this.liveLocal(watcher, 'spawn_monitor'), p, null, null);
    }
    this.table.set(num, p);
    this.spawned++;
    if (body !== null) this.sched.enqueue(p);
    return [p, ref];
  }

  /** @internal whether pid number `n` is taken */
  readonly pidInUse = (n: number): boolean => this.table.has(n);

  /**
   * @internal Makes the process for pid `pid` (number `num`, taken from `nextPidNumber`
   * by the caller and not yet in the table), with no body and not queued.
   */
  adopt(num: number, pid: Pid): Process {
    const p = new Process(this, pid, null);
    this.table.set(num, p);
    return p;
  }

  /** @internal a live local process or a NoProcError */
  liveLocal(pid: Pid, action: string): Process {
    const p = this.local(pid);
    if (p === undefined) throw new NoProcError(pid, action);
    return p;
  }

  /** @internal the live local process `pid` names */
  local(pid: Pid): Process | undefined {
    const n = this.ids.localNumber(pid);
    return n === -1 ? undefined : this.table.get(n);
  }

  /** Whether `pid` is a live process of this runtime. */
  isAlive(pid: Pid): boolean {
    return this.local(pid) !== undefined;
  }

  /** The pids of every live process. */
  processes(): Pid[] {
    const out: Pid[] = [];
    for (const p of this.table.values()) out.push(p.pid);
    return out;
  }

  /** How many processes are alive. */
  get processCount(): number {
    return this.table.size;
  }

  /**
   * Introspection of a live local process (plain data), or `undefined`.
   *
   * @example
   * ```ts
   * rt.processInfo(pid)?.messageQueueLength;
   * ```
   */
  processInfo(pid: Pid): ProcessInfo | undefined {
    const p = this.local(pid);
    if (p === undefined) return undefined;
    const status =
      p.body !== null
        ? 'starting'
        : p.queued
          ? 'runnable'
          : p.waitMatch !== null || (p.handler !== null && !p.busy)
            ? 'waiting'
            : 'running';
    return {
      pid: p.pid,
      status,
      messageQueueLength: p.mailboxLength,
      links:
        p.links === null
          ? []
          : [...p.links.values()].filter((l) => l.unlinkId === 0n).map((l) => l.pid),
      monitors:
        p.monitors === null
          ? []
          : [...p.monitors.values()].map((m) => ({ ref: m.ref, object: signals.monitorObject(m) })),
      monitoredBy: p.watchers === null ? [] : p.watchers.values().map((w) => w.watcher),
      registeredName: p.name ?? undefined,
      messagesHandled: p.handled,
      currentFunction: p.label,
      trapExit: p.trapping,
      groupLeader: p.groupLeader ?? undefined,
    };
  }

  /**
   * A summary of the runtime as plain JSON (for the REPL and the dashboard).
   *
   * @example
   * ```ts
   * console.log(JSON.stringify(rt.inspect()));
   * ```
   */
  inspect(): {
    node: string;
    creation: number;
    processes: number;
    spawned: number;
    exited: number;
    registered: Record<string, string>;
    aliases: number;
    runQueue: number;
    remoteNodes: string[];
  } {
    const registered: Record<string, string> = {};
    for (const name of this.registry.registered()) {
      const p = this.registry.whereis(name)!;
      registered[name.name] = formatTerm(p.pid);
    }
    return {
      node: this.node.name,
      creation: this.creation,
      processes: this.table.size,
      spawned: this.spawned,
      exited: this.exited,
      registered,
      aliases: this.registry.aliasCount,
      runQueue: this.sched.length,
      remoteNodes: [...this.remoteRelations.keys()].map((a) => a.name),
    };
  }

  // ---- names -------------------------------------------------------------------

  /**
   * The pid registered under `name`, if any.
   *
   * @example
   * ```ts
   * rt.whereis('db');
   * ```
   */
  whereis(name: Atom | string): Pid | undefined {
    return this.registry.whereis(toAtom(name))?.pid;
  }

  /**
   * Registers a live local process under `name` (NameError when taken, NoProcError when
   * the pid is dead).
   *
   * @example
   * ```ts
   * rt.register('db', pid);
   * ```
   */
  register(name: Atom | string, pid: Pid): void {
    this.registry.register(toAtom(name), this.liveLocal(pid, 'register'));
  }

  /**
   * Removes a name (NameError when not registered, as `unregister/1`'s badarg).
   *
   * @example
   * ```ts
   * rt.unregister('db');
   * ```
   */
  unregister(name: Atom | string): void {
    const a = toAtom(name);
    if (!this.registry.unregister(a)) throw new NameError(a, `${a.name} is not registered`);
  }

  /**
   * Every registered name.
   *
   * @example
   * ```ts
   * rt.registered().map((a) => a.name);
   * ```
   */
  registered(): Atom[] {
    return this.registry.registered();
  }

  /**
   * A new reference, unique in this runtime.
   *
   * @example
   * ```ts
   * const ref = rt.makeRef();
   * ```
   */
  makeRef(): Ref {
    return this.ids.ref();
  }

  // ---- messages ----------------------------------------------------------------

  /**
   * Sends from outside any process (no sender; REG_SEND and ALIAS_SEND name the runtime's
   * `systemPid`). Throws `NameError` for an unregistered local atom name, like `!`.
   *
   * @example
   * ```ts
   * rt.send('logger', 'hello');
   * rt.send(['logger', 'b@host'], 'hello');
   * ```
   */
  send(dest: Dest, message: Term): void {
    void this.sendFrom(undefined, dest, message);
  }

  /**
   * @internal Returns a promise only when the message went to a busy connection (see
   * {@link Distribution.sendControl}); local sends return `undefined`.
   */
  sendFrom(from: Pid | undefined, dest: Dest, message: Term): Promise<void> | undefined {
    if (dest instanceof Pid) {
      const n = this.ids.localNumber(dest);
      if (n !== -1) {
        const p = this.table.get(n);
        if (p !== undefined) this.deliver(p, message);
      } else if (dest.node !== this.node) {
        return busyOf(
          this.dist?.sendControl(
            dest.node,
            from === undefined
              ? { op: 'SEND', to: dest, message }
              : { op: 'SEND', to: dest, from, message },
          ),
        );
      }
      return undefined;
    }
    if (typeof dest === 'string' || dest instanceof Atom) {
      const name = toAtom(dest);
      const p = this.registry.whereis(name);
      if (p === undefined) throw new NameError(name, `send: ${name.name} is not registered`);
      this.deliver(p, message);
      return undefined;
    }
    if (dest instanceof Ref) return this.sendAlias(from, dest, message);
    const name = toAtom(dest[0]);
    const node = toAtom(dest[1]);
    if (node === this.node) {
      const p = this.registry.whereis(name);
      if (p !== undefined) this.deliver(p, message);
      return undefined;
    }
    return busyOf(
      this.dist?.sendControl(node, {
        op: 'REG_SEND',
        from: from ?? this.systemPid,
        to: name,
        message,
      }),
    );
  }

  /**
   * @internal {@link sendFrom} to an alias (a reply to a call's `[alias | Ref]` tag): a
   * local alias is delivered, a remote one goes out as ALIAS_SEND.
   */
  sendAlias(from: Pid | undefined, dest: Ref, message: Term): Promise<void> | undefined {
    const key = this.ids.refNumber(dest);
    if (key !== -1) {
      this.deliverAlias(key, message);
    } else if (dest.node !== this.node) {
      return busyOf(
        this.dist?.sendControl(dest.node, {
          op: 'ALIAS_SEND',
          from: from ?? this.systemPid,
          alias: dest,
          message,
        }),
      );
    }
    return undefined;
  }

  /** @internal a message through local alias `key` */
  deliverAlias(key: number, message: Term): void {
    const entry = this.registry.alias(key);
    if (entry === undefined) return;
    const p = entry.proc;
    if (entry.mode === 'reply' || entry.mode === 'reply_demonitor') {
      this.registry.removeAlias(key);
      if (entry.mode === 'reply_demonitor') signals.dropMonitorByKey(this, p, key);
    }
    this.deliver(p, message);
  }

  /** @internal puts a message in a live process's mailbox, or resumes its receive */
  deliver(p: Process, message: Term): void {
    if (p.exitReason !== undefined) return;
    const match = p.waitMatch;
    if (match !== null) {
      let ok: boolean;
      if (match === ANY) ok = true;
      else {
        try {
          ok = match(message);
        } catch {
          ok = false;
        }
      }
      if (ok && !p.queued && this.sched.take()) {
        this.resolveWaiter(p, message);
        return;
      }
      (p.mailbox ??= new Mailbox()).push(message);
      if (ok) this.sched.enqueue(p);
      return;
    }
    (p.mailbox ??= new Mailbox()).push(message);
    if (p.handler !== null && !p.busy) this.sched.enqueue(p);
  }

  private resolveWaiter(p: Process, message: Term): void {
    const resolve = p.waitResolve!;
    p.waitMatch = null;
    p.waitResolve = null;
    if (p.waitTimer !== -1) {
      this.timeouts.cancel(p, p.waitTimer);
      p.waitTimer = -1;
    }
    p.handled++;
    resolve(message);
  }

  /** @internal the body of `Process.receive` */
  receiveFor(
    p: Process,
    match: ((m: Term) => boolean) | null,
    timeout: number,
  ): Promise<Term | undefined> {
    if (p.exitReason !== undefined)
      return Promise.reject(new ProcessExitedError(p.pid, p.exitReason));
    if (p.waitMatch !== null) {
      return Promise.reject(
        new ProcessUsageError(p.pid, 'receive called while another receive is pending'),
      );
    }
    const m = match ?? ANY;
    const box = p.mailbox;
    let deferred = false;
    if (box !== null && box.length > 0) {
      if (timeout === 0 || this.sched.take()) {
        const found = m === ANY ? box.shift() : box.take(m);
        if (found !== undefined) {
          p.handled++;
          return Promise.resolve(found);
        }
      } else {
        deferred = true;
      }
    }
    if (timeout <= 0 && !deferred) return Promise.resolve(undefined);
    return new Promise<Term | undefined>((resolve) => {
      p.waitMatch = m;
      p.waitResolve = resolve;
      if (timeout <= MAX_TIMEOUT) p.waitTimer = this.timeouts.add(p, Math.max(timeout, 0));
      if (deferred) this.sched.enqueue(p);
    });
  }

  // ---- the run queue -----------------------------------------------------------

  private run(p: Process): void {
    if (p.exitReason !== undefined) return;
    if (p.body !== null) {
      this.start(p);
      return;
    }
    const match = p.waitMatch;
    if (match !== null) {
      const box = p.mailbox;
      if (box === null) return;
      const found = match === ANY ? box.shift() : box.take(match);
      if (found !== undefined) this.resolveWaiter(p, found);
      return;
    }
    if (p.handler !== null && !p.busy) this.runHandler(p);
  }

  private start(p: Process): void {
    const body = p.body!;
    p.body = null;
    p.busy = true;
    let r: unknown;
    try {
      r = body(p);
    } catch (e) {
      this.bodyFailed(p, e);
      return;
    }
    if (isThenable(r)) {
      r.then(
        () => this.bodyDone(p),
        (e: unknown) => this.bodyFailed(p, e),
      );
    } else {
      this.bodyDone(p);
    }
  }

  private bodyDone(p: Process): void {
    if (p.exitReason !== undefined) return;
    p.busy = false;
    if (p.handler === null) {
      this.terminate(p, NORMAL);
    } else if (p.mailboxLength > 0) {
      this.sched.enqueue(p);
    }
  }

  private bodyFailed(p: Process, e: unknown): void {
    if (p.exitReason !== undefined) return;
    p.busy = false;
    if (e instanceof ExitError) {
      this.terminate(p, e.reason);
      return;
    }
    const reason = crashReason(e);
    this.logger.log(
      'error',
      `Error in process ${formatTerm(p.pid)} on node ${this.node.name} with exit value:\n${formatTerm(reason)}`,
      {
        pid: p.pid,
        error: e,
      },
    );
    this.terminate(p, reason);
  }

  private runHandler(p: Process): void {
    const box = p.mailbox;
    const handler = p.handler!;
    if (box === null) return;
    const limit = Math.max(1, Math.min(HANDLER_BATCH, this.sched.remaining + 1));
    let n = 0;
    while (n < limit) {
      const m = box.shift();
      if (m === undefined) break;
      n++;
      p.handled++;
      let r: unknown;
      try {
        r = handler(m);
      } catch (e) {
        this.bodyFailed(p, e);
        return;
      }
      if (p.exitReason !== undefined) return;
      if (isThenable(r)) {
        p.busy = true;
        this.sched.spend(n - 1);
        r.then(
          () => this.handlerDone(p),
          (e: unknown) => this.bodyFailed(p, e),
        );
        return;
      }
    }
    if (n > 1) this.sched.spend(n - 1);
    if (box.length > 0) this.sched.enqueue(p);
  }

  private handlerDone(p: Process): void {
    if (p.exitReason !== undefined) return;
    p.busy = false;
    if (p.mailboxLength > 0 && p.waitMatch === null) this.sched.enqueue(p);
  }

  // ---- signals (see signals.ts) -------------------------------------------------

  /** @internal ends a process now; links and monitors fire */
  terminate(p: Process, reason: Term): void {
    signals.terminate(this, p, reason);
    this.flushSignals();
  }

  /** @internal runs queued exit signals until none is left (no recursion) */
  flushSignals(): void {
    if (this.flushing || this.signalQueue.length === 0) return;
    this.flushing = true;
    const q = this.signalQueue;
    try {
      for (let i = 0; i < q.length; i++) {
        const [target, from, reason, isLink] = q[i]!;
        signals.receiveExitSignal(this, target, from, reason, isLink);
      }
    } finally {
      q.length = 0;
      this.flushing = false;
    }
  }

  /**
   * `exit/2` from outside any process (the signal's sender is `systemPid`).
   *
   * @example
   * ```ts
   * rt.exit(pid, atom('kill'));
   * ```
   */
  exit(pid: Pid, reason: Term): void {
    this.exitFrom(this.systemPid, pid, reason);
  }

  /** @internal exit/2 with a sender */
  exitFrom(from: Pid, pid: Pid, reason: Term): void {
    const p = this.local(pid);
    if (p !== undefined) {
      if (this.flushing) {
        this.signalQueue.push([p, from, reason, false]);
        return;
      }
      this.flushing = true;
      try {
        signals.receiveExitSignal(this, p, from, reason, false);
      } finally {
        this.flushing = false;
      }
      this.flushSignals();
    } else if (pid.node !== this.node) {
      void this.dist?.sendControl(pid.node, { op: 'EXIT2', from, to: pid, reason });
    }
  }

  /** @internal */
  link(p: Process, pid: Pid): void {
    signals.link(this, p, pid);
    this.flushSignals();
  }

  /** @internal */
  unlink(p: Process, pid: Pid): void {
    signals.unlink(this, p, pid);
  }

  /** @internal */
  monitor(
    p: Process,
    target: Pid | Atom | string | readonly [Atom | string, Atom | string],
    alias: AliasMode | null,
  ): Ref {
    return signals.monitor(this, p, target, alias);
  }

  /** @internal */
  demonitor(p: Process, ref: Ref, flush: boolean): boolean {
    return signals.demonitor(this, p, ref, flush);
  }

  /** @internal */
  createAlias(p: Process, ref: Ref, mode: AliasMode): Ref {
    this.registry.addAlias(this.ids.refNumber(ref), p, mode);
    return ref;
  }

  /** @internal */
  removeAlias(p: Process, ref: Ref): boolean {
    const key = this.ids.refNumber(ref);
    if (key === -1) return false;
    const entry = this.registry.alias(key);
    if (entry === undefined || entry.proc !== p) return false;
    return this.registry.removeAlias(key);
  }

  // ---- distribution -------------------------------------------------------------

  /**
   * Plugs in the distribution: remote destinations go out through `d.sendControl`. The
   * distribution must call {@link Runtime.nodeDown} when a connection is lost or cannot be
   * set up, and {@link Runtime.handleControl} for every control message that arrives.
   *
   * @example
   * ```ts
   * rt.attachDistribution({ sendControl: (node, msg) => connections.get(node)?.send(msg) });
   * ```
   */
  attachDistribution(d: Distribution): void {
    this.dist = d;
  }

  /**
   * A control message from `fromNode` for this node.
   *
   * @example
   * ```ts
   * connection.on('control', (msg) => rt.handleControl(peer, msg));
   * ```
   */
  handleControl(fromNode: Atom, message: ControlMessage): void {
    handleControl(this, fromNode, message);
    this.flushSignals();
  }

  /**
   * The connection to `node` is gone: links to its processes fire `noconnection`, monitors
   * on them deliver DOWN `noconnection`, and monitors they held here are dropped.
   *
   * @example
   * ```ts
   * rt.nodeDown(atom('b@host'));
   * ```
   */
  nodeDown(node: Atom | string, _reason?: Term): void {
    nodeDown(this, toAtom(node));
    this.flushSignals();
  }

  /**
   * Serves incoming SPAWN_REQUESTs (erpc): return the body to run for the request, or
   * `undefined` to let the process die with `undef` as BEAM does for an unknown function.
   *
   * @example
   * ```ts
   * rt.setSpawnHandler((req) => req.module.name === 'erpc' ? (self) => serve(self, req) : undefined);
   * ```
   */
  setSpawnHandler(handler: SpawnHandler | null): void {
    this.spawnHandler = handler;
  }

  /**
   * `erlang:group_leader/2`: makes `leader` the group leader of `pid` (local, or remote via
   * GROUP_LEADER). Processes spawned by a SPAWN_REQUEST start with the request's leader.
   *
   * @example
   * ```ts
   * rt.setGroupLeader(ioServer, worker);
   * ```
   */
  setGroupLeader(leader: Pid, pid: Pid): void {
    const p = this.local(pid);
    if (p !== undefined) p.groupLeader = leader;
    else if (pid.node !== this.node) {
      void this.dist?.sendControl(pid.node, { op: 'GROUP_LEADER', from: leader, to: pid });
    }
  }

  /** @internal */
  spawnRequest(
    p: Process,
    node: Atom | string,
    module: Atom | string,
    fn: Atom | string,
    args: readonly Term[],
    options?: { readonly link?: boolean; readonly monitor?: boolean },
  ): Ref {
    const ref = this.makeRef();
    const n = toAtom(node);
    const opts =
      options?.link === true
        ? options.monitor === true
          ? LINK_MONITOR
          : LINK_ONLY
        : options?.monitor === true
          ? MONITOR_ONLY
          : NO_OPTIONS;
    if (this.dist === null || n === this.node) {
      this.deliver(
        p,
        new Tuple([SPAWN_REPLY, ref, ERROR, this.dist === null ? NOCONNECTION : BADARG]),
      );
      return ref;
    }
    (p.spawnRequests ??= new SmallMap()).set(this.ids.refNumber(ref), { node: n, ref });
    this.trackRemote(p, n);
    void this.dist.sendControl(n, {
      op: 'SPAWN_REQUEST',
      reqId: ref,
      from: p.pid,
      groupLeader: p.groupLeader ?? this.systemPid,
      module: toAtom(module),
      function: toAtom(fn),
      arity: args.length,
      options: opts,
      args,
    });
    return ref;
  }

  /** @internal records that `p` has a link or monitor towards `node` */
  trackRemote(p: Process, node: Atom): void {
    // a MONITOR_P per gen_server:call from erl: the same node again
    if (p.trackedNode === node) return;
    let set = this.remoteRelations.get(node);
    if (set === undefined) this.remoteRelations.set(node, (set = new Set()));
    set.add(p);
    p.trackedNode = node;
  }

  /** @internal */
  newUnlinkId(): bigint {
    return this.nextUnlinkId++;
  }
}

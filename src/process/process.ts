/**
 * The process handle (`self`) and the state the runtime keeps for each process.
 *
 * One object per process holds both, and every collection is created on first use, so an
 * idle process costs a few hundred bytes (a million of them fit in one node).
 *
 * A process is one of two kinds, or both in turn:
 * - an **async body**: `async (self) => { const m = await self.receive(); ... }`;
 * - a **callback process**: the body calls `self.handle(fn)` and returns; from then on
 *   `fn(message)` runs once per message, in order. When `fn` returns a promise the process
 *   is busy until it settles (further messages wait, and `receive` still works inside
 *   `fn`, e.g. for a nested call). Behaviours (GenServer, Supervisor) are callback
 *   processes: no promise per message, no async loop.
 *
 * @module
 */
import { type Atom, type Pid, type Ref, type Term } from '../term/types.ts';
import { ExitError, ProcessExitedError, ProcessUsageError } from './errors.ts';
import type { Mailbox } from './mailbox.ts';
import type { Runtime } from './runtime.ts';
import type { SmallMap } from './small-map.ts';
import type { Watchers } from './watchers.ts';

/**
 * A process body: returning ends the process with reason `normal` (unless it installed a
 * handler with `self.handle`); throwing an {@link ExitError} ends it with that error's
 * reason; throwing anything else ends it with a crash reason (see `crashReason`).
 *
 * @example
 * ```ts
 * const body: ProcessBody = async (self) => { self.send(parent, await self.receive()) };
 * ```
 */
export type ProcessBody = (self: Process) => unknown;

/**
 * A callback process's message handler.
 *
 * @example
 * ```ts
 * const counter: MessageHandler = (m) => { if (m === 'inc') n++ };
 * ```
 */
export type MessageHandler = (message: Term) => unknown;

/** Destination: a pid, a local registered name, `[name, node]` (remote or local), or an alias. */
export type Dest = Pid | Atom | string | readonly [Atom | string, Atom | string] | Ref;

/** What `receive` accepts. */
export interface ReceiveOptions {
  /** Milliseconds to wait: 0 polls, `Infinity` (the default) waits for ever. */
  readonly timeout?: number;
}

/** How an alias is deactivated (erlang:alias/1, erlang:monitor/3 `{alias, _}`). */
export type AliasMode = 'explicit_unalias' | 'demonitor' | 'reply' | 'reply_demonitor';

/** Options of `monitor`. */
export interface MonitorOptions {
  /** Make the monitor's ref an alias of the watcher, deactivated as `mode` says. */
  readonly alias?: AliasMode;
}

/** One link as the OTP 26 link protocol keeps it: active, or an unlink in flight. */
export interface LinkState {
  readonly pid: Pid;
  /** 0n when active; the id of our outstanding UNLINK_ID otherwise. */
  unlinkId: bigint;
}

/** A monitor this process holds (it is the watcher). */
export interface MonitorEntry {
  readonly ref: Ref;
  /** The monitored pid; null for a remote monitor by name. */
  readonly target: Pid | null;
  /** The registered name when monitored by name. */
  readonly name: Atom | null;
  /** The monitored process's node (the DOWN names `{name, node}` for a monitor by name). */
  readonly node: Atom;
  aliasMode: AliasMode | null;
}

/** A monitor on this process held by someone else. */
export interface WatcherEntry {
  readonly ref: Ref;
  readonly watcher: Pid;
  readonly name: Atom | null;
}

/** Introspection of one process (plain data). */
export interface ProcessInfo {
  readonly pid: Pid;
  readonly status: 'starting' | 'running' | 'waiting' | 'runnable' | 'exiting';
  readonly messageQueueLength: number;
  readonly links: Pid[];
  readonly monitors: { ref: Ref; object: Term }[];
  readonly monitoredBy: Pid[];
  readonly registeredName: Atom | undefined;
  readonly messagesHandled: number;
  readonly currentFunction: string | undefined;
  readonly trapExit: boolean;
  readonly groupLeader: Pid | undefined;
}

/** Options of `spawn` from inside a process. */
export interface ChildSpawnOptions {
  readonly trapExit?: boolean;
  readonly name?: Atom | string;
  readonly label?: string;
}

/** What `sendAsync` returns when there is nothing to wait for. */
const SENT: Promise<void> = Promise.resolve();

const BUSY = 1;
const QUEUED = 2;
const TRAPPING = 4;

/** The rarely used part of a process's state. */
class ProcessExtra {
  links: Map<number | string, LinkState> | null = null;
  monitors: SmallMap<number | string, MonitorEntry> | null = null;
  watchers: Watchers | null = null;
  aliases: Set<number> | null = null;
  name: Atom | null = null;
  label: string | undefined = undefined;
  groupLeader: Pid | null = null;
  spawnRequests: SmallMap<number, { readonly node: Atom; readonly ref: Ref }> | null = null;
  trackedNode: Atom | null = null;
}

/**
 * The handle a process body receives: `self` in Erlang terms.
 *
 * @example
 * ```ts
 * rt.spawn(async (self) => {
 *   const [pid, ref] = self.spawnMonitor(async () => 42);
 *   const down = await self.receive(); // {'DOWN', ref, process, pid, normal}
 * });
 * ```
 */
export class Process {
  readonly pid: Pid;
  readonly runtime: Runtime;

  /** @internal */ body: ProcessBody | null;
  /** @internal */ mailbox: Mailbox | null = null;
  /** @internal */ waitMatch: ((m: Term) => boolean) | null = null;
  /** @internal resolves the pending receive (with a rejected promise when killed) */
  waitResolve: ((m: Term | undefined | PromiseLike<never>) => void) | null = null;
  /** @internal the timeout bucket of the pending receive (see timeouts.ts), or -1 */
  waitTimer = -1;
  /** @internal */ handler: MessageHandler | null = null;
  /** @internal set once the process is dead */ exitReason: Term | undefined = undefined;
  /** @internal */ handled = 0;
  /** @internal busy | queued | trapping bits */ private flags = 0;
  /** @internal rarely used state, created on first use (keeps idle processes small) */
  private ext: ProcessExtra | null = null;

  /** @internal Created by the runtime only. */
  constructor(runtime: Runtime, pid: Pid, body: ProcessBody | null) {
    this.runtime = runtime;
    this.pid = pid;
    this.body = body;
  }

  /** @internal the process-table key */
  get num(): number {
    return this.pid.id + (this.pid.serial << 15);
  }

  /** @internal */ get busy(): boolean {
    return (this.flags & BUSY) !== 0;
  }
  set busy(v: boolean) {
    this.flags = v ? this.flags | BUSY : this.flags & ~BUSY;
  }
  /** @internal owned by the scheduler */ get queued(): boolean {
    return (this.flags & QUEUED) !== 0;
  }
  set queued(v: boolean) {
    this.flags = v ? this.flags | QUEUED : this.flags & ~QUEUED;
  }
  /** @internal */ get trapping(): boolean {
    return (this.flags & TRAPPING) !== 0;
  }
  set trapping(v: boolean) {
    this.flags = v ? this.flags | TRAPPING : this.flags & ~TRAPPING;
  }

  private extra(): ProcessExtra {
    return (this.ext ??= new ProcessExtra());
  }
  /** @internal */ get links(): Map<number | string, LinkState> | null {
    return this.ext === null ? null : this.ext.links;
  }
  set links(v: Map<number | string, LinkState> | null) {
    if (v !== null || this.ext !== null) this.extra().links = v;
  }
  /** @internal monitors this process holds */ get monitors(): SmallMap<
    number | string,
    MonitorEntry
  > | null {
    return this.ext === null ? null : this.ext.monitors;
  }
  set monitors(v: SmallMap<number | string, MonitorEntry> | null) {
    if (v !== null || this.ext !== null) this.extra().monitors = v;
  }
  /** @internal monitors on this process */ get watchers(): Watchers | null {
    return this.ext === null ? null : this.ext.watchers;
  }
  set watchers(v: Watchers | null) {
    if (v !== null || this.ext !== null) this.extra().watchers = v;
  }
  /** @internal alias keys owned by this process */ get aliases(): Set<number> | null {
    return this.ext === null ? null : this.ext.aliases;
  }
  set aliases(v: Set<number> | null) {
    if (v !== null || this.ext !== null) this.extra().aliases = v;
  }
  /** @internal */ get name(): Atom | null {
    return this.ext === null ? null : this.ext.name;
  }
  set name(v: Atom | null) {
    if (v !== null || this.ext !== null) this.extra().name = v;
  }
  /** @internal */ get label(): string | undefined {
    return this.ext === null ? undefined : this.ext.label;
  }
  set label(v: string | undefined) {
    if (v !== undefined || this.ext !== null) this.extra().label = v;
  }
  /** @internal */ get groupLeader(): Pid | null {
    return this.ext === null ? null : this.ext.groupLeader;
  }
  set groupLeader(v: Pid | null) {
    if (v !== null || this.ext !== null) this.extra().groupLeader = v;
  }
  /** @internal outstanding spawn requests (erpc) by ref key */
  get spawnRequests(): SmallMap<number, { readonly node: Atom; readonly ref: Ref }> | null {
    return this.ext === null ? null : this.ext.spawnRequests;
  }
  set spawnRequests(v: SmallMap<number, { readonly node: Atom; readonly ref: Ref }> | null) {
    if (v !== null || this.ext !== null) this.extra().spawnRequests = v;
  }

  /**
   * @internal a node whose `runtime.remoteRelations` set holds this process (the last one
   * added to): `trackRemote` skips the set then
   */
  get trackedNode(): Atom | null {
    return this.ext === null ? null : this.ext.trackedNode;
  }
  set trackedNode(v: Atom | null) {
    if (v !== null || this.ext !== null) this.extra().trackedNode = v;
  }

  /** How many messages wait in the mailbox. */
  get mailboxLength(): number {
    return this.mailbox === null ? 0 : this.mailbox.length;
  }

  /** Whether the process is still alive. */
  get alive(): boolean {
    return this.exitReason === undefined;
  }

  /**
   * Selective receive: removes and returns the oldest message `match` accepts (any message
   * when omitted). Resolves `undefined` after `timeout` ms (0 polls). Rejects with
   * {@link ProcessExitedError} if the process dies meanwhile.
   *
   * @example
   * ```ts
   * const reply = await self.receive((m) => m instanceof Tuple && m.elements[0] === ref, { timeout: 1000 });
   * ```
   */
  receive(match?: (message: Term) => boolean, options?: ReceiveOptions): Promise<Term | undefined> {
    return this.runtime.receiveFor(this, match ?? null, options?.timeout ?? Infinity);
  }

  /**
   * Takes the oldest matching message now, without waiting: `undefined` when none. The
   * cheapest way to drain a busy mailbox from an async body.
   *
   * @example
   * ```ts
   * let m; while ((m = self.poll()) !== undefined) handle(m);
   * ```
   */
  poll(match?: (message: Term) => boolean): Term | undefined {
    const box = this.mailbox;
    if (box === null || this.exitReason !== undefined) return undefined;
    const m = match === undefined ? box.shift() : box.take(match);
    if (m !== undefined) this.handled++;
    return m;
  }

  /**
   * Sends `message` to `dest` (dropped silently when this process is dead, or the pid or
   * remote name does not exist; an unregistered local atom name throws `NameError`).
   *
   * @example
   * ```ts
   * self.send(['logger', 'b@host'], tuple(atom('log'), 'hi'));
   * ```
   */
  send(dest: Dest, message: Term): void {
    if (this.exitReason !== undefined) return;
    void this.runtime.sendFrom(this.pid, dest, message);
  }

  /**
   * Sends like {@link send}, then waits while the connection the message went out on is
   * busy — its outgoing buffer past the node's `distBuffer.busyLimit` (erl's `+zdbbl`) —
   * until it drains below the limit or closes. This is what BEAM does to a process that
   * sends on a busy distribution port (it is suspended), so a producer paced by
   * `sendAsync` never outruns a slow peer and never loses messages to the buffer's hard
   * limit. Local sends, and remote ones on a connection that is not busy, return one
   * shared resolved promise (no allocation per message); a send that starts a connection
   * waits for its setup. The message is queued before the wait: it is never dropped for
   * being busy. Never rejects (a closed connection loses the message, as `send` does).
   *
   * @example
   * ```ts
   * rt.spawn(async (self) => {
   *   for (const row of rows) await self.sendAsync(['sink', 'b@host'], row);
   * });
   * ```
   */
  sendAsync(dest: Dest, message: Term): Promise<void> {
    if (this.exitReason !== undefined) return SENT;
    try {
      return this.runtime.sendFrom(this.pid, dest, message) ?? SENT;
    } catch (e) {
      return Promise.reject(e as Error); // as an async function would: a name not registered
    }
  }

  /**
   * Switches this process to callback mode: once the body returns, `handler` runs once per
   * message. Call it from the body (usually last).
   *
   * @example
   * ```ts
   * rt.spawn((self) => { let n = 0; self.handle((m) => { if (m === 'inc') n++ }) });
   * ```
   */
  handle(handler: MessageHandler): void {
    this.handler = handler;
  }

  /**
   * Spawns an unlinked process.
   *
   * @example
   * ```ts
   * const child = self.spawn(async (c) => c.send(self.pid, 'hi'));
   * ```
   */
  spawn(body: ProcessBody, options?: ChildSpawnOptions): Pid {
    return this.runtime.spawn(body, options);
  }

  /**
   * Spawns a process linked to this one, atomically.
   *
   * @example
   * ```ts
   * self.trapExit(true);
   * const child = self.spawnLink(async () => { throw new Error('boom') });
   * await self.receive(); // {'EXIT', child, CrashReason}
   * ```
   */
  spawnLink(body: ProcessBody, options?: ChildSpawnOptions): Pid {
    this.assertAlive('spawnLink');
    return this.runtime.spawn(body, { ...options, link: this.pid });
  }

  /**
   * Spawns a process monitored by this one, atomically: `[pid, monitorRef]`.
   *
   * @example
   * ```ts
   * const [pid, ref] = self.spawnMonitor(async () => 'done');
   * ```
   */
  spawnMonitor(body: ProcessBody, options?: ChildSpawnOptions): [Pid, Ref] {
    this.assertAlive('spawnMonitor');
    return this.runtime.spawnMonitor(body, this.pid, options);
  }

  /**
   * Links to `pid` (local or remote). Linking to a dead local process throws `NoProcError`
   * unless this process traps exits, in which case `{'EXIT', Pid, noproc}` arrives (as
   * BEAM does).
   *
   * @example
   * ```ts
   * self.link(otherPid);
   * ```
   */
  link(pid: Pid): void {
    this.assertAlive('link');
    this.runtime.link(this, pid);
  }

  /**
   * Removes the link to `pid`, if any (the OTP 26 UNLINK_ID protocol for remote links).
   *
   * @example
   * ```ts
   * self.unlink(otherPid);
   * ```
   */
  unlink(pid: Pid): void {
    if (this.exitReason !== undefined) return;
    this.runtime.unlink(this, pid);
  }

  /**
   * Monitors a pid, a local name, or `[name, node]`. The DOWN message is
   * `{'DOWN', Ref, process, PidOrNameTuple, Reason}` (`noproc` at once when the target
   * does not exist; `{Name, Node}` as the object when monitored by name).
   *
   * @example
   * ```ts
   * const ref = self.monitor(['db', 'b@host'], { alias: 'demonitor' });
   * ```
   */
  monitor(
    target: Pid | Atom | string | readonly [Atom | string, Atom | string],
    options?: MonitorOptions,
  ): Ref {
    this.assertAlive('monitor');
    return this.runtime.monitor(this, target, options?.alias ?? null);
  }

  /**
   * Removes a monitor; `flush` also removes its DOWN message if it already arrived.
   * Returns whether the monitor was still active.
   *
   * @example
   * ```ts
   * self.demonitor(ref, { flush: true });
   * ```
   */
  demonitor(ref: Ref, options?: { readonly flush?: boolean }): boolean {
    if (this.exitReason !== undefined) return false;
    return this.runtime.demonitor(this, ref, options?.flush === true);
  }

  /**
   * Sets whether exit signals become `{'EXIT', From, Reason}` messages; returns the old
   * value.
   *
   * @example
   * ```ts
   * self.trapExit(true);
   * ```
   */
  trapExit(on: boolean): boolean {
    const old = this.trapping;
    this.trapping = on;
    return old;
  }

  /**
   * Ends this process with `reason` by throwing an {@link ExitError} that unwinds the body
   * (do not catch it).
   *
   * @example
   * ```ts
   * if (bad) self.exit(tuple(atom('shutdown'), 'bad input'));
   * ```
   */
  exit(reason: Term): never {
    throw new ExitError(reason, 'process exit');
  }

  /**
   * `exit/2`: sends an exit signal with `reason` to `pid` (see the exit-signal rules in
   * docs/process.md). When the signal kills this very process, this throws an
   * {@link ExitError} to unwind the body.
   *
   * @example
   * ```ts
   * self.exitProcess(worker, atom('shutdown'));
   * ```
   */
  exitProcess(pid: Pid, reason: Term): void {
    if (this.exitReason !== undefined) return;
    this.runtime.exitFrom(this.pid, pid, reason);
    if (this.exitReason !== undefined) throw new ExitError(this.exitReason, 'process exit');
  }

  /**
   * Registers this process under `name`.
   *
   * @example
   * ```ts
   * self.register('db');
   * ```
   */
  register(name: Atom | string): void {
    this.runtime.register(name, this.pid);
  }

  /**
   * Creates an alias (OTP 24): messages sent to the returned ref reach this process while
   * it is active. `explicitUnalias`: only `unalias` deactivates it; `reply`: the first
   * message through it deactivates it.
   *
   * @example
   * ```ts
   * const a = self.alias({ reply: true });
   * other.send(a, 'once');
   * ```
   */
  alias(options?: { readonly explicitUnalias?: boolean; readonly reply?: boolean }): Ref {
    this.assertAlive('alias');
    const mode: AliasMode = options?.reply
      ? 'reply'
      : options?.explicitUnalias
        ? 'explicit_unalias'
        : 'explicit_unalias';
    return this.runtime.createAlias(this, this.runtime.makeRef(), mode);
  }

  /**
   * Deactivates an alias of this process; false when it was not active.
   *
   * @example
   * ```ts
   * self.unalias(a);
   * ```
   */
  unalias(ref: Ref): boolean {
    return this.runtime.removeAlias(this, ref);
  }

  /**
   * A new unique reference.
   *
   * @example
   * ```ts
   * const tag = self.makeRef();
   * ```
   */
  makeRef(): Ref {
    return this.runtime.makeRef();
  }

  /**
   * `erlang:spawn_request/5`: asks `node` to spawn `module:fn(...args)`. The answer arrives
   * as a message `{spawn_reply, ReqId, ok, Pid}` or `{spawn_reply, ReqId, error, Reason}`
   * (`noconnection` when the node goes down first). With `monitor`, the monitor's ref is
   * ReqId; with `link`, the new process is linked.
   *
   * @example
   * ```ts
   * const req = self.spawnRequest('b@host', 'erpc', 'execute_call', [ref, m, f, a], { monitor: true });
   * ```
   */
  spawnRequest(
    node: Atom | string,
    module: Atom | string,
    fn: Atom | string,
    args: readonly Term[],
    options?: { readonly link?: boolean; readonly monitor?: boolean },
  ): Ref {
    this.assertAlive('spawnRequest');
    return this.runtime.spawnRequest(this, node, module, fn, args, options);
  }

  /**
   * Sets the "current function / behaviour" shown by `processInfo`.
   *
   * @example
   * ```ts
   * self.setLabel('GenServer Counter');
   * ```
   */
  setLabel(label: string): void {
    this.label = label;
  }

  private assertAlive(action: string): void {
    if (this.exitReason !== undefined) {
      throw new ProcessExitedError(this.pid, this.exitReason);
    }
    if (action === '') throw new ProcessUsageError(this.pid, action);
  }
}

/**
 * One pg scope: process groups with eventually consistent membership, speaking OTP's
 * `pg` protocol (kernel's `pg.erl`, OTP 23+) so that BEAM nodes and beamlink nodes share
 * groups as equals.
 *
 * ## Exchange protocol (what travels between scope processes)
 *
 * A scope is one process registered under the scope's name (default `pg`) on every node
 * that runs it; the scopes of one name form an overlay network. Every message below goes
 * from scope process to scope process:
 *
 * ```
 * {discover, ScopePid}                              % to {Scope, Node}: at start, to every
 *                                                   %   visible node; then on each nodeup
 * {'$gen_cast', {sync, ScopePid, [{Group, Pids}]}}  % answer to discover (a gen_server cast
 *                                                   %   to the discoverer's pid): every local
 *                                                   %   member, grouped; replaces all that
 *                                                   %   the receiver knew from that scope
 * {join, ScopePid, Group, Pid | [Pid]}              % local pids joined
 * {leave, ScopePid, Pid | [Pid], [Group]}           % local pids left, or a member died
 * ```
 *
 * A scope that receives `{discover, Peer}` from an unknown peer also monitors the peer's
 * scope pid and sends `{discover, self()}` back, so both sides sync. Join and leave go to
 * every known peer scope with `noconnect` (a message never opens a connection). Knowledge
 * of a peer is dropped when the monitor on its scope pid fires — the scope died, or the
 * connection went down (`noconnection`); `nodedown` itself is ignored. Local members are
 * monitored by their own scope, which tells the peers when they die: remote members are
 * never monitored. Only visible nodes are discovered (hidden ones never are).
 *
 * OTP 25's pg crashes on any message it does not know (`handle_info(_, _) ->
 * erlang:error(badarg)`), so this scope sends nothing else. OTP 26+ also accepts
 * `{discover, Pid, Vsn}`; this scope accepts both forms but only sends the first. It
 * tolerates what pg does not: malformed messages are logged and dropped.
 *
 * Local notifications (`pg:monitor_scope/1`, `pg:monitor/2`, OTP 25.1+): a watcher gets
 * `{Ref, join, Group, Pids}` and `{Ref, leave, Group, Pids}`. The scope also answers the
 * gen_server calls `monitor`, `{monitor, Group}` and `{demonitor, Ref}` as pg does, so a
 * BEAM process can watch a beamlink scope with `gen_server:call({pg, Node}, monitor)`.
 *
 * Reads (`getMembers`, `whichGroups`…) are table lookups, as pg's are ETS reads; writes
 * (`join`, `leave`) run synchronously on the JS side — the event loop serialises them
 * with the scope's messages as pg's gen_server calls do.
 *
 * @module
 */
import type { BeamNode, NodeService } from '../kernel/start-node.ts';
import type { ConnectionState } from '../node/connections.ts';
import type { MonitorNodesOptions, NodeEventListener } from '../node/events.ts';
import { formatTerm } from '../process/format.ts';
import type { Process } from '../process/process.ts';
import type { Runtime } from '../process/runtime.ts';
import { Atom, ImproperList, Pid, Ref, Tuple, atom, type Term } from '../term/types.ts';
import { PgNotLocalError, PgScopeError } from './errors.ts';
import { GroupTable, removeEach } from './table.ts';
import { termKey } from './term-key.ts';

/**
 * What a scope needs from its node: a runtime and node events. `BeamNode` fits.
 *
 * @example
 * ```ts
 * const host: PgHost = await startNode({ sname: 'ts1', cookie: 'c' }); // a BeamNode fits
 * await startScope(host);
 * ```
 */
export interface PgHost {
  readonly runtime: Runtime;
  /** Connected visible nodes (`nodes()`). */
  nodes(kind?: 'visible'): Atom[];
  /** `net_kernel:monitor_nodes/2`; returns the unsubscribe function. */
  monitorNodes(listener: NodeEventListener, options?: MonitorNodesOptions): () => void;
  /** The connection state toward a node; lets sends honour `noconnect`. */
  connectionState?(node: Atom | string): ConnectionState | undefined;
}

/**
 * Options of {@link startScope}.
 *
 * @example
 * ```ts
 * const chat = await startScope(node, { scope: 'chat' });
 * ```
 */
export interface ScopeOptions {
  /** The scope name, registered locally (default `pg`, the default scope of OTP). */
  readonly scope?: Atom | string;
}

/**
 * What `monitorScope` returns: the monitor ref and every group's members now.
 *
 * @example
 * ```ts
 * const { ref, groups } = pg.monitorScope(self.pid);
 * for (const [group, pids] of groups) console.log(group, pids.length);
 * ```
 */
export interface ScopeMonitor {
  readonly ref: Ref;
  readonly groups: Map<Term, readonly Pid[]>;
}

/**
 * What `monitor` returns: the monitor ref and the group's members now.
 *
 * @example
 * ```ts
 * const { ref, members } = pg.monitor(self.pid, 'workers');
 * ```
 */
export interface GroupMonitor {
  readonly ref: Ref;
  readonly members: readonly Pid[];
}

const DISCOVER = atom('discover');
const SYNC = atom('sync');
const JOIN = atom('join');
const LEAVE = atom('leave');
const DOWN = atom('DOWN');
const GEN_CAST = atom('$gen_cast');
const GEN_CALL = atom('$gen_call');
const MONITOR = atom('monitor');
const DEMONITOR = atom('demonitor');
const ALIAS = atom('alias');
const OK = atom('ok');

interface LocalEntry {
  readonly pid: Pid;
  readonly mref: Ref;
  /** Keys of the groups joined, once per join (a multiset, as pg's list). */
  groups: string[];
}

interface RemoteEntry {
  readonly pid: Pid;
  readonly mref: Ref;
  groups: Map<string, { readonly group: Term; pids: Pid[] }>;
}

interface Watcher {
  readonly ref: Ref;
  readonly pid: Pid;
  /** The group key for a group monitor; null for a scope monitor. */
  readonly group: string | null;
}

const scopes = new WeakMap<Runtime, Map<Atom, PgScope>>();

function pidList(t: Term): Pid[] | null {
  if (t instanceof Pid) return [t];
  if (!Array.isArray(t)) return null;
  for (const p of t as readonly Term[]) if (!(p instanceof Pid)) return null;
  return t as Pid[];
}

function tupleOf(t: Term, size: number, tag: Atom): readonly Term[] | null {
  return t instanceof Tuple && t.elements.length === size && t.elements[0] === tag
    ? t.elements
    : null;
}

/**
 * A running pg scope on one node. Start one with {@link startScope} (or {@link pgService}).
 *
 * @example
 * ```ts
 * const pg = await startScope(node);              // scope `pg`
 * pg.join('workers', self.pid);
 * pg.getMembers('workers');                       // every member, on every node
 * const { ref } = pg.monitor(self.pid, 'workers'); // {Ref, join | leave, Group, Pids}
 * ```
 */
export class PgScope {
  /** The scope name (the registered name of its process). */
  readonly name: Atom;
  /** The scope process. */
  readonly pid: Pid;
  readonly runtime: Runtime;

  private readonly host: PgHost;
  private readonly self: Process;
  private readonly table = new GroupTable();
  private readonly local = new Map<string, LocalEntry>();
  private readonly remote = new Map<string, RemoteEntry>();
  private readonly watchers = new Map<string, Watcher>();
  private readonly groupWatchers = new Map<string, Set<string>>();
  private offNodes: (() => void) | null = null;
  private running = true;

  /** @internal use {@link startScope}. */
  constructor(host: PgHost, name: Atom, self: Process) {
    this.host = host;
    this.runtime = host.runtime;
    this.name = name;
    this.self = self;
    this.pid = self.pid;
  }

  // ---- reads ----------------------------------------------------------------------

  /**
   * Every member of `group`, local and remote (`pg:get_members/2`); `[]` for an unknown
   * group. The array is shared and frozen: do not mutate it.
   *
   * @example
   * ```ts
   * for (const pid of pg.getMembers(tuple(atom('room'), 1))) self.send(pid, 'hi');
   * ```
   */
  getMembers(group: Term): readonly Pid[] {
    return this.table.members(termKey(group));
  }

  /**
   * The members of `group` on this node (`pg:get_local_members/2`).
   *
   * @example
   * ```ts
   * pg.getLocalMembers('workers').length;
   * ```
   */
  getLocalMembers(group: Term): readonly Pid[] {
    return this.table.localMembers(termKey(group));
  }

  /**
   * Every group with at least one member anywhere (`pg:which_groups/1`).
   *
   * @example
   * ```ts
   * pg.whichGroups(); // ['workers', {room, 1}]
   * ```
   */
  whichGroups(): Term[] {
    return this.table.groups();
  }

  /**
   * Every group with a member on this node (`pg:which_local_groups/1`).
   *
   * @example
   * ```ts
   * pg.whichLocalGroups();
   * ```
   */
  whichLocalGroups(): Term[] {
    return this.table.localGroups();
  }

  /** Whether the scope process still runs. */
  get alive(): boolean {
    if (this.running && !this.runtime.isAlive(this.pid)) this.terminate();
    return this.running;
  }

  // ---- writes ---------------------------------------------------------------------

  /**
   * Joins one local pid or several to `group` (`pg:join/3`). A pid may join a group more
   * than once; it is then listed once per join. Throws {@link PgNotLocalError} for a pid
   * of another node.
   *
   * @example
   * ```ts
   * pg.join('workers', [a, b]);
   * ```
   */
  join(group: Term, pidOrPids: Pid | readonly Pid[]): void {
    const pids = this.checkLocal(pidOrPids);
    const key = termKey(group);
    for (const pid of pids) {
      const entry = this.local.get(pid.key);
      if (entry !== undefined) entry.groups.push(key);
      else this.local.set(pid.key, { pid, mref: this.self.monitor(pid), groups: [key] });
    }
    this.table.add(group, key, pids, true);
    this.notify(JOIN, group, key, pids);
    this.broadcast(new Tuple([JOIN, this.pid, group, pidOrPids as Term]));
  }

  /**
   * Makes local pids leave `group` (`pg:leave/3`): `true` when at least one was a member
   * (pg's `ok`), `false` when none was (`not_joined`).
   *
   * @example
   * ```ts
   * pg.leave('workers', self.pid);
   * ```
   */
  leave(group: Term, pidOrPids: Pid | readonly Pid[]): boolean {
    const pids = this.checkLocal(pidOrPids);
    const key = termKey(group);
    const left: Pid[] = [];
    for (const pid of pids) {
      const entry = this.local.get(pid.key);
      const i = entry === undefined ? -1 : entry.groups.indexOf(key);
      if (i === -1) continue;
      entry!.groups.splice(i, 1);
      if (entry!.groups.length === 0) {
        this.self.demonitor(entry!.mref);
        this.local.delete(pid.key);
      }
      left.push(pid);
    }
    if (left.length === 0) return false;
    this.table.remove(key, left, true);
    this.notify(LEAVE, group, key, left);
    const payload: Term = pidOrPids instanceof Pid ? pidOrPids : left;
    this.broadcast(new Tuple([LEAVE, this.pid, payload, [group]]));
    return true;
  }

  // ---- monitoring -----------------------------------------------------------------

  /**
   * Watches every group of the scope (`pg:monitor_scope/1`): `watcher` gets
   * `{Ref, join, Group, Pids}` and `{Ref, leave, Group, Pids}` until {@link demonitor}
   * or its death.
   *
   * @example
   * ```ts
   * const { ref, groups } = pg.monitorScope(self.pid);
   * ```
   */
  monitorScope(watcher: Pid): ScopeMonitor {
    const ref = this.watch(watcher, null);
    return { ref, groups: this.table.snapshot() };
  }

  /**
   * Watches one group (`pg:monitor/2`): `{Ref, join | leave, Group, Pids}` messages.
   *
   * @example
   * ```ts
   * const { ref, members } = pg.monitor(self.pid, 'workers');
   * ```
   */
  monitor(watcher: Pid, group: Term): GroupMonitor {
    const key = termKey(group);
    const ref = this.watch(watcher, key);
    return { ref, members: this.table.members(key) };
  }

  /**
   * Stops a `monitorScope` or `monitor` (`pg:demonitor/2`); `false` for an unknown ref.
   * Messages already sent stay in the watcher's mailbox.
   *
   * @example
   * ```ts
   * pg.demonitor(ref);
   * ```
   */
  demonitor(ref: Ref): boolean {
    const w = this.watchers.get(ref.key);
    if (w === undefined) return false;
    if (this.running) this.self.demonitor(ref);
    this.dropWatcher(w);
    return true;
  }

  /**
   * Stops the scope: its process exits, and every member it knew is forgotten (pg's ETS
   * table goes with its process). Peers notice through their monitors.
   *
   * @example
   * ```ts
   * pg.stop();
   * ```
   */
  stop(): void {
    if (!this.running) return;
    const pid = this.pid;
    this.terminate();
    this.runtime.exit(pid, atom('shutdown'));
  }

  /**
   * The scope's state as plain JSON (for the REPL and the dashboard).
   *
   * @example
   * ```ts
   * console.log(pg.inspect().groups);
   * ```
   */
  inspect(): {
    scope: string;
    pid: string;
    groups: number;
    localMembers: number;
    peers: { pid: string; node: string; groups: number }[];
    monitors: number;
  } {
    return {
      scope: this.name.name,
      pid: formatTerm(this.pid),
      groups: this.table.size,
      localMembers: this.local.size,
      peers: [...this.remote.values()].map((r) => ({
        pid: formatTerm(r.pid),
        node: r.pid.node.name,
        groups: r.groups.size,
      })),
      monitors: this.watchers.size,
    };
  }

  // ---- the scope process ------------------------------------------------------------

  /** @internal runs once the process started: discover, then handle messages. */
  init(): void {
    for (const node of this.host.nodes('visible')) this.discover(node);
    this.offNodes = this.host.monitorNodes(
      (event) => {
        if (!this.alive) return;
        if (event.type === 'nodeup' && event.node !== this.runtime.node) this.discover(event.node);
      },
      { nodeType: 'visible' },
    );
    this.self.handle((m) => this.handleMessage(m));
  }

  private discover(node: Atom): void {
    this.sendNoconnect([this.name, node], new Tuple([DISCOVER, this.pid]));
  }

  private handleMessage(m: Term): void {
    if (!(m instanceof Tuple) || m.elements.length === 0) return this.unexpected(m);
    const e = m.elements;
    const tag = e[0];
    if (tag === JOIN && e.length === 4 && e[1] instanceof Pid) return this.remoteJoin(e);
    if (tag === LEAVE && e.length === 4 && e[1] instanceof Pid) return this.remoteLeave(e);
    if (tag === DOWN && e.length === 5 && e[1] instanceof Ref && e[3] instanceof Pid) {
      return this.down(e[1], e[3]);
    }
    // A peer scope is on another node: one scope per name per node.
    const remotePeer = (p: Term | undefined): p is Pid =>
      p instanceof Pid && p.node !== this.runtime.node;
    if (tag === DISCOVER && (e.length === 2 || e.length === 3) && remotePeer(e[1])) {
      return this.handleDiscover(e[1]);
    }
    if (tag === GEN_CAST && e.length === 2) {
      const s = tupleOf(e[1]!, 3, SYNC);
      if (s !== null && remotePeer(s[1]) && Array.isArray(s[2])) {
        return this.handleSync(s[1], s[2] as readonly Term[]);
      }
    }
    if (tag === GEN_CALL && e.length === 3 && e[1] instanceof Tuple)
      return this.handleCall(e[1], e[2]!);
    this.unexpected(m);
  }

  private unexpected(m: Term): void {
    this.runtime.logger.log('warn', `pg ${this.name.name}: dropped an unexpected message`, {
      message: m,
    });
  }

  private handleDiscover(peer: Pid): void {
    this.self.send(peer, new Tuple([GEN_CAST, new Tuple([SYNC, this.pid, this.localGroups()])]));
    if (!this.remote.has(peer.key)) {
      const mref = this.self.monitor(peer);
      this.remote.set(peer.key, { pid: peer, mref, groups: new Map() });
      this.sendNoconnect(peer, new Tuple([DISCOVER, this.pid]));
    }
  }

  /** `all_local_pids/1`: `[{Group, [Pid]}]` of every local member. */
  private localGroups(): Term[] {
    const byGroup = new Map<string, Pid[]>();
    for (const entry of this.local.values()) {
      for (const key of entry.groups) {
        const list = byGroup.get(key);
        if (list === undefined) byGroup.set(key, [entry.pid]);
        else list.push(entry.pid);
      }
    }
    const out: Term[] = [];
    for (const [key, pids] of byGroup) {
      const group = this.table.group(key);
      if (group !== undefined) out.push(new Tuple([group, pids]));
    }
    return out;
  }

  private handleSync(peer: Pid, groups: readonly Term[]): void {
    const byKey = new Map<string, [Term, string, Pid[]]>();
    for (const g of groups) {
      const pids = g instanceof Tuple && g.elements.length === 2 ? pidList(g.elements[1]!) : null;
      if (pids === null) return this.unexpected(new Tuple([SYNC, peer, groups as Term[]]));
      const group = (g as Tuple).elements[0]!;
      const key = termKey(group);
      const seen = byKey.get(key);
      if (seen === undefined) byKey.set(key, [group, key, [...pids]]);
      else seen[2].push(...pids); // a group listed twice: one list
    }
    const parsed = [...byKey.values()];
    let entry = this.remote.get(peer.key);
    if (entry === undefined) {
      entry = { pid: peer, mref: this.self.monitor(peer), groups: new Map() };
      this.remote.set(peer.key, entry);
    }
    const old = entry.groups;
    const fresh = new Map<string, { group: Term; pids: Pid[] }>();
    for (const [group, key, pids] of parsed) {
      fresh.set(key, { group, pids: [...pids] });
      const before = old.get(key);
      old.delete(key);
      if (before === undefined) {
        this.table.add(group, key, pids, false);
        this.notify(JOIN, group, key, pids);
        continue;
      }
      // The peer's list for this group changed: apply the difference.
      const gone = [...before.pids];
      const kept = removeEach(gone, pids);
      const added = [...pids];
      removeEach(added, kept);
      if (gone.length > 0) {
        this.table.remove(key, gone, false);
        this.notify(LEAVE, group, key, gone);
      }
      if (added.length > 0) {
        this.table.add(group, key, added, false);
        this.notify(JOIN, group, key, added);
      }
    }
    for (const [key, { group, pids }] of old) this.removeRemote(group, key, pids);
    entry.groups = fresh;
  }

  private remoteJoin(e: readonly Term[]): void {
    const entry = this.remote.get((e[1] as Pid).key);
    if (entry === undefined) return; // a peer outside the overlay, or a late join: pg ignores it
    const pids = pidList(e[3]!);
    if (pids === null) return this.unexpected(new Tuple(e as Term[]));
    const group = e[2]!;
    const key = termKey(group);
    const known = entry.groups.get(key);
    if (known === undefined) entry.groups.set(key, { group, pids: [...pids] });
    else known.pids.push(...pids);
    this.table.add(group, key, pids, false);
    this.notify(JOIN, group, key, pids);
  }

  private remoteLeave(e: readonly Term[]): void {
    const entry = this.remote.get((e[1] as Pid).key);
    if (entry === undefined) return;
    const pids = pidList(e[2]!);
    if (pids === null || !Array.isArray(e[3])) return this.unexpected(new Tuple(e as Term[]));
    for (const group of e[3] as readonly Term[]) {
      const key = termKey(group);
      const known = entry.groups.get(key);
      if (known === undefined) continue;
      const left = removeEach(known.pids, pids);
      if (known.pids.length === 0) entry.groups.delete(key);
      this.removeRemote(group, key, left);
    }
  }

  private removeRemote(group: Term, key: string, pids: readonly Pid[]): void {
    if (pids.length === 0) return;
    const removed = this.table.remove(key, pids, false);
    if (removed.length > 0) this.notify(LEAVE, group, key, removed);
  }

  private down(ref: Ref, pid: Pid): void {
    const local = this.local.get(pid.key);
    if (local !== undefined && local.mref.key === ref.key) {
      this.local.delete(pid.key);
      const groups: Term[] = [];
      for (const key of local.groups) {
        const group = this.table.group(key);
        if (group === undefined) continue;
        groups.push(group);
        this.table.remove(key, [pid], true);
        this.notify(LEAVE, group, key, [pid]);
      }
      this.broadcast(new Tuple([LEAVE, this.pid, pid, groups]));
      return;
    }
    const peer = this.remote.get(pid.key);
    if (peer !== undefined && peer.mref.key === ref.key) {
      this.remote.delete(pid.key);
      for (const [key, { group, pids }] of peer.groups) this.removeRemote(group, key, pids);
      return;
    }
    const w = this.watchers.get(ref.key);
    if (w !== undefined) this.dropWatcher(w);
  }

  private handleCall(from: Tuple, request: Term): void {
    const [caller, tag] = from.elements;
    if (!(caller instanceof Pid) || from.elements.length !== 2) return this.unexpected(request);
    let reply: Term;
    if (request === MONITOR) {
      const { ref, groups } = this.monitorScope(caller);
      reply = new Tuple([ref, groups as Map<Term, Term>]);
    } else if (tupleOf(request, 2, MONITOR) !== null) {
      const { ref, members } = this.monitor(caller, (request as Tuple).elements[1]!);
      reply = new Tuple([ref, members]);
    } else if (
      tupleOf(request, 2, DEMONITOR) !== null &&
      (request as Tuple).elements[1] instanceof Ref
    ) {
      reply = this.demonitor((request as Tuple).elements[1] as Ref) ? OK : false;
    } else {
      return this.unexpected(request);
    }
    // gen:reply/2: OTP 24+ callers tag with [alias | Ref] and want the reply on the alias.
    const to =
      tag instanceof ImproperList && tag.elements[0] === ALIAS && tag.tail instanceof Ref
        ? tag.tail
        : caller;
    this.self.send(to, new Tuple([tag!, reply]));
  }

  // ---- helpers ----------------------------------------------------------------------

  private checkLocal(pidOrPids: Pid | readonly Pid[]): readonly Pid[] {
    if (!this.alive) throw new PgScopeError(this.name, 'the scope is not running');
    const pids = pidList(pidOrPids as Term);
    if (pids === null) throw new PgNotLocalError(this.name, pidOrPids as Term);
    for (const p of pids) if (p.node !== this.runtime.node) throw new PgNotLocalError(this.name, p);
    return pids;
  }

  private watch(watcher: Pid, group: string | null): Ref {
    if (!this.alive) throw new PgScopeError(this.name, 'the scope is not running');
    const ref = this.self.monitor(watcher);
    this.watchers.set(ref.key, { ref, pid: watcher, group });
    if (group !== null) {
      let set = this.groupWatchers.get(group);
      if (set === undefined) this.groupWatchers.set(group, (set = new Set()));
      set.add(ref.key);
    }
    return ref;
  }

  private dropWatcher(w: Watcher): void {
    this.watchers.delete(w.ref.key);
    if (w.group === null) return;
    const set = this.groupWatchers.get(w.group);
    set?.delete(w.ref.key);
    if (set?.size === 0) this.groupWatchers.delete(w.group);
  }

  /** `notify_group/5`: scope watchers, then the group's watchers. */
  private notify(action: Atom, group: Term, key: string, pids: readonly Pid[]): void {
    if (this.watchers.size === 0) return;
    const list = [...pids];
    for (const w of this.watchers.values()) {
      if (w.group === null) this.sendNoconnect(w.pid, new Tuple([w.ref, action, group, list]));
    }
    const set = this.groupWatchers.get(key);
    if (set === undefined) return;
    for (const refKey of set) {
      const w = this.watchers.get(refKey)!;
      this.sendNoconnect(w.pid, new Tuple([w.ref, action, group, list]));
    }
  }

  /** To every known peer scope (`broadcast/2`). */
  private broadcast(message: Term): void {
    for (const peer of this.remote.values()) this.sendNoconnect(peer.pid, message);
  }

  /** `erlang:send(Dest, Msg, [noconnect])`: dropped when the node is not connected. */
  private sendNoconnect(dest: Pid | [Atom, Atom], message: Term): void {
    const node = dest instanceof Pid ? dest.node : dest[1];
    if (node !== this.runtime.node && this.host.connectionState !== undefined) {
      if (this.host.connectionState(node) !== 'up') return;
    }
    this.self.send(dest, message);
  }

  private terminate(): void {
    if (!this.running) return;
    this.running = false;
    this.offNodes?.();
    this.offNodes = null;
    this.table.clear();
    this.local.clear();
    this.remote.clear();
    this.watchers.clear();
    this.groupWatchers.clear();
    const byName = scopes.get(this.runtime);
    if (byName?.get(this.name) === this) byName.delete(this.name);
  }
}

/**
 * Starts a pg scope on `host` (a `BeamNode`), registered under its name, and discovers
 * the same scope on every connected visible node (`pg:start_link/1`). Rejects with
 * {@link PgScopeError} when the name is taken.
 *
 * @example
 * ```ts
 * const node = await startNode({ sname: 'ts1', cookie: 'c' });
 * const pg = await startScope(node);                         // as `-kernel start_pg true`
 * const chat = await startScope(node, { scope: 'chat' });    // pg:start_link(chat)
 * ```
 */
export function startScope(host: PgHost, options?: ScopeOptions): Promise<PgScope> {
  const name =
    typeof options?.scope === 'string' ? atom(options.scope) : (options?.scope ?? atom('pg'));
  const runtime = host.runtime;
  return new Promise<PgScope>((resolve, reject) => {
    try {
      runtime.spawn(
        (self) => {
          const scope = new PgScope(host, name, self);
          let byName = scopes.get(runtime);
          if (byName === undefined) scopes.set(runtime, (byName = new Map()));
          byName.set(name, scope);
          scope.init();
          resolve(scope);
        },
        { name, label: `pg scope ${name.name}` },
      );
    } catch (e) {
      reject(new PgScopeError(name, `already started (the name is taken)`, { cause: e }));
    }
  });
}

/**
 * The running scope `name` of a runtime, if any (what `whereis(Scope)` finds).
 *
 * @example
 * ```ts
 * const pg = scopeOf(node.runtime, 'pg') ?? (await startScope(node));
 * ```
 */
export function scopeOf(runtime: Runtime, name: Atom | string = 'pg'): PgScope | undefined {
  const scope = scopes.get(runtime)?.get(typeof name === 'string' ? atom(name) : name);
  return scope?.alive ? scope : undefined;
}

/**
 * A node service that starts a scope with the node and stops it before the node stops.
 *
 * @example
 * ```ts
 * const node = await startNode({ sname: 'ts1', cookie: 'c', services: [pgService()] });
 * scopeOf(node.runtime)!.join('g', pid);
 * ```
 */
export function pgService(options?: ScopeOptions): NodeService {
  return async (node: BeamNode) => {
    const scope = await startScope(node, options);
    node.onStop(() => scope.stop());
  };
}

/**
 * ClusterDirectory: the answer to the lesson's "how would you sync directories across
 * nodes?" — a cluster-wide `name → {node, pid}` view that converges on every node.
 *
 * ## Model
 *
 * Each node is the only authority on its own agents: it holds their entries
 * `%{name, node, pid, at}` (`at`: registration time in ms on that node). The view on a
 * node is a pure function of the union of every reachable node's entries, so two nodes
 * that have heard the same entries agree on it.
 *
 * ## Exchange (plain messages between the processes registered as
 * `AgentFramework.ClusterDirectory`, in order per pair of nodes as distribution
 * guarantees)
 *
 * - on start and on every `nodeup`: `{:cd_hello, node, entries}` to the peer, which
 *   replaces what it knew of `node` and answers `{:cd_sync, node, entries}` with its own;
 * - on a local register / unregister: `{:cd_put, node, entry}` /
 *   `{:cd_del, node, name, pid}` to every connected node;
 * - on `nodedown`: that node's entries are dropped at once (its agents are unreachable;
 *   when it comes back its hello brings them back).
 *
 * A node without this process (a plain BEAM node) simply drops the messages.
 *
 * ## Conflicts
 *
 * Two nodes cut off from each other may each register the same name. When they meet, the
 * entry with the lowest `(at, node name, pid)` wins on every node (earliest registration;
 * ties by node name — deterministic, nothing to negotiate). The loser's node tells its
 * agent `{:agent_conflict, name, winner_pid, winner_node}`, publishes a `:conflict` event,
 * and (policy `'stop'`) stops it; with `'notify'` (the default) it keeps running under
 * its name locally but the cluster view points at the winner.
 *
 * @module
 */
import type { GenServerCallbacks } from '../otp/gen-server.ts';
import type { Process } from '../process/process.ts';
import { Atom, Pid, Tuple, atom, type Term } from '../term/types.ts';
import { field, isTagged, nameText } from './terms.ts';
import { MODULES } from './terms.ts';

const CD_HELLO = atom('cd_hello');
const CD_SYNC = atom('cd_sync');
const CD_PUT = atom('cd_put');
const CD_DEL = atom('cd_del');
const NODEUP = atom('nodeup');
const NODEDOWN = atom('nodedown');
const AGENT_CONFLICT = atom('agent_conflict');

/**
 * One entry of the cluster view.
 *
 * @example
 * ```ts
 * const e: ClusterEntry = { name: 'W', node: 'n1@vm', pid, at: Date.now() };
 * ```
 */
export interface ClusterEntry {
  readonly name: string;
  readonly node: string;
  readonly pid: Pid;
  readonly at: number;
}

/**
 * Whether `a` wins over `b` for the same name: earlier `at`, then lower node name, then
 * lower pid.
 *
 * @example
 * ```ts
 * wins({ ...e, at: 1 }, { ...e, at: 2 }); // true
 * ```
 */
export function wins(a: ClusterEntry, b: ClusterEntry): boolean {
  if (a.at !== b.at) return a.at < b.at;
  if (a.node !== b.node) return a.node < b.node;
  return a.pid.key < b.pid.key;
}

function entryTerm(e: ClusterEntry): Record<string, Term> {
  return { name: e.name, node: atom(e.node), pid: e.pid, at: e.at };
}

function decodeEntry(t: Term): ClusterEntry | undefined {
  const name = nameText(field(t, 'name') ?? null);
  const node = field(t, 'node');
  const pid = field(t, 'pid');
  const at = field(t, 'at');
  if (name === undefined || !(node instanceof Atom) || !(pid instanceof Pid)) return undefined;
  if (typeof at !== 'number') return undefined;
  return { name, node: node.name, pid, at };
}

/**
 * What the directory reports to its node: a local agent lost a conflict.
 *
 * @example
 * ```ts
 * const onConflict: ConflictHandler = (loser, winner) => console.log(loser.name, 'lost to', winner.node);
 * ```
 */
export type ConflictHandler = (loser: ClusterEntry, winner: ClusterEntry) => void;

/**
 * The cluster view of one node; its `callbacks()` run as the process
 * `AgentFramework.ClusterDirectory`.
 *
 * @example
 * ```ts
 * const cd = new ClusterDirectory(node.name, () => node.nodes());
 * await GenServer.start(rt, cd.callbacks(), null, { name: MODULES.ClusterDirectory });
 * cd.register('Worker-1', pid);
 * cd.lookup('Worker-1'); // on any node, once synced
 * ```
 */
export class ClusterDirectory {
  readonly node: string;
  readonly #local = new Map<string, ClusterEntry>();
  readonly #remote = new Map<string, Map<string, ClusterEntry>>();
  readonly #told = new Set<string>();
  #self: Process | null = null;
  readonly #peers: () => Atom[];
  onConflict: ConflictHandler | null = null;

  /** `peers`: the connected nodes (the node's `nodes()`). */
  constructor(node: string, peers: () => Atom[]) {
    this.node = node;
    this.#peers = peers;
  }

  // ---- reads -------------------------------------------------------------------------

  /** The winning entry for `name` across every node heard from. */
  lookup(name: string): ClusterEntry | undefined {
    let best = this.#local.get(name);
    for (const m of this.#remote.values()) {
      const e = m.get(name);
      if (e !== undefined && (best === undefined || wins(e, best))) best = e;
    }
    return best;
  }

  /** Every name's winner, sorted by name. */
  all(): ClusterEntry[] {
    const names = new Set(this.#local.keys());
    for (const m of this.#remote.values()) for (const n of m.keys()) names.add(n);
    return [...names]
      .sort()
      .map((n) => this.lookup(n)!)
      .filter((e) => e !== undefined);
  }

  /** How many names each node wins (the load the router balances); one pass. */
  loads(): Map<string, number> {
    const best = new Map<string, ClusterEntry>(this.#local);
    for (const m of this.#remote.values()) {
      for (const [name, e] of m) {
        const b = best.get(name);
        if (b === undefined || wins(e, b)) best.set(name, e);
      }
    }
    const out = new Map<string, number>();
    for (const e of best.values()) out.set(e.node, (out.get(e.node) ?? 0) + 1);
    return out;
  }

  /** Every candidate entry for `name` (more than one: a conflict), winner first. */
  candidates(name: string): ClusterEntry[] {
    const out: ClusterEntry[] = [];
    const l = this.#local.get(name);
    if (l !== undefined) out.push(l);
    for (const m of this.#remote.values()) {
      const e = m.get(name);
      if (e !== undefined) out.push(e);
    }
    return out.sort((a, b) => (wins(a, b) ? -1 : wins(b, a) ? 1 : 0));
  }

  /** The nodes whose entries are held. */
  knownNodes(): string[] {
    return [...this.#remote.keys()].sort();
  }

  // ---- local writes ------------------------------------------------------------------

  /** Registers a local agent and tells every connected node. */
  register(name: string, pid: Pid, at: number = Date.now()): ClusterEntry {
    const e: ClusterEntry = { name, node: this.node, pid, at };
    this.#local.set(name, e);
    this.#broadcast(new Tuple([CD_PUT, atom(this.node), entryTerm(e)]));
    this.#check([name]);
    return e;
  }

  /** Drops a local agent (only if `pid` still holds the name, when given). */
  unregister(name: string, pid?: Pid): boolean {
    const e = this.#local.get(name);
    if (e === undefined || (pid !== undefined && e.pid.key !== pid.key)) return false;
    this.#local.delete(name);
    this.#told.delete(`${name}\u0000${e.pid.key}`);
    this.#broadcast(new Tuple([CD_DEL, atom(this.node), name, e.pid]));
    return true;
  }

  /** Drops what is known of `node` (its `nodedown`). */
  dropNode(node: string): number {
    const m = this.#remote.get(node);
    this.#remote.delete(node);
    return m?.size ?? 0;
  }

  // ---- the process -------------------------------------------------------------------

  /** The GenServer callbacks (start it registered as `MODULES.ClusterDirectory`). */
  callbacks(): GenServerCallbacks<null> {
    return {
      init: (_arg: Term, self: Process) => {
        this.#self = self;
        for (const n of this.#peers()) this.#hello(n);
        return { ok: null };
      },
      handleInfo: (msg: Term) => {
        this.#handle(msg);
        return { noreply: true, state: null };
      },
      handleCall: (req: Term) => {
        if (req === atom('all')) return { reply: this.all().map(entryTerm), state: null };
        if (isTagged(req, atom('lookup'), 2)) {
          const n = nameText(req.elements[1]!);
          const e = n === undefined ? undefined : this.lookup(n);
          return {
            reply:
              e === undefined
                ? new Tuple([atom('error'), atom('not_found')])
                : new Tuple([atom('ok'), new Tuple([atom(e.node), e.pid])]),
            state: null,
          };
        }
        return { reply: new Tuple([atom('error'), atom('unknown_request')]), state: null };
      },
      handleCast: () => ({ noreply: true, state: null }),
      terminate: () => {
        this.#self = null;
      },
    };
  }

  /** Feeds a node event in (the service forwards `monitorNodes` here as messages). */
  nodeEvent(type: 'nodeup' | 'nodedown', node: Atom): void {
    this.#self?.runtime.send(
      this.#self.pid,
      new Tuple([type === 'nodeup' ? NODEUP : NODEDOWN, node]),
    );
  }

  #entries(): Term[] {
    return [...this.#local.values()].map(entryTerm);
  }

  #hello(node: Atom): void {
    this.#self?.send(
      [MODULES.ClusterDirectory, node],
      new Tuple([CD_HELLO, atom(this.node), this.#entries()]),
    );
  }

  #broadcast(msg: Tuple): void {
    const self = this.#self;
    if (self === null || !self.alive) return;
    for (const n of this.#peers()) self.send([MODULES.ClusterDirectory, n], msg);
  }

  #replace(node: string, entries: Term): string[] {
    const m = new Map<string, ClusterEntry>();
    if (Array.isArray(entries)) {
      for (const t of entries) {
        const e = decodeEntry(t);
        if (e !== undefined && e.node === node) m.set(e.name, e);
      }
    }
    const touched = new Set([...(this.#remote.get(node)?.keys() ?? []), ...m.keys()]);
    this.#remote.set(node, m);
    return [...touched];
  }

  #handle(msg: Term): void {
    if (!(msg instanceof Tuple)) return;
    const [tag, from] = msg.elements;
    if ((tag === NODEUP || tag === NODEDOWN) && from instanceof Atom) {
      if (tag === NODEUP) this.#hello(from);
      else this.dropNode(from.name);
      return;
    }
    if (!(from instanceof Atom) || from.name === this.node) return;
    if (tag === CD_HELLO && msg.elements.length === 3) {
      const touched = this.#replace(from.name, msg.elements[2]!);
      this.#self?.send(
        [MODULES.ClusterDirectory, from],
        new Tuple([CD_SYNC, atom(this.node), this.#entries()]),
      );
      this.#check(touched);
    } else if (tag === CD_SYNC && msg.elements.length === 3) {
      this.#check(this.#replace(from.name, msg.elements[2]!));
    } else if (tag === CD_PUT && msg.elements.length === 3) {
      const e = decodeEntry(msg.elements[2]!);
      if (e === undefined || e.node !== from.name) return;
      let m = this.#remote.get(from.name);
      if (m === undefined) this.#remote.set(from.name, (m = new Map()));
      m.set(e.name, e);
      this.#check([e.name]);
    } else if (tag === CD_DEL && msg.elements.length === 4) {
      const name = nameText(msg.elements[2]!);
      const pid = msg.elements[3];
      const m = this.#remote.get(from.name);
      const e = name === undefined ? undefined : m?.get(name);
      if (e !== undefined && pid instanceof Pid && e.pid.key === pid.key) m!.delete(name!);
    }
  }

  /** Tells each local agent that now loses its name (once per agent). */
  #check(names: readonly string[]): void {
    for (const name of names) {
      const mine = this.#local.get(name);
      if (mine === undefined) continue;
      const winner = this.lookup(name)!;
      const key = `${name}\u0000${mine.pid.key}`;
      if (winner.pid.key === mine.pid.key || this.#told.has(key)) continue;
      this.#told.add(key);
      this.#self?.send(mine.pid, new Tuple([AGENT_CONFLICT, name, winner.pid, atom(winner.node)]));
      this.onConflict?.(mine, winner);
    }
  }
}

/**
 * AgentRouter: finds an agent anywhere in the cluster by name, routes calls and tasks to
 * it, and places new agents — the lesson's "where should agents live?":
 *
 * - `local`: on the asking node;
 * - `round_robin`: over the framework's nodes (this one and every connected node that runs
 *   the framework), sorted by name, in turn;
 * - `affinity`: the agent's name on a consistent hash ring (hash-ring.ts) with bounded
 *   loads (ε = 0.05 by default): the ring's node unless it already holds more than its
 *   share, so placement stays within ~10% of even (checked for 1,000 agents on 3 nodes)
 *   and a joining node takes about 1/N of the names;
 * - `{affinity: key}` (key affinity): the plain ring's node for `key`, so every agent
 *   sharing the key lands on the same node, computed alike on every node without asking
 *   anyone (at the price of hotspots, as the lesson warns).
 *
 * Lookup order: the cluster directory (cluster-directory.ts; it holds this node's agents
 * too, and after a partition names the winner everywhere), this node's agents, this
 * node's AgentDirectory, then `AgentFramework.AgentSupervisor.whereis/1` on every
 * connected node by rpc (which also finds agents on nodes the directory has not heard
 * from yet).
 *
 * @module
 */
import { GenServer } from '../otp/gen-server.ts';
import type { Runtime } from '../process/runtime.ts';
import type { Rpc } from '../rpc/rpc.ts';
import { Atom, Pid, Tuple, atom, type Term } from '../term/types.ts';
import { BeamlinkError } from '../errors.ts';
import type { AgentDirectory } from './agent-directory.ts';
import { AgentServer, type AgentOptions, type ProcessNextResult } from './agent-server.ts';
import { AgentSupervisor, type StartAgentResult } from './agent-supervisor.ts';
import type { ClusterDirectory } from './cluster-directory.ts';
import { HashRing } from './hash-ring.ts';
import { MODULES, OK, isTagged } from './terms.ts';

/**
 * A placement strategy.
 *
 * @example
 * ```ts
 * const s: PlacementStrategy = { affinity: 'customer-42' };
 * ```
 */
export type PlacementStrategy =
  'local' | 'round_robin' | 'affinity' | { readonly affinity: string };

/**
 * Where an agent was found.
 *
 * @example
 * ```ts
 * const where: AgentLocation = { node: 'n2@vm', pid };
 * ```
 */
export interface AgentLocation {
  readonly node: string;
  readonly pid: Pid;
}

/** What the router needs of its node. */
export interface RouterHost {
  readonly runtime: Runtime;
  readonly name: string;
  nodes(): Atom[];
}

/** Options of {@link AgentRouter}. */
export interface AgentRouterOptions {
  readonly host: RouterHost;
  readonly rpc?: Rpc;
  readonly cluster?: ClusterDirectory;
  readonly directory?: AgentDirectory;
  /** Points per node on the hash ring (default 256). */
  readonly vnodes?: number;
  /** The load bound of `affinity` placement (default 0.05; `Infinity`: the plain ring). */
  readonly epsilon?: number;
  /** Milliseconds for each remote lookup or start (default 5000). */
  readonly timeoutMs?: number;
}

/**
 * Pure placement: which node each name goes to under `strategy`, for a fixed member list
 * (what the router does one agent at a time; exposed for planning and tests).
 *
 * @example
 * ```ts
 * place(['a', 'b', 'c'], ['n1@vm', 'n2@vm'], 'round_robin', 'n1@vm'); // ['n1@vm', 'n2@vm', 'n1@vm']
 * ```
 */
export function place(
  names: readonly string[],
  members: readonly string[],
  strategy: PlacementStrategy,
  self: string,
  ring: HashRing = new HashRing(members),
): string[] {
  const sorted = [...members].sort();
  const loads = new Map<string, number>();
  return names.map((name, i) => {
    if (strategy === 'local') return self;
    if (strategy === 'round_robin') return sorted[i % sorted.length]!;
    if (typeof strategy === 'object') return ring.nodeFor(strategy.affinity) ?? self;
    const node = ring.nodeForBounded(name, loads) ?? self;
    loads.set(node, (loads.get(node) ?? 0) + 1);
    return node;
  });
}

/**
 * The router of one node.
 *
 * @example
 * ```ts
 * const router = agentsOf(node).router;
 * await router.startAgent('Worker-7', 'round_robin');       // on some node
 * const where = await router.findAgent('Worker-7');         // { node, pid }
 * await router.sendTask('Worker-7', 'search', { query: 'x' });
 * ```
 */
export class AgentRouter {
  readonly #o: AgentRouterOptions;
  #turn = 0;
  #ring: HashRing;
  #ringKey = '';

  constructor(options: AgentRouterOptions) {
    this.#o = options;
    this.#ring = new HashRing([], { vnodes: options.vnodes });
  }

  /** The nodes agents may be placed on: this one and the connected ones running the framework. */
  members(): string[] {
    const self = this.#o.host.name;
    const connected = new Set(this.#o.host.nodes().map((n) => n.name));
    const known = this.#o.cluster?.knownNodes() ?? [...connected];
    return [self, ...known.filter((n) => connected.has(n))].sort();
  }

  /** The hash ring over the current members (rebuilt when they change). */
  ring(): HashRing {
    const members = this.members();
    const key = members.join(',');
    if (key !== this.#ringKey) {
      this.#ring = new HashRing(members, { vnodes: this.#ring.vnodes });
      this.#ringKey = key;
    }
    return this.#ring;
  }

  /** The node a new agent named `name` goes to under `strategy`. */
  placeAgent(name: string, strategy: PlacementStrategy = 'local'): string {
    const self = this.#o.host.name;
    if (strategy === 'local') return self;
    if (strategy === 'round_robin') {
      const m = this.members();
      return m[this.#turn++ % m.length]!;
    }
    if (typeof strategy === 'object') return this.ring().nodeFor(strategy.affinity) ?? self;
    return this.ring().nodeForBounded(name, this.loads(), this.#o.epsilon ?? 0.05) ?? self;
  }

  /** Agents per node, as the cluster directory knows them. */
  loads(): Map<string, number> {
    return this.#o.cluster?.loads() ?? new Map();
  }

  /** Starts an agent on the node `strategy` picks (by rpc when it is another node). */
  async startAgent(
    name: string,
    strategy: PlacementStrategy = 'local',
    options: AgentOptions = {},
  ): Promise<StartAgentResult & { readonly node: string }> {
    const node = this.placeAgent(name, strategy);
    const rt = this.#o.host.runtime;
    if (node === this.#o.host.name)
      return { ...(await AgentSupervisor.startAgent(rt, name, options)), node };
    const rpc = this.#rpc();
    const opts: Term[] = [];
    if (options.autoProcess === true) opts.push(new Tuple([atom('auto_process'), true]));
    const r = await rpc.call(
      node,
      MODULES.AgentSupervisor,
      'start_agent',
      [name, opts],
      this.#timeout(),
    );
    if (isTagged(r, OK, 2) && r.elements[1] instanceof Pid)
      return { ok: true, pid: r.elements[1], node };
    return { ok: false, reason: isTagged(r, atom('error'), 2) ? r.elements[1]! : r, node };
  }

  /** Where `name` runs, anywhere in the cluster. */
  async findAgent(name: string): Promise<AgentLocation | undefined> {
    const rt = this.#o.host.runtime;
    // the cluster view first: after a partition it names the winner even on the loser's node
    const c = this.#o.cluster?.lookup(name);
    if (c !== undefined) return { node: c.node, pid: c.pid };
    const local = AgentSupervisor.whereis(rt, name);
    if (local !== undefined) return { node: this.#o.host.name, pid: local };
    const d = this.#o.directory?.lookup(name);
    if (d !== undefined) return { node: d.node.name, pid: d.pid };
    const rpc = this.#o.rpc;
    const nodes = this.#o.host.nodes();
    if (rpc === undefined || nodes.length === 0) return undefined;
    const { results } = await rpc.multicall(
      nodes,
      MODULES.AgentSupervisor,
      'whereis',
      [name],
      this.#timeout(),
    );
    for (const r of results) {
      if (isTagged(r, OK, 2) && r.elements[1] instanceof Pid) {
        const pid = r.elements[1];
        return { node: pid.node.name, pid };
      }
    }
    return undefined;
  }

  /** `GenServer.call` to the agent named `name`, wherever it is. */
  async call(name: string, request: Term, timeoutMs = 5000): Promise<Term> {
    const where = await this.#require(name);
    return GenServer.call(this.#o.host.runtime, where.pid, request, timeoutMs);
  }

  /** Queues a task on the agent named `name`, wherever it is. */
  async sendTask(
    name: string,
    type: Atom | string,
    payload: Term = new Map(),
  ): Promise<AgentLocation> {
    const where = await this.#require(name);
    await AgentServer.sendTask(this.#o.host.runtime, where.pid, type, payload);
    return where;
  }

  /** `process_next` on the agent named `name`, wherever it is. */
  async processNext(name: string): Promise<ProcessNextResult> {
    const where = await this.#require(name);
    return AgentServer.processNext(this.#o.host.runtime, where.pid);
  }

  async #require(name: string): Promise<AgentLocation> {
    const where = await this.findAgent(name);
    if (where === undefined) throw new AgentNotFoundError(name);
    return where;
  }

  #rpc(): Rpc {
    if (this.#o.rpc === undefined) throw new AgentNotFoundError('(rpc is not attached)');
    return this.#o.rpc;
  }

  #timeout(): number {
    return this.#o.timeoutMs ?? 5000;
  }
}

/**
 * No agent of that name anywhere the router looked.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof AgentNotFoundError) console.log(e.agent) }
 * ```
 */
export class AgentNotFoundError extends BeamlinkError {
  readonly agent: string;
  constructor(agent: string) {
    super('BL_ERR_AGENT_NOT_FOUND', `no agent named ${agent} in the cluster`);
    this.agent = agent;
  }
}

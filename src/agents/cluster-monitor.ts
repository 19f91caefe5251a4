/**
 * ClusterMonitor: the lesson's Section 6 GenServer, registered as
 * `AgentFramework.ClusterMonitor`. It subscribes to node events (what
 * `:net_kernel.monitor_nodes(true)` gives a BEAM process), keeps the list of connected
 * nodes, and on `{:nodedown, node}` removes that node's agents from the node's
 * AgentDirectory and publishes a `:nodedown` event (`:nodeup` likewise).
 *
 * Calls (also raw, from any node: `GenServer.call({AgentFramework.ClusterMonitor, node}, :cluster_info)`):
 * `:connected_nodes` → `[node]`; `:cluster_info` → `%{self: node, connected: [...], total: n}`.
 *
 * @module
 */
import { GenServer, type GenServerCallbacks, type Caller } from '../otp/gen-server.ts';
import type { Process } from '../process/process.ts';
import { Atom, Tuple, atom, type Term } from '../term/types.ts';
import type { AgentDirectory } from './agent-directory.ts';
import type { AgentEvents } from './events.ts';
import { MODULES, field, isTagged } from './terms.ts';

const NODEUP = atom('nodeup');
const NODEDOWN = atom('nodedown');
const CONNECTED_NODES = atom('connected_nodes');
const CLUSTER_INFO = atom('cluster_info');

/**
 * What the monitor needs of its node (a kernel `BeamNode` has all of it).
 *
 * @example
 * ```ts
 * const host: MonitorHost = node;
 * ```
 */
export interface MonitorHost {
  readonly node: Atom;
  nodes(): Atom[];
  monitorNodes(listener: (e: { type: 'nodeup' | 'nodedown'; node: Atom }) => void): () => void;
}

/**
 * `cluster_info` as TypeScript reads it.
 *
 * @example
 * ```ts
 * const info: ClusterInfo = await ClusterMonitor.clusterInfo(rt);
 * info.total; // 2
 * ```
 */
export interface ClusterInfo {
  readonly self: string;
  readonly connected: string[];
  readonly total: number;
}

/** A node event as the monitor handled it (`at`: when, in ms). */
export interface MonitorNotice {
  readonly type: 'nodeup' | 'nodedown';
  readonly node: string;
  readonly at: number;
  /** For `nodedown`: how many directory entries were removed. */
  readonly removed?: number;
}

interface MonitorState {
  connected: Atom[];
  readonly self: Atom;
  unsubscribe: () => void;
}

/** Options of {@link clusterMonitorCallbacks}. */
export interface ClusterMonitorOptions {
  readonly host: MonitorHost;
  readonly directory?: AgentDirectory;
  readonly events?: AgentEvents;
  /** Hears every node event the monitor handled (tests, the observer). */
  readonly onNotice?: (n: MonitorNotice) => void;
}

/**
 * The monitor's GenServer callbacks.
 *
 * @example
 * ```ts
 * await GenServer.start(rt, clusterMonitorCallbacks({ host: node, directory }), null, { name: MODULES.ClusterMonitor });
 * ```
 */
export function clusterMonitorCallbacks(
  o: ClusterMonitorOptions,
): GenServerCallbacks<MonitorState> {
  return {
    init(_arg: Term, self: Process) {
      const pid = self.pid;
      const rt = self.runtime;
      const unsubscribe = o.host.monitorNodes((e) => {
        rt.send(pid, new Tuple([e.type === 'nodeup' ? NODEUP : NODEDOWN, e.node]));
      });
      rt.logger.log('info', `ClusterMonitor started on ${o.host.node.name}`);
      return { ok: { connected: o.host.nodes(), self: o.host.node, unsubscribe } };
    },
    handleCall(req: Term, _from, s: MonitorState) {
      if (req === CONNECTED_NODES) return { reply: [...s.connected], state: s };
      if (req === CLUSTER_INFO)
        return {
          reply: { self: s.self, connected: [...s.connected], total: s.connected.length + 1 },
          state: s,
        };
      return { reply: new Tuple([atom('error'), atom('unknown_request')]), state: s };
    },
    handleInfo(msg: Term, s: MonitorState, self: Process) {
      if (isTagged(msg, NODEUP, 2) && msg.elements[1] instanceof Atom) {
        const node = msg.elements[1];
        self.runtime.logger.log('info', `Node connected: ${node.name}`);
        if (!s.connected.includes(node)) s.connected = [node, ...s.connected];
        o.events?.publish('nodeup', null, { node: node.name, by: s.self.name });
        o.onNotice?.({ type: 'nodeup', node: node.name, at: Date.now() });
      } else if (isTagged(msg, NODEDOWN, 2) && msg.elements[1] instanceof Atom) {
        const node = msg.elements[1];
        self.runtime.logger.log('warn', `Node disconnected: ${node.name}`);
        s.connected = s.connected.filter((n) => n !== node);
        const removed = o.directory?.removeNodeAgents(node) ?? 0;
        o.events?.publish('nodedown', null, { node: node.name, by: s.self.name });
        o.onNotice?.({ type: 'nodedown', node: node.name, at: Date.now(), removed });
      }
      return { noreply: true, state: s };
    },
    handleCast(_req: Term, s: MonitorState) {
      return { noreply: true, state: s };
    },
    terminate(_reason: Term, s: MonitorState) {
      s.unsubscribe();
    },
  };
}

/**
 * The client API (local or remote monitor: `dest` defaults to the local one).
 *
 * @example
 * ```ts
 * await ClusterMonitor.connectedNodes(rt);                            // ['n2@vm']
 * await ClusterMonitor.clusterInfo(rt, [MODULES.ClusterMonitor, 'n2@vm']);
 * ```
 */
export class ClusterMonitor {
  private constructor() {}

  /**
   * `connected_nodes/0`.
   *
   * @example
   * ```ts
   * const nodes = await ClusterMonitor.connectedNodes(rt);
   * ```
   */
  static async connectedNodes(
    caller: Caller,
    dest: Parameters<typeof GenServer.call>[1] = MODULES.ClusterMonitor,
  ): Promise<string[]> {
    const r = await GenServer.call(caller, dest, CONNECTED_NODES);
    return Array.isArray(r) ? r.map((n) => (n instanceof Atom ? n.name : String(n))) : [];
  }

  /**
   * `cluster_info/0`.
   *
   * @example
   * ```ts
   * const { self, connected, total } = await ClusterMonitor.clusterInfo(rt);
   * ```
   */
  static async clusterInfo(
    caller: Caller,
    dest: Parameters<typeof GenServer.call>[1] = MODULES.ClusterMonitor,
  ): Promise<ClusterInfo> {
    const r = await GenServer.call(caller, dest, CLUSTER_INFO);
    const self = field(r, 'self');
    const connected = field(r, 'connected');
    return {
      self: self instanceof Atom ? self.name : '',
      connected: Array.isArray(connected)
        ? connected.map((n) => (n instanceof Atom ? n.name : String(n)))
        : [],
      total: Number(field(r, 'total') ?? 0),
    };
  }
}

/**
 * Installing the framework on a node: `startAgentFramework(node)` (or the node service
 * `agentsService()`) starts, under one supervisor registered as `AgentFramework.Supervisor`
 * (one_for_one):
 *
 * 1. `AgentFramework.Registry` — the agent name table's monitor (agent-names.ts);
 * 2. `AgentFramework.AgentDirectory` — the per-node directory's owner;
 * 3. `AgentFramework.ClusterDirectory` — the synced cluster view;
 * 4. `AgentFramework.ClusterMonitor`;
 * 5. `AgentFramework.AgentEventLogger`;
 * 6. `AgentFramework.AgentSupervisor` — the agents.
 *
 * beside the PubSub `AgentFramework.PubSub` (started here unless one is passed), and
 * defines the rpc modules (rpc-modules.ts), attaching rpc to the node if needed.
 *
 * An agent started by the supervisor is entered in this node's AgentDirectory and the
 * cluster directory; when it dies (however) it leaves both and `:stopped` is published.
 *
 * @module
 */
import type { BeamNode, NodeService } from '../kernel/start-node.ts';
import { GenServer } from '../otp/gen-server.ts';
import { Supervisor } from '../otp/supervisor.ts';
import type { Process } from '../process/process.ts';
import type { Runtime } from '../process/runtime.ts';
import { PubSub } from '../pubsub/pubsub.ts';
import { attachRpc } from '../rpc/service.ts';
import type { Rpc } from '../rpc/rpc.ts';
import { Tuple, atom, type Pid } from '../term/types.ts';
import { AgentDirectory } from './agent-directory.ts';
import { AgentNames } from './agent-names.ts';
import { AgentSupervisor, type AgentSupervisorOptions } from './agent-supervisor.ts';
import { ClusterDirectory, type ClusterEntry } from './cluster-directory.ts';
import { clusterMonitorCallbacks, type MonitorNotice } from './cluster-monitor.ts';
import { setAgentEnv } from './env.ts';
import { AGENTS_PUBSUB, AgentEvents, agentEventLogger } from './events.ts';
import { AgentRouter } from './router.ts';
import { agentModules } from './rpc-modules.ts';
import { TaskHandlers, type TaskHandler } from './task-handlers.ts';
import { MODULES } from './terms.ts';

/**
 * Options of {@link startAgentFramework}.
 *
 * @example
 * ```ts
 * const opts: AgentFrameworkOptions = { handlers: { translate: async (p) => tuple(atom('ok'), p) }, onConflict: 'stop' };
 * ```
 */
export interface AgentFrameworkOptions {
  /** A running PubSub to publish on (default: start `AgentFramework.PubSub`). */
  readonly pubsub?: PubSub;
  /** Task handlers added to (or replacing) the defaults, by type name. */
  readonly handlers?: Readonly<Record<string, TaskHandler>>;
  /** What a node does with its agent that lost a name conflict (default `'notify'`). */
  readonly onConflict?: 'notify' | 'stop';
  /** The agent supervisor's restart limits. */
  readonly supervisor?: AgentSupervisorOptions;
  /** Events the event logger keeps (default 100). */
  readonly keepEvents?: number;
  /** Points per node on the router's hash ring (default 160). */
  readonly vnodes?: number;
}

/**
 * The framework on one node.
 *
 * @example
 * ```ts
 * const fw = await startAgentFramework(node);
 * const r = await AgentSupervisor.startAgent(node.runtime, 'Worker-1');
 * fw.directory.lookup('Worker-1');
 * fw.cluster.lookup('Worker-1');
 * await fw.router.findAgent('Worker-1');
 * ```
 */
export interface AgentFramework {
  readonly node: BeamNode;
  readonly runtime: Runtime;
  readonly rpc: Rpc;
  readonly pubsub: PubSub;
  readonly events: AgentEvents;
  readonly handlers: TaskHandlers;
  readonly names: AgentNames;
  readonly directory: AgentDirectory;
  readonly cluster: ClusterDirectory;
  readonly router: AgentRouter;
  /** The top supervisor (`AgentFramework.Supervisor`). */
  readonly supervisor: Pid;
  /** Node events the cluster monitor handled, oldest first (the last 100). */
  readonly notices: MonitorNotice[];
  /** Stops the tree and, if it started it, the PubSub. Idempotent. */
  stop(): Promise<void>;
}

const frameworks = new WeakMap<Runtime, AgentFramework>();

/**
 * The framework installed on `node`, if any.
 *
 * @example
 * ```ts
 * agentsOf(node)?.router.findAgent('Worker-1');
 * ```
 */
export function agentsOf(node: { readonly runtime: Runtime }): AgentFramework | undefined {
  return frameworks.get(node.runtime);
}

/**
 * Installs the agent framework on `node` (once; a second call returns the first).
 *
 * @example
 * ```ts
 * const node = await startNode({ sname: 'node1', cookie: 'agent_secret' });
 * const fw = await startAgentFramework(node);
 * // iex(node2)> :rpc.call(:"node1@host", AgentFramework.AgentSupervisor, :start_agent, ["Worker-1"])
 * ```
 */
export async function startAgentFramework(
  node: BeamNode,
  options: AgentFrameworkOptions = {},
): Promise<AgentFramework> {
  const existing = frameworks.get(node.runtime);
  if (existing !== undefined) return existing;
  const runtime = node.runtime;
  const rpc = attachRpc(node);
  const ownPubSub = options.pubsub === undefined;
  const pubsub = options.pubsub ?? (await PubSub.start(node, { name: AGENTS_PUBSUB }));
  const events = new AgentEvents(node.node, pubsub);
  const handlers = new TaskHandlers(options.handlers);
  const directory = new AgentDirectory();
  const cluster = new ClusterDirectory(node.name, () => node.nodes());
  const notices: MonitorNotice[] = [];
  const names = new AgentNames(runtime, {
    up: (name, pid) => {
      directory.register(name, node.node, pid);
      cluster.register(name, pid);
    },
    down: (name, pid, reason) => {
      directory.unregister(name, pid);
      cluster.unregister(name, pid);
      events.publish('stopped', name, { pid, reason });
    },
  });
  cluster.onConflict = (loser: ClusterEntry, winner: ClusterEntry) => {
    events.publish('conflict', loser.name, {
      pid: loser.pid,
      reason: new Tuple([atom('lost_to'), winner.pid, atom(winner.node)]),
    });
    if (options.onConflict === 'stop') void AgentSupervisor.stopAgent(runtime, loser.pid);
  };
  setAgentEnv(runtime, { events, handlers, names });
  const router = new AgentRouter({
    host: node,
    rpc,
    cluster,
    directory,
    ...(options.vnodes !== undefined ? { vnodes: options.vnodes } : {}),
  });
  for (const [m, def] of Object.entries(agentModules({ directory, cluster, router })))
    rpc.modules.define(m, def, { replace: true });
  const offCluster = node.monitorNodes((e) => cluster.nodeEvent(e.type, e.node));

  const gen = (
    id: string,
    name: (typeof MODULES)[keyof typeof MODULES],
    cb: Parameters<typeof GenServer.startLink>[1],
  ) => ({
    id,
    start: (sup: Process) =>
      GenServer.startLink(sup, cb, null, { name, label: name.name.slice(7) }),
  });
  let supervisor: Pid;
  try {
    supervisor = await Supervisor.start(
      runtime,
      [
        { id: 'registry', start: (sup: Process) => names.attach(sup) },
        gen('directory', MODULES.AgentDirectory, directory.callbacks()),
        gen('cluster_directory', MODULES.ClusterDirectory, cluster.callbacks()),
        gen(
          'cluster_monitor',
          MODULES.ClusterMonitor,
          clusterMonitorCallbacks({
            host: node,
            directory,
            events,
            onNotice: (n) => {
              notices.push(n);
              if (notices.length > 100) notices.shift();
            },
          }),
        ),
        gen(
          'event_logger',
          MODULES.AgentEventLogger,
          agentEventLogger(pubsub, { keep: options.keepEvents }),
        ),
        {
          id: 'agent_supervisor',
          type: 'supervisor',
          start: (sup: Process) => AgentSupervisor.startLink(sup, options.supervisor),
        },
      ],
      { name: MODULES.Supervisor, strategy: 'one_for_one', intensity: 10, period: 10 },
    );
  } catch (e) {
    offCluster();
    setAgentEnv(runtime, undefined);
    if (ownPubSub) pubsub.stop();
    throw e;
  }
  let stopping: Promise<void> | undefined;
  const fw: AgentFramework = {
    node,
    runtime,
    rpc,
    pubsub,
    events,
    handlers,
    names,
    directory,
    cluster,
    router,
    supervisor,
    notices,
    stop: () => {
      stopping ??= (async () => {
        offCluster();
        frameworks.delete(runtime);
        try {
          if (runtime.isAlive(supervisor))
            await Supervisor.stop(runtime, supervisor, atom('shutdown'));
        } finally {
          setAgentEnv(runtime, undefined);
          if (ownPubSub) pubsub.stop();
        }
      })();
      return stopping;
    },
  };
  frameworks.set(runtime, fw);
  node.onStop(() => fw.stop());
  return fw;
}

/**
 * The framework as a kernel node service, for `startNode({ services })` and the
 * `beamlink` command: `services: [agentsService()]` (rpc is attached by it if missing).
 *
 * @example
 * ```ts
 * const node = await startNode({ sname: 'node1', cookie: 'agent_secret', services: [agentsService()] });
 * agentsOf(node)!.router;
 * ```
 */
export function agentsService(options: AgentFrameworkOptions = {}): NodeService {
  return async (node: BeamNode) => {
    await startAgentFramework(node, options);
  };
}

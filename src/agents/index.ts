/**
 * The agent framework of the lesson (docs/agents.md): AgentServer, AgentSupervisor,
 * AgentDirectory, ClusterDirectory, ClusterMonitor, AgentRouter and lifecycle events,
 * callable from Elixir under `AgentFramework.*` and from TypeScript.
 *
 * @example
 * ```ts
 * import { startNode, agentsService, AgentSupervisor, AgentServer, atom } from 'beamlink';
 * const node = await startNode({ sname: 'node1', cookie: 'agent_secret', services: [agentsService()] });
 * const r = await AgentSupervisor.startAgent(node.runtime, 'Worker-1');
 * if (r.ok) await AgentServer.remember(node.runtime, r.pid, atom('origin'), 'node1');
 * // iex(node2)> :rpc.call(:"node1@host", AgentFramework.AgentServer, :recall, [w1, :origin])  #=> "node1"
 * ```
 *
 * @module
 */
export {
  AgentServer,
  AgentReplyError,
  agentCallbacks,
  decodeState,
  decodeTask,
  taskTerm,
  type AgentOptions,
  type AgentState,
  type ProcessNextResult,
} from './agent-server.ts';
export {
  AgentSupervisor,
  agentChildSpec,
  type AgentSupervisorOptions,
  type StartAgentResult,
} from './agent-supervisor.ts';
export { AgentDirectory, type DirectoryEntry } from './agent-directory.ts';
export {
  ClusterDirectory,
  wins,
  type ClusterEntry,
  type ConflictHandler,
} from './cluster-directory.ts';
export {
  ClusterMonitor,
  clusterMonitorCallbacks,
  type ClusterInfo,
  type ClusterMonitorOptions,
  type MonitorHost,
  type MonitorNotice,
} from './cluster-monitor.ts';
export {
  AgentRouter,
  AgentNotFoundError,
  place,
  type AgentLocation,
  type AgentRouterOptions,
  type PlacementStrategy,
  type RouterHost,
} from './router.ts';
export { HashRing, ringHash } from './hash-ring.ts';
export {
  AGENTS_PUBSUB,
  AGENTS_TOPIC,
  AgentEvents,
  agentEventLogger,
  decodeEvent,
  eventTerm,
  type AgentEvent,
  type AgentEventLoggerOptions,
  type AgentEventLoggerState,
  type AgentEventType,
} from './events.ts';
export {
  DEFAULT_HANDLERS,
  TaskHandlers,
  unknownTaskType,
  type AgentTask,
  type TaskContext,
  type TaskHandler,
} from './task-handlers.ts';
export { AgentNames, type AgentNamesHooks } from './agent-names.ts';
export { agentEnv, setAgentEnv, type AgentEnv } from './env.ts';
export { agentModules, type AgentModulesContext } from './rpc-modules.ts';
export {
  agentsOf,
  agentsService,
  startAgentFramework,
  type AgentFramework,
  type AgentFrameworkOptions,
} from './service.ts';
export { MODULES as AGENT_MODULES, frameworkModule } from './terms.ts';

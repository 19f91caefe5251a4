/**
 * `startNode()`: a whole beamlink node — what `erl -sname ts1 -setcookie c` gives you —
 * composed from the layers below: the node (name, cookie, port mapper, connections), the
 * process runtime, and the kernel processes every node runs (`net_kernel`,
 * `global_name_server`, and on published nodes `beamlink_node_gossip`).
 *
 * @module
 */
import type { Node as DistNode, NodeOptions } from '../node/node.ts';
import { Node } from '../node/node.ts';
import type { ConnectionState } from '../node/connections.ts';
import type { MonitorNodesOptions, NodeEventListener } from '../node/events.ts';
import { consoleLogger, type Logger } from '../process/logger.ts';
import type { Dest, ProcessBody, SpawnOptions } from '../process/index.ts';
import { Runtime } from '../process/runtime.ts';
import { setLocalNodeForPrinting } from '../term/format.ts';
import { atom, type Atom, type Pid, type Term } from '../term/types.ts';
import { startGlobalShim } from './global-shim.ts';
import { ping, startNetKernel } from './net-kernel.ts';
import { startNodeGossip } from './node-gossip.ts';

/**
 * A service plugged into a node at start (rpc, pg, …): runs once the node is up.
 *
 * @example
 * ```ts
 * const hello: NodeService = (node) => void node.spawn(async () => {}, { name: 'hello' });
 * ```
 */
export type NodeService = (node: BeamNode) => void | Promise<void>;

/**
 * Options of {@link startNode}: the node's options plus the runtime's and services.
 *
 * @example
 * ```ts
 * await startNode({ sname: 'ts1', cookie: 'c', netTicktime: 4, services: [startRex] });
 * ```
 */
export interface StartNodeOptions extends Omit<NodeOptions, 'logger'> {
  /** Where log lines go, for the node and its processes (default: console, `warn`). */
  logger?: Logger;
  /** Units of process work per event-loop turn (the runtime's budget). */
  budget?: number;
  /** Services started in order once the node is up (e.g. rpc's `rex`, pg scopes). */
  services?: readonly NodeService[];
  /** Connect to every beamlink node a beamlink peer knows (default true unless hidden). */
  transitive?: boolean;
}

/**
 * A running node, as the user sees it.
 *
 * @example
 * ```ts
 * const node = await startNode({ sname: 'ts1', cookie: 'secret' });
 * console.log(node.name, await node.ping('erl@vm')); // 'ts1@vm' 'pong'
 * await node.stop();
 * ```
 */
export interface BeamNode {
  /** `name@host`. */
  readonly name: string;
  /** The name as an atom (`node()`). */
  readonly node: Atom;
  readonly creation: number;
  readonly cookie: string;
  readonly hidden: boolean;
  /** The distribution listen port. */
  readonly port: number;
  /** The process runtime: spawn, send, register, monitor… */
  readonly runtime: Runtime;
  /** The connection layer, for what the shortcuts below do not cover. */
  readonly dist: DistNode;
  /** Spawns a process (see `Runtime.spawn`). */
  spawn(body: ProcessBody, options?: SpawnOptions): Pid;
  /** Sends from outside any process: to a pid, a local name, `[name, node]`, or an alias. */
  send(dest: Dest, message: Term): void;
  /** `net_kernel:connect_node/1`. */
  connect(node: Atom | string): Promise<boolean>;
  /** `erlang:disconnect_node/1`. */
  disconnect(node: Atom | string): boolean;
  /** `net_adm:ping/1`. */
  ping(node: Atom | string, options?: { timeoutMs?: number }): Promise<'pong' | 'pang'>;
  /** `erlang:nodes/0,1`. */
  nodes(kind?: 'visible' | 'hidden' | 'connected'): Atom[];
  /** The connection state toward `node`, if any. */
  connectionState(node: Atom | string): ConnectionState | undefined;
  /** `net_kernel:monitor_nodes/2`; returns the unsubscribe function. */
  monitorNodes(listener: NodeEventListener, options?: MonitorNodesOptions): () => void;
  /** `net_kernel:set_net_ticktime/1` (seconds). */
  setNetTicktime(seconds: number): void;
  /** Starts a service now (the same hook as `options.services`). */
  addService(service: NodeService): Promise<void>;
  /** Registers a function run by `stop()` before the processes are killed. */
  onStop(cleanup: () => void | Promise<void>): void;
  /** Stops processes, closes connections, leaves the port mapper. Idempotent. */
  stop(): Promise<void>;
  /** Whether `stop()` was called. */
  readonly stopped: boolean;
}

const KILL = atom('kill');

/**
 * Starts a beamlink node: registers with the port mapper, listens, and runs the kernel
 * processes (`net_kernel` so `net_adm:ping` answers pong, `global_name_server` so
 * `global:sync()` on BEAM returns, the gossip process for transitive connections).
 *
 * @example
 * ```ts
 * const node = await startNode({ sname: 'ts1', cookie: 'secret' });
 * node.spawn(async (self) => {
 *   self.register('echo');
 *   for (;;) {
 *     const m = await self.receive();
 *     // ...
 *   }
 * });
 * // iex> send({:echo, :"ts1@host"}, :hi)
 * ```
 */
export async function startNode(options: StartNodeOptions): Promise<BeamNode> {
  const logger = options.logger ?? consoleLogger('warn');
  const dist = await Node.start({ ...options, logger });
  // Pids of this node print as #PID<0.N.S>, as BEAM prints its own (the last node
  // started in a JS process wins; format() takes a localNode option for the others).
  setLocalNodeForPrinting(dist.name);
  const runtime = new Runtime({
    node: dist.nameAtom,
    creation: dist.creation,
    logger,
    budget: options.budget,
  });
  runtime.attachDistribution({ sendControl: (to, msg) => dist.sendControl(to, msg) });
  dist.attach(runtime);
  startNetKernel(runtime);
  startGlobalShim(runtime);
  const gossip =
    (options.transitive ?? true) && !dist.hidden ? startNodeGossip(runtime, dist) : undefined;

  const cleanups: Array<() => void | Promise<void>> = [];
  let stopping: Promise<void> | undefined;
  const node: BeamNode = {
    name: dist.name,
    node: dist.nameAtom,
    creation: dist.creation,
    cookie: dist.cookie,
    hidden: dist.hidden,
    port: dist.port,
    runtime,
    dist,
    spawn: (body, opts) => runtime.spawn(body, opts),
    send: (dest, message) => runtime.send(dest, message),
    connect: (n) => dist.connect(n),
    disconnect: (n) => dist.disconnect(n),
    ping: (n, opts) =>
      ping(runtime, n, { timeoutMs: opts?.timeoutMs, disconnect: (x) => dist.disconnect(x) }),
    nodes: (kind) => dist.nodes(kind),
    connectionState: (n) => dist.connectionState(n),
    monitorNodes: (listener, opts) => dist.monitorNodes(listener, opts),
    setNetTicktime: (seconds) => dist.setNetTicktime(seconds),
    addService: async (service) => {
      await service(node);
    },
    onStop: (cleanup) => {
      cleanups.push(cleanup);
    },
    stop: () => {
      stopping ??= (async () => {
        for (const cleanup of cleanups.reverse()) {
          try {
            await cleanup();
          } catch (e) {
            logger.log('error', `beamlink ${dist.name}: a stop hook failed: ${String(e)}`);
          }
        }
        gossip?.stop();
        for (const pid of runtime.processes()) runtime.exit(pid, KILL);
        // dist.stop() drains the connections, so the exit signals of the processes just
        // killed still reach their remote links and monitors.
        await dist.stop();
      })();
      return stopping;
    },
    get stopped() {
      return stopping !== undefined;
    },
  };
  try {
    for (const service of options.services ?? []) await service(node);
  } catch (e) {
    await node.stop();
    throw e;
  }
  return node;
}

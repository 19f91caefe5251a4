/**
 * `Node`: one distributed-Erlang node's identity and connections — what `erl -sname`
 * sets up before any process runs (net_kernel, auth, erl_epmd): the name, the cookie,
 * the listen socket, the port mapper registration (and so the creation), and the
 * connection table. Processes plug in through {@link Node.attach}; the node layer never
 * knows what a process is.
 *
 * @module
 */
import { createServer, type AddressInfo, type Server } from 'node:net';
import type { ControlMessage } from '../dist/control-message.ts';
import { acceptDirect } from '../dist/transport.ts';
import { register, type Registration } from '../epmd/client.ts';
import { ensurePortMapper } from '../epmd/ensure.ts';
import { atom, type Atom } from '../term/types.ts';
import {
  Connections,
  type ConnectionInfo,
  type ConnectionState,
  type LocalHandler,
  type NodeLogger,
} from './connections.ts';
import { resolveCookie, type CookieSource } from './cookie.ts';
import { ListenError, NodeStateError } from './errors.ts';
import { NodeEvents, type MonitorNodesOptions, type NodeEventListener } from './events.ts';
import { formNodeName, hostInfo, type HostInfo, type NameType } from './names.ts';

/**
 * net_kernel's default `net_ticktime`, in seconds.
 *
 * @example
 * ```ts
 * node.netTicktime === DEFAULT_NET_TICKTIME; // unless netTicktime was given
 * ```
 */
export const DEFAULT_NET_TICKTIME = 60;

/**
 * Options of {@link Node.start}.
 *
 * @example
 * ```ts
 * await Node.start({ sname: 'ts1', cookie: 'c', listen: { min: 9100, max: 9199 }, allow: ['erl@vm'] });
 * ```
 */
export interface NodeOptions {
  /** Short name (`-sname`): `ts1` or `ts1@host` (host without dots). */
  sname?: string;
  /** Long name (`-name`): `ts1@host.example.org`, `ts1@127.0.0.1`, or `ts1` (adds the FQDN). */
  name?: string;
  /** The magic cookie; else `RELEASE_COOKIE`, else `~/.erlang.cookie` (created when missing). */
  cookie?: string;
  /** Run hidden (`-hidden`): not in other nodes' `nodes()`, no transitive connections. */
  hidden?: boolean;
  /** Listen port range (`inet_dist_listen_min/max`); `{ min: 0 }` (default) is any port. */
  listen?: { min?: number; max?: number; host?: string };
  /** The port mapper's port (default `ERL_EPMD_PORT`, else 4369). */
  epmdPort?: number;
  /** `net_ticktime` in seconds (default 60). */
  netTicktime?: number;
  /** Handshake deadline in ms (`net_setuptime`, default 7 000). */
  setupTimeoutMs?: number;
  /** Only these nodes may connect, either way (`net_kernel:allow/1`): names, hosts, `name@`. */
  allow?: readonly string[];
  /** Where log lines go (default: warnings and errors to the console). */
  logger?: NodeLogger;
  /** Environment for the cookie lookup (`RELEASE_COOKIE`, `HOME`); default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Host name and domain for name forming (default: this machine's). */
  hostInfo?: HostInfo;
  /** Most control messages queued for one pending connection (default 100 000). */
  maxWaiting?: number;
  /**
   * Outgoing buffer limits of each connection, in bytes. `busyLimit` is erl's `+zdbbl`
   * (default 8 MiB): past it the connection is busy and senders that wait
   * ({@link Node.whenWritable}, the process layer's `sendAsync`) wait for it to drain.
   * `maxBytes` (default 256 MiB) is the hard limit: sends that do not wait are dropped
   * past it, with a warning.
   */
  distBuffer?: { busyLimit?: number; maxBytes?: number };
  /**
   * Start a port mapper when none answers (default true, as erl's `-start_epmd true`):
   * beamlink's own daemon, detached, so it outlives this node as epmd does.
   */
  startPortMapper?: boolean;
}

/**
 * Warnings and errors to the console, prefixed; debug and info dropped.
 *
 * @example
 * ```ts
 * await Node.start({ sname: 'ts1', logger: defaultNodeLogger });
 * ```
 */
export const defaultNodeLogger: NodeLogger = {
  log(level, message) {
    if (level === 'error') console.error(message);
    else if (level === 'warn') console.warn(message);
  },
};

/**
 * A running distributed node: listening, registered with the port mapper, connecting.
 *
 * @example
 * ```ts
 * const node = await Node.start({ sname: 'ts1', cookie: 'secret' });
 * node.attach({ handleControl: (from, msg) => console.log(from.name, msg.op), nodeDown() {} });
 * console.log(await node.connect('erl@vm')); // true
 * console.log(node.nodes().map((n) => n.name)); // ['erl@vm']
 * await node.stop();
 * ```
 */
export class Node {
  /** `name@host`. */
  readonly name: string;
  /** The name as an atom (what pids and refs carry). */
  readonly nameAtom: Atom;
  readonly nameType: NameType;
  /** This incarnation's creation, from the port mapper. */
  readonly creation: number;
  readonly cookie: string;
  readonly cookieSource: CookieSource;
  readonly hidden: boolean;
  /** The distribution listen port. */
  readonly port: number;

  private readonly server: Server;
  private readonly registration: Registration;
  private readonly connections: Connections;
  private readonly events: NodeEvents;
  private readonly logger: NodeLogger;
  private handler: LocalHandler | undefined;
  private early: Array<[Atom, ControlMessage]> = [];
  private allowList: string[];
  private tickSeconds: number;
  private stopping: Promise<void> | undefined;
  /** Set once the connections close: from then on sends are dropped. */
  private closed = false;

  private constructor(fields: {
    name: string;
    nameType: NameType;
    creation: number;
    cookie: string;
    cookieSource: CookieSource;
    hidden: boolean;
    server: Server;
    registration: Registration;
    options: NodeOptions;
  }) {
    this.name = fields.name;
    this.nameAtom = atom(fields.name);
    this.nameType = fields.nameType;
    this.creation = fields.creation;
    this.cookie = fields.cookie;
    this.cookieSource = fields.cookieSource;
    this.hidden = fields.hidden;
    this.server = fields.server;
    this.port = (fields.server.address() as AddressInfo).port;
    this.registration = fields.registration;
    this.logger = fields.options.logger ?? defaultNodeLogger;
    this.allowList = [...(fields.options.allow ?? [])];
    this.tickSeconds = fields.options.netTicktime ?? DEFAULT_NET_TICKTIME;
    this.events = new NodeEvents((e) =>
      this.logger.log('error', `beamlink ${this.name}: a node event listener threw: ${String(e)}`),
    );
    const allowList = (): readonly string[] => this.allowList;
    this.connections = new Connections({
      name: this.name,
      nameAtom: this.nameAtom,
      nameType: this.nameType,
      creation: this.creation,
      cookie: this.cookie,
      hidden: this.hidden,
      epmdPort: fields.options.epmdPort,
      tickTimeMs: this.tickSeconds * 1000,
      setupTimeoutMs: fields.options.setupTimeoutMs ?? 7_000,
      get allow() {
        return allowList();
      },
      maxWaiting: fields.options.maxWaiting ?? 100_000,
      buffer: bufferLimits(fields.options.distBuffer),
      logger: this.logger,
      events: this.events,
      handler: () => this.handler ?? this.earlyHandler,
    });
    acceptDirect(this.server, (socket) => this.connections.acceptSocket(socket));
    // A failed accept (EMFILE: out of file descriptors) is Node's 'error' on the server,
    // which would be thrown without a listener: log it; the listener keeps accepting.
    this.server.on('error', (e: Error) =>
      this.logger.log(
        'error',
        `beamlink ${this.name}: accepting a connection failed: ${e.message}`,
      ),
    );
    // The registration ends if the port mapper dies; erl keeps running too, but say so.
    void this.registration.closed.then(() => {
      if (!this.stopping) {
        this.logger.log(
          'warn',
          `beamlink ${this.name}: the port mapper connection closed; other nodes can no longer look this node up`,
        );
      }
    });
  }

  /** Buffers what arrives before `attach` (a peer may connect the moment we register). */
  private readonly earlyHandler: LocalHandler = {
    handleControl: (from, msg) => {
      if (this.early.length < 10_000) this.early.push([from, msg]);
    },
    nodeDown: () => {},
  };

  /**
   * Starts a node: forms the name, finds the cookie, listens, registers with the port
   * mapper. Rejects with `NodeNameError`, `CookieError`, `ListenError` or the port
   * mapper's errors (`EpmdNameTakenError`: the name is in use).
   *
   * @example
   * ```ts
   * const node = await Node.start({ name: 'ts1@127.0.0.1', cookie: 'c', listen: { min: 9100, max: 9110 } });
   * ```
   */
  static async start(options: NodeOptions): Promise<Node> {
    const formed = formNodeName(options, options.hostInfo ?? hostInfo());
    bufferLimits(options.distBuffer); // a RangeError now, before anything is open
    const { cookie, source } = await resolveCookie({ cookie: options.cookie, env: options.env });
    const server = await listenInRange(options.listen);
    let registration: Registration;
    try {
      if (options.startPortMapper ?? true) await ensurePortMapper({ epmdPort: options.epmdPort });
      registration = await register({
        name: formed.alive,
        port: (server.address() as AddressInfo).port,
        hidden: options.hidden ?? false,
        epmdPort: options.epmdPort,
      });
    } catch (e) {
      server.close();
      throw e;
    }
    return new Node({
      name: formed.full,
      nameType: formed.type,
      creation: registration.creation,
      cookie,
      cookieSource: source,
      hidden: options.hidden ?? false,
      server,
      registration,
      options,
    });
  }

  /**
   * Plugs in the local handler (the process runtime): incoming control messages and
   * node-down notices go to it. Messages that arrived before are delivered now, in order.
   *
   * @example
   * ```ts
   * node.attach(runtime); // runtime.handleControl / runtime.nodeDown
   * ```
   */
  attach(handler: LocalHandler): void {
    this.handler = handler;
    const early = this.early;
    this.early = [];
    for (const [from, msg] of early) handler.handleControl(from, msg);
  }

  /**
   * Sends a control message to `to`, connecting first if needed (the message waits for
   * the connection; if it cannot be made, the handler hears `nodeDown(to)`). A message
   * to this node goes straight to the handler.
   *
   * Returns `undefined`, or a promise when the connection to `to` is busy after this
   * message (its outgoing buffer past `distBuffer.busyLimit`, or still being set up):
   * the message is queued all the same, and the promise resolves once the connection
   * drained below the limit or closed. Awaiting it is how a sender slows down to the
   * peer's pace, as BEAM suspends a process that sends on a busy distribution port;
   * ignoring it is a plain `!` (past `distBuffer.maxBytes` messages are dropped).
   *
   * @example
   * ```ts
   * const busy = node.sendControl(atom('erl@vm'), { op: 'REG_SEND', from: self, to: atom('inbox'), message: 'hi' });
   * if (busy) await busy;
   * ```
   */
  sendControl(to: Atom, msg: ControlMessage): Promise<void> | undefined {
    if (to === this.nameAtom) {
      const handler = this.handler;
      if (handler) queueMicrotask(() => handler.handleControl(this.nameAtom, msg));
      return undefined;
    }
    if (this.closed) return undefined;
    return this.connections.send(to.name, msg);
  }

  /**
   * Resolves once the connection to `node` is not busy: at once when its outgoing buffer
   * is under `distBuffer.busyLimit` (or there is no connection), else when it drains or
   * closes; while it is being set up, when the setup ends. Never rejects.
   *
   * @example
   * ```ts
   * for (const chunk of chunks) {
   *   await node.whenWritable('erl@vm');
   *   node.sendControl(atom('erl@vm'), { op: 'REG_SEND', from: self, to: atom('sink'), message: chunk });
   * }
   * ```
   */
  whenWritable(node: Atom | string): Promise<void> {
    return this.connections.whenWritable(typeof node === 'string' ? node : node.name);
  }

  /**
   * Connects to `node` (`net_kernel:connect_node/1`): `true` once connected (or already
   * connected, or this node), `false` when it cannot be reached or refuses.
   *
   * @example
   * ```ts
   * if (!(await node.connect('erl@vm'))) console.log('erl@vm is down');
   * ```
   */
  connect(node: Atom | string): Promise<boolean> {
    const name = typeof node === 'string' ? node : node.name;
    if (this.stopping) return Promise.resolve(false);
    return this.connections.connect(name);
  }

  /**
   * Closes the connection to `node` (`erlang:disconnect_node/1`); `nodedown` fires with
   * reason `disconnect`. `false` when not connected.
   *
   * @example
   * ```ts
   * node.disconnect('erl@vm');
   * ```
   */
  disconnect(node: Atom | string): boolean {
    return this.connections.disconnect(typeof node === 'string' ? node : node.name);
  }

  /**
   * Connected nodes (`erlang:nodes/1`): `visible` (default), `hidden`, or `connected` (both).
   *
   * @example
   * ```ts
   * node.nodes('hidden').map((n) => n.name);
   * ```
   */
  nodes(kind: 'visible' | 'hidden' | 'connected' = 'visible'): Atom[] {
    return this.connections.nodes(kind);
  }

  /** The state of the connection to `node` (`pending` / `up` / `up_pending`), if any. */
  connectionState(node: Atom | string): ConnectionState | undefined {
    return this.connections.stateOf(typeof node === 'string' ? node : node.name);
  }

  /**
   * Subscribes to nodeup/nodedown (`net_kernel:monitor_nodes/2`); returns the unsubscribe.
   *
   * @example
   * ```ts
   * const off = node.monitorNodes((e) => console.log(e.type, e.node.name), { nodeType: 'all' });
   * ```
   */
  monitorNodes(listener: NodeEventListener, options?: MonitorNodesOptions): () => void {
    return this.events.subscribe(listener, options);
  }

  /** The current `net_ticktime`, in seconds. */
  get netTicktime(): number {
    return this.tickSeconds;
  }

  /**
   * Changes `net_ticktime` (seconds) for every connection, now and later
   * (`net_kernel:set_net_ticktime/1`, without the transition period).
   *
   * @example
   * ```ts
   * node.setNetTicktime(4); // a silent peer is down within 4–5 s
   * ```
   */
  setNetTicktime(seconds: number): void {
    if (!(seconds > 0)) throw new RangeError(`net_ticktime must be positive, got ${seconds}`);
    this.tickSeconds = seconds;
    this.connections.setTickTime(seconds * 1000);
  }

  /** The allow list (`net_kernel:allowed/0`); empty: every node may connect. */
  allowed(): readonly string[] {
    return [...this.allowList];
  }

  /**
   * Adds nodes to the allow list (`net_kernel:allow/1`). Once non-empty, only listed
   * nodes may connect, in either direction.
   *
   * @example
   * ```ts
   * node.allow(['erl@vm', 'trusted-host', 'worker@']);
   * ```
   */
  allow(nodes: readonly string[]): void {
    this.allowList.push(...nodes);
  }

  /** Plain JSON for the observer. */
  inspect(): {
    name: string;
    creation: number;
    port: number;
    hidden: boolean;
    netTicktime: number;
    connections: ConnectionInfo[];
  } {
    return {
      name: this.name,
      creation: this.creation,
      port: this.port,
      hidden: this.hidden,
      netTicktime: this.tickSeconds,
      connections: this.connections.inspect(),
    };
  }

  /** Whether {@link stop} was called. */
  get stopped(): boolean {
    return this.stopping !== undefined;
  }

  /**
   * Stops the node: closes every connection (nodedown `node_stopped`), the listen socket,
   * and the port mapper registration. Idempotent.
   *
   * @example
   * ```ts
   * await node.stop();
   * ```
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.connections.drain(1_000);
      this.closed = true;
      this.connections.stop();
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
      await this.registration.close();
    })();
    return this.stopping;
  }

  /** @internal Throws when stopped (for callers that must not act on a dead node). */
  assertRunning(): void {
    if (this.stopping) throw new NodeStateError(this.name, 'the node is stopped');
  }
}

/** The connection options for `distBuffer`, checked. */
function bufferLimits(limits: NodeOptions['distBuffer']): {
  highWaterMark?: number;
  maxQueuedBytes?: number;
} {
  const out: { highWaterMark?: number; maxQueuedBytes?: number } = {};
  for (const [key, value] of [
    ['busyLimit', limits?.busyLimit],
    ['maxBytes', limits?.maxBytes],
  ] as const) {
    if (value !== undefined && !(Number.isSafeInteger(value) && value > 0)) {
      throw new RangeError(`distBuffer.${key} must be a positive integer, got ${String(value)}`);
    }
  }
  if (limits?.busyLimit !== undefined) out.highWaterMark = limits.busyLimit;
  if (limits?.maxBytes !== undefined) out.maxQueuedBytes = limits.maxBytes;
  return out;
}

/** Listens on the first free port of `[min, max]` (0 = any port). */
async function listenInRange(listen: NodeOptions['listen']): Promise<Server> {
  const min = listen?.min ?? 0;
  const max = listen?.max ?? min;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max > 65535 || max < min) {
    throw new ListenError(min, max, `bad listen port range ${min}..${max}`);
  }
  let last: unknown;
  for (let port = min; port <= max; port++) {
    try {
      return await listenOn(port, listen?.host);
    } catch (e) {
      last = e;
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') break;
    }
  }
  throw new ListenError(
    min,
    max,
    `could not listen on any port in ${min}..${max}: ${(last as Error)?.message ?? 'unknown error'}`,
    { cause: last },
  );
}

function listenOn(port: number, host: string | undefined): Promise<Server> {
  return new Promise((resolve, reject) => {
    // Paused for acceptDirect's fallback, which moves each socket to one that reads through
    // onread; Nagle's algorithm is turned off by tcpTransport.
    const server = createServer({ pauseOnConnect: true });
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => {
      server.removeListener('error', reject);
      resolve(server);
    });
  });
}

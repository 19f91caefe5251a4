/**
 * An in-process port mapper that Erlang's own tools accept: `erl -sname` registers with
 * it, `epmd -names` and `net_adm:names()` list it, and nodes find each other through it.
 *
 * It behaves as OTP 25's `epmd` (erts/epmd/src/epmd_srv.c) does:
 * - one request per connection, framed `Length:16`; a length below 1 or above 3057 bytes,
 *   a request that overruns its length, an unknown tag or a malformed request closes the
 *   connection without a reply;
 * - ALIVE2_REQ keeps the connection: the name is registered until it closes (and any
 *   byte sent on it afterwards unregisters the name and closes it, as epmd does);
 * - creation: each name gets a 32-bit counter, started at the clock in seconds and bumped
 *   on every registration of that name (never below 4); ALIVE2_X_RESP sends the counter,
 *   the legacy ALIVE2_RESP sends `counter % 3 + 1`; a refusal sends result 1, creation 99;
 * - NAMES lists the newest registration first; KILL answers `NO` while nodes are
 *   registered unless `relaxedCommandCheck`; STOP is honoured only with
 *   `relaxedCommandCheck`;
 * - ALIVE2, DUMP, KILL and STOP from a peer that is not on loopback are dropped (the
 *   connection is closed); remote peers may only ask for ports and names.
 *
 * Where it differs: it caps the number of open connections (evicting the oldest idle,
 * unregistered one first), and only loopback peers count as local (epmd also trusts a
 * peer that connects from the address it connected to).
 *
 * @module
 */
import { EventEmitter } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { epmdPortFromEnv } from './client.ts';
import { EpmdBadRequestError, EpmdListenError } from './errors.ts';
import {
  decodeRequest,
  encodeAlive2Resp,
  encodeDumpResp,
  encodeNamesResp,
  encodePort2Resp,
  KILL_NO,
  KILL_OK,
  MAX_REQUEST_BODY,
  STOP_NOEXIST,
  STOP_STOPPED,
  type NodeInfo,
} from './protocol.ts';

/**
 * How the daemon runs.
 *
 * @example
 * ```ts
 * await EpmdDaemon.start({ port: 4400, address: '10.0.0.5', maxConnections: 256 });
 * ```
 */
export interface EpmdDaemonOptions {
  /** Port to listen on (default `ERL_EPMD_PORT`, else 4369; 0 picks a free one). */
  port?: number;
  /**
   * Extra addresses to listen on, besides loopback (as `epmd -address`). A wildcard
   * (`0.0.0.0` or `::`) listens on every interface instead.
   */
  address?: string | readonly string[];
  /** Most connections open at once (default 1024). */
  maxConnections?: number;
  /** Milliseconds a connection that has not registered may stay open (default 60 000, as epmd). */
  idleTimeoutMs?: number;
  /** As `epmd -relaxed_command_check`: KILL with nodes registered, and STOP, are allowed. */
  relaxedCommandCheck?: boolean;
  /** Decides whether a peer address is on this machine (default `isLoopbackAddress`). */
  isLocalPeer?: (address: string) => boolean;
}

/**
 * A registered node, as `inspect()` shows it.
 *
 * @example
 * ```ts
 * daemon.on('register', (n: RegisteredNode) => console.log(n.name, n.port, n.creation));
 * ```
 */
export interface RegisteredNode extends NodeInfo {
  /** The creation handed out. */
  readonly creation: number;
  /** The connection that holds the registration. */
  readonly connection: number;
  /** `Date.now()` at registration. */
  readonly since: number;
}

/**
 * The daemon's counters.
 *
 * @example
 * ```ts
 * console.log(daemon.stats.badRequests, daemon.stats.refusedRemote);
 * ```
 */
export interface EpmdDaemonStats {
  accepted: number;
  requests: number;
  badRequests: number;
  refusedRemote: number;
  registrations: number;
  refusedRegistrations: number;
  evicted: number;
  timedOut: number;
  /** Connections that closed before sending a whole request (includes timed out and evicted). */
  incomplete: number;
}

interface Connection {
  readonly id: number;
  readonly socket: Socket;
  readonly remote: string;
  readonly local: boolean;
  chunks: Buffer[];
  got: number;
  want: number;
  registered: RegisteredNode | undefined;
  done: boolean;
}

/** epmd keeps up to 1000 unregistered names (MAX_UNREG_COUNT) to bump their creation. */
const MAX_REMEMBERED_NAMES = 1000;

/**
 * Whether an address is loopback: 127.0.0.0/8, `::1`, or IPv4-mapped `::ffff:127.x.x.x`.
 *
 * @example
 * ```ts
 * isLoopbackAddress('127.0.0.1') // true
 * isLoopbackAddress('::ffff:127.1.2.3') // true
 * isLoopbackAddress('10.0.0.1') // false
 * ```
 */
export function isLoopbackAddress(address: string): boolean {
  const a = address.toLowerCase().replace(/%.*$/, '');
  if (a === '::1' || a === '0:0:0:0:0:0:0:1') return true;
  const v4 = a.startsWith('::ffff:') ? a.slice(7) : a;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

function bumpCreation(counter: number): number {
  const next = (counter + 1) >>> 0;
  return next < 4 ? 4 : next;
}

/**
 * The beamlink port mapper.
 *
 * @example
 * ```ts
 * const daemon = await EpmdDaemon.start({ port: 0 });
 * // ERL_EPMD_PORT=<daemon.port> erl -sname x   registers here
 * console.log(daemon.inspect().nodes);
 * await daemon.stop();
 * ```
 */
export class EpmdDaemon extends EventEmitter<{
  register: [RegisteredNode];
  unregister: [RegisteredNode];
  stop: [];
}> {
  /** The addresses it listens on. */
  readonly addresses: string[] = [];
  /** Resolves once the daemon has stopped (by `stop()` or a KILL request). */
  readonly stopped: Promise<void>;
  readonly stats: EpmdDaemonStats = {
    accepted: 0,
    requests: 0,
    badRequests: 0,
    refusedRemote: 0,
    registrations: 0,
    refusedRegistrations: 0,
    evicted: 0,
    timedOut: 0,
    incomplete: 0,
  };

  readonly #options: EpmdDaemonOptions;
  readonly #servers: Server[] = [];
  readonly #connections = new Map<number, Connection>();
  /** Registered nodes by name, oldest first. */
  readonly #nodes = new Map<string, RegisteredNode>();
  /** Creation counters of names no longer registered, oldest first. */
  readonly #remembered = new Map<string, { counter: number; port: number }>();
  readonly #counters = new Map<string, number>();
  #port = 0;
  #nextId = 1;
  #state: 'new' | 'running' | 'stopping' | 'stopped' = 'new';
  #resolveStopped!: () => void;

  constructor(options: EpmdDaemonOptions = {}) {
    super();
    this.#options = options;
    this.stopped = new Promise((resolve) => (this.#resolveStopped = resolve));
  }

  /**
   * Creates a daemon and starts it.
   *
   * @example
   * ```ts
   * const daemon = await EpmdDaemon.start({ port: 4400 });
   * ```
   */
  static async start(options: EpmdDaemonOptions = {}): Promise<EpmdDaemon> {
    const daemon = new EpmdDaemon(options);
    await daemon.start();
    return daemon;
  }

  /**
   * Starts listening. Rejects with `EpmdListenError` when the port is taken.
   *
   * @example
   * ```ts
   * const daemon = new EpmdDaemon({ port: 0, idleTimeoutMs: 5_000 });
   * await daemon.start();
   * ```
   */
  async start(): Promise<void> {
    if (this.#state !== 'new') throw new Error('EpmdDaemon.start(): already started');
    this.#state = 'running';
    const wanted = this.#options.address;
    const extra = (typeof wanted === 'string' ? wanted.split(/[ ,]+/) : (wanted ?? [])).filter(
      (a) => a !== '',
    );
    const wildcards = extra.filter((a) => a === '0.0.0.0' || a === '::');
    const plan: { host: string; optional: boolean }[] =
      wildcards.length > 0
        ? wildcards.map((host) => ({ host, optional: false }))
        : [
            { host: '127.0.0.1', optional: false },
            { host: '::1', optional: true },
            ...extra
              .filter((a) => !isLoopbackAddress(a))
              .map((host) => ({ host, optional: false })),
          ];
    let port = epmdPortFromEnv(this.#options.port);
    try {
      for (const { host, optional } of plan) {
        const ipv6Only = host === '::' && wildcards.includes('0.0.0.0');
        const server = createServer({ noDelay: true }, (socket) => this.#accept(socket));
        try {
          await new Promise<void>((resolve, reject) => {
            server.once('error', reject);
            server.listen({ host, port, ipv6Only, exclusive: true }, () => {
              server.removeListener('error', reject);
              resolve();
            });
          });
        } catch (e) {
          const err = e as Error & { code?: string };
          if (optional) continue;
          throw new EpmdListenError({ host, port }, err);
        }
        server.on('error', () => {});
        this.#servers.push(server);
        this.addresses.push(host);
        port = (server.address() as AddressInfo).port;
      }
    } catch (e) {
      await this.stop();
      throw e;
    }
    this.#port = port;
  }

  /** The port it listens on (known once started; the real one when started with port 0). */
  get port(): number {
    return this.#port;
  }

  /**
   * Stops listening and closes every connection (every registration ends).
   *
   * @example
   * ```ts
   * await daemon.stop();
   * ```
   */
  async stop(): Promise<void> {
    if (this.#state === 'stopped' || this.#state === 'stopping') return this.stopped;
    this.#state = 'stopping';
    const closing = this.#servers.map((s) => new Promise<void>((r) => s.close(() => r())));
    for (const conn of this.#connections.values()) conn.socket.destroy();
    await Promise.all(closing);
    this.#state = 'stopped';
    this.emit('stop');
    this.#resolveStopped();
  }

  /** The registered nodes, newest first (the order NAMES lists them). */
  nodes(): RegisteredNode[] {
    return [...this.#nodes.values()].reverse();
  }

  /**
   * The daemon's state as plain JSON.
   *
   * @example
   * ```ts
   * daemon.inspect().nodes.map((n) => n.name)
   * ```
   */
  inspect(): {
    state: string;
    port: number;
    addresses: string[];
    relaxedCommandCheck: boolean;
    nodes: (Omit<RegisteredNode, 'extra'> & { extra: string })[];
    connections: { open: number; registered: number; max: number };
    rememberedNames: number;
    stats: EpmdDaemonStats;
  } {
    return {
      state: this.#state,
      port: this.port,
      addresses: [...this.addresses],
      relaxedCommandCheck: this.#options.relaxedCommandCheck ?? false,
      nodes: this.nodes().map((n) => ({ ...n, extra: n.extra.toString('hex') })),
      connections: {
        open: this.#connections.size,
        registered: this.#nodes.size,
        max: this.#maxConnections,
      },
      rememberedNames: this.#remembered.size,
      stats: { ...this.stats },
    };
  }

  get #maxConnections(): number {
    return this.#options.maxConnections ?? 1024;
  }

  #accept(socket: Socket): void {
    socket.on('error', () => {});
    if (this.#state !== 'running') {
      socket.destroy();
      return;
    }
    this.stats.accepted++;
    if (this.#connections.size >= this.#maxConnections && !this.#evictOne()) {
      socket.destroy();
      return;
    }
    const remote = socket.remoteAddress ?? '';
    const isLocal = this.#options.isLocalPeer ?? isLoopbackAddress;
    const conn: Connection = {
      id: this.#nextId++,
      socket,
      remote,
      local: remote !== '' && isLocal(remote),
      chunks: [],
      got: 0,
      want: 0,
      registered: undefined,
      done: false,
    };
    this.#connections.set(conn.id, conn);
    socket.setTimeout(this.#options.idleTimeoutMs ?? 60_000, () => {
      if (conn.registered) return;
      this.stats.timedOut++;
      socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => this.#onData(conn, chunk));
    socket.once('close', () => this.#onClose(conn));
  }

  /** Closes the oldest connection that holds no registration; false if there is none. */
  #evictOne(): boolean {
    for (const conn of this.#connections.values()) {
      if (!conn.registered) {
        this.stats.evicted++;
        this.#connections.delete(conn.id);
        conn.socket.destroy();
        return true;
      }
    }
    return false;
  }

  #onClose(conn: Connection): void {
    this.#connections.delete(conn.id);
    if (!conn.done && !conn.registered) this.stats.incomplete++;
    const node = conn.registered;
    if (node && this.#nodes.get(node.name) === node) {
      this.#nodes.delete(node.name);
      this.#remember(node);
      this.emit('unregister', node);
    }
  }

  #remember(node: RegisteredNode): void {
    const counter = this.#counters.get(node.name);
    this.#counters.delete(node.name);
    if (counter === undefined) return;
    this.#remembered.delete(node.name);
    this.#remembered.set(node.name, { counter, port: node.port });
    while (this.#remembered.size > MAX_REMEMBERED_NAMES) {
      const oldest = this.#remembered.keys().next().value!;
      this.#remembered.delete(oldest);
    }
  }

  #bad(conn: Connection): void {
    this.stats.badRequests++;
    conn.done = true;
    conn.socket.destroy();
  }

  #onData(conn: Connection, chunk: Buffer): void {
    if (conn.done) return;
    if (conn.registered) {
      // epmd: "got more than expected on ALIVE socket" → unregister and close.
      this.#bad(conn);
      return;
    }
    conn.chunks.push(chunk);
    conn.got += chunk.length;
    if (conn.want === 0 && conn.got >= 2) {
      const head = conn.chunks.length === 1 ? conn.chunks[0]! : Buffer.concat(conn.chunks);
      const length = head.readUInt16BE(0);
      if (length < 1 || length > MAX_REQUEST_BODY) {
        this.#bad(conn);
        return;
      }
      conn.want = length + 2;
    }
    if (conn.want === 0) return;
    if (conn.got > conn.want) {
      this.#bad(conn);
      return;
    }
    if (conn.got < conn.want) return;
    const body = Buffer.concat(conn.chunks, conn.got).subarray(2);
    conn.chunks = [];
    conn.done = true;
    this.stats.requests++;
    this.#handle(conn, body);
  }

  #handle(conn: Connection, body: Buffer): void {
    let req;
    try {
      req = decodeRequest(body);
    } catch (e) {
      if (!(e instanceof EpmdBadRequestError)) throw e;
      this.#bad(conn);
      return;
    }
    const { socket } = conn;
    if (!conn.local && req.type !== 'PORT_PLEASE2_REQ' && req.type !== 'NAMES_REQ') {
      this.stats.refusedRemote++;
      socket.destroy();
      return;
    }
    switch (req.type) {
      case 'ALIVE2_REQ':
        this.#register(conn, req.node, req.refusal);
        return;
      case 'PORT_PLEASE2_REQ':
        socket.end(encodePort2Resp(this.#nodes.get(req.name) ?? null));
        return;
      case 'NAMES_REQ':
        socket.end(encodeNamesResp(this.port, this.nodes()));
        return;
      case 'DUMP_REQ': {
        const active = this.nodes().map((n) => ({ name: n.name, port: n.port, fd: n.connection }));
        const old = [...this.#remembered].map(([name, r]) => ({ name, port: r.port, fd: -1 }));
        socket.end(encodeDumpResp(this.port, active, old));
        return;
      }
      case 'KILL_REQ':
        if (!this.#options.relaxedCommandCheck && this.#nodes.size > 0) {
          socket.end(KILL_NO);
          return;
        }
        socket.end(KILL_OK, () => void this.stop());
        return;
      case 'STOP_REQ': {
        if (!this.#options.relaxedCommandCheck) {
          socket.destroy();
          return;
        }
        const node = this.#nodes.get(req.name);
        if (!node) {
          socket.end(STOP_NOEXIST);
          return;
        }
        this.#connections.get(node.connection)?.socket.destroy();
        this.#nodes.delete(node.name);
        this.#remember(node);
        this.emit('unregister', node);
        socket.end(STOP_STOPPED);
        return;
      }
    }
  }

  #register(conn: Connection, info: NodeInfo, refusal: string | undefined): void {
    const extended = info.highest >= 6;
    if (refusal !== undefined || this.#nodes.has(info.name)) {
      this.stats.refusedRegistrations++;
      conn.socket.end(encodeAlive2Resp({ result: 1, creation: 99, extended }));
      return;
    }
    const remembered = this.#remembered.get(info.name);
    this.#remembered.delete(info.name);
    const counter = bumpCreation(remembered?.counter ?? Math.floor(Date.now() / 1000));
    this.#counters.set(info.name, counter);
    const node: RegisteredNode = {
      ...info,
      creation: extended ? counter : (counter % 3) + 1,
      connection: conn.id,
      since: Date.now(),
    };
    this.#nodes.set(info.name, node);
    conn.registered = node;
    conn.done = false; // further bytes on this connection unregister it
    conn.socket.setTimeout(0);
    conn.socket.setKeepAlive(true);
    this.stats.registrations++;
    conn.socket.write(encodeAlive2Resp({ result: 0, creation: node.creation, extended }));
    this.emit('register', node);
  }
}

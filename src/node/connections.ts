/**
 * The set of connections of one node: net_kernel's `sys_dist` table and its `#connection`
 * record, as a small state machine (erlang/otp `lib/kernel/src/net_kernel.erl`).
 *
 * ```
 *              connect / first send                handshake done
 *   (none) ───────────────────────────► pending ─────────────────────► up
 *     ▲                                   │                            │  ▲
 *     │   setup failed: queue dropped,    │     new incoming attempt   │  │ old connection
 *     └── handler.nodeDown (noconnection) ┘     (peer restarted?)      ▼  │ closed, new one up
 *     ▲                                                            up_pending
 *     └──────────────── connection closed: nodedown ◄──────────────────┘
 * ```
 *
 * - **pending**: a setup is running (ours or the peer's). Control messages sent meanwhile
 *   wait in `waiting`, in order, and go out as soon as the connection is up; `connect()`
 *   callers wait too. A failed setup drops the queue and tells the local handler the node
 *   is down, so links and monitors set up meanwhile fire `noconnection` — as erts does
 *   with `abort_pending_connection`. No `nodedown` event: the node was never up.
 * - **simultaneous connect** (net_kernel's `accept_pending`): an incoming attempt while
 *   ours is pending wins when the peer's name is greater (`ok_simultaneous`: our attempt
 *   is dropped); otherwise it gets `nok` and ours continues. Exactly one connection
 *   results. Names compare as Erlang atoms do, by code point.
 * - **up_pending**: an incoming attempt while a connection is up gets `alive`; if it
 *   completes, the old connection is stale (the peer restarted and we had not noticed):
 *   it is closed and reported down, then the new one comes up.
 *
 * @module
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type Socket } from 'node:net';
import type { ControlMessage } from '../dist/control-message.ts';
import { DFLAG } from '../dist/flags.ts';
import { HandshakeError } from '../dist/errors.ts';
import type { DistLogger } from '../dist/logger.ts';
import type { Connection, ConnectionOptions } from '../dist/connection.ts';
import { accept, initiate, onDeadline } from '../dist/handshake.ts';
import { connectSocket, tcpTransport } from '../dist/transport.ts';
import { lookup } from '../epmd/client.ts';
import { Atom, atom, type Term } from '../term/types.ts';
import { channels } from './diagnostics.ts';
import { NodeEvents, type NodeDownReason, type NodeType } from './events.ts';
import { ExpiringMap } from './expiring-map.ts';
import { isAllowed, nameMismatch, splitNodeName, type NameType } from './names.ts';

/**
 * The state of one connection, as net_kernel names it.
 *
 * @example
 * ```ts
 * if (node.connectionState('erl@vm') === 'up') console.log('connected');
 * ```
 */
export type ConnectionState = 'pending' | 'up' | 'up_pending';

/**
 * What the node layer hands incoming control messages to (the process runtime).
 *
 * @example
 * ```ts
 * node.attach({ handleControl: (from, msg) => console.log(from.name, msg.op), nodeDown: () => {} });
 * ```
 */
export interface LocalHandler {
  handleControl(fromNode: Atom, msg: ControlMessage): void;
  nodeDown(node: Atom, reason?: Term): void;
}

/**
 * Log severity, lowest first.
 *
 * @example
 * ```ts
 * const level: NodeLogLevel = 'warn';
 * ```
 */
export type NodeLogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Where the node writes log lines (the same shape as the process runtime's logger).
 *
 * @example
 * ```ts
 * const logger: NodeLogger = { log: (level, message) => console.error(level, message) };
 * ```
 */
export interface NodeLogger {
  log(level: NodeLogLevel, message: string): void;
}

/**
 * What the connection table needs to know about its node.
 *
 * @example
 * ```ts
 * // built by Node.start(); see Node for the fields' sources
 * ```
 */
export interface ConnectionsConfig {
  readonly name: string;
  readonly nameAtom: Atom;
  readonly nameType: NameType;
  readonly creation: number;
  readonly cookie: string;
  readonly hidden: boolean;
  readonly epmdPort: number | undefined;
  tickTimeMs: number;
  readonly setupTimeoutMs: number;
  readonly allow: readonly string[];
  /** Most control messages queued for one pending connection; more are dropped. */
  readonly maxWaiting: number;
  /** Buffer limits of every connection (busy limit, hard limit), as `+zdbbl`. */
  readonly buffer: Pick<Partial<ConnectionOptions>, 'highWaterMark' | 'maxQueuedBytes'>;
  readonly logger: NodeLogger;
  readonly events: NodeEvents;
  /** The handler messages go to (`undefined` until attached). */
  handler(): LocalHandler | undefined;
}

/** One setup in progress: our dial-out or the peer's dial-in. */
interface Attempt {
  readonly id: number;
  readonly direction: 'outgoing' | 'incoming';
  /** Abandons the setup (closes its socket). */
  cancel(): void;
}

/** net_kernel's `#connection{}`. */
interface ConnectionRecord {
  readonly node: string;
  /**
   * The name as an atom. Made at once for nodes we dial (local code named them), but for
   * a peer that dials us only once its handshake succeeded: names offered by
   * unauthenticated peers never grow the atom table.
   */
  nodeAtom: Atom | undefined;
  state: ConnectionState;
  /** The live connection, when up or up_pending. */
  conn: Connection | undefined;
  /** The setup that owns a pending record. */
  owner: Attempt | undefined;
  /** The incoming setup that will replace `conn` (up_pending). */
  pendingOwner: Attempt | undefined;
  /** Control messages sent while pending. */
  waiting: ControlMessage[];
  /** `connect()` callers waiting for the outcome. */
  waiters: Array<(ok: boolean) => void>;
  nodeType: NodeType;
  creation: number;
  direction: 'outgoing' | 'incoming';
  /** Why we are closing it ourselves (`disconnect`), reported instead of the wire reason. */
  closing: NodeDownReason | undefined;
  /** Messages dropped because `waiting` was full (warned about once). */
  dropped: number;
  /** Timer waiting for the peer's attempt after our `nok` (see `outgoingFailed`). */
  takeoverTimer: NodeJS.Timeout | undefined;
  since: number;
  /** Set while the connection is busy: senders that wait get its promise. */
  busy: Busy | undefined;
}

/** One busy period of a connection: resolved on drain, close or the end of setup. */
interface Busy {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
}

/** How long a host name's address is reused before it is looked up again. */
const HOST_CACHE_MS = 10_000;

/**
 * How long the listen port of a node we connected to is reused for a reconnect without
 * asking its port mapper again (a failed dial asks it after all).
 */
const PORT_CACHE_MS = 10_000;

function traffic(
  conn: Connection,
): Pick<ConnectionInfo, 'bytesIn' | 'bytesOut' | 'messagesIn' | 'messagesOut'> {
  const c = conn.counters();
  return {
    bytesIn: c.bytesIn,
    bytesOut: c.bytesOut,
    messagesIn: c.messagesIn,
    messagesOut: c.messagesOut,
  };
}

/**
 * `inspect()` output for one connection.
 *
 * @example
 * ```ts
 * node.inspect().connections; // [{ node: 'erl@vm', state: 'up', nodeType: 'visible', ... }]
 * ```
 */
export interface ConnectionInfo {
  node: string;
  state: ConnectionState;
  nodeType: NodeType;
  direction: 'outgoing' | 'incoming';
  creation: number;
  waiting: number;
  dropped: number;
  /** Whether the connection is over its busy limit (senders that wait are waiting). */
  busy: boolean;
  /** Bytes queued for the peer and not yet handed to the OS. */
  queuedBytes: number;
  since: number;
  flags?: string;
  /** Traffic of the connection while up (`Connection.counters`: bytes and messages each way). */
  bytesIn?: number;
  bytesOut?: number;
  messagesIn?: number;
  messagesOut?: number;
}

function nodeTypeOf(flags: bigint | number): NodeType {
  return (BigInt(flags) & DFLAG.PUBLISHED) !== 0n ? 'visible' : 'hidden';
}

/** Erlang compares atoms by their characters' code points. */
function atomGreater(a: string, b: string): boolean {
  const ca = [...a].map((c) => c.codePointAt(0)!);
  const cb = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    if (ca[i] !== cb[i]) return ca[i]! > cb[i]!;
  }
  return ca.length > cb.length;
}

/**
 * The connection table of one node: connect, accept, queue, send, disconnect.
 * Owned by {@link Node}; not used alone.
 *
 * @example
 * ```ts
 * const table = new Connections(config);
 * await table.connect('b@vm'); // true once up
 * table.send('b@vm', { op: 'REG_SEND', from, to: atom('srv'), message: 'hi' });
 * ```
 */
export class Connections {
  private readonly config: ConnectionsConfig;
  private readonly table = new Map<string, ConnectionRecord>();
  private nextAttempt = 1;
  private stopped = false;
  /** Incoming handshakes under way (not yet authenticated). */
  private handshaking = 0;
  /** Connections closed since the last warning because too many handshakes were under way. */
  private refusedAccepts = 0;
  private readonly sockets = new Set<Socket>();
  /** Host names resolved lately (see `resolveHost`). */
  private readonly addresses = new ExpiringMap<string>(HOST_CACHE_MS);
  /** Listen ports of nodes connected to lately (see `PORT_CACHE_MS`). */
  private readonly ports = new ExpiringMap<number>(PORT_CACHE_MS);

  private readonly distLogger: DistLogger;

  constructor(config: ConnectionsConfig) {
    this.config = config;
    this.distLogger = {
      warn: (m) => config.logger.log('warn', `beamlink ${config.name}: ${m}`),
      info: (m) => config.logger.log('info', `beamlink ${config.name}: ${m}`),
      debug: (m) => config.logger.log('debug', `beamlink ${config.name}: ${m}`),
    };
  }

  // ---- queries ----------------------------------------------------------------------

  /** The up connections of the given kind (`visible` by default, as `nodes()`). */
  nodes(kind: 'visible' | 'hidden' | 'connected' = 'visible'): Atom[] {
    const out: Atom[] = [];
    for (const rec of this.table.values()) {
      if (rec.state === 'pending') continue;
      if (kind === 'connected' || rec.nodeType === kind) out.push(rec.nodeAtom ?? atom(rec.node));
    }
    return out;
  }

  /** The state of the connection to `node`, or `undefined` when there is none. */
  stateOf(node: string): ConnectionState | undefined {
    return this.table.get(node)?.state;
  }

  /** The live connection to `node`, when up. */
  connectionTo(node: string): Connection | undefined {
    const rec = this.table.get(node);
    return rec && rec.state !== 'pending' ? rec.conn : undefined;
  }

  /** Plain JSON for the observer. */
  inspect(): ConnectionInfo[] {
    return [...this.table.values()].map((rec) => ({
      node: rec.node,
      state: rec.state,
      nodeType: rec.nodeType,
      direction: rec.direction,
      creation: rec.creation,
      waiting: rec.waiting.length,
      dropped: rec.dropped,
      busy: rec.busy !== undefined,
      queuedBytes: rec.conn?.queuedBytes ?? 0,
      since: rec.since,
      ...(rec.conn
        ? { flags: `0x${BigInt(rec.conn.flags).toString(16)}`, ...traffic(rec.conn) }
        : {}),
    }));
  }

  // ---- outgoing ---------------------------------------------------------------------

  /**
   * Connects to `node` (or waits for the setup already running); resolves `true` once
   * the connection is up, `false` when it cannot be made.
   */
  connect(node: string): Promise<boolean> {
    if (node === this.config.name) return Promise.resolve(true);
    if (this.stopped) return Promise.resolve(false);
    let rec = this.table.get(node);
    if (rec && rec.state !== 'pending') return Promise.resolve(true);
    if (!rec) rec = this.startOutgoing(node);
    rec.nodeAtom ??= atom(node);
    const r = rec;
    return new Promise((resolve) => r.waiters.push(resolve));
  }

  /**
   * Sends a control message to `node`, connecting first when needed (the message waits
   * in order). Never throws for connection trouble: a failed connect reports the node
   * down to the local handler instead. Returns `undefined`, or — when the connection is
   * busy after this message (its buffer at the busy limit, or still being set up) — a
   * promise that resolves when it is not any more (see {@link whenWritable}).
   */
  send(node: string, msg: ControlMessage): Promise<void> | undefined {
    if (this.stopped) return undefined;
    let rec = this.table.get(node);
    if (rec !== undefined && rec.state !== 'pending' && rec.conn !== undefined) {
      return this.write(rec, rec.conn, msg);
    }
    rec ??= this.startOutgoing(node);
    rec.nodeAtom ??= atom(node); // local code names it: its processes may wait for it
    if (rec.waiting.length >= this.config.maxWaiting) {
      if (rec.dropped++ === 0) {
        this.log(
          'warn',
          `beamlink ${this.config.name}: ${rec.waiting.length} messages already wait for the connection to ${node}; dropping further ones until it is up`,
        );
      }
      return this.busyOf(rec);
    }
    rec.waiting.push(msg);
    // Queued messages are not encoded yet, so their bytes are unknown: a sender that
    // waits waits for the setup to end, then for the connection's own busy limit.
    return this.busyOf(rec);
  }

  /**
   * Resolves once `node`'s connection can take more without passing its busy limit: at
   * once when it is not busy (or there is no connection), else on its drain or close,
   * or — while it is being set up — at the end of the setup.
   */
  whenWritable(node: string): Promise<void> {
    const rec = this.table.get(node);
    if (rec === undefined) return Promise.resolve();
    if (rec.state === 'pending') return this.busyOf(rec);
    return rec.busy === undefined ? Promise.resolve() : rec.busy.promise;
  }

  /** Writes to an up connection; the busy promise when it is over its busy limit. */
  private write(
    rec: ConnectionRecord,
    conn: Connection,
    msg: ControlMessage,
  ): Promise<void> | undefined {
    try {
      if (conn.send(msg)) return undefined;
    } catch (e) {
      // Over the hard limit or closed: the message is lost, as an unreachable send is in
      // Erlang; the close event reports the node down. (Senders that wait on the busy
      // promise stay under the busy limit and never get here.)
      this.log(
        'warn',
        `beamlink ${this.config.name}: a message to ${rec.node} was dropped: ${(e as Error).message}`,
      );
      if (conn.state === 'closed') return undefined;
    }
    return this.busyOf(rec);
  }

  /** The promise of `rec`'s current busy period (starting one). */
  private busyOf(rec: ConnectionRecord): Promise<void> {
    if (rec.busy !== undefined) return rec.busy.promise;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    rec.busy = { promise, resolve };
    return promise;
  }

  /** Ends `rec`'s busy period: every waiting sender resumes. */
  private unbusy(rec: ConnectionRecord): void {
    const busy = rec.busy;
    if (busy === undefined) return;
    rec.busy = undefined;
    busy.resolve();
  }

  /**
   * The address of `host`: an IP as is, a name from a short-lived cache (one look-up
   * serves the port mapper request and the dial, and reconnects within
   * {@link HOST_CACHE_MS} skip it).
   */
  private async resolveHost(host: string): Promise<string> {
    if (isIP(host) !== 0) return host;
    const hit = this.addresses.get(host);
    if (hit !== undefined) return hit;
    // IPv4 first, as erl's inet_tcp_dist (the port mapper listens there too).
    const all = await dnsLookup(host, { all: true });
    const address = (all.find((a) => a.family === 4) ?? all[0])?.address;
    if (address === undefined) throw new Error(`no address for host ${host}`);
    this.addresses.set(host, address);
    return address;
  }

  private newRecord(node: string, direction: 'outgoing' | 'incoming'): ConnectionRecord {
    const rec: ConnectionRecord = {
      node,
      nodeAtom: direction === 'outgoing' ? atom(node) : Atom.existing(node),
      state: 'pending',
      conn: undefined,
      owner: undefined,
      pendingOwner: undefined,
      waiting: [],
      waiters: [],
      nodeType: 'visible',
      creation: 0,
      direction,
      closing: undefined,
      dropped: 0,
      takeoverTimer: undefined,
      since: Date.now(),
      busy: undefined,
    };
    this.table.set(node, rec);
    return rec;
  }

  private startOutgoing(node: string): ConnectionRecord {
    const rec = this.newRecord(node, 'outgoing');
    let socket: Socket | undefined;
    let cancelled = false;
    const attempt: Attempt = {
      id: this.nextAttempt++,
      direction: 'outgoing',
      cancel: () => {
        cancelled = true;
        socket?.destroy();
      },
    };
    rec.owner = attempt;
    const refuse = (why: string): void => {
      this.log('error', `beamlink ${this.config.name}: ${why}`);
      queueMicrotask(() => this.setupFailed(rec, attempt, why));
    };
    const mismatch = nameMismatch(node, this.config.nameType, this.config.name);
    if (mismatch) {
      refuse(mismatch);
      return rec;
    }
    if (!isAllowed(node, this.config.allow)) {
      refuse(`connection attempt with disallowed node ${node} (not in the allow list)`);
      return rec;
    }
    const { alive, host } = splitNodeName(node);
    const deadline = Date.now() + this.config.setupTimeoutMs;
    const handshakeAt = async (address: string, port: number): Promise<Connection> => {
      if (cancelled) throw new Error('cancelled');
      socket = await dial(address, port, Math.max(1, deadline - Date.now()));
      if (cancelled) {
        socket.destroy();
        throw new Error('cancelled');
      }
      this.track(socket);
      return initiate(tcpTransport(socket), {
        localName: this.config.name,
        localCreation: this.config.creation,
        cookie: this.config.cookie,
        hidden: this.config.hidden,
        remoteName: node,
        tickTimeMs: this.config.tickTimeMs,
        setupTimeoutMs: Math.max(1, deadline - Date.now()),
        logger: this.distLogger,
        connection: this.config.buffer,
      });
    };
    const run = async (): Promise<Connection> => {
      const address = await this.resolveHost(host);
      // A reconnect within PORT_CACHE_MS dials the port the last connection used; if
      // that fails as a moved or restarted node would (nothing listening, another
      // name answering, the socket closed), the port mapper is asked after all.
      const known = this.ports.get(node);
      if (known !== undefined) {
        try {
          return await handshakeAt(address, known);
        } catch (e) {
          this.ports.delete(node);
          if (cancelled || !mayHaveMoved(e) || Date.now() >= deadline) throw e;
        }
      }
      const info = await lookup(alive, address, {
        epmdPort: this.config.epmdPort,
        timeoutMs: Math.max(1, deadline - Date.now()),
      }).catch((e: unknown) => {
        this.addresses.delete(host); // perhaps the host moved: look it up again next time
        throw e;
      });
      if (!info) throw new Error(`the port mapper on ${host} has no node named ${alive}`);
      const conn = await handshakeAt(address, info.port);
      this.ports.set(node, info.port);
      return conn;
    };
    run().then(
      (conn) => {
        if (rec.owner !== attempt || this.table.get(node) !== rec || this.stopped) {
          conn.close();
          return;
        }
        this.install(rec, conn);
      },
      (err: unknown) => this.outgoingFailed(rec, attempt, err),
    );
    return rec;
  }

  private outgoingFailed(rec: ConnectionRecord, attempt: Attempt, err: unknown): void {
    if (rec.owner !== attempt || this.table.get(rec.node) !== rec) return; // superseded
    if (err instanceof HandshakeError && err.status === 'nok') {
      // The peer's name is greater and its own attempt toward us is on its way: erl's
      // initiator waits "to be killed by net_kernel" once the acceptor takes over. Wait
      // for that takeover, as long as a setup may take.
      rec.takeoverTimer = setTimeout(() => {
        rec.takeoverTimer = undefined;
        this.setupFailed(
          rec,
          attempt,
          'simultaneous connect: the peer said nok and never connected',
        );
      }, this.config.setupTimeoutMs);
      rec.takeoverTimer.unref?.();
      return;
    }
    const why = describeFailure(err);
    // Refusals (bad cookie, not_allowed, missing flags) were logged by the handshake;
    // an unreachable node is not worth more than a debug line, as in erl.
    this.log(
      'debug',
      `beamlink ${this.config.name}: connection attempt to node ${rec.node} failed: ${why}`,
    );
    this.setupFailed(rec, attempt, why);
  }

  /** A pending setup failed: drop the queue, fail the waiters, tell the handler. */
  private setupFailed(rec: ConnectionRecord, attempt: Attempt, why: string): void {
    if (rec.owner !== attempt || this.table.get(rec.node) !== rec || rec.state !== 'pending') {
      return;
    }
    this.table.delete(rec.node);
    if (rec.takeoverTimer) clearTimeout(rec.takeoverTimer);
    rec.waiting = [];
    this.unbusy(rec);
    const waiters = rec.waiters.splice(0);
    channels.connectFailed.publish({ node: this.config.name, peer: rec.node, reason: why });
    // No atom: nothing local ever named this node, so nothing waits for it.
    if (rec.nodeAtom) this.notifyDown(rec.nodeAtom, 'noconnection');
    for (const w of waiters) w(false);
  }

  // ---- incoming ---------------------------------------------------------------------

  /** Runs the acceptor side of a handshake on a socket the listener accepted. */
  acceptSocket(socket: Socket): void {
    if (this.stopped) {
      socket.destroy();
      return;
    }
    if (this.handshaking >= MAX_PENDING_ACCEPTS) {
      // A flood of unauthenticated connections: each holds a socket for up to the setup
      // time. Close new ones until some handshakes finish; established nodes are unaffected.
      if (this.refusedAccepts++ === 0) {
        this.log(
          'warn',
          `beamlink ${this.config.name}: ${MAX_PENDING_ACCEPTS} incoming handshakes already under way; closing new connections until some finish`,
        );
      }
      socket.destroy();
      return;
    }
    this.handshaking++;
    let settled = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      this.handshaking--;
      if (this.handshaking < MAX_PENDING_ACCEPTS / 2) this.refusedAccepts = 0;
    };
    this.track(socket);
    const attempt: Attempt = {
      id: this.nextAttempt++,
      direction: 'incoming',
      cancel: () => socket.destroy(),
    };
    accept(tcpTransport(socket), {
      localName: this.config.name,
      localCreation: this.config.creation,
      cookie: this.config.cookie,
      hidden: this.config.hidden,
      tickTimeMs: this.config.tickTimeMs,
      setupTimeoutMs: this.config.setupTimeoutMs,
      logger: this.distLogger,
      connection: this.config.buffer,
      decide: (remoteName: string, remoteFlags: bigint, remoteCreation: number) =>
        this.decide(attempt, remoteName, remoteFlags, remoteCreation),
    }).then(
      (conn) => {
        settle();
        this.accepted(attempt, conn);
      },
      (err: unknown) => {
        settle();
        this.acceptFailed(attempt, err);
      },
    );
  }

  /** net_kernel's `accept_pending`: what to answer a peer that dialled us. */
  private decide(
    attempt: Attempt,
    remote: string,
    flags: bigint,
    creation: number,
  ): 'ok' | 'ok_simultaneous' | 'nok' | 'not_allowed' | 'alive' {
    if (this.stopped) return 'not_allowed';
    const mismatch = nameMismatch(remote, this.config.nameType, this.config.name);
    if (mismatch) {
      this.log(
        'error',
        `beamlink ${this.config.name}: connection attempt from ${remote} refused: ${mismatch}`,
      );
      return 'not_allowed';
    }
    if (!isAllowed(remote, this.config.allow)) {
      this.log(
        'error',
        `beamlink ${this.config.name}: connection attempt from disallowed node ${remote} (not in the allow list)`,
      );
      return 'not_allowed';
    }
    if (remote === this.config.name) return 'nok';
    const rec = this.table.get(remote);
    if (!rec) {
      const fresh = this.newRecord(remote, 'incoming');
      fresh.owner = attempt;
      fresh.nodeType = nodeTypeOf(flags);
      fresh.creation = creation;
      return 'ok';
    }
    switch (rec.state) {
      case 'pending':
        if (atomGreater(this.config.name, remote)) return 'nok';
        // Simultaneous connect and the peer's name is greater: its attempt wins.
        if (rec.takeoverTimer) clearTimeout(rec.takeoverTimer);
        rec.takeoverTimer = undefined;
        rec.owner?.cancel();
        rec.owner = attempt;
        rec.direction = 'incoming';
        rec.nodeType = nodeTypeOf(flags);
        rec.creation = creation;
        return 'ok_simultaneous';
      case 'up':
        rec.state = 'up_pending';
        rec.pendingOwner = attempt;
        return 'alive';
      case 'up_pending':
        return 'nok'; // already_pending: erl just closes
    }
  }

  private accepted(attempt: Attempt, conn: Connection): void {
    const rec = this.table.get(conn.peerName);
    if (!rec || this.stopped) {
      conn.close();
      return;
    }
    if (rec.state === 'up_pending' && rec.pendingOwner === attempt) {
      // The old connection is stale: the peer came back (perhaps a new incarnation).
      const old = rec.conn;
      rec.pendingOwner = undefined;
      rec.conn = undefined;
      rec.state = 'pending';
      rec.owner = attempt;
      if (old) {
        this.log(
          'info',
          `beamlink ${this.config.name}: ${rec.node} connected again; replacing the old connection`,
        );
        old.removeAllListeners('message');
        old.removeAllListeners('close');
        old.removeAllListeners('drain');
        old.close();
        this.unbusy(rec);
        this.reportDown(rec, 'connection_closed');
      }
      this.install(rec, conn);
      return;
    }
    if (rec.owner !== attempt || rec.state !== 'pending') {
      conn.close();
      return;
    }
    this.install(rec, conn);
  }

  private acceptFailed(attempt: Attempt, err: unknown): void {
    for (const rec of this.table.values()) {
      if (rec.state === 'up_pending' && rec.pendingOwner === attempt) {
        rec.state = 'up';
        rec.pendingOwner = undefined;
        return;
      }
      if (rec.state === 'pending' && rec.owner === attempt) {
        const why = describeFailure(err);
        this.log(
          'info',
          `beamlink ${this.config.name}: connection attempt from node ${rec.node} failed: ${why}`,
        );
        this.setupFailed(rec, attempt, why);
        return;
      }
    }
    // Refused before it had a record: the handshake logged refusals; timeouts and
    // early closes are worth an info line.
    if (err instanceof HandshakeError && (err.status === 'timeout' || err.status === 'closed')) {
      this.log(
        'info',
        `beamlink ${this.config.name}: incoming connection attempt failed: ${err.message}`,
      );
    }
  }

  // ---- up and down ------------------------------------------------------------------

  private install(rec: ConnectionRecord, conn: Connection): void {
    rec.state = 'up';
    rec.conn = conn;
    rec.owner = undefined;
    rec.nodeType = nodeTypeOf(conn.peerFlags);
    rec.creation = conn.peerCreation;
    rec.since = Date.now();
    if (rec.takeoverTimer) clearTimeout(rec.takeoverTimer);
    rec.takeoverTimer = undefined;
    const from = (rec.nodeAtom ??= atom(rec.node)); // authenticated now
    conn.on('message', (msg: ControlMessage) => this.deliver(from, msg));
    conn.on('close', (reason?: unknown) => this.closed(rec, conn, reason));
    conn.on('drain', () => {
      if (rec.conn === conn) this.unbusy(rec);
    });
    // Senders waiting on a full setup queue resume; one that finds the connection busy
    // after the queue went out waits again on its drain.
    this.unbusy(rec);
    const queued = rec.waiting.splice(0);
    for (const msg of queued) void this.write(rec, conn, msg);
    const waiters = rec.waiters.splice(0);
    for (const w of waiters) w(true);
    channels.nodeup.publish({ node: this.config.name, peer: rec.node, nodeType: rec.nodeType });
    this.config.events.emit({
      type: 'nodeup',
      node: from,
      nodeType: rec.nodeType,
      direction: rec.direction,
    });
  }

  private deliver(from: Atom, msg: ControlMessage): void {
    const handler = this.config.handler();
    if (!handler) return;
    try {
      handler.handleControl(from, msg);
    } catch (e) {
      this.log(
        'error',
        `beamlink ${this.config.name}: the local handler failed on a message from ${from.name}: ${(e as Error).stack ?? String(e)}`,
      );
    }
  }

  private closed(rec: ConnectionRecord, conn: Connection, reason: unknown): void {
    if (rec.conn !== conn) return;
    rec.conn = undefined;
    this.unbusy(rec);
    const why: NodeDownReason = rec.closing ?? downReason(reason);
    rec.closing = undefined;
    if (rec.state === 'up_pending' && rec.pendingOwner) {
      // The peer's new attempt now owns the record; it completes as a fresh connection.
      rec.state = 'pending';
      rec.owner = rec.pendingOwner;
      rec.pendingOwner = undefined;
      this.reportDown(rec, why);
      return;
    }
    if (this.table.get(rec.node) === rec) this.table.delete(rec.node);
    this.reportDown(rec, why);
  }

  private reportDown(rec: ConnectionRecord, reason: NodeDownReason): void {
    channels.nodedown.publish({
      node: this.config.name,
      peer: rec.node,
      nodeType: rec.nodeType,
      reason,
    });
    const node = (rec.nodeAtom ??= atom(rec.node));
    this.notifyDown(node, reason);
    this.config.events.emit({
      type: 'nodedown',
      node,
      nodeType: rec.nodeType,
      reason,
    });
  }

  private notifyDown(node: Atom, reason: string): void {
    const handler = this.config.handler();
    if (!handler) return;
    try {
      handler.nodeDown(node, atom(reason));
    } catch (e) {
      this.log(
        'error',
        `beamlink ${this.config.name}: the local handler failed on nodedown of ${node.name}: ${(e as Error).stack ?? String(e)}`,
      );
    }
  }

  /** Closes the connection to `node` (or abandons its setup); `false` when there was none. */
  disconnect(node: string): boolean {
    const rec = this.table.get(node);
    if (!rec) return false;
    if (rec.state === 'pending') {
      const owner = rec.owner;
      owner?.cancel();
      if (owner) this.setupFailed(rec, owner, 'disconnected');
      return true;
    }
    rec.pendingOwner?.cancel();
    rec.pendingOwner = undefined;
    rec.state = 'up';
    rec.closing ??= 'disconnect';
    const conn = rec.conn;
    if (conn) {
      // Report at once (erlang:disconnect_node/1 is synchronous about nodedown).
      this.closed(rec, conn, 'disconnect');
      conn.removeAllListeners('message');
      conn.removeAllListeners('close');
      conn.removeAllListeners('drain');
      conn.close();
    }
    return true;
  }

  /**
   * Waits until every up connection has handed its queued bytes to the OS (or
   * `timeoutMs` passed): what a stop does before closing, so the last exit signals and
   * messages still reach the peers.
   */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // Let signals sent just now reach the connections' batches first.
    await new Promise((r) => setImmediate(r));
    for (;;) {
      let queued = 0;
      for (const rec of this.table.values()) queued += rec.conn?.queuedBytes ?? 0;
      if (queued === 0 || Date.now() >= deadline) return;
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Changes the tick time of every connection (and of new ones). */
  setTickTime(ms: number): void {
    this.config.tickTimeMs = ms;
    for (const rec of this.table.values()) rec.conn?.setTickTime(ms);
  }

  /** Closes everything; pending setups fail, up connections go down with `node_stopped`. */
  stop(): void {
    if (this.stopped) return;
    for (const rec of [...this.table.values()]) {
      if (rec.state === 'pending') {
        const owner = rec.owner;
        owner?.cancel();
        if (owner) this.setupFailed(rec, owner, 'node stopped');
      } else {
        rec.closing = 'node_stopped';
        this.disconnect(rec.node);
      }
    }
    this.stopped = true;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  private log(level: NodeLogLevel, message: string): void {
    this.config.logger.log(level, message);
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket)); // 'close' comes once
  }
}

/**
 * Incoming handshakes that may be under way at once; past it new connections are closed
 * at once (a flood of unauthenticated sockets must not exhaust file descriptors).
 */
const MAX_PENDING_ACCEPTS = 256;

function dial(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connectSocket({ host, port });
    // The handshakes' shared deadline timer: no timer made and cleared per dial.
    const cancel = onDeadline(timeoutMs, () => {
      socket.destroy();
      reject(new Error(`no TCP connection to ${host}:${port} within ${timeoutMs} ms`));
    });
    socket.once('connect', () => {
      cancel();
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (e) => {
      cancel();
      socket.destroy();
      reject(e);
    });
  });
}

/**
 * Whether a failed dial of a remembered port may mean the node now listens elsewhere
 * (not a refusal by the node itself, such as a cookie mismatch or a simultaneous connect).
 */
function mayHaveMoved(err: unknown): boolean {
  if (!(err instanceof HandshakeError)) return true;
  return err.status === 'name_mismatch' || err.status === 'closed' || err.status === 'bad_frame';
}

function describeFailure(err: unknown): string {
  if (err instanceof HandshakeError) {
    if (err.status === 'bad_cookie') {
      return `${err.message} (invalid challenge reply: the cookies differ)`;
    }
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

function downReason(reason: unknown): NodeDownReason {
  if (typeof reason === 'string' && reason) return reason;
  if (reason && typeof reason === 'object' && 'name' in reason) {
    const n = (reason as { name: unknown }).name;
    if (typeof n === 'string') return n;
  }
  return 'connection_closed';
}

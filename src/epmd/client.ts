/**
 * The EPMD client: register a node, look up a node's port, list the names.
 *
 * Every call finds the port mapper where `erl` would: the `epmdPort` option, else the
 * `ERL_EPMD_PORT` environment variable, else 4369; on `127.0.0.1` unless a host is given.
 * One TCP connection per request, as erl_epmd does; a registration lives exactly as long
 * as its connection (the port mapper forgets the name when it closes).
 *
 * @module
 */
import { connect, type Socket } from 'node:net';
import { EpmdBadReplyError, EpmdNameTakenError, EpmdUnreachableError } from './errors.ts';
import type { EpmdErrorContext } from './errors.ts';
import {
  decodeAlive2Resp,
  decodeNamesResp,
  decodePort2Resp,
  encodeAlive2Req,
  encodeKillReq,
  encodeNamesReq,
  encodePortPlease2Req,
  EPMD_PORT,
  NodeType,
  PROTOCOL_TCP_IPV4,
  type NamesResponse,
  type NodeInfo,
} from './protocol.ts';

/**
 * Where the port mapper is and how long to wait for it.
 *
 * @example
 * ```ts
 * await names(undefined, { epmdPort: 4400, timeoutMs: 2_000 });
 * ```
 */
export interface EpmdClientOptions {
  /** The port mapper's port (default: `ERL_EPMD_PORT`, else 4369). */
  epmdPort?: number;
  /** Milliseconds to wait for a connection and a reply (default 10 000, as erl_epmd). */
  timeoutMs?: number;
}

const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * The port mapper's port as `erl` finds it: `explicit`, else `ERL_EPMD_PORT`, else 4369.
 *
 * @example
 * ```ts
 * process.env.ERL_EPMD_PORT = '4400';
 * epmdPortFromEnv() // 4400
 * epmdPortFromEnv(5000) // 5000
 * ```
 */
export function epmdPortFromEnv(explicit?: number, env: NodeJS.ProcessEnv = process.env): number {
  if (explicit !== undefined) return explicit;
  const raw = env.ERL_EPMD_PORT?.trim();
  if (raw && /^\d+$/.test(raw)) {
    const n = Number(raw);
    if (n > 0 && n < 65536) return n;
  }
  return EPMD_PORT;
}

function openSocket(host: string, port: number, timeoutMs: number, name?: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new EpmdUnreachableError(
          { host, port, name },
          { cause: new Error(`no connection within ${timeoutMs} ms`) },
        ),
      );
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new EpmdUnreachableError({ host, port, name }, { cause: err }));
    });
  });
}

/** Rewrites a context-free decoder error with where it happened. */
function withContext(err: unknown, context: EpmdErrorContext, got: Buffer): Error {
  if (err instanceof EpmdBadReplyError) {
    return new EpmdBadReplyError(context, err.detail, got, { cause: err });
  }
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * Sends one request and collects the reply until `done` says it is complete or the port
 * mapper closes. Resolves with the bytes and whether the peer closed.
 */
async function exchange(
  request: Buffer,
  context: EpmdErrorContext & { host: string; port: number },
  timeoutMs: number,
  done: (got: Buffer) => boolean,
): Promise<{ got: Buffer; closed: boolean }> {
  const socket = await openSocket(context.host, context.port, timeoutMs, context.name);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (closed: boolean, err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => {});
      socket.destroy();
      const got = Buffer.concat(chunks, size);
      if (err) reject(err);
      else resolve({ got, closed });
    };
    const timer = setTimeout(
      () =>
        finish(
          false,
          new EpmdBadReplyError(
            context,
            `no complete reply within ${timeoutMs} ms`,
            Buffer.concat(chunks, size),
          ),
        ),
      timeoutMs,
    );
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > 16 * 1024 * 1024) {
        finish(false, new EpmdBadReplyError(context, 'reply larger than 16 MiB', chunk));
        return;
      }
      let complete: boolean;
      try {
        complete = done(Buffer.concat(chunks, size));
      } catch (e) {
        finish(false, withContext(e, context, Buffer.concat(chunks, size)));
        return;
      }
      if (complete) finish(false);
    });
    socket.once('end', () => finish(true));
    socket.once('close', () => finish(true));
    socket.once('error', (err) =>
      finish(
        false,
        new EpmdBadReplyError(context, `connection failed: ${err.message}`, Buffer.alloc(0), {
          cause: err,
        }),
      ),
    );
    socket.write(request);
  });
}

/**
 * What `register` needs to know about the node.
 *
 * @example
 * ```ts
 * const options: RegisterOptions = { name: 'ts', port: 5000, hidden: true };
 * ```
 */
export interface RegisterOptions extends EpmdClientOptions {
  /** The alive part of the node name (`foo` for `foo@host`). */
  name: string;
  /** The node's distribution listen port. */
  port: number;
  /** Register as a hidden node (NodeType 72) instead of a normal one (77). */
  hidden?: boolean;
  /** The port mapper's host (default `127.0.0.1`; epmd accepts registrations from loopback only). */
  host?: string;
  /** Highest distribution version (default 6). */
  highest?: number;
  /** Lowest distribution version (default 6, as OTP 25+). */
  lowest?: number;
  /** The Extra field (default empty). */
  extra?: Buffer;
}

/**
 * A node's registration with the port mapper. It lasts as long as its TCP connection:
 * `close()` (or this process ending, or the port mapper dying) ends it.
 *
 * @example
 * ```ts
 * const reg = await register({ name: 'ts', port: 5000 });
 * console.log(reg.creation);
 * await reg.close();
 * ```
 */
export class Registration {
  /** The registered name. */
  readonly name: string;
  /** The registered distribution port. */
  readonly port: number;
  /** The creation the port mapper handed out (32-bit with ALIVE2_X_RESP, else 1..3). */
  readonly creation: number;
  /** `true` when the reply was ALIVE2_X_RESP (32-bit creation). */
  readonly extended: boolean;
  /** Where the port mapper is. */
  readonly epmdHost: string;
  readonly epmdPort: number;
  /** Resolves when the registration ends, for whatever reason. */
  readonly closed: Promise<void>;

  #socket: Socket;
  #active = true;

  constructor(
    socket: Socket,
    fields: {
      name: string;
      port: number;
      creation: number;
      extended: boolean;
      epmdHost: string;
      epmdPort: number;
    },
  ) {
    this.#socket = socket;
    this.name = fields.name;
    this.port = fields.port;
    this.creation = fields.creation;
    this.extended = fields.extended;
    this.epmdHost = fields.epmdHost;
    this.epmdPort = fields.epmdPort;
    socket.setKeepAlive(true);
    socket.on('error', () => {}); // reported through `closed`
    socket.on('data', () => {}); // epmd never sends more; keep the stream flowing
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.#active = false;
        resolve();
      }),
    );
  }

  /** Whether the connection (and so the registration) is still up. */
  get active(): boolean {
    return this.#active;
  }

  /**
   * Ends the registration: closes the connection and waits until it is closed.
   *
   * @example
   * ```ts
   * await reg.close(); // the name is free again
   * ```
   */
  async close(): Promise<void> {
    if (this.#active) this.#socket.end();
    const timer = setTimeout(() => this.#socket.destroy(), 2_000);
    await this.closed;
    clearTimeout(timer);
  }

  /** Plain JSON for the observer. */
  inspect(): Record<string, unknown> {
    return {
      name: this.name,
      port: this.port,
      creation: this.creation,
      extended: this.extended,
      epmd: `${this.epmdHost}:${this.epmdPort}`,
      active: this.#active,
    };
  }
}

/**
 * Registers a node with the port mapper (ALIVE2_REQ). Rejects with
 * `EpmdNameTakenError` when the name is taken, `EpmdUnreachableError` when no port mapper
 * answers, `EpmdBadReplyError` on a bad reply.
 *
 * @example
 * ```ts
 * const reg = await register({ name: 'ts', port: 5000, epmdPort: 4369 });
 * // ... `epmd -names` lists "name ts at port 5000" while reg is open
 * await reg.close();
 * ```
 */
export async function register(options: RegisterOptions): Promise<Registration> {
  const host = options.host ?? DEFAULT_HOST;
  const port = epmdPortFromEnv(options.epmdPort);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const context = { host, port, name: options.name };
  const request = encodeAlive2Req({
    port: options.port,
    nodeType: options.hidden ? NodeType.HIDDEN : NodeType.NORMAL,
    protocol: PROTOCOL_TCP_IPV4,
    highest: options.highest ?? 6,
    lowest: options.lowest ?? 6,
    name: options.name,
    extra: options.extra ?? Buffer.alloc(0),
  });
  const socket = await openSocket(host, port, timeoutMs, options.name);
  const reply = await new Promise<Buffer>((resolve, reject) => {
    let got = Buffer.alloc(0);
    const stop = (err?: Error) => {
      clearTimeout(timer);
      socket.removeListener('data', onData);
      socket.removeListener('close', onClose);
      socket.removeListener('error', onError);
      if (err) {
        socket.destroy();
        reject(err);
      } else resolve(got);
    };
    const onData = (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      try {
        if (decodeAlive2Resp(got) !== undefined) stop();
      } catch (e) {
        stop(withContext(e, context, got));
      }
    };
    const onClose = () =>
      stop(new EpmdBadReplyError(context, 'closed before answering ALIVE2_REQ', got));
    const onError = (err: Error) =>
      stop(
        new EpmdBadReplyError(context, `connection failed: ${err.message}`, got, { cause: err }),
      );
    const timer = setTimeout(
      () => stop(new EpmdBadReplyError(context, `no ALIVE2 reply within ${timeoutMs} ms`, got)),
      timeoutMs,
    );
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.on('error', onError);
    socket.write(request);
  });
  const resp = decodeAlive2Resp(reply)!;
  if (resp.result !== 0) {
    socket.destroy();
    throw new EpmdNameTakenError(context, resp.result);
  }
  return new Registration(socket, {
    name: options.name,
    port: options.port,
    creation: resp.creation,
    extended: resp.extended,
    epmdHost: host,
    epmdPort: port,
  });
}

/**
 * What a port lookup returns: the node's ALIVE2 fields.
 *
 * @example
 * ```ts
 * const info: PortInfo | null = await lookup('foo');
 * ```
 */
export type PortInfo = NodeInfo;

/**
 * Looks up a node's distribution port (PORT_PLEASE2_REQ). `name` is the alive part, or a
 * full `name@host` (then the host part says where to ask, unless `host` is given).
 * Resolves with `null` when the name is not registered.
 *
 * @example
 * ```ts
 * const info = await lookup('foo', '127.0.0.1');
 * if (info) console.log(info.port, info.highest);
 * ```
 */
export async function lookup(
  name: string,
  host?: string,
  options: EpmdClientOptions = {},
): Promise<PortInfo | null> {
  let alive = name;
  const at = name.indexOf('@');
  if (at >= 0) {
    alive = name.slice(0, at);
    host ??= name.slice(at + 1);
  }
  const target = host ?? DEFAULT_HOST;
  const port = epmdPortFromEnv(options.epmdPort);
  const context = { host: target, port, name: alive };
  const { got, closed } = await exchange(
    encodePortPlease2Req(alive),
    context,
    options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    (buf) => decodePort2Resp(buf) !== undefined,
  );
  try {
    const info = decodePort2Resp(got, closed);
    return info ?? null;
  } catch (e) {
    throw withContext(e, context, got);
  }
}

/**
 * The reply to `names`: the port mapper's port, the parsed entries and the raw text.
 *
 * @example
 * ```ts
 * const { epmdPort, names: nodes, text }: NamesResult = await names();
 * ```
 */
export type NamesResult = NamesResponse;

/**
 * Lists the names registered with the port mapper on `host` (NAMES_REQ), as
 * `epmd -names` and `net_adm:names()` do.
 *
 * @example
 * ```ts
 * const { names: nodes, text } = await names();
 * for (const n of nodes) console.log(n.name, n.port);
 * ```
 */
export async function names(host?: string, options: EpmdClientOptions = {}): Promise<NamesResult> {
  const target = host ?? DEFAULT_HOST;
  const port = epmdPortFromEnv(options.epmdPort);
  const context = { host: target, port };
  const { got } = await exchange(
    encodeNamesReq(),
    context,
    options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    () => false,
  );
  try {
    return decodeNamesResp(got);
  } catch (e) {
    throw withContext(e, context, got);
  }
}

/**
 * Asks the port mapper to stop (KILL_REQ), as `epmd -kill` does. Resolves with its
 * answer: `'OK'` (it stops) or `'NO'` (nodes are still registered).
 *
 * @example
 * ```ts
 * await kill(undefined, { epmdPort: 4400 }) // 'OK'
 * ```
 */
export async function kill(host?: string, options: EpmdClientOptions = {}): Promise<string> {
  const target = host ?? DEFAULT_HOST;
  const port = epmdPortFromEnv(options.epmdPort);
  const { got } = await exchange(
    encodeKillReq(),
    { host: target, port },
    options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    (buf) => buf.length >= 2,
  );
  return got.toString('latin1');
}

/**
 * The byte pipe a connection runs over. Protocol code depends only on {@link Transport}
 * (nats `transport.ts`, dist_util's `f_send`/`f_recv`); Node sockets plug in at the edge
 * with {@link tcpTransport}. Tests may use an in-memory transport.
 *
 * @module
 */
import { connect, Socket, type Server, type TcpNetConnectOpts } from 'node:net';
import { noteRead, noteWrite } from './busy-wait.ts';
import { DirectReads } from './direct-reads.ts';

/**
 * A duplex byte stream. Each `on*` call replaces the previous handler of that kind, so the
 * handshake and then the connection can take the stream over in turn.
 *
 * @example
 * ```ts
 * const t = tcpTransport(socket);
 * t.onData((chunk) => reader.push(chunk));
 * if (!t.write(bytes)) t.onDrain(() => resume());
 * ```
 */
export interface Transport {
  /** Writes bytes; `false` when the stream's own buffer is full (wait for `onDrain`). */
  write(data: Uint8Array): boolean;
  /**
   * Writes several chunks at once (one `writev` on a socket); optional. `written` is
   * called once the chunks have been handed to the OS (their memory may then be reused).
   */
  writev?(chunks: readonly Uint8Array[], written?: () => void): boolean;
  /** Bytes accepted by `write` and not yet handed to the OS. */
  readonly pendingBytes: number;
  /**
   * Bytes read from the wire so far (optional): what a connection reports as `bytesIn`,
   * fragment headers included where reads skip them (direct-reads.ts).
   */
  readonly bytesRead?: number;
  /** Closes the stream; pending writes may be discarded. */
  close(): void;
  /** Whether the stream has closed (either side). */
  readonly closed: boolean;
  onData(handler: (chunk: Buffer) => void): void;
  /** Called once, when the stream closes for any reason; `error` if it failed. */
  onClose(handler: (error?: Error) => void): void;
  onDrain(handler: () => void): void;
  /** For log lines: `tcp 127.0.0.1:5000`, `memory`… */
  readonly description: string;
}

/**
 * A {@link Transport} over a connected `net.Socket`, with Nagle's algorithm off (frames
 * are coalesced by the connection already). Every read and write notes traffic for the
 * busy wait (`busyWait` in busy-wait.ts), reads with their size.
 *
 * @example
 * ```ts
 * const socket = net.connect(port, host);
 * await once(socket, 'connect');
 * const conn = await initiate(tcpTransport(socket), { ...options, remoteName: 'a@host' });
 * ```
 */
export function tcpTransport(socket: Socket): Transport {
  socket.setNoDelay(true);
  let onData: (chunk: Buffer) => void = () => {};
  let onClose: (error?: Error) => void = () => {};
  let onDrain: () => void = () => {};
  let drainListened = false;
  let closed = socket.destroyed;
  let failure: Error | undefined;
  const reads = directReads.get(socket);
  if (reads) {
    // DirectReads counts the bytes of each read itself (a large message's arrive as an
    // empty chunk).
    reads.deliver = (chunk: Buffer): void => {
      noteRead();
      onData(chunk);
    };
  } else {
    socket.on('data', (chunk: Buffer): void => {
      noteRead(chunk.length);
      onData(chunk);
    });
  }
  socket.on('error', (e: Error) => {
    failure = e;
  });
  socket.on('close', () => {
    closed = true;
    onClose(failure);
  });
  // Made when first asked for (inspect): getpeername and a string per accept cost ~40 µs cold.
  let description: string | undefined;
  return {
    write: (data) => {
      if (closed) return false;
      noteWrite();
      return socket.write(data);
    },
    writev: (chunks, written) => {
      if (closed) return false;
      noteWrite();
      socket.cork();
      let ok = true;
      const last = chunks.length - 1;
      for (let i = 0; i < last; i++) ok = socket.write(chunks[i]!) && ok;
      ok = (written ? socket.write(chunks[last]!, (e) => e || written()) : socket.write(chunks[last]!)) && ok;
      socket.uncork();
      return ok;
    },
    get pendingBytes() {
      return socket.writableLength;
    },
    get bytesRead() {
      return socket.bytesRead;
    },
    close: () => {
      closed = true;
      socket.destroy();
    },
    get closed() {
      return closed;
    },
    onData: (h) => {
      onData = h;
    },
    onClose: (h) => {
      onClose = h;
      if (closed && socket.destroyed) queueMicrotask(() => h(failure));
    },
    onDrain: (h) => {
      // Listened to from the first handler on (the connection's; a handshake sets none):
      // one listener fewer to add on the way to the handshake's first write.
      if (!drainListened) socket.on('drain', () => onDrain());
      drainListened = true;
      onDrain = h;
    },
    get description() {
      description ??= `tcp ${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
      return description;
    },
  };
}

const directReads = new WeakMap<Socket, DirectReads>();
/** `BEAMLINK_DIRECT_READS=0` in the environment: plain socket reads everywhere. */
const DIRECT_READS = process.env['BEAMLINK_DIRECT_READS'] !== '0';

/**
 * `net.connect(options)` with its reads going through {@link DirectReads}: once the
 * connection runs, the data of a fragmented message is read by the kernel straight into
 * the message's buffer. Give the socket to {@link tcpTransport} as any other.
 * `BEAMLINK_DIRECT_READS=0` in the environment turns this off (a plain `net.connect`).
 *
 * @example
 * ```ts
 * const socket = connectSocket({ host: '127.0.0.1', port });
 * await once(socket, 'connect');
 * const conn = await initiate(tcpTransport(socket), options);
 * ```
 */
export function connectSocket(options: TcpNetConnectOpts): Socket {
  if (!DIRECT_READS) return connect(options);
  const reads = new DirectReads();
  const socket = connect({ ...options, onread: reads.onread });
  directReads.set(socket, reads);
  return socket;
}

/**
 * An accepted socket (from a server created with `pauseOnConnect: true`) re-wrapped so
 * that its reads go through {@link DirectReads}, as {@link connectSocket}'s do. Node
 * offers `onread` only when it creates the socket, so this moves the socket's handle
 * (Node's private `_handle`) into a new `Socket` with `onread`; without a handle it
 * returns the socket resumed, with ordinary reads (also with `BEAMLINK_DIRECT_READS=0`).
 *
 * @example
 * ```ts
 * const server = net.createServer({ pauseOnConnect: true });
 * server.on('connection', (s) => accept(tcpTransport(acceptedWithDirectReads(s)), options));
 * ```
 */
export function acceptedWithDirectReads(socket: Socket): Socket {
  const holder = socket as unknown as { _handle?: object | null };
  const handle = holder._handle;
  if (!DIRECT_READS || !handle || socket.destroyed) {
    socket.resume();
    return socket;
  }
  const reads = new DirectReads();
  let wrapped: Socket;
  try {
    wrapped = new Socket({ handle, onread: reads.onread, readable: true, writable: true } as ConstructorParameters<
      typeof Socket
    >[0]);
  } catch {
    socket.resume();
    return socket;
  }
  holder._handle = null; // the old object must not close or read the moved handle
  socket.destroy();
  directReads.set(wrapped, reads);
  return wrapped;
}

/**
 * Hands each connection `server` accepts to `onSocket` as a socket whose reads go through
 * {@link DirectReads}, made once from the accepted handle: the same sockets as
 * {@link acceptedWithDirectReads} gives, without first making (and destroying) the socket
 * Node's `'connection'` event carries — about a tenth of the CPU an incoming connect costs
 * beamlink. It takes over the listening handle's `onconnection` (Node's private
 * `server._handle`, present once the server listens); without it, or with
 * `BEAMLINK_DIRECT_READS=0`, it listens to `'connection'` (create the server with
 * `pauseOnConnect: true`) and re-wraps each socket. Connections accepted this way are not
 * counted by `server.getConnections`, and `server.close()` does not wait for them: close
 * them yourself. Accept errors are left to Node (the server's `'error'` event).
 *
 * @example
 * ```ts
 * const server = net.createServer({ pauseOnConnect: true });
 * server.listen(0, () => acceptDirect(server, (s) => accept(tcpTransport(s), options)));
 * ```
 */
export function acceptDirect(server: Server, onSocket: (socket: Socket) => void): void {
  type OnConnection = (this: object, err: number, clientHandle: object) => void;
  const handle = (server as unknown as { _handle?: { onconnection?: OnConnection } | null })._handle;
  const nodes = handle?.onconnection;
  if (!DIRECT_READS || !handle || typeof nodes !== 'function') {
    server.on('connection', (socket: Socket) => onSocket(acceptedWithDirectReads(socket)));
    return;
  }
  handle.onconnection = function (this: object, err: number, clientHandle: object): void {
    if (err) return nodes.call(this, err, clientHandle);
    const reads = new DirectReads();
    let socket: Socket;
    try {
      socket = new Socket({ handle: clientHandle, onread: reads.onread, readable: true, writable: true } as ConstructorParameters<
        typeof Socket
      >[0]);
    } catch {
      // Not a socket we can wrap: let Node make its own (then re-wrapped as above).
      server.on('connection', (s: Socket) => onSocket(acceptedWithDirectReads(s)));
      handle.onconnection = nodes;
      return nodes.call(this, err, clientHandle);
    }
    directReads.set(socket, reads);
    onSocket(socket);
  };
}

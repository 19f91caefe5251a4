// An in-memory Transport pair for unit tests: what one side writes arrives at the other
// asynchronously (as from a socket), closing either side closes both.
import { Connection, type ConnectionOptions } from '../../../src/dist/connection.ts';
import { DEFAULT_FLAGS, DFLAG } from '../../../src/dist/flags.ts';
import { FrameReader } from '../../../src/dist/framing.ts';
import type { Transport } from '../../../src/dist/transport.ts';
import type { Term } from '../../../src/term/types.ts';

export interface MemoryTransport extends Transport {
  /** Every chunk written, in order (copies). */
  readonly written: Buffer[];
  /** Delivers raw bytes to this side as if the peer had written them. */
  inject(bytes: Uint8Array): void;
  /** Pretend the OS buffer holds this many bytes (for backpressure tests). */
  pending: number;
  /** Fires the drain handler (after setting `pending` back down). */
  drain(): void;
  /** Writes return false while set. */
  full: boolean;
}

function side(name: string): MemoryTransport & { peer?: MemoryTransport; closeLocal(): void } {
  let onData: (b: Buffer) => void = () => {};
  let onClose: (e?: Error) => void = () => {};
  let onDrain: () => void = () => {};
  let closed = false;
  const t: MemoryTransport & { peer?: MemoryTransport; closeLocal(): void } = {
    written: [],
    pending: 0,
    full: false,
    description: `memory ${name}`,
    write(data) {
      if (closed) return false;
      const copy = Buffer.from(data);
      t.written.push(copy);
      const peer = t.peer;
      if (peer) setImmediate(() => peer.inject(copy));
      return !t.full;
    },
    get pendingBytes() {
      return t.pending;
    },
    close() {
      if (closed) return;
      t.closeLocal();
      const p = t.peer as (MemoryTransport & { closeLocal(): void }) | undefined;
      if (p) setImmediate(() => p.closeLocal());
    },
    closeLocal() {
      if (closed) return;
      closed = true;
      setImmediate(() => onClose());
    },
    get closed() {
      return closed;
    },
    onData: (h) => {
      onData = h;
    },
    onClose: (h) => {
      onClose = h;
    },
    onDrain: (h) => {
      onDrain = h;
    },
    inject(bytes) {
      if (!closed) onData(Buffer.from(bytes));
    },
    drain() {
      onDrain();
    },
  };
  return t;
}

/** Two connected in-memory transports. */
export function memoryPair(): [MemoryTransport, MemoryTransport] {
  const a = side('a');
  const b = side('b');
  a.peer = b;
  b.peer = a;
  return [a, b];
}

/** A lone transport: writes are recorded, nothing answers unless the test injects. */
export function memoryEnd(): MemoryTransport {
  return side('lone');
}

/**
 * A connection already past the handshake on a lone memory transport: the test writes
 * the peer's bytes by hand with `t.inject`. `closed` fills in when the connection closes;
 * `messages` counts what it delivered.
 */
export function loneConnection(
  flags: bigint = DEFAULT_FLAGS | DFLAG.PUBLISHED,
  extra: Partial<ConnectionOptions> = {},
): {
  t: MemoryTransport;
  conn: Connection;
  logs: string[];
  closed: { reason?: Term; error?: Error };
  delivered: { messages: number };
} {
  const t = memoryEnd();
  const logs: string[] = [];
  const conn = new Connection({
    transport: t,
    reader: new FrameReader(4),
    localName: 'b@h',
    peerName: 'a@h',
    peerFlags: flags,
    peerCreation: 1,
    flags,
    logger: { warn: (m) => logs.push(m) },
    ...extra,
  });
  const closed: { reason?: Term; error?: Error } = {};
  const delivered = { messages: 0 };
  conn.on('close', (reason, error) => Object.assign(closed, { reason, error }));
  conn.on('message', () => delivered.messages++);
  return { t, conn, logs, closed, delivered };
}

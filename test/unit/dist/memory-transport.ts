// An in-memory Transport pair for unit tests: what one side writes arrives at the other
// asynchronously (as from a socket), closing either side closes both.
import type { Transport } from '../../../src/dist/transport.ts';

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

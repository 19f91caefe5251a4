/**
 * A transport wrapper that keeps the first messages after a handshake from being lost.
 *
 * The peer may write its first distribution messages right behind its last handshake
 * frame (BEAM does: global's `init_connect`, rex's `features_request`; so does beamlink's
 * gossip), and they often arrive in the same TCP chunk. The dist layer's `Connection`
 * emits such trailing bytes in a microtask of its constructor — before `initiate()` /
 * `accept()` has resolved and the node layer could attach its `'message'` listener — so
 * they were dropped.
 *
 * This wrapper hands the handshake one complete 2-byte-length frame at a time, holding
 * the rest; the next frame follows in a `setImmediate`, by which time the handshake
 * either asked for it or has finished and built its `Connection` (the second `onData`
 * registration). From then on bytes go to the connection, but the held ones only in a
 * `setImmediate`, after the node layer's listeners are attached. Order is kept: while
 * held bytes wait, new chunks queue behind them.
 *
 * @module
 */
import type { Transport } from '../dist/transport.ts';

/** Most bytes held during a handshake (its frames are small); beyond this, close. */
const MAX_HELD = 1024 * 1024;

/**
 * Wraps `inner` so that bytes behind the last handshake frame reach the connection only
 * after the caller's `.then` has run.
 *
 * @example
 * ```ts
 * const conn = await initiate(handshakeSafe(tcpTransport(socket)), options);
 * conn.on('message', handle); // even the peer's very first message arrives here
 * ```
 */
export function handshakeSafe(inner: Transport): Transport {
  let handler: (chunk: Buffer) => void = () => {};
  let registrations = 0;
  let held: Buffer = Buffer.alloc(0);
  let scheduled = false;

  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      pump();
    });
  };

  const pump = (): void => {
    if (inner.closed) return;
    if (registrations >= 2) {
      // Connection phase: everything, in order.
      if (held.length > 0 && !scheduled) {
        const bytes = held;
        held = Buffer.alloc(0);
        handler(bytes);
      }
      return;
    }
    // Handshake phase: one whole frame per turn.
    if (scheduled || held.length < 2) return;
    const length = held.readUInt16BE(0);
    if (held.length < 2 + length) return;
    const frame = held.subarray(0, 2 + length);
    held = held.subarray(2 + length);
    handler(frame);
    if (held.length > 0) schedule();
  };

  inner.onData((chunk) => {
    held = held.length === 0 ? chunk : Buffer.concat([held, chunk]);
    if (registrations < 2 && held.length > MAX_HELD) {
      inner.close();
      return;
    }
    pump();
  });

  return {
    write: (data) => inner.write(data),
    get pendingBytes() {
      return inner.pendingBytes;
    },
    close: () => inner.close(),
    get closed() {
      return inner.closed;
    },
    onData: (h) => {
      handler = h;
      registrations++;
      // The connection took over: its held bytes go out after the caller's listeners.
      if (registrations === 2 && held.length > 0) schedule();
    },
    onClose: (h) => inner.onClose(h),
    onDrain: (h) => inner.onDrain(h),
    get description() {
      return inner.description;
    },
  };
}

/**
 * Large messages without page faults: raises glibc's heap-trim threshold once, the first
 * time this process receives a large distribution frame.
 *
 * A received message of a MiB or more is read straight into a buffer of its own
 * (direct-reads.ts), and the binaries in it are views of that buffer, so every such
 * message is a fresh `malloc` of its size, freed when the garbage collector finds it
 * dead — usually dozens at a time. glibc serves those from its heap and, by default, gives
 * the heap's free top back to the system as soon as it exceeds twice the largest
 * `mmap`ed block freed so far (about 2 MiB here): the next messages then fault their pages
 * in again, one by one: on the bench's 1 MiB binaries, 20–40 page faults per MiB
 * received.
 *
 * glibc raises that threshold by itself whenever it frees an `mmap`ed block, up to 32 MiB
 * (mallopt(3), "dynamic mmap threshold"). This module lets it do so at once, by
 * allocating and dropping one 31 MiB buffer: from then on the process keeps up to 62 MiB
 * of freed heap for reuse instead of handing it back, as BEAM's own allocators keep their
 * carriers. Measured with `bench/rpc/ab.ts AB_WHAT=bulk AB_BL=1` (12 interleaved rounds
 * of 288 MiB, `BEAMLINK_MALLOC_TUNE=0` against the default): page faults per round
 * 8,900–10,700 → 11–16, the receiver's CPU per round 100–130 → 60–90 ms, 1 MiB
 * throughput BEAM→beamlink 2.5 → 3.3 GB/s and beamlink↔beamlink 3.0 → 3.9 GB/s.
 *
 * Elsewhere (musl, macOS) the buffer is only allocated and freed. `BEAMLINK_MALLOC_TUNE=0`
 * in the environment turns it off.
 *
 * @module
 */

/** Frames this large (bytes) or larger count as large (BEAM's fragment size). */
export const LARGE_FRAME = 64 * 1024;
/** Just under glibc's `DEFAULT_MMAP_THRESHOLD_MAX` (32 MiB on 64-bit systems). */
const RAISE_TO = 31 * 1024 * 1024;

let tuned = false;

/**
 * Called on each large frame received; the first call (per process) lets glibc raise its
 * thresholds (see the module doc). Returns whether this call did it.
 *
 * @example
 * ```ts
 * if (frame.length >= LARGE_FRAME) largeFrameReceived();
 * ```
 */
export function largeFrameReceived(): boolean {
  if (tuned) return false;
  tuned = true;
  if (process.env['BEAMLINK_MALLOC_TUNE'] === '0') return false;
  // An mmap'ed block, one page of it touched; the garbage collector frees it soon (its
  // size counts as external memory), and glibc raises its thresholds as it unmaps it.
  Buffer.allocUnsafeSlow(RAISE_TO)[0] = 0;
  return true;
}

/**
 * Whether this process has raised the thresholds (for diagnostics and tests).
 *
 * @example
 * ```ts
 * mallocTuned(); // true once a large frame arrived (unless BEAMLINK_MALLOC_TUNE=0)
 * ```
 */
export function mallocTuned(): boolean {
  return tuned && process.env['BEAMLINK_MALLOC_TUNE'] !== '0';
}

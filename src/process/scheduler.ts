/**
 * The run queue: every process on one event loop, in bounded batches.
 *
 * Work (a process resumed by a message, a callback process with messages to handle, a
 * process to start) runs in microtasks until `budget` units have run since the loop last
 * yielded; then the rest waits for `setImmediate`, so socket I/O, timers and ticks are
 * never starved (DESIGN.md "Processes on one event loop"). A message for a process that
 * waits in `receive` with a matching pattern resumes it directly (no queue, no scan) as
 * long as budget remains: `take()` is that check.
 *
 * ```
 *  deliver ─► waiter matches? ─ yes, take() ─► resolve (microtask)
 *                 │ no / budget spent
 *                 ▼
 *              mailbox ─► enqueue(p) ─► drain (microtask, or setImmediate when spent)
 * ```
 *
 * @module
 */

/** Something the scheduler can run: `queued` is owned by the scheduler. */
export interface Runnable {
  queued: boolean;
}

const RESOLVED = Promise.resolve();

/** Queue slots kept for reuse after a drain (a longer queue array is dropped). */
const MAX_KEPT = 1024;

/** Default units of work per event-loop turn. */
export const DEFAULT_BUDGET = 4096;

/**
 * A FIFO run queue with a per-turn budget.
 *
 * @example
 * ```ts
 * const s = new Scheduler<P>((p) => p.run(), 1000);
 * s.enqueue(p); // runs p soon, in a microtask
 * ```
 */
export class Scheduler<P extends Runnable> {
  readonly budget: number;
  private used = 0;
  /** Slots `head` to `tail` are queued; the array is kept between drains (not reallocated). */
  private queue: (P | undefined)[] = [];
  private head = 0;
  private tail = 0;
  private pending: 0 | 1 | 2 = 0; // nothing, microtask, immediate
  private readonly run: (p: P) => void;
  private readonly onError: (e: unknown, p: P) => void;
  private readonly drainMicro = (): void => this.drain();
  private readonly drainMacro = (): void => {
    this.used = 0;
    this.drain();
  };

  constructor(run: (p: P) => void, budget = DEFAULT_BUDGET, onError?: (e: unknown, p: P) => void) {
    this.run = run;
    this.budget = budget;
    this.onError =
      onError ??
      ((e) =>
        queueMicrotask(() => {
          throw e;
        }));
  }

  /** Processes waiting to run. */
  get length(): number {
    return this.tail - this.head;
  }

  /** Counts one unit of work; false when the turn's budget is spent (then yield). */
  take(): boolean {
    if (this.used < this.budget) {
      this.used++;
      return true;
    }
    return false;
  }

  /** Counts `n` units done outside `take` (a callback process's batch). */
  spend(n: number): void {
    this.used += n;
  }

  /** Units left in this turn. */
  get remaining(): number {
    return this.budget - this.used;
  }

  /** Runs `p` soon, once, in queue order. */
  enqueue(p: P): void {
    if (p.queued) return;
    p.queued = true;
    const q = this.queue;
    if (this.tail < q.length) q[this.tail] = p;
    else q.push(p);
    this.tail++;
    this.schedule();
  }

  private schedule(): void {
    if (this.pending !== 0) return;
    if (this.used < this.budget) {
      this.pending = 1;
      // not queueMicrotask: Node wraps each call in an AsyncResource
      void RESOLVED.then(this.drainMicro);
    } else {
      this.pending = 2;
      setImmediate(this.drainMacro);
    }
  }

  private drain(): void {
    this.pending = 1;
    const q = this.queue;
    while (this.head < this.tail) {
      if (this.used >= this.budget) {
        this.pending = 2;
        setImmediate(this.drainMacro);
        break;
      }
      const p = q[this.head]!;
      q[this.head++] = undefined;
      p.queued = false;
      this.used++;
      try {
        this.run(p);
      } catch (e) {
        // a bug in the runtime, not in a process (those are caught per process): keep
        // the queue alive and report it
        this.onError(e, p);
      }
    }
    if (this.pending === 1) this.pending = 0;
    if (this.head >= this.tail) {
      // empty: the same array again (a drain per message under light load), unless a
      // burst grew it
      this.head = this.tail = 0;
      if (q.length > MAX_KEPT) this.queue = [];
    } else if (this.head > MAX_KEPT && this.head * 2 > this.tail) {
      this.queue = q.slice(this.head, this.tail);
      this.tail -= this.head;
      this.head = 0;
    }
  }
}

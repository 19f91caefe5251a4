/**
 * Receive timeouts for a whole runtime, in 1 ms buckets.
 *
 * A GenServer call arms a 5-second timeout and almost always cancels it a microsecond
 * later; a Node timer per receive (and its ref/unref) costs more than the call itself.
 * Here a timeout joins the bucket of its (rounded up) deadline: one unref'd Node timer per
 * bucket, and cancelling is a `Set` delete. While any timeout is armed one ref'd
 * "keep-alive" timer holds the event loop open (a process waiting with a timeout is
 * pending work); it is released at most once per event-loop turn, when nothing is armed
 * any more. Timeouts fire at most 1 ms late (Erlang's timer resolution is 1 ms too).
 *
 * @module
 */

/**
 * Deadline buckets.
 *
 * @example
 * ```ts
 * const t = new Timeouts<Proc>((p) => p.timedOut());
 * const key = t.add(p, 5000);
 * t.cancel(p, key);
 * ```
 */
export class Timeouts<P> {
  private readonly buckets = new Map<number, Set<P>>();
  private readonly fire: (p: P) => void;
  private armed = 0;
  private keepAlive: ReturnType<typeof setInterval> | null = null;
  private held = false;
  private checkPending = false;

  private readonly expire = (at: number): void => {
    const b = this.buckets.get(at);
    if (b === undefined) return;
    this.buckets.delete(at);
    this.armed -= b.size;
    for (const p of b) this.fire(p);
    this.scheduleCheck();
  };

  private readonly check = (): void => {
    this.checkPending = false;
    if (this.armed === 0 && this.held) {
      this.keepAlive!.unref();
      this.held = false;
    }
  };

  constructor(fire: (p: P) => void) {
    this.fire = fire;
  }

  /** Arms a timeout of `ms` for `p`; returns the key `cancel` needs. */
  add(p: P, ms: number): number {
    const now = performance.now();
    const at = Math.ceil(now + ms);
    let b = this.buckets.get(at);
    if (b === undefined) {
      b = new Set();
      this.buckets.set(at, b);
      setTimeout(this.expire, at - now, at).unref();
    }
    b.add(p);
    this.armed++;
    if (!this.held) {
      if (this.keepAlive === null) this.keepAlive = setInterval(() => undefined, 2 ** 30);
      else this.keepAlive.ref();
      this.held = true;
    }
    return at;
  }

  /** Disarms `p`'s timeout armed under `key`. */
  cancel(p: P, key: number): void {
    const b = this.buckets.get(key);
    if (b === undefined || !b.delete(p)) return;
    this.armed--;
    if (this.armed === 0) this.scheduleCheck();
  }

  private scheduleCheck(): void {
    if (this.checkPending || !this.held) return;
    this.checkPending = true;
    setImmediate(this.check);
  }

  /** Timeouts armed and not cancelled (introspection). */
  get size(): number {
    return this.armed;
  }
}

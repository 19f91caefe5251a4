/**
 * A consistent hash ring: keys map to nodes so that adding or removing a node moves only
 * the keys that must move (about 1/N of them), which is what key-affinity placement
 * needs — the same key lands on the same node from every node that has the same members.
 *
 * Each node owns `vnodes` points on a 32-bit circle at `md5("<node>#<i>")`; a key goes to
 * the first point at or after `md5(key)`, wrapping around (the ring ex_hash_ring and
 * Discord's libraries use). With 256 points per node each node's arc is within a few
 * percent of its share; on top of that, N random keys scatter binomially (for 1,000 keys
 * over 3 nodes, σ ≈ 4.5% of the mean per node), so a plain ring cannot promise "within 10%
 * of even" for a given key set. {@link HashRing.nodeForBounded} can: it is the ring with
 * bounded loads, which the router's `affinity` placement uses.
 *
 * @module
 */
import { createHash } from 'node:crypto';

/** The 32-bit position of `text` on the ring (the first 4 bytes of its MD5). */
export function ringHash(text: string): number {
  return createHash('md5').update(text).digest().readUInt32BE(0);
}

/**
 * A ring of node names.
 *
 * @example
 * ```ts
 * const ring = new HashRing(['a@vm', 'b@vm', 'c@vm']);
 * ring.nodeFor('Worker-42'); // 'b@vm', the same answer on every node
 * ring.add('d@vm');          // about a quarter of the keys move to d@vm
 * ```
 */
export class HashRing {
  readonly vnodes: number;
  #nodes = new Set<string>();
  #points: number[] = [];
  #owners: string[] = [];

  constructor(nodes: Iterable<string> = [], options: { readonly vnodes?: number } = {}) {
    this.vnodes = options.vnodes ?? 256;
    for (const n of nodes) this.#nodes.add(n);
    this.#rebuild();
  }

  /** The nodes on the ring, sorted. */
  get nodes(): string[] {
    return [...this.#nodes].sort();
  }

  /** Adds `node` (no-op when present). */
  add(node: string): this {
    if (!this.#nodes.has(node)) {
      this.#nodes.add(node);
      this.#rebuild();
    }
    return this;
  }

  /** Removes `node` (no-op when absent). */
  remove(node: string): this {
    if (this.#nodes.delete(node)) this.#rebuild();
    return this;
  }

  /** Whether `node` is on the ring. */
  has(node: string): boolean {
    return this.#nodes.has(node);
  }

  /** The node that owns `key` (`undefined` on an empty ring). */
  nodeFor(key: string): string | undefined {
    const n = this.#points.length;
    if (n === 0) return undefined;
    return this.#owners[this.#start(key)];
  }

  /**
   * Consistent hashing with bounded loads (Mirrokni, Thorup, Zadimoghaddam 2018): the
   * first node clockwise from `key` whose load is below
   * `ceil((1 + epsilon) * (total + 1) / nodes)`, `total` being the sum of `loads`. No node
   * then ends above `(1 + epsilon)` times the mean, whatever the keys, and a key moves
   * only when its node is full or a node joins before it on the circle.
   */
  nodeForBounded(
    key: string,
    loads: ReadonlyMap<string, number>,
    epsilon = 0.05,
  ): string | undefined {
    const n = this.#points.length;
    if (n === 0) return undefined;
    let total = 0;
    for (const node of this.#nodes) total += loads.get(node) ?? 0;
    const cap = Math.ceil(((1 + epsilon) * (total + 1)) / this.#nodes.size);
    const first = this.#start(key);
    for (let i = 0; i < n; i++) {
      const owner = this.#owners[(first + i) % n]!;
      if ((loads.get(owner) ?? 0) < cap) return owner;
    }
    return this.#owners[first];
  }

  /** Index of the first point at or after `key`'s position. */
  #start(key: string): number {
    const n = this.#points.length;
    const h = ringHash(key);
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#points[mid]! < h) lo = mid + 1;
      else hi = mid;
    }
    return lo === n ? 0 : lo;
  }

  #rebuild(): void {
    const pts: [number, string][] = [];
    for (const node of this.#nodes) {
      for (let i = 0; i < this.vnodes; i++) pts.push([ringHash(`${node}#${i}`), node]);
    }
    // ties (vanishingly rare) are broken by node name so every node builds the same ring
    pts.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    this.#points = pts.map((p) => p[0]);
    this.#owners = pts.map((p) => p[1]);
  }
}

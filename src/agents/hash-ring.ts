/**
 * A consistent hash ring: keys map to nodes so that adding or removing a node moves only
 * the keys that must move (about 1/N of them), which is what key-affinity placement
 * needs — the same key lands on the same node from every node that has the same members.
 *
 * Each node owns `vnodes` points on a 32-bit circle at `md5("<node>#<i>")`; a key goes to
 * the first point at or after `md5(key)`, wrapping around (the ring ex_hash_ring and
 * Discord's libraries use). With 160 points per node the share of each of 3 nodes stays
 * within a few percent of a third.
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
    this.vnodes = options.vnodes ?? 160;
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
    const h = ringHash(key);
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#points[mid]! < h) lo = mid + 1;
      else hi = mid;
    }
    return this.#owners[lo === n ? 0 : lo];
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

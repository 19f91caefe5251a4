// Random histories on three memory-wired nodes — joins (single and multi), leaves, member
// deaths, connections cut and restored — then every connection is restored: every node's
// view of every group must equal the union of the nodes' own local members. Seeded, so a
// failure names the seed that reproduces it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startScope, type PgScope } from '../../../src/pg/index.ts';
import type { Pid } from '../../../src/term/types.ts';
import { memCluster, pairKey, until, type MemHost } from './mem-host.ts';

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GROUPS = ['g0', 'g1', 'g2'];
const sorted = (pids: readonly Pid[]): string =>
  pids
    .map((p) => p.key)
    .sort()
    .join(' ');

async function history(seed: number): Promise<void> {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const { net, hosts, cut } = memCluster(['a', 'b', 'c']);
  const scopes: PgScope[] = [];
  for (const h of hosts) scopes.push(await startScope(h));
  const pids = hosts.map(() => [] as Pid[]);
  const spawnIdle = (h: MemHost): Pid =>
    h.runtime.spawn(async (self) => {
      await self.receive((m) => m === 'stop');
    });
  const nodeup = (i: number, j: number): void => {
    hosts[i]!.emit({ type: 'nodeup', node: hosts[j]!.runtime.node, nodeType: 'visible' });
    hosts[j]!.emit({ type: 'nodeup', node: hosts[i]!.runtime.node, nodeType: 'visible' });
  };
  for (let step = 0; step < 60; step++) {
    const i = Math.floor(rnd() * 3);
    const h = hosts[i]!;
    const r = rnd();
    if (r < 0.35) {
      const fresh = rnd() < 0.5 || pids[i]!.length === 0;
      const pid = fresh ? spawnIdle(h) : pick(pids[i]!);
      if (fresh) pids[i]!.push(pid);
      scopes[i]!.join(pick(GROUPS), rnd() < 0.3 ? [pid, pid] : pid);
    } else if (r < 0.55 && pids[i]!.length > 0) {
      scopes[i]!.leave(pick(GROUPS), pick(pids[i]!));
    } else if (r < 0.65 && pids[i]!.length > 0) {
      h.runtime.send(pick(pids[i]!), 'stop');
    } else if (r < 0.8) {
      const j = (i + 1 + Math.floor(rnd() * 2)) % 3;
      const key = pairKey(h.runtime.node, hosts[j]!.runtime.node);
      if (!cut.has(key)) {
        cut.add(key);
        net.disconnect(h.runtime.node, hosts[j]!.runtime.node);
      }
    } else if (r < 0.9 && cut.size > 0) {
      const key = pick([...cut]);
      const [x, y] = key.split('|');
      const xi = hosts.findIndex((k) => k.runtime.node.name === x);
      const yi = hosts.findIndex((k) => k.runtime.node.name === y);
      cut.delete(key);
      net.reconnect(x!, y!);
      nodeup(xi, yi);
    }
    if (rnd() < 0.3) await new Promise((r2) => setImmediate(r2));
  }
  for (const key of [...cut]) {
    const [x, y] = key.split('|');
    cut.delete(key);
    net.reconnect(x!, y!);
    nodeup(
      hosts.findIndex((k) => k.runtime.node.name === x),
      hosts.findIndex((k) => k.runtime.node.name === y),
    );
  }
  const truth = (g: string): string => sorted(scopes.flatMap((s) => [...s.getLocalMembers(g)]));
  await until(
    () => GROUPS.every((g) => scopes.every((s) => sorted(s.getMembers(g)) === truth(g))),
    `seed ${seed}: views converge to the local truth`,
    5_000,
  );
  for (const g of GROUPS) {
    for (const s of scopes) {
      for (const p of s.getLocalMembers(g)) {
        assert.ok(
          hosts.some((h) => h.runtime.isAlive(p)),
          `seed ${seed}: dead member listed`,
        );
      }
    }
  }
}

test('pg/scope: random histories with cuts converge once every connection is back', async () => {
  for (let seed = 1; seed <= 40; seed++) await history(seed);
});

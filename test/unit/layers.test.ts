// Each layer imports only from the layers below it (DESIGN.md), and the core layers import
// nothing from npm: only Node's own modules.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../../src', import.meta.url));

/** Rank of each layer: a module may import its own layer or a lower rank only. */
export const LAYERS: Record<string, number> = {
  'errors.ts': 0,
  term: 1,
  epmd: 2,
  dist: 3,
  node: 4,
  process: 5,
  otp: 6,
  kernel: 7, // net_kernel process, global shim, startNode(): node + runtime composed
  rpc: 8,
  global: 8,
  pg: 8,
  pubsub: 9,
  cluster: 10,
  agents: 11,
  observer: 12,
  cli: 13,
  'index.ts': 14,
};

/** Layers that may use npm packages (DESIGN.md: the CLI and dashboard). */
const MAY_USE_PACKAGES = new Set(['cli', 'observer']);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return files(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

function layerOf(file: string): string {
  const rel = relative(src, file).split(sep);
  return rel.length === 1 ? rel[0]! : rel[0]!;
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

export function importsOf(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(IMPORT)) out.push((m[1] ?? m[2])!);
  return out;
}

test('layers: the import scanner sees static, re-export and dynamic imports', () => {
  const sample = `import { a } from '../term/index.ts';\nexport * from './x.ts';\nconst m = await import('../cli/main.ts');\nimport type { T } from 'node:net';`;
  assert.deepEqual(importsOf(sample), ['../term/index.ts', './x.ts', '../cli/main.ts', 'node:net']);
});

test('layers: every module imports only from its own layer or the layers below', () => {
  const problems: string[] = [];
  for (const file of files(src)) {
    const from = layerOf(file);
    const rank = LAYERS[from];
    if (rank === undefined) {
      problems.push(`${relative(src, file)}: layer "${from}" is not in the layer table`);
      continue;
    }
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('node:')) continue;
      if (!spec.startsWith('.')) {
        if (!MAY_USE_PACKAGES.has(from)) {
          problems.push(`${relative(src, file)}: imports package "${spec}" (core layers use none)`);
        }
        continue;
      }
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(src + sep)) {
        problems.push(`${relative(src, file)}: imports "${spec}" from outside src/`);
        continue;
      }
      const to = layerOf(target);
      const toRank = LAYERS[to];
      if (to === from) continue;
      if (toRank === undefined || toRank >= rank) {
        problems.push(
          `${relative(src, file)} (${from}) imports ${spec} (${to}): upward or sideways`,
        );
      }
    }
  }
  assert.deepEqual(problems, []);
});

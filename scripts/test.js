#!/usr/bin/env node
// Runs the test suite with node:test through tsx.
//
// Node 20's test runner takes no globs, so this script lists the files itself.
//   node scripts/test.js                 every test file under test/
//   node scripts/test.js --only unit     only files under test/unit (any folder name works)
//   node scripts/test.js test/unit/term  only files under the given paths
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const only = [];
const paths = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--only') only.push(args[++i]);
  else paths.push(args[i]);
}

function walk(dir, out) {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

const starts = paths.length > 0 ? paths.map((p) => join(root, p)) : [join(root, 'test')];
let files = starts.flatMap((p) => (statSync(p).isDirectory() ? walk(p, []) : [p]));
if (only.length > 0) {
  files = files.filter((f) => only.some((o) => relative(join(root, 'test'), f).startsWith(o)));
}
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}

// Interop files mostly wait on real BEAM peers, so several may run at once even on 2 cores.
const concurrency = process.env.BEAMLINK_TEST_CONCURRENCY ?? '3';
const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-timeout=300000',
    '--test-reporter=spec',
    ...files.map((f) => relative(root, f)),
  ],
  { cwd: root, stdio: 'inherit' },
);
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));

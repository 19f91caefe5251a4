/**
 * Runs every example in examples/ as its own Node.js process, the way the docs say to run
 * it (`node --import tsx examples/<name>.ts`), and checks that it exits 0 by itself and
 * prints what its comments promise. An example that rots — an API renamed, a result
 * changed, a node that never stops — fails here.
 *
 * It also checks that the cross-layer pages (docs/README.md, elixir.md, interop.md) point
 * at files that exist: every test file interop.md names as proof, every relative link.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = join(root, 'examples');
const examples = readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .sort();

const erlInstalled = spawnSync('erl', ['-noshell', '-eval', 'halt().'], { timeout: 60_000 }).error
  ? false
  : true;

const elixirInstalled = spawnSync('elixir', ['-e', ''], { timeout: 60_000 }).error ? false : true;

/** Lines (or parts of lines) each example must print; a new example needs an entry. */
const expected: Record<string, readonly RegExp[]> = {
  '01-codec.ts': [
    /^<Buffer 83 68 02 77 02 6f 6b/m,
    /^\{:ok, %\{count: 3, tags: \["a", "b"\]\}\}$/m,
    /^\{ok,#\{count => 3,tags => \[<<"a">>,<<"b">>\]\}\}$/m,
    /^~c"hi"$/m,
    /^<Buffer ff 00>$/m,
    /^:ok$/m,
  ],
  '02-processes.ts': [
    /^reply: \{:echo, "hello"\}$/m,
    /^after: timeout$/m,
    /^monitor: \{:DOWN, #Reference<[\d.]+>, :process, #PID<0\.\d+\.0>, :boom\} true$/m,
    /^link: \{:EXIT, #PID<0\.\d+\.0>, :crashed\}$/m,
    /^done$/m,
  ],
  '03-genserver.ts': [
    /^11\n11\n10\n/m,
    /\{ specs: 1, active: 1, supervisors: 0, workers: 1 \}/,
    /^task: 11$/m,
  ],
  '04-two-nodes.ts': [
    /^a sees nodeup ex_b@\S+$/m,
    /^pong$/m,
    /^\[ 'ex_b@\S+' \]$/m,
    /^TypeScript$/m,
    /^a sees nodedown ex_b@\S+$/m,
  ],
  '05-rpc-from-erl.ts': erlInstalled
    ? [
        /^<<"Hello, erl, from ex_ts@\S+">>$/m,
        /^3$/m,
        /^\{badrpc,\{'EXIT',\{undef,\[\{'Elixir.Greeter',nope,\[\],\[\]\}\]\}\}\}$/m,
        /^\[ex_ts@\S+\]$/m,
      ]
    : [/^erl is not installed$/m],
  '07-from-elixir.ts': elixirInstalled
    ? [
        /^1\n2\n2\n\[:ex_gs@\S+\]$/m,
        /^inbox got \{:hello, #PID<[1-9]\d*\.\d+\.\d+>, ~c"charlist", %\{from: :elixir\}\}$/m,
      ]
    : [/^elixir is not installed$/m],
  '06-pubsub.ts': [
    /^\[ '#PID<\d\.\d+\.0>', '#PID<\d\.\d+\.0>' \]$/m,
    /^b received \{:new_msg, "hi"\}$/m,
  ],
};

function run(file: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join('examples', file)],
      { cwd: root, timeout: 120_000, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('examples: docs references', () => {
  const pages = ['README.md', 'elixir.md', 'interop.md'].map((f) => join(root, 'docs', f));

  test('examples: every test file docs/interop.md cites exists', () => {
    const text = readFileSync(join(root, 'docs', 'interop.md'), 'utf8');
    const cited = new Set(
      [...text.matchAll(/`((?:test\/)?[\w/.-]+\.test\.ts)`/g)].map((m) => m[1]!),
    );
    assert.ok(cited.size > 20, `only ${cited.size} test files cited`);
    for (const path of cited) {
      const full = join(root, path.startsWith('test/') ? path : join('test', 'interop', path));
      assert.ok(existsSync(full), `docs/interop.md cites ${path}, which does not exist`);
    }
  });

  test('examples: relative links in the cross-layer pages resolve', () => {
    for (const page of pages) {
      for (const [, link] of readFileSync(page, 'utf8').matchAll(/\]\(([^)#\s]+)/g)) {
        if (/^[a-z]+:/.test(link!)) continue;
        assert.ok(existsSync(join(root, 'docs', link!)), `${page} links to missing ${link}`);
      }
    }
  });
});

describe('examples', () => {
  test('examples: there are examples, each under 40 lines, each with expectations', () => {
    assert.ok(examples.length >= 6, `only ${examples.length} examples`);
    for (const file of examples) {
      const lines = readFileSync(join(dir, file), 'utf8').trimEnd().split('\n').length;
      assert.ok(lines < 40, `${file} has ${lines} lines`);
      assert.ok(expected[file], `${file} has no entry in test/unit/examples.test.ts`);
    }
  });

  test('examples: examples that start nodes use a private port mapper, never 4369', () => {
    for (const file of examples) {
      const src = readFileSync(join(dir, file), 'utf8');
      if (!/start(Rpc)?Node\(/.test(src)) continue;
      assert.match(src, /EpmdDaemon\.start\(\{ port: 0 \}\)/, file);
      assert.match(src, /epmdPort: epmd\.port/, file);
    }
  });

  for (const file of examples) {
    test(`examples: ${file} runs to the end and prints what it promises`, async () => {
      const { code, stdout, stderr } = await run(file);
      assert.equal(code, 0, `${file} exited ${code}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`);
      for (const re of expected[file] ?? []) {
        assert.match(stdout, re, `${file}: stdout lacks ${re}\n--- stdout\n${stdout}`);
      }
    });
  }
});

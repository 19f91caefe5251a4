// malloc-tune.ts: the first large frame lets glibc keep freed large buffers for reuse.
// The behaviour is checked in child processes (the tuning is per process and one-way).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { largeFrameReceived, mallocTuned } from '../../../src/dist/malloc-tune.ts';

const moduleUrl = new URL('../../../src/dist/malloc-tune.ts', import.meta.url).href;
const dir = mkdtempSync(join(tmpdir(), 'beamlink-malloc-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `body` as an ES module in a child node (tsx loaded, gc exposed); its stdout parsed as JSON. */
function child(body: string, env: Record<string, string> = {}): unknown {
  const file = join(dir, `child-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(
    file,
    `import { largeFrameReceived, mallocTuned } from ${JSON.stringify(moduleUrl)};\n${body}`,
  );
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', file], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    cwd: fileURLToPath(new URL('../../..', import.meta.url)),
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const glibc = (() => {
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } })
    ?.header;
  return process.platform === 'linux' && typeof header?.glibcVersionRuntime === 'string';
})();

describe('dist/malloc-tune', () => {
  it('acts on the first large frame only', () => {
    assert.equal(mallocTuned(), false);
    assert.equal(largeFrameReceived(), true);
    assert.equal(mallocTuned(), true);
    assert.equal(largeFrameReceived(), false);
    assert.equal(mallocTuned(), true);
  });

  it('does nothing with BEAMLINK_MALLOC_TUNE=0', () => {
    const got = child(`console.log(JSON.stringify([largeFrameReceived(), mallocTuned()]));`, {
      BEAMLINK_MALLOC_TUNE: '0',
    });
    assert.deepEqual(got, [false, false]);
  });

  it(
    'lets freed 1 MiB buffers be reused without faulting their pages in again',
    { skip: glibc ? false : 'glibc only' },
    () => {
      // Rounds of 24 buffers of 1 MiB, each written through, then dropped and collected:
      // the page faults of the second and third rounds. A collection frees array buffers
      // on a background thread (newer V8s), so each drop waits until the process's array
      // buffer memory is back down (loaded machines: CI runs test files side by side).
      const body = `
import { readFileSync } from 'node:fs';
const faults = () => Number(readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')[7]);
const freed = async () => {
  for (let i = 0; i < 400 && (gc(), process.memoryUsage().arrayBuffers > 4 << 20); i++) {
    await new Promise((r) => setTimeout(r, 5));
  }
};
if (process.env.TUNE === '1') largeFrameReceived();
await freed();
const counts = [];
for (let round = 0; round < 3; round++) {
  const f0 = faults();
  let keep = [];
  for (let i = 0; i < 24; i++) { const b = Buffer.allocUnsafe(1 << 20); b.fill(round); keep.push(b); }
  keep = null;
  await freed();
  counts.push(faults() - f0);
}
console.log(JSON.stringify(counts[1] + counts[2]));`;
      const plain = child(body, { TUNE: '0' }) as number;
      const tuned = child(body, { TUNE: '1' }) as number;
      // 24 MiB is 6,144 pages: untuned, the second round faults about all of them in again.
      assert.ok(plain > 3000, `untuned: ${plain} faults (expected most of 6,144 pages)`);
      assert.ok(tuned < plain / 4, `tuned: ${tuned} faults, untuned ${plain}`);
    },
  );
});

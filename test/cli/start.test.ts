import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { EpmdDaemon, names } from '../../src/epmd/index.ts';
import { uniqueName } from '../support/erlang-peer.ts';
import { CLI, ROOT, runCli } from './support.ts';

/** Spawns a CLI verb that keeps running; resolves with the child once `ready` matches a line. */
function startLong(args: string[], ready: RegExp) {
  const child = spawn(process.execPath, [...CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const up = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not ready:\n${lines.join('\n')}\n${stderr}`)),
      90_000,
    );
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      if (ready.test(line)) {
        clearTimeout(timer);
        resolve(line);
      }
    });
  });
  return { child, lines, up, exited };
}

describe('cli/start and demo: long-running verbs stop cleanly', () => {
  let epmd: EpmdDaemon;
  before(async () => {
    epmd = await EpmdDaemon.start({ port: 0 });
  });
  after(async () => {
    await epmd?.stop();
  });

  it('cli/start: runs rpc and the agent framework; SIGTERM stops it and frees the name', async () => {
    const name = uniqueName('st');
    const run = startLong(
      ['start', '--sname', name, '--cookie', 'st_cookie', '--epmd-port', String(epmd.port)],
      /^beamlink: node \S+ up/,
    );
    try {
      const line = await run.up;
      const full = /node (\S+) up/.exec(line)![1]!;
      const r = await runCli([
        'rpc',
        full,
        'AgentFramework.AgentSupervisor',
        'start_agent',
        '"W"',
        '--cookie',
        'st_cookie',
        '--epmd-port',
        String(epmd.port),
      ]);
      assert.match(r.stdout, /^\{:ok, #PID<\d+\.\d+\.\d+>\}\n$/, r.stderr);
      assert.ok(
        (await names('127.0.0.1', { epmdPort: epmd.port })).names.some((n) => n.name === name),
      );
      run.child.kill('SIGTERM');
      assert.equal(await run.exited, 0);
      assert.ok(
        run.lines.includes(`beamlink: node ${full} stopped (SIGTERM)`),
        run.lines.join('\n'),
      );
      assert.ok(
        !(await names('127.0.0.1', { epmdPort: epmd.port })).names.some((n) => n.name === name),
      );
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('cli/demo: without --headless the nodes keep running until Ctrl-C, which stops them all', async () => {
    const run = startLong(['demo', '--epmd-port', String(epmd.port)], /Ctrl-C stops everything/);
    try {
      await run.up;
      const out = run.lines.join('\n');
      assert.match(out, /npx beamlink shell --sname me --cookie demo_[0-9a-f]+/);
      assert.match(out, /npx beamlink remsh node1_\w+ --cookie/);
      assert.match(out, /iex --sname me --cookie demo_/);
      const before = (await names('127.0.0.1', { epmdPort: epmd.port })).names.map((n) => n.name);
      assert.equal(before.filter((n) => /^node[12]_/.test(n)).length, 2, before.join(' '));
      run.child.kill('SIGINT');
      assert.equal(await run.exited, 130);
      const left = (await names('127.0.0.1', { epmdPort: epmd.port })).names.map((n) => n.name);
      assert.deepEqual(
        left.filter((n) => /^(node\d|you)_/.test(n)),
        [],
      );
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  const noElixir =
    spawnSync('elixir', ['--version'], { stdio: 'ignore' }).status === 0
      ? false
      : 'elixir is not on the PATH';
  it(
    'cli/demo: --with-elixir adds a real Elixir node that calls an agent',
    { skip: noElixir },
    async () => {
      const r = await runCli([
        'demo',
        '--headless',
        '--with-elixir',
        '--epmd-port',
        String(epmd.port),
      ]);
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.match(
        r.stdout,
        /✔ elixir --sname … joins and calls an agent with :rpc.call — elixir_\w+@\S+: "node1_\w+"/,
      );
      assert.match(r.stdout, /19 steps passed, 0 failed/);
    },
  );
});

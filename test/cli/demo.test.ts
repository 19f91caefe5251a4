import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { freePort } from '../support/erlang-peer.ts';
import { runCli } from './support.ts';

describe('cli/demo', () => {
  it('cli/demo: --headless walks the lesson on three nodes and exits 0', async () => {
    const port = await freePort();
    const t0 = Date.now();
    const r = await runCli(['demo', '--headless', '--epmd-port', String(port)]);
    const ms = Date.now() - t0;
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.doesNotMatch(r.stdout, /✖/);
    const passed = r.stdout.match(/✔/g)?.length ?? 0;
    assert.ok(passed >= 18, `${passed} steps passed:\n${r.stdout}`);
    for (const want of [
      /a private one on port \d+/,
      /Node\.list\(\) — connections are transitive/,
      /AgentServer\.recall\(w1, :origin\).*"node1_/,
      /process_next\(w1\) — \{:ok, "Search results for: distributed"\}/,
      /\{:badrpc, :nodedown\}/,
      /\{:agent_event, %\{.*type: :started\}\}/,
      /you receive \{:nodedown, :node3_\w+\} — \{:nodedown, :node3_/,
      /ClusterMonitor drops node3_\w+ — %\{connected: \[/,
      /ClusterDirectory forgets Worker-3 — \{:error, :not_found\}/,
      /18 steps passed, 0 failed/,
    ]) {
      assert.match(r.stdout, want);
    }
    assert.ok(ms < 60_000, `the demo took ${ms} ms`);
  });

  it('cli/demo: a port taken by something that is not a port mapper fails the first step, exit 1', async () => {
    // A TCP server that closes every connection: names() fails and the port is in use.
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const r = await runCli(['demo', '--headless', '--epmd-port', String(port)]);
      assert.equal(r.status, 1, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout, /✖ a port mapper answers/);
      assert.match(r.stdout, /0 steps passed, 1 failed/);
    } finally {
      server.close();
    }
  });
});

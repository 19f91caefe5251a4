import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EpmdDaemon } from '../../src/epmd/index.ts';
import { startNode, type BeamNode } from '../../src/kernel/index.ts';
import { uniqueName } from '../support/erlang-peer.ts';
import { Pty, ptySkipReason } from './support.ts';

const skip = ptySkipReason();

describe('cli/shell: the REPL in a pseudo-terminal', { skip }, () => {
  let epmd: EpmdDaemon;
  let peer: BeamNode;
  let home: string;
  const shellName = uniqueName('sh');
  const shellCmd = (extra = '') =>
    `${process.execPath} --import tsx src/cli/main.ts --sname ${shellName} --cookie pty_cookie --epmd-port ${epmd.port}${extra}`;

  before(async () => {
    epmd = await EpmdDaemon.start({ port: 0 });
    peer = await startNode({
      sname: uniqueName('peer'),
      cookie: 'pty_cookie',
      epmdPort: epmd.port,
    });
    home = mkdtempSync(join(tmpdir(), 'beamlink-shell-'));
  });
  after(async () => {
    await peer?.stop();
    await epmd?.stop();
  });

  it('cli/shell: evaluates, prints as iex, counts prompts, completes, monitors nodes, keeps history', async () => {
    const pty = new Pty(shellCmd(), { HOME: home, BEAMLINK_HISTORY: '' + join(home, 'hist') });
    const host = peer.name.split('@')[1]!;
    const prompt = (n: number) => `beamlink(${shellName}@${host})${n}> `;
    try {
      await pty.waitFor(prompt(1), 60_000);
      pty.write('1 + 1\r');
      assert.match(await pty.waitFor(prompt(2)), /\n2\n/);
      pty.write("tuple(atom('ok'), [1, 'x', term('%{a: 2.5}')])\r");
      assert.match(await pty.waitFor(prompt(3)), /\{:ok, \[1, "x", %\{a: 2\.5\}\]\}/);
      assert.ok(pty.raw.includes('\x1b[36m:ok\x1b[0m'), 'atoms in colour on a terminal');

      // completion: a helper, then a node name the port mapper knows
      pty.write('Node.li\t');
      await pty.waitFor('Node.list()');
      pty.write('\r');
      assert.match(await pty.waitFor(prompt(4)), /\n\[\]\n/);
      // AgentFramework.<Module>.<function> from the module registry
      pty.write('AgentFramework.AgentSup\t');
      await pty.waitFor('AgentFramework.AgentSupervisor.');
      pty.write('count_a\t');
      await pty.waitFor('count_agents(');
      pty.write(')\r');
      assert.match(
        await pty.waitFor(prompt(5)),
        /\n%\{active: 0, specs: 0, supervisors: 0, workers: 0\}\n/,
        'a promise is printed once it resolves',
      );
      pty.write('monitorNodes(true)\r');
      await pty.waitFor(prompt(6));
      pty.write(`await Node.connect('${peer.name.slice(0, 6)}\t`);
      await pty.waitFor(peer.name);
      pty.write("')\r");
      assert.match(await pty.waitFor(prompt(7)), /\ntrue\n/);

      // the shell is a process: node events and messages land in its mailbox
      pty.write("await receive('nodeup', { timeout: 5000 })\r");
      assert.match(await pty.waitFor(prompt(8)), new RegExp(`\\{:nodeup, :${peer.name}\\}`));
      pty.write('Node.list()\r');
      assert.match(await pty.waitFor(prompt(9)), new RegExp(`\\[:${peer.name}\\]`));
      peer.disconnect(`${shellName}@${host}`);
      pty.write("await receive('nodedown', { timeout: 10000 })\r");
      assert.match(await pty.waitFor(prompt(10)), new RegExp(`\\{:nodedown, :${peer.name}\\}`));
      pty.write("send(self(), tuple(atom('hello'), 1)); flush()\r");
      assert.match(await pty.waitFor(prompt(11)), /\{:hello, 1\}\n:ok\n/);
      pty.write('await receive(undefined, { timeout: 50 })\r');
      assert.match(await pty.waitFor(prompt(12)), /\nundefined\n/);
      pty.write('.exit\r');
      assert.equal(await pty.exited(), 0);
    } finally {
      pty.child.kill('SIGKILL');
    }
    const history = readFileSync(join(home, 'hist'), 'utf8');
    assert.match(history, /^\.exit\n/);
    assert.match(history, /1 \+ 1/);

    // history survives a restart: the up arrow brings back the last expression
    const again = new Pty(shellCmd(), {
      HOME: home,
      BEAMLINK_HISTORY: join(home, 'hist'),
      NO_COLOR: '1',
    });
    try {
      await again.waitFor(prompt(1), 60_000);
      again.write('\x1b[A\x1b[A');
      await again.waitFor('await receive(undefined, { timeout: 50 })');
      again.write('\r');
      assert.match(await again.waitFor(prompt(2)), /\nundefined\n/);
      assert.ok(!again.raw.includes('\x1b[36m'), 'NO_COLOR: no colour');
      again.write('\x04');
      assert.equal(await again.exited(), 0);
    } finally {
      again.child.kill('SIGKILL');
    }
  });

  it('cli/shell: a name already taken says so and how to fix it', async () => {
    const pty = new Pty(
      `${process.execPath} --import tsx src/cli/main.ts --sname ${peer.name.split('@')[0]} --cookie x --epmd-port ${epmd.port}`,
      { HOME: home },
    );
    try {
      await pty.waitFor(/is taken/, 60_000);
      await pty.waitFor(/how to fix: choose another name/);
      assert.equal(await pty.exited(), 1);
    } finally {
      pty.child.kill('SIGKILL');
    }
  });
});

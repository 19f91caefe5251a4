import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { type EpmdProcess, type ErlangPeer, uniqueName } from '../../support/erlang-peer.ts';
import { startPeerWithEpmd } from '../../support/peer-with-epmd.ts';
import { describeReleases } from '../../support/releases.ts';
import { Pty, ptySkipReason } from '../../cli/support.ts';

describeReleases(
  'cli/shell: the lesson typed into the shell, with erl on the other side',
  { skip: ptySkipReason() },
  (release) => {
    let epmd: EpmdProcess;
    let erl: ErlangPeer;
    before(async () => {
      ({ epmd, peer: erl } = await startPeerWithEpmd(release, {
        sname: 'erl',
        cookie: 'lesson',
      }));
    });
    after(async () => {
      await erl?.stop();
      await epmd?.stop();
    });

    it('cli/shell: connect, rpc with completion of remote modules and functions, Exercise 2', async () => {
      const name = uniqueName('node2');
      const home = mkdtempSync(join(tmpdir(), 'beamlink-shell-erl-'));
      const pty = new Pty(
        `${process.execPath} --import tsx src/cli/main.ts shell --sname ${name} --cookie lesson --epmd-port ${epmd.port}`,
        { HOME: home, NO_COLOR: '1' },
      );
      const host = erl.node.split('@')[1]!;
      const prompt = (n: number) => `beamlink(${name}@${host})${n}> `;
      try {
        await pty.waitFor(prompt(1), 60_000);
        pty.write('monitorNodes(true)\r');
        await pty.waitFor(prompt(2));
        pty.write(`await Node.connect('${erl.node}')\r`);
        assert.match(await pty.waitFor(prompt(3)), /\ntrue\n/);
        pty.write("await receive('nodeup', { timeout: 5000 })\r");
        assert.match(await pty.waitFor(prompt(4)), new RegExp(`\\{:nodeup, :${erl.node}\\}`));

        // completion asks erl for its modules (erlang:loaded/0) and exports (module_info)
        pty.write(`await rpc.call('${erl.node}', 'lis\t`);
        await pty.waitFor(`'lists`);
        pty.write(`', 'seq\t`);
        await pty.waitFor(`'seq`);
        pty.write(`', [1, 3])\r`);
        assert.match(await pty.waitFor(prompt(5)), /\n\[1, 2, 3\]\n/);
        pty.write(`await rpc.call('${erl.node}', 'erlang', 'node', [])\r`);
        assert.match(await pty.waitFor(prompt(6)), new RegExp(`\\n:${erl.node}\\n`));

        // Exercise 2: erl disconnects; the shell's receive sees it
        assert.equal(await erl.eval(`erlang:disconnect_node('${name}@${host}').`), 'true');
        pty.write("await receive('nodedown', { timeout: 10000 })\r");
        assert.match(await pty.waitFor(prompt(7)), new RegExp(`\\{:nodedown, :${erl.node}\\}`));
        // ... and erl reconnects to the beamlink shell node
        assert.equal(await erl.eval(`net_kernel:connect_node('${name}@${host}').`), 'true');
        pty.write("await receive('nodeup', { timeout: 10000 })\r");
        assert.match(await pty.waitFor(prompt(8)), new RegExp(`\\{:nodeup, :${erl.node}\\}`));

        // a wrong name teaches
        pty.write(`await Node.connect('nobody@${host}')\r`);
        const out = await pty.waitFor(prompt(9));
        assert.match(out, /\*\* no node named nobody on/);
        assert.match(out, /how to fix: check the name/);
        assert.match(out, /\nfalse\n/);
        pty.write('.exit\r');
        assert.equal(await pty.exited(), 0);
      } finally {
        pty.child.kill('SIGKILL');
      }
    });
  },
);

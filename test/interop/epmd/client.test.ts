// beamlink's client against Debian's real `epmd` (a private one on a random port), with a
// real `erl` node on it: registrations are listed by `epmd -names` and found by erl,
// lookups return the port erl listens on, and a registration ends with its connection.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EpmdNameTakenError, lookup, names, register } from '../../../src/epmd/index.ts';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  ErlangPeer,
  type ErlangRelease,
  erlangReleases,
  freePort,
  interopSkipReason,
  uniqueName,
} from '../../support/erlang-peer.ts';
import { waitUntil } from '../../unit/epmd/raw-client.ts';

const skip = interopSkipReason();

/** The release's own `epmd` binary (OTP 27's runs inside its chroot) on a private port. */
class ReleaseEpmd {
  readonly port: number;
  readonly release: ErlangRelease;
  readonly child: ChildProcess;

  private constructor(release: ErlangRelease, port: number, child: ChildProcess) {
    this.release = release;
    this.port = port;
    this.child = child;
  }

  static async start(release: ErlangRelease): Promise<ReleaseEpmd> {
    const port = await freePort();
    const [cmd, ...pre] = [...release.prefix, 'epmd'];
    const child = spawn(cmd!, [...pre, '-port', String(port), '-address', '127.0.0.1'], {
      stdio: 'ignore',
    });
    const epmd = new ReleaseEpmd(release, port, child);
    await waitUntil(
      () =>
        new Promise<boolean>((resolve) => {
          const s = connect({ port, host: '127.0.0.1' });
          s.once('connect', () => (s.destroy(), resolve(true)));
          s.once('error', () => resolve(false));
        }),
      30_000,
      `${release.label} epmd on ${port}`,
    );
    return epmd;
  }

  /** `epmd -port N -names`, run from the same release. */
  names(): string {
    const [cmd, ...pre] = [...this.release.prefix, 'epmd'];
    return spawnSync(cmd!, [...pre, '-port', String(this.port), '-names'], { encoding: 'utf8' })
      .stdout;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGKILL');
    await exited;
  }
}

describe("epmd/client: against each release's real epmd and erl", { skip }, () => {
  for (const release of skip ? [] : erlangReleases()) {
    describe(release.label, () => {
      let epmd: ReleaseEpmd;
      let peer: ErlangPeer;
      let peerPort: number;
      before(async () => {
        epmd = await ReleaseEpmd.start(release);
        peerPort = await freePort();
        peer = await ErlangPeer.start({
          release,
          epmdPort: epmd.port,
          sname: uniqueName('epc'),
          cookie: 'epmd_cookie',
          args: [
            '-kernel',
            'inet_dist_listen_min',
            `${peerPort}`,
            'inet_dist_listen_max',
            `${peerPort}`,
          ],
        });
      });
      after(async () => {
        await peer?.stop();
        await epmd?.stop();
      });

      it('epmd/client: registers with real epmd; epmd -names and erl see it', async () => {
        const name = uniqueName('ts');
        const before = Math.floor(Date.now() / 1000);
        const reg = await register({ name, port: 4999, epmdPort: epmd.port });
        try {
          assert.equal(reg.extended, true);
          // OTP 25 epmd: a new name's creation is the clock in seconds + 1
          assert.ok(reg.creation >= before && reg.creation <= before + 120, String(reg.creation));
          assert.match(epmd.names(), new RegExp(`\nname ${name} at port 4999\n`));
          assert.equal(
            await peer.eval(`erl_epmd:port_please("${name}", {127,0,0,1}).`),
            '{port,4999,6}',
          );
          assert.match(await peer.eval('net_adm:names().'), new RegExp(`\\{"${name}",4999\\}`));
        } finally {
          await reg.close();
        }
      });

      it('epmd/client: the registration disappears when its connection closes', async () => {
        const name = uniqueName('gone');
        const reg = await register({ name, port: 4998, epmdPort: epmd.port });
        assert.match(epmd.names(), new RegExp(`name ${name} at port 4998`));
        await reg.close();
        assert.equal(reg.active, false);
        await waitUntil(() => !epmd.names().includes(`name ${name} `), 10_000, 'unregister');
        assert.equal(await peer.eval(`erl_epmd:port_please("${name}", {127,0,0,1}).`), 'noport');
        // the name is free again, with the next creation
        const again = await register({ name, port: 4998, epmdPort: epmd.port });
        assert.equal(again.creation, reg.creation + 1);
        await again.close();
      });

      it('epmd/client: lookup of a real erl node returns the port erl listens on', async () => {
        const info = await lookup(peer.alive, undefined, { epmdPort: epmd.port });
        assert.ok(info);
        assert.equal(info.port, peerPort);
        assert.equal(info.name, peer.alive);
        assert.equal(info.nodeType, 77);
        assert.equal(info.highest, 6);
        const viaErl = await peer.eval(`erl_epmd:port_please("${peer.alive}", {127,0,0,1}).`);
        assert.equal(viaErl, `{port,${info.port},6}`);
        const own = await peer.eval(
          '[Pn || P <- erlang:ports(), erlang:port_info(P, name) =:= {name, "tcp_inet"}, ' +
            '{ok, {_, Pn}} <- [inet:sockname(P)]].',
        );
        assert.ok(own.slice(1, -1).split(',').includes(String(peerPort)), own);
        assert.equal(
          (await lookup(`${peer.alive}@127.0.0.1`, undefined, { epmdPort: epmd.port }))?.port,
          peerPort,
        );
        assert.equal(await lookup('nobody_here', undefined, { epmdPort: epmd.port }), null);
      });

      it("epmd/client: names() reads real epmd's reply as epmd -names prints it", async () => {
        const listed = await names(undefined, { epmdPort: epmd.port });
        assert.equal(listed.epmdPort, epmd.port);
        assert.equal(
          epmd.names(),
          `epmd: up and running on port ${epmd.port} with data:\n${listed.text}`,
        );
        assert.ok(listed.names.some((n) => n.name === peer.alive && n.port === peerPort));
      });

      it('epmd/client: `beamlink names` prints exactly what `epmd -names` prints', async () => {
        const reg = await register({ name: uniqueName('cli'), port: 4996, epmdPort: epmd.port });
        try {
          const ours = spawnSync(
            process.execPath,
            ['--import', 'tsx', 'src/cli/main.ts', 'names', '--port', String(epmd.port)],
            { cwd: fileURLToPath(new URL('../../..', import.meta.url)), encoding: 'utf8' },
          );
          assert.equal(ours.status, 0, ours.stderr);
          assert.equal(ours.stdout, epmd.names());
          assert.match(ours.stdout, new RegExp(`name ${reg.name} at port 4996\n`));
        } finally {
          await reg.close();
        }
      });

      it('epmd/client: a name erl holds is refused with EpmdNameTakenError', async () => {
        await assert.rejects(
          register({ name: peer.alive, port: 4997, epmdPort: epmd.port }),
          (e) => {
            assert.ok(e instanceof EpmdNameTakenError);
            assert.equal(e.result, 1);
            return true;
          },
        );
      });
    });
  }
});

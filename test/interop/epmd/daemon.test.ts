// Real Erlang nodes against beamlink's port mapper: `erl -sname` with ERL_EPMD_PORT
// pointing at an in-process EpmdDaemon registers there, Debian's own `epmd -names` and
// `beamlink names` list it, and a second `erl` reaches the first through it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EpmdDaemon, lookup, names, register } from '../../../src/epmd/index.ts';
import {
  ErlangPeer,
  erlangReleases,
  freePort,
  interopSkipReason,
  uniqueName,
} from '../../support/erlang-peer.ts';
import { waitUntil } from '../../unit/epmd/raw-client.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const skip = interopSkipReason();

/** Runs a command without blocking this process's event loop (the daemon lives in it). */
function run(cmd: string, args: string[]): Promise<{ status: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout }));
  });
}

describe('epmd/daemon: real erl nodes use beamlink as their port mapper', { skip }, () => {
  for (const release of skip ? [] : erlangReleases()) {
    describe(release.label, () => {
      let daemon: EpmdDaemon;
      let a: ErlangPeer;
      let b: ErlangPeer;
      let portA: number;
      before(async () => {
        daemon = await EpmdDaemon.start({ port: 0 });
        portA = await freePort();
        const listen = [
          '-kernel',
          'inet_dist_listen_min',
          `${portA}`,
          'inet_dist_listen_max',
          `${portA}`,
        ];
        a = await ErlangPeer.start({
          release,
          epmdPort: daemon.port,
          sname: uniqueName('epa'),
          cookie: 'epmd_cookie',
          args: listen,
        });
        b = await ErlangPeer.start({
          release,
          epmdPort: daemon.port,
          sname: uniqueName('epb'),
          cookie: 'epmd_cookie',
        });
      });
      after(async () => {
        await a?.stop();
        await b?.stop();
        await daemon?.stop();
      });

      it('epmd/daemon: erl registers; the creation it uses is the one handed out', async () => {
        const node = daemon.nodes().find((n) => n.name === a.alive);
        assert.ok(node, JSON.stringify(daemon.inspect()));
        assert.equal(node.port, portA);
        assert.equal(node.nodeType, 77);
        assert.equal(node.highest, 6);
        // OTP 25 and 27 both send Lowest=5 (ERL_DIST_VER_LOW), not 6 as PROTOCOL.md says
        assert.equal(node.lowest, 5);
        assert.equal(await a.eval('erlang:system_info(creation).'), String(node.creation));
        assert.ok(node.creation > 3);
      });

      it("epmd/daemon: the release's own `epmd -names` lists the node", async () => {
        const [cmd, ...pre] = [...release.prefix, 'epmd'];
        const r = await run(cmd!, [...pre, '-port', String(daemon.port), '-names']);
        assert.equal(r.status, 0);
        assert.match(
          r.stdout,
          new RegExp(`^epmd: up and running on port ${daemon.port} with data:\n`),
        );
        assert.match(r.stdout, new RegExp(`\nname ${a.alive} at port ${portA}\n`));
        assert.match(r.stdout, new RegExp(`\nname ${b.alive} at port \\d+\n`));
      });

      it('epmd/daemon: `beamlink names` lists the node', async () => {
        const r = await run(process.execPath, [
          '--import',
          'tsx',
          'src/cli/main.ts',
          'names',
          '--port',
          String(daemon.port),
        ]);
        assert.equal(r.status, 0);
        assert.match(r.stdout, new RegExp(`\nname ${a.alive} at port ${portA}\n`));
      });

      it('epmd/daemon: net_adm:names and erl_epmd:port_please on erl read our replies', async () => {
        const listed = await b.eval('net_adm:names().');
        assert.match(listed, new RegExp(`\\{"${a.alive}",${portA}\\}`));
        assert.equal(
          await b.eval(`erl_epmd:port_please("${a.alive}", {127,0,0,1}).`),
          `{port,${portA},6}`,
        );
        assert.equal(await b.eval('erl_epmd:port_please("nobody_here", {127,0,0,1}).'), 'noport');
      });

      it("epmd/daemon: erl finds a node beamlink's client registered there", async () => {
        const name = uniqueName('tsreg');
        const reg = await register({ name, port: 4777, epmdPort: daemon.port });
        try {
          assert.equal(
            await b.eval(`erl_epmd:port_please("${name}", {127,0,0,1}).`),
            '{port,4777,6}',
          );
          assert.match(await b.eval('net_adm:names().'), new RegExp(`\\{"${name}",4777\\}`));
        } finally {
          await reg.close();
        }
        await waitUntil(
          async () => (await b.eval(`erl_epmd:port_please("${name}", {127,0,0,1}).`)) === 'noport',
        );
      });

      it('epmd/daemon: a second erl reaches the first through it (ping answers pong)', async () => {
        assert.equal(await b.eval(`net_adm:ping('${a.node}').`), 'pong');
        assert.equal(await a.eval(`lists:member('${b.node}', nodes()).`), 'true');
      });

      it("epmd/daemon: beamlink's lookup returns the port erl listens on", async () => {
        const info = await lookup(a.alive, undefined, { epmdPort: daemon.port });
        assert.equal(info?.port, portA);
        // what erl itself says about its sockets: one of them is bound to that port
        const own = await a.eval(
          '[Pn || P <- erlang:ports(), erlang:port_info(P, name) =:= {name, "tcp_inet"}, ' +
            '{ok, {_, Pn}} <- [inet:sockname(P)]].',
        );
        assert.ok(own.slice(1, -1).split(',').includes(String(portA)), own);
      });

      it(
        'epmd/daemon: an Elixir node registers and reaches erl through it',
        { skip: !release.elixir },
        async () => {
          const ex = await ErlangPeer.start({
            release,
            elixir: true,
            epmdPort: daemon.port,
            sname: uniqueName('epx'),
            cookie: 'epmd_cookie',
          });
          try {
            assert.ok(daemon.nodes().some((n) => n.name === ex.alive));
            assert.equal(await ex.evalElixir(`Node.ping(:"${a.node}")`), 'pong');
          } finally {
            await ex.stop();
          }
          await waitUntil(
            () => !daemon.nodes().some((n) => n.name === ex.alive),
            30_000,
            'unregister',
          );
        },
      );

      it('epmd/daemon: the registration ends when the node goes away', async () => {
        const gone = b.alive;
        await b.kill();
        await waitUntil(() => !daemon.nodes().some((n) => n.name === gone), 30_000, 'unregister');
        const listed = await names(undefined, { epmdPort: daemon.port });
        assert.ok(!listed.names.some((n) => n.name === gone));
        assert.equal(await lookup(gone, undefined, { epmdPort: daemon.port }), null);
        assert.equal(daemon.inspect().connections.registered, 1);
      });
    });
  }
});

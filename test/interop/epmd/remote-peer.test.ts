// A peer that is not on loopback: the daemon listens on one of this machine's own
// non-loopback addresses too, and a connection from that address (a real non-loopback
// peer, as far as the socket says) may ask for ports and names but may not register,
// dump, kill or stop. Skipped when the machine has no non-loopback IPv4 address.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { describe, it } from 'node:test';
import {
  EpmdDaemon,
  decodeNamesResp,
  decodePort2Resp,
  encodeAlive2Req,
  encodeDumpReq,
  encodeKillReq,
  encodeNamesReq,
  encodePortPlease2Req,
  encodeStopReq,
  register,
} from '../../../src/epmd/index.ts';
import { erlangReleases, freePort, interopSkipReason } from '../../support/erlang-peer.ts';

const external = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

function ask(
  host: string,
  port: number,
  bytes: Buffer,
): Promise<{ reply: Buffer; closed: boolean }> {
  return new Promise((resolve) => {
    const s = connect({ host, port, localAddress: host });
    const got: Buffer[] = [];
    const timer = setTimeout(() => done(false), 10_000);
    function done(closed: boolean) {
      clearTimeout(timer);
      s.destroy();
      resolve({ reply: Buffer.concat(got), closed });
    }
    s.on('data', (d: Buffer) => got.push(d));
    s.on('error', () => done(true));
    s.on('close', () => done(true));
    s.write(bytes);
  });
}

const alive2 = (name: string) =>
  encodeAlive2Req({
    port: 4000,
    nodeType: 77,
    protocol: 0,
    highest: 6,
    lowest: 6,
    name,
    extra: Buffer.alloc(0),
  });

describe(
  'epmd/daemon: a real non-loopback peer',
  { skip: external ? false : 'no non-loopback IPv4 address' },
  () => {
    it(`epmd/daemon: a peer at ${external} may ask for ports and names only`, async () => {
      const daemon = await EpmdDaemon.start({
        port: 0,
        address: external!,
        relaxedCommandCheck: true,
      });
      const reg = await register({ name: 'local_one', port: 4111, epmdPort: daemon.port });
      try {
        assert.ok(daemon.addresses.includes(external!));
        for (const req of [
          alive2('from_afar'),
          encodeDumpReq(),
          encodeKillReq(),
          encodeStopReq('local_one'),
        ]) {
          const r = await ask(external!, daemon.port, req);
          assert.deepEqual(r, { reply: Buffer.alloc(0), closed: true }, req.toString('hex'));
        }
        assert.equal(daemon.stats.refusedRemote, 4);
        assert.deepEqual(
          daemon.nodes().map((n) => n.name),
          ['local_one'],
        );
        assert.equal(reg.active, true);
        const n = await ask(external!, daemon.port, encodeNamesReq());
        assert.equal(decodeNamesResp(n.reply).text, 'name local_one at port 4111\n');
        const p = await ask(external!, daemon.port, encodePortPlease2Req('local_one'));
        assert.equal(decodePort2Resp(p.reply, true)?.port, 4111);
      } finally {
        await reg.close();
        await daemon.stop();
      }
    });

    for (const release of interopSkipReason() ? [] : erlangReleases()) {
      it(`epmd/daemon: (difference) ${release.label}'s epmd counts a peer from its own address as local`, async () => {
        const port = await freePort();
        const [cmd, ...pre] = [...release.prefix, 'epmd'];
        const child = spawn(cmd!, [...pre, '-port', String(port), '-address', external!], {
          stdio: 'ignore',
        });
        try {
          let r: { reply: Buffer; closed: boolean } = { reply: Buffer.alloc(0), closed: true };
          for (let i = 0; i < 200 && r.reply.length === 0; i++) {
            r = await ask(external!, port, alive2('from_here'));
            if (r.reply.length === 0) await new Promise((res) => setTimeout(res, 50));
          }
          assert.equal(r.reply[0], 118);
          assert.equal(r.reply[1], 0); // registered (then unregistered as the socket closed)
        } finally {
          const exited = new Promise((res) => child.once('exit', res));
          child.kill('SIGKILL');
          await exited;
        }
      });
    }
  },
);

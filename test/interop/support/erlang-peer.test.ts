import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  EpmdProcess,
  ErlangEvalError,
  ErlangPeer,
  erlangReleases,
  interopSkipReason,
  uniqueName,
} from '../../support/erlang-peer.ts';

const skip = interopSkipReason();

describe('support/erlang-peer: a real node driven over stdin', { skip }, () => {
  for (const release of skip ? [] : erlangReleases()) {
    describe(release.label, () => {
      let epmd: EpmdProcess;
      let peer: ErlangPeer;
      before(async () => {
        epmd = await EpmdProcess.start();
        peer = await ErlangPeer.start({
          release,
          epmdPort: epmd.port,
          sname: uniqueName('peer'),
          cookie: 'peer_cookie',
        });
      });
      after(async () => {
        await peer?.stop();
        await epmd?.stop();
      });

      it('evaluates expressions with bindings kept between calls', async () => {
        assert.equal(await peer.eval('X = 20 + 1.'), '21');
        assert.equal(await peer.eval('{ok, X * 2, <<"bin">>, "str"}.'), '{ok,42,<<"bin">>,"str"}');
      });

      it('returns term_to_binary bytes of the value', async () => {
        const r = await peer.evalFull('{a, 1}.');
        // OTP 26 made term_to_binary write atoms as SMALL_ATOM_UTF8_EXT; OTP 25 writes ATOM_EXT.
        const atomA = release.otp >= 26 ? [119, 1, 97] : [100, 0, 1, 97];
        assert.deepEqual([...r.bytes], [131, 104, 2, ...atomA, 97, 1]);
      });

      it('reports an exception as ErlangEvalError', async () => {
        await assert.rejects(peer.eval('erlang:error(boom).'), (e: Error) => {
          assert.ok(e instanceof ErlangEvalError);
          assert.match(e.message, /error:boom/);
          return true;
        });
      });

      it('is registered with the private epmd under its name', async () => {
        assert.match(epmd.names(), new RegExp(`name ${peer.alive} at port \\d+`));
        assert.equal(await peer.eval('node().'), peer.node);
      });

      it('emits events from any process', async () => {
        await peer.eval('spawn(fun() -> beamlink_peer:emit({hello, self()}) end).');
        const ev = await peer.waitEvent((e) => e.text.startsWith('{hello,'));
        assert.equal(ev.bytes[0], 131);
      });

      it('runs Elixir when started with elixir: true', { skip: !release.elixir }, async () => {
        const ex = await ErlangPeer.start({
          release,
          elixir: true,
          epmdPort: epmd.port,
          sname: uniqueName('ex'),
          cookie: 'peer_cookie',
        });
        try {
          assert.equal(await ex.evalElixir('Enum.sum([1, 2, 3])'), '6');
          assert.equal(await ex.evalElixir('y = 5'), '5');
          assert.equal(await ex.evalElixir('y * 2'), '10');
          assert.equal(await ex.eval('lists:sum([1,2]).'), '3');
        } finally {
          await ex.stop();
        }
      });
    });
  }
});

// Accepted sockets read through DirectReads (node.ts re-wraps them with onread): erl sends
// large binaries in fragments with small messages behind each; every byte and the order
// arrive as sent, and the fragmented ones were read straight into their buffers.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { directReadMessages } from '../../../src/dist/direct-reads.ts';
import { Node } from '../../../src/node/node.ts';
import type { Tuple } from '../../../src/term/types.ts';
import {
  erlangReleases,
  interopSkipReason,
  uniqueName,
  type EpmdProcess,
  type ErlangPeer,
} from '../../support/erlang-peer.ts';
import { startPeerWithEpmd } from '../../support/peer-with-epmd.ts';
import { until } from '../../support/wait.ts';
import { FakeHandler, lineLogger } from './fake-handler.ts';

const skip = interopSkipReason();

describe('node/direct-reads: erl dials in and sends big binaries', { skip }, () => {
  for (const release of skip ? [] : erlangReleases()) {
    describe(release.label, () => {
      let epmd: EpmdProcess;
      let erl: ErlangPeer;
      let node: Node;
      let handler: FakeHandler;
      before(async () => {
        ({ epmd, peer: erl } = await startPeerWithEpmd(release, {
          sname: 'erl',
          cookie: 'direct',
        }));
        node = await Node.start({
          sname: uniqueName('ts'),
          cookie: 'direct',
          epmdPort: epmd.port,
          logger: lineLogger(),
        });
        handler = new FakeHandler(node);
      });
      after(async () => {
        await node?.stop();
        await erl?.stop();
        await epmd?.stop();
      });

      it('keeps every byte and the order, and reads fragmented messages whole', async () => {
        // Connected first, so that erl fragments every large message.
        assert.equal(await erl.eval(`net_adm:ping('${node.name}').`), 'pong');
        const sizes = [
          70_000,
          1 << 20,
          5 * (1 << 20) + 17,
          1000,
          200_000,
          65_536 * 3 - 18,
          64 * (1 << 20),
        ];
        const before = directReadMessages();
        // erl's count of bytes sent on the connection, against ours of bytes read.
        let evals = 0; // the shell keeps bindings: fresh variable names each time
        const sentByErl = async () => {
          const [p, o] = [`DP${++evals}`, `SO${evals}`];
          return Number(
            await erl.eval(
              `{_, ${p}} = lists:keyfind('${node.name}', 1, erlang:system_info(dist_ctrl)), ` +
                `{ok, [{send_oct, ${o}}]} = inet:getstat(${p}, [send_oct]), ${o}.`,
            ),
          );
        };
        const readByUs = () =>
          node.inspect().connections.find((c) => c.node === erl.node)?.bytesIn ?? NaN;
        const [erlBefore, usBefore] = [await sentByErl(), readByUs()];
        await erl.eval(
          `P = << <<(I rem 251)>> || I <- lists:seq(1, 251) >>, ` +
            `[begin B = binary:part(binary:copy(P, S div 251 + 1), 0, S), ` +
            `{sink, '${node.name}'} ! {big, N, B}, {sink, '${node.name}'} ! {small, N} end ` +
            `|| {N, S} <- lists:zip(lists:seq(1, ${sizes.length}), [${sizes.join(',')}])], ok.`,
          60_000,
        );
        const sink = () =>
          handler.received.filter((r) => r.msg.op === 'REG_SEND' && r.msg.to.name === 'sink');
        await until(() => sink().length === 2 * sizes.length, 'every message at the sink', 60_000);
        const got = sink().map((r) => (r.msg as { message: Tuple }).message.elements);
        sizes.forEach((size, k) => {
          const [tag, n, bin] = got[2 * k]!;
          assert.deepEqual([String(tag), n], ['big', k + 1]);
          assert.ok(bin instanceof Uint8Array);
          assert.equal(bin.length, size);
          for (let i = 0; i < bin.length; i++)
            if (bin[i] !== (i + 1) % 251) assert.fail(`size ${size}: byte ${i}`);
          const [tag2, n2] = got[2 * k + 1]!;
          assert.deepEqual([String(tag2), n2], ['small', k + 1]);
        });
        // Every byte erl sent was counted, fragment headers included (a tick may differ).
        const sent = (await sentByErl()) - erlBefore;
        await until(() => readByUs() - usBefore >= sent, 'bytesIn to catch up with send_oct');
        assert.ok(
          readByUs() - usBefore - sent <= 4,
          `read ${readByUs() - usBefore}, erl sent ${sent}`,
        );
        // Six of the seven are larger than one 64 KiB fragment (none with direct reads off).
        assert.equal(
          directReadMessages() - before,
          process.env['BEAMLINK_DIRECT_READS'] === '0' ? 0 : 6,
        );
      });
    });
  }
});

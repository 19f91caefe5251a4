// Net ticks against real erl started with `-kernel net_ticktime 4`: we notice a stopped
// (SIGSTOP) BEAM within the tick window, and BEAM notices when we go silent.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { initiate } from '../../../src/dist/handshake.ts';
import { tcpTransport } from '../../../src/dist/transport.ts';
import { lookup } from '../../../src/epmd/index.ts';
import { Atom, type Term } from '../../../src/term/types.ts';
import {
  EpmdProcess,
  ErlangPeer,
  erlangReleases,
  interopSkipReason,
  shortHost,
  uniqueName,
} from '../../support/erlang-peer.ts';
import { dial, mutableTransport } from './helpers.ts';

const skip = interopSkipReason();
const COOKIE = 'tick_cookie';
const TICK_MS = 4_000;

describe('dist/ticker: net_ticktime 4 s against real erl', { skip }, () => {
  for (const release of skip ? [] : erlangReleases()) {
    describe(release.label, () => {
      let epmd: EpmdProcess;
      let peer: ErlangPeer;
      let erlPort: number;
      const logs: string[] = [];
      const opts = () => ({
        localCreation: 7,
        cookie: COOKIE,
        tickTimeMs: TICK_MS,
        logger: { warn: (m: string) => logs.push(m) },
      });

      before(async () => {
        epmd = await EpmdProcess.start();
        peer = await ErlangPeer.start({
          release,
          epmdPort: epmd.port,
          sname: uniqueName('erltick'),
          cookie: COOKIE,
          args: ['-kernel', 'net_ticktime', '4'],
        });
        assert.equal(await peer.eval('net_kernel:get_net_ticktime().'), '4');
        erlPort = (await lookup(peer.alive, '127.0.0.1', { epmdPort: epmd.port }))!.port;
      });
      after(async () => {
        try {
          process.kill(peer.osPid, 'SIGCONT');
        } catch {
          // already gone
        }
        await peer?.stop();
        await epmd?.stop();
      });

      it('BEAM declares us down (net_tick_timeout) when our writes stop', async (t) => {
        const name = `${uniqueName('tssilent')}@${shortHost()}`;
        await peer.eval(`
          spawn(fun() ->
            net_kernel:monitor_nodes(true, [nodedown_reason]),
            beamlink_peer:emit(monitoring),
            W = fun L() -> receive {nodedown, '${name}', I} -> beamlink_peer:emit({down, proplists:get_value(nodedown_reason, I)}); _ -> L() end end,
            W()
          end).`);
        await peer.waitEvent((e) => e.text === 'monitoring');
        const transport = mutableTransport(await dial(erlPort));
        const conn = await initiate(transport, { ...opts(), localName: name, remoteName: peer.node });
        let ourReason: Term | undefined;
        conn.on('close', (r) => (ourReason = r));
        assert.equal(await peer.eval(`lists:member('${name}', nodes()).`), 'true');
        const t0 = Date.now();
        transport.muted = true;
        const ev = await peer.waitEvent((e) => e.text.startsWith('{down,'), 20_000);
        const elapsed = Date.now() - t0;
        t.diagnostic(`BEAM noticed our silence after ${elapsed} ms`);
        assert.equal(ev.text, '{down,net_tick_timeout}');
        assert.ok(elapsed >= 0.5 * TICK_MS && elapsed <= 2.5 * TICK_MS, `BEAM noticed after ${elapsed} ms`);
        // We kept hearing BEAM's ticks, so our side did not time out first.
        assert.ok(!(ourReason instanceof Atom && ourReason.name === 'net_tick_timeout'));
        conn.close();
      });

      it('we declare BEAM down with net_tick_timeout after SIGSTOP', async (t) => {
        const name = `${uniqueName('tsstop')}@${shortHost()}`;
        const conn = await initiate(tcpTransport(await dial(erlPort)), { ...opts(), localName: name, remoteName: peer.node });
        const closed = new Promise<{ reason: Term; at: number }>((resolve) =>
          conn.on('close', (reason) => resolve({ reason, at: Date.now() })),
        );
        // Let a few ticks go both ways first.
        await new Promise((r) => setTimeout(r, TICK_MS / 2));
        assert.equal(conn.state, 'up');
        const t0 = Date.now();
        process.kill(peer.osPid, 'SIGSTOP');
        try {
          const { reason, at } = await closed;
          const elapsed = at - t0;
          t.diagnostic(`we noticed the stopped BEAM after ${elapsed} ms`);
          assert.ok(reason instanceof Atom && reason.name === 'net_tick_timeout', String(reason));
          assert.ok(elapsed >= 0.5 * TICK_MS && elapsed <= 1.75 * TICK_MS, `we noticed after ${elapsed} ms`);
          assert.ok(logs.some((l) => l.includes('net_tick_timeout') && l.includes(peer.node)));
        } finally {
          process.kill(peer.osPid, 'SIGCONT');
        }
        assert.equal(await peer.eval('1 + 1.'), '2');
      });
    });
  }
});

// pg against OTP's own pg, both releases: a BEAM process that joins through pg:join/3 is a
// member on beamlink and the other way round; joins, leaves and deaths propagate both ways;
// pg:monitor_scope/1 on BEAM hears beamlink's joins; members vanish on nodedown and come
// back after a reconnect; and the BEAM scope never crashes (same pid, no crash report).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startNode, type BeamNode } from '../../../src/kernel/start-node.ts';
import { startScope, type PgScope } from '../../../src/pg/index.ts';
import { memoryLogger, type Process } from '../../../src/process/index.ts';
import { decode } from '../../../src/term/decode.ts';
import { Pid, Tuple, atom, tuple, type Term } from '../../../src/term/types.ts';
import {
  EpmdProcess,
  ErlangPeer,
  erlangReleases,
  interopSkipReason,
  uniqueName,
} from '../../support/erlang-peer.ts';

const skip = interopSkipReason();
const COOKIE = 'pg_cookie';

async function eventually(
  check: () => Promise<boolean> | boolean,
  what: string,
  ms = 10_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('pg/scope: against OTP pg on real erl', { skip }, () => {
  for (const release of skip ? [] : erlangReleases()) {
    describe(release.label, () => {
      let epmd: EpmdProcess;
      let erl: ErlangPeer;
      let node: BeamNode;
      let pg: PgScope;
      let beamPg = '';
      const logger = memoryLogger();
      const idle = (): Pid =>
        node.spawn(async (self: Process) => {
          await self.receive((m) => m === 'stop');
        });
      const count = async (expr: string): Promise<number> =>
        Number(await erl.eval(`length(${expr}).`));

      before(async () => {
        epmd = await EpmdProcess.start();
        erl = await ErlangPeer.start({
          release,
          epmdPort: epmd.port,
          sname: uniqueName('erl'),
          cookie: COOKIE,
          args: ['-kernel', 'start_pg', 'true'],
        });
        beamPg = await erl.eval('whereis(pg).');
        assert.match(beamPg, /^<\d+\.\d+\.\d+>$/);
        node = await startNode({
          sname: uniqueName('ts'),
          cookie: COOKIE,
          epmdPort: epmd.port,
          logger,
        });
        pg = await startScope(node);
        assert.equal(await node.connect(erl.node), true);
      });
      after(async () => {
        await node?.stop();
        await erl?.stop();
        await epmd?.stop();
      });

      it('pg/scope: a BEAM pg:join member is a member on beamlink, and leaves', async () => {
        const r = await erl.evalFull(
          'B1 = spawn(fun() -> receive stop -> ok end end), ok = pg:join({room, <<"lobby">>}, B1), B1.',
        );
        const b1 = decode(r.bytes) as Pid;
        const room = tuple(atom('room'), 'lobby');
        await eventually(() => pg.getMembers(room).length === 1, 'beamlink sees B1');
        assert.equal(pg.getMembers(room)[0]!.key, b1.key);
        assert.deepEqual(pg.getLocalMembers(room), []);
        await erl.eval('ok = pg:leave({room, <<"lobby">>}, B1).');
        await eventually(() => pg.getMembers(room).length === 0, 'B1 left');
        await erl.eval('ok = pg:join({room, <<"lobby">>}, B1).');
        await eventually(() => pg.getMembers(room).length === 1, 'B1 back');
        await erl.eval('B1 ! stop.');
        await eventually(() => pg.getMembers(room).length === 0, 'B1 died');
      });

      it('pg/scope: a beamlink member is a member on BEAM; leave and death propagate', async () => {
        const t1 = idle();
        const t2 = idle();
        pg.join(atom('tsgrp'), [t1, t2]);
        await eventually(
          async () => (await count('pg:get_members(tsgrp)')) === 2,
          'BEAM sees t1, t2',
        );
        assert.equal(
          await erl.eval('lists:usort([node(P) || P <- pg:get_members(tsgrp)]).'),
          `[${node.name}]`,
        );
        assert.equal(await count('pg:get_local_members(tsgrp)'), 0);
        assert.equal(pg.leave(atom('tsgrp'), t2), true);
        await eventually(
          async () => (await count('pg:get_members(tsgrp)')) === 1,
          'BEAM saw the leave',
        );
        node.send(t1, 'stop');
        await eventually(
          async () => (await count('pg:get_members(tsgrp)')) === 0,
          'BEAM saw t1 die',
        );
        assert.equal(await erl.eval('pg:which_groups().'), '[]');
      });

      it('pg/scope: pg:monitor_scope on BEAM hears beamlink joins; monitorScope hears BEAM joins', async () => {
        await erl.eval(
          'Mon = spawn(fun() -> {Ref, _} = pg:monitor_scope(), beamlink_peer:emit(monitoring), ' +
            'L = fun Loop() -> receive {Ref, Act, G, Ps} -> beamlink_peer:emit({pgmon, Act, G, [node(P) || P <- Ps]}), Loop() end end, L() end).',
        );
        await erl.waitEvent((e) => e.text === 'monitoring');
        const t = idle();
        pg.join(atom('watched'), t);
        await erl.waitEvent((e) => e.text === `{pgmon,join,watched,[${node.name}]}`);
        pg.leave(atom('watched'), t);
        await erl.waitEvent((e) => e.text === `{pgmon,leave,watched,[${node.name}]}`);

        const seen: Term[] = [];
        const w = node.spawn((self: Process) => {
          self.handle((m) => {
            seen.push(m);
          });
        });
        const { ref } = pg.monitor(w, atom('fromerl'));
        await erl.eval(
          'B2 = spawn(fun() -> receive stop -> ok end end), ok = pg:join(fromerl, [B2]).',
        );
        await eventually(() => seen.length === 1, 'join notice');
        const n = seen[0] as Tuple;
        assert.equal(n.elements[0]!.toString(), ref.toString());
        assert.equal(n.elements[1], atom('join'));
        assert.equal(n.elements[2], atom('fromerl'));
        assert.equal(((n.elements[3] as Pid[])[0] as Pid).node.name, erl.node);
        await erl.eval('B2 ! stop.');
        await eventually(() => seen.length === 2, 'leave notice');
        assert.equal((seen[1] as Tuple).elements[1], atom('leave'));
        await erl.eval('exit(Mon, kill).');
      });

      it('pg/scope: BEAM can watch a beamlink scope with gen_server:call({pg, Node}, monitor)', async () => {
        assert.equal(
          await erl.eval(
            `{RemRef, RemGroups} = gen_server:call({pg, '${node.name}'}, monitor), is_reference(RemRef) andalso is_map(RemGroups).`,
          ),
          'true',
        );
        const t = idle();
        pg.join(atom('remote_watched'), t);
        assert.equal(
          await erl.eval(
            'receive {RemRef, join, remote_watched, [RemP]} -> node(RemP) after 5000 -> timeout end.',
          ),
          node.name,
        );
        assert.equal(
          await erl.eval(`gen_server:call({pg, '${node.name}'}, {demonitor, RemRef}).`),
          'ok',
        );
        pg.leave(atom('remote_watched'), t);
        assert.equal(
          await erl.eval('receive {RemRef, _, _, _} -> got after 300 -> none end.'),
          'none',
        );
      });

      it('pg/scope: members vanish on nodedown and return after a reconnect', async () => {
        await erl.eval('B3 = spawn(fun() -> receive stop -> ok end end), ok = pg:join(both, B3).');
        const t = idle();
        pg.join(atom('both'), t);
        await eventually(() => pg.getMembers(atom('both')).length === 2, 'beamlink sees both');
        await eventually(async () => (await count('pg:get_members(both)')) === 2, 'BEAM sees both');

        node.disconnect(erl.node);
        await eventually(() => pg.getMembers(atom('both')).length === 1, 'beamlink dropped B3');
        await eventually(async () => (await count('pg:get_members(both)')) === 1, 'BEAM dropped t');
        assert.equal(pg.getMembers(atom('both'))[0]!.key, t.key);

        assert.equal(await node.connect(erl.node), true);
        await eventually(() => pg.getMembers(atom('both')).length === 2, 'beamlink resynced');
        await eventually(async () => (await count('pg:get_members(both)')) === 2, 'BEAM resynced');

        // The same from the BEAM side: erlang:disconnect_node/1.
        await erl.eval(`true = erlang:disconnect_node('${node.name}').`);
        await eventually(
          () => pg.getMembers(atom('both')).length === 1,
          'beamlink dropped B3 again',
        );
        await erl.eval(`pong = net_adm:ping('${node.name}').`);
        await eventually(() => pg.getMembers(atom('both')).length === 2, 'beamlink resynced again');
        await eventually(
          async () => (await count('pg:get_members(both)')) === 2,
          'BEAM resynced again',
        );
      });

      it('pg/scope: a named scope started with pg:start/1 on BEAM interoperates', async () => {
        await erl.eval('{ok, _} = pg:start(chat).');
        const chat = await startScope(node, { scope: 'chat' });
        const t = idle();
        chat.join('general', t);
        await eventually(
          async () => (await count('pg:get_members(chat, <<"general">>)')) === 1,
          'BEAM chat',
        );
        await erl.eval(
          'B4 = spawn(fun() -> receive stop -> ok end end), ok = pg:join(chat, <<"general">>, B4).',
        );
        await eventually(() => chat.getMembers('general').length === 2, 'beamlink chat');
        // The default scope holds none of it.
        assert.equal(pg.getMembers('general').length, 0);
        assert.equal(await count('pg:get_members(<<"general">>)'), 0);
        chat.stop();
        await eventually(
          async () => (await count('pg:get_members(chat, <<"general">>)')) === 1,
          'scope down',
        );
      });

      it('pg/scope: the BEAM scope survived the whole exchange (same pid, no crash report)', async () => {
        assert.equal(await erl.eval('whereis(pg).'), beamPg);
        const log = erl.log.join('\n');
        assert.doesNotMatch(log, /terminating|badarg|CRASH REPORT|crash_report/);
        const warned = logger.entries.filter((e) => e.message.includes('unexpected'));
        assert.deepEqual(warned, []);
      });

      it('pg/scope: control: a message pg does not know does crash it, and the check sees it', async () => {
        // Proves the survival check above can fail: OTP's pg dies on an unknown message
        // (kernel_safe_sup restarts it with a new pid) and the crash is logged.
        await erl.eval('pg ! {discover, self(), 1, extra}.');
        await eventually(async () => (await erl.eval('whereis(pg).')) !== beamPg, 'pg restarted');
        await eventually(() => /terminating|badarg/.test(erl.log.join('\n')), 'crash logged');
      });
    });
  }
});

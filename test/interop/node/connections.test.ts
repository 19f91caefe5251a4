// The node layer against real erl, with a stand-in for the process runtime
// (fake-handler.ts): connections both ways, ping, messages, auto-connect queueing,
// failures, nodedown, cookies, allow lists, hidden nodes, ticks.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NodeEvent } from '../../../src/node/events.ts';
import { Node } from '../../../src/node/node.ts';
import { atom, Pid, Ref, Tuple, tuple } from '../../../src/term/types.ts';
import {
  EpmdProcess,
  ErlangPeer,
  erlangReleases,
  interopSkipReason,
  uniqueName,
} from '../../support/erlang-peer.ts';
import { FakeHandler, lineLogger, waitFor } from './fake-handler.ts';

const skip = interopSkipReason();
const COOKIE = 'node_cookie';

describe('node/connections: against real erl', { skip }, () => {
  for (const release of skip ? [] : erlangReleases()) {
    describe(release.label, () => {
      let epmd: EpmdProcess;
      let erl: ErlangPeer;
      let node: Node;
      let handler: FakeHandler;
      const events: NodeEvent[] = [];
      const log = lineLogger();

      before(async () => {
        epmd = await EpmdProcess.start();
        erl = await ErlangPeer.start({
          release,
          epmdPort: epmd.port,
          sname: uniqueName('erl'),
          cookie: COOKIE,
        });
        node = await Node.start({
          sname: uniqueName('ts'),
          cookie: COOKIE,
          epmdPort: epmd.port,
          logger: log,
        });
        handler = new FakeHandler(node);
        node.monitorNodes((e) => events.push(e), { nodeType: 'all' });
        // erl reports its own nodeup/nodedown events to the test.
        await erl.eval(
          `spawn(fun() -> net_kernel:monitor_nodes(true, [{node_type, all}, nodedown_reason]), ` +
            `(fun L() -> receive E -> beamlink_peer:emit({event, E}), L() end end)() end).`,
        );
      });
      after(async () => {
        await node?.stop();
        await erl?.stop();
        await epmd?.stop();
      });

      it('answers net_adm:ping from erl with pong, and both sides list each other', async () => {
        assert.equal(await erl.eval(`net_adm:ping('${node.name}').`), 'pong');
        assert.equal(await erl.eval('nodes().'), `[${node.name}]`);
        assert.deepEqual(
          node.nodes().map((n) => n.name),
          [erl.node],
        );
        assert.equal(node.connectionState(erl.node), 'up');
        const up = events.find((e) => e.type === 'nodeup' && e.node.name === erl.node);
        assert.equal(up?.nodeType, 'visible');
        await erl.waitEvent(
          (e) => e.text === `{event,{nodeup,${node.name},[{node_type,visible}]}}`,
        );
      });

      it('pings erl: a gen call to {net_kernel, Node} is answered yes', async () => {
        const caller = handler.pid(100);
        const ref = handler.ref();
        void node.sendControl(atom(erl.node), {
          op: 'REG_SEND',
          from: caller,
          to: atom('net_kernel'),
          message: tuple(
            atom('$gen_call'),
            tuple(caller, ref),
            tuple(atom('is_auth'), node.nameAtom),
          ),
        });
        await handler.until(
          () =>
            handler.received.some(
              ({ msg }) =>
                (msg.op === 'SEND' || msg.op === 'ALIAS_SEND') &&
                msg.message instanceof Tuple &&
                msg.message.elements[0] instanceof Ref &&
                (msg.message.elements[0] as Ref).key === ref.key &&
                msg.message.elements[1] === atom('yes'),
            ),
          10_000,
          'the is_auth reply',
        );
      });

      it('carries messages both ways: registered names and pids', async () => {
        await erl.eval(
          'register(inbox, spawn(fun L() -> receive M -> beamlink_peer:emit({got, M}), L() end end)).',
        );
        void node.sendControl(atom(erl.node), {
          op: 'REG_SEND',
          from: handler.pid(101),
          to: atom('inbox'),
          message: tuple(atom('hello'), 42, 'text', [1, 2n ** 70n]),
        });
        await erl.waitEvent(
          (e) => e.text === '{got,{hello,42,<<"text">>,[1,1180591620717411303424]}}',
        );

        await erl.eval(`{ts_inbox, '${node.name}'} ! {from_erl, self(), node()}.`);
        await handler.until(
          () =>
            handler.received.some(
              ({ msg }) => msg.op === 'REG_SEND' && msg.to === atom('ts_inbox'),
            ),
          10_000,
          'REG_SEND to ts_inbox',
        );
        const got = handler.received.find(
          ({ msg }) => msg.op === 'REG_SEND' && msg.to === atom('ts_inbox'),
        )!;
        assert.equal(got.from.name, erl.node);
        const m = (got.msg as { message: Tuple }).message;
        assert.equal(m.elements[0], atom('from_erl'));
        assert.ok(m.elements[1] instanceof Pid);
        assert.equal(m.elements[2], atom(erl.node));

        const target = handler.pid(102);
        await erl.eval(
          `TsPid = binary_to_term(<<${[...encodePidForErl(target)].join(',')}>>), TsPid ! {to_pid, 7}.`,
        );
        await handler.until(
          () => handler.received.some(({ msg }) => msg.op === 'SEND' && msg.to.key === target.key),
          10_000,
          'SEND to a pid',
        );
      });

      it('auto-connects on the first send, queueing messages in order', async () => {
        const other = await ErlangPeer.start({
          release,
          epmdPort: epmd.port,
          sname: uniqueName('erl2'),
          cookie: COOKIE,
        });
        try {
          await other.eval(
            'register(q, spawn(fun L() -> receive M -> beamlink_peer:emit({q, M}), L() end end)).',
          );
          assert.equal(node.connectionState(other.node), undefined);
          for (let i = 1; i <= 50; i++) {
            void node.sendControl(atom(other.node), {
              op: 'REG_SEND',
              from: handler.pid(103),
              to: atom('q'),
              message: i,
            });
          }
          assert.equal(node.connectionState(other.node), 'pending');
          await other.waitEvent((e) => e.text === '{q,50}');
          const seen = other.events.filter((e) => e.text.startsWith('{q,')).map((e) => e.text);
          assert.deepEqual(
            seen,
            Array.from({ length: 50 }, (_, i) => `{q,${i + 1}}`),
          );
          assert.equal(node.connectionState(other.node), 'up');
        } finally {
          await other.stop();
        }
        await waitFor(() => node.connectionState(other.node) === undefined, 10_000, 'nodedown');
      });

      it('a connect that fails drops the queue and reports the node down to the handler only', async () => {
        const ghost = `${uniqueName('ghost')}@${erl.node.split('@')[1]}`;
        const before = events.length;
        void node.sendControl(atom(ghost), {
          op: 'REG_SEND',
          from: handler.pid(104),
          to: atom('x'),
          message: 1,
        });
        await handler.until(
          () => handler.downs.some((d) => d.node.name === ghost),
          10_000,
          'nodeDown',
        );
        assert.equal(
          handler.downs.find((d) => d.node.name === ghost)?.reason,
          atom('noconnection'),
        );
        assert.equal(await node.connect(ghost), false);
        assert.equal(node.connectionState(ghost), undefined);
        assert.equal(events.slice(before).filter((e) => e.node.name === ghost).length, 0);
      });

      it('disconnect: nodedown with reason disconnect here, connection_closed on erl', async () => {
        assert.equal(await node.connect(erl.node), true);
        assert.equal(node.disconnect(erl.node), true);
        const down = events.findLast((e) => e.type === 'nodedown' && e.node.name === erl.node);
        assert.equal(down?.type === 'nodedown' && down.reason, 'disconnect');
        assert.ok(
          handler.downs.some((d) => d.node.name === erl.node && d.reason === atom('disconnect')),
        );
        await erl.waitEvent(
          (e) =>
            e.text.startsWith(`{event,{nodedown,${node.name},`) &&
            e.text.includes('{nodedown_reason,connection_closed}'),
        );
        assert.equal(await erl.eval('nodes().'), '[]');
        assert.equal(node.disconnect(erl.node), false);
      });

      it('refuses a wrong cookie both ways with a clear log line', async () => {
        const badLogger = lineLogger();
        const badLog = badLogger.lines;
        const bad = await Node.start({
          sname: uniqueName('badcookie'),
          cookie: 'not_the_cookie',
          epmdPort: epmd.port,
          logger: badLogger,
        });
        new FakeHandler(bad);
        try {
          // We dial: erl checks our digest, logs the refusal and closes (no ack comes back).
          assert.equal(await bad.connect(erl.node), false);
          await waitFor(
            () =>
              /Connection attempt from node .*badcookie.* rejected\. Invalid challenge reply/.test(
                erl.log.join(''),
              ),
            10_000,
            "erl's rejection line",
          );
          assert.equal(await erl.eval(`net_adm:ping('${bad.name}').`), 'pang');
          await waitFor(
            () =>
              badLog.some((l) =>
                /Connection attempt from node .* rejected\. Invalid challenge reply/.test(l),
              ),
            10_000,
            'the rejection log line',
          );
          assert.deepEqual(bad.nodes(), []);
        } finally {
          await bad.stop();
        }
      });

      it('enforces the allow list both ways', async () => {
        const picky = await Node.start({
          sname: uniqueName('picky'),
          cookie: COOKIE,
          epmdPort: epmd.port,
          allow: ['someone_else@nowhere'],
          logger: lineLogger(),
        });
        new FakeHandler(picky);
        try {
          assert.equal(await erl.eval(`net_adm:ping('${picky.name}').`), 'pang');
          assert.equal(await picky.connect(erl.node), false);
          picky.allow([erl.node]);
          assert.equal(await erl.eval(`net_adm:ping('${picky.name}').`), 'pong');
        } finally {
          await picky.stop();
        }
      });

      it('a hidden node shows in erl nodes(hidden), not nodes()', async () => {
        const hidden = await Node.start({
          sname: uniqueName('hidden'),
          cookie: COOKIE,
          epmdPort: epmd.port,
          hidden: true,
        });
        new FakeHandler(hidden);
        try {
          assert.equal(await hidden.connect(erl.node), true);
          // erl (the acceptor) marks the node up just after sending its ack, which is
          // when our connect resolves: wait for that, then check where it lists us.
          await waitFor(
            async () =>
              (await erl.eval(`lists:member('${hidden.name}', nodes(hidden)).`)) === 'true',
            10_000,
            'erl to list the hidden node in nodes(hidden)',
          );
          assert.equal(await erl.eval(`lists:member('${hidden.name}', nodes()).`), 'false');
          // erl is visible to us, but published nodes see us as hidden only.
          assert.deepEqual(
            hidden.nodes().map((n) => n.name),
            [erl.node],
          );
        } finally {
          await hidden.stop();
        }
      });

      it('refuses to mix long and short names, naming both', async () => {
        const longLogger = lineLogger();
        const longLog = longLogger.lines;
        const long = await Node.start({
          name: `${uniqueName('long')}@127.0.0.1`,
          cookie: COOKIE,
          epmdPort: epmd.port,
          logger: longLogger,
        });
        new FakeHandler(long);
        try {
          assert.equal(await long.connect(erl.node), false);
          assert.ok(
            longLog.some(
              (l) => l.includes(long.name) && l.includes(erl.node) && /long names/.test(l),
            ),
            longLog.join('\n'),
          );
        } finally {
          await long.stop();
        }
      });

      it('notices a kill -9 of erl within 1 s', async (t) => {
        const victim = await ErlangPeer.start({
          release,
          epmdPort: epmd.port,
          sname: uniqueName('victim'),
          cookie: COOKIE,
        });
        assert.equal(await node.connect(victim.node), true);
        const t0 = Date.now();
        await victim.kill();
        await waitFor(
          () => events.some((e) => e.type === 'nodedown' && e.node.name === victim.node),
          1_000,
          'nodedown after kill -9',
        );
        const down = events.find((e) => e.type === 'nodedown' && e.node.name === victim.node)!;
        assert.equal(down.type === 'nodedown' && down.reason, 'connection_closed');
        const dt = Date.now() - t0;
        t.diagnostic(`nodedown ${dt} ms after kill -9`);
        assert.ok(dt <= 1_000);
        assert.ok(handler.downs.some((d) => d.node.name === victim.node));
      });

      it('notices a SIGSTOPped erl within the tick window (net_ticktime 4 s)', async (t) => {
        const frozen = await ErlangPeer.start({
          release,
          epmdPort: epmd.port,
          sname: uniqueName('frozen'),
          cookie: COOKIE,
          args: ['-kernel', 'net_ticktime', '4'],
        });
        const ticky = await Node.start({
          sname: uniqueName('ticky'),
          cookie: COOKIE,
          epmdPort: epmd.port,
          netTicktime: 4,
          logger: lineLogger(),
        });
        new FakeHandler(ticky);
        const seen: NodeEvent[] = [];
        ticky.monitorNodes((e) => seen.push(e));
        try {
          assert.equal(await ticky.connect(frozen.node), true);
          process.kill(frozen.osPid, 'SIGSTOP');
          const t0 = Date.now();
          await waitFor(() => seen.some((e) => e.type === 'nodedown'), 12_000, 'net_tick_timeout');
          const dt = Date.now() - t0;
          t.diagnostic(`net_tick_timeout ${dt} ms after SIGSTOP`);
          const down = seen.find((e) => e.type === 'nodedown')!;
          assert.equal(down.type === 'nodedown' && down.reason, 'net_tick_timeout');
          // erl_distribution_SUITE's window for net_ticktime T: about [0.75T, 1.25T], plus slack.
          assert.ok(dt >= 1_000 && dt <= 8_000, `nodedown after ${dt} ms`);
        } finally {
          process.kill(frozen.osPid, 'SIGCONT');
          await ticky.stop();
          await frozen.kill();
        }
      });
    });
  }
});

/** term_to_binary of a pid (NEW_PID_EXT), so erl can build a pid of our node. */
function encodePidForErl(pid: Pid): Buffer {
  const name = Buffer.from(pid.node.name, 'utf8');
  const b = Buffer.alloc(1 + 1 + 2 + name.length + 12 + 1);
  let o = 0;
  b[o++] = 131;
  b[o++] = 88; // NEW_PID_EXT
  b[o++] = 119; // SMALL_ATOM_UTF8_EXT
  b[o++] = name.length;
  name.copy(b, o);
  o += name.length;
  b.writeUInt32BE(pid.id, o);
  b.writeUInt32BE(pid.serial, o + 4);
  b.writeUInt32BE(pid.creation, o + 8);
  return b.subarray(0, o + 12);
}

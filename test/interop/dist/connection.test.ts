// The distribution layer against real erl, both directions, on every release found.
// The BEAM side is driven over stdin (ErlangPeer), never through our own code.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { register, type Registration } from '../../../src/epmd/index.ts';
import { accept, initiate } from '../../../src/dist/handshake.ts';
import type { Connection } from '../../../src/dist/connection.ts';
import { HandshakeError } from '../../../src/dist/errors.ts';
import { DEFAULT_FLAGS, DFLAG } from '../../../src/dist/flags.ts';
import type { ControlMessage } from '../../../src/dist/control-message.ts';
import { lookup } from '../../../src/epmd/index.ts';
import { tcpTransport } from '../../../src/dist/transport.ts';
import { Pid, Ref, Tuple, atom, type Term } from '../../../src/term/types.ts';
import {
  EpmdProcess,
  ErlangPeer,
  erlangReleases,
  interopSkipReason,
  shortHost,
  uniqueName,
} from '../../support/erlang-peer.ts';
import { Inbox, answerPing, dial, isAtom, listen, localPid, type Listener } from './helpers.ts';

const skip = interopSkipReason();
const COOKIE = 'dist_cookie';

// A process on erl that reports what it gets and answers simple requests.
const INBOX = `
  Inbox = fun Loop() ->
    receive
      {echo, From, M} -> From ! {echo_reply, M}, Loop();
      {size, Bin} -> beamlink_peer:emit({size, byte_size(Bin), binary:first(Bin), binary:last(Bin)}), Loop();
      {big_to, To, N} -> To ! {big, binary:copy(<<255>>, N)}, Loop();
      M -> beamlink_peer:emit({got, M}), Loop()
    end
  end,
  register(inbox, spawn(Inbox)).`;

describe('dist/connection: against real erl', { skip }, () => {
  for (const release of skip ? [] : erlangReleases()) {
    describe(release.label, () => {
      let epmd: EpmdProcess;
      let peer: ErlangPeer;
      let erlPort: number;
      let listener: Listener;
      const logs: string[] = [];
      const logger = { warn: (m: string) => logs.push(m) };
      const host = shortHost();
      let creation = 1;
      const base = () => ({ localCreation: creation++, cookie: COOKIE, logger, tickTimeMs: 60_000 });

      before(async () => {
        epmd = await EpmdProcess.start();
        peer = await ErlangPeer.start({ release, epmdPort: epmd.port, sname: uniqueName('erl'), cookie: COOKIE });
        await peer.eval(INBOX);
        const info = await lookup(peer.alive, '127.0.0.1', { epmdPort: epmd.port });
        assert.ok(info, 'erl is registered with epmd');
        erlPort = info.port;
        listener = await listen();
      });
      after(async () => {
        await peer?.stop();
        await epmd?.stop();
        await listener?.close();
      });

      /** Polls an expression on erl until it prints `expected`: erl's net_kernel records a
       *  connection a moment after our side sees the handshake's last frame. */
      async function erlUntil(expr: string, expected: string, ms = 10_000): Promise<void> {
        const deadline = Date.now() + ms;
        let last = '';
        while (Date.now() < deadline) {
          last = await peer.eval(expr);
          if (last === expected) return;
          await new Promise((r) => setTimeout(r, 20));
        }
        assert.equal(last, expected, `erl: ${expr}`);
      }

      async function connectToErl(
        name = uniqueName('ts'),
        flags?: bigint,
      ): Promise<{ conn: Connection; self: Pid; name: string }> {
        const localName = `${name}@${host}`;
        const opts = base();
        const conn = await initiate(tcpTransport(await dial(erlPort)), {
          ...opts,
          flags,
          localName,
          remoteName: peer.node,
        });
        return { conn, self: localPid(localName, opts.localCreation), name: localName };
      }

      it('initiates a handshake and sends REG_SEND to a registered process', async () => {
        const { conn, self, name } = await connectToErl();
        try {
          assert.equal(conn.peerName, peer.node);
          assert.ok((conn.flags & DFLAG.FRAGMENTS) !== 0n, 'FRAGMENTS negotiated');
          assert.ok(conn.send({ op: 'REG_SEND', from: self, to: atom('inbox'), message: new Tuple([atom('hello'), 42, 'text']) }));
          const ev = await peer.waitEvent((e) => e.text.startsWith('{got,{hello'));
          assert.equal(ev.text, '{got,{hello,42,<<"text">>}}');
          assert.equal(await peer.eval(`lists:member('${name}', nodes()).`), 'true');
        } finally {
          conn.close();
        }
      });

      it('receives SEND_SENDER from erl (echo through a registered process)', async () => {
        const { conn, self } = await connectToErl();
        const inbox = new Inbox(conn);
        try {
          conn.send({ op: 'REG_SEND', from: self, to: atom('inbox'), message: new Tuple([atom('echo'), self, 'ping']) });
          const m = await inbox.waitFor((x) => x.op === 'SEND');
          assert.equal(m.op, 'SEND');
          if (m.op !== 'SEND') return;
          assert.equal(m.to.key, self.key);
          assert.ok(m.from instanceof Pid, 'SEND_SENDER carries the sender');
          assert.equal(m.from.node.name, peer.node);
          assert.ok(m.message instanceof Tuple && isAtom(m.message.elements[0], 'echo_reply'));
          assert.equal(m.message.elements[1], 'ping');
        } finally {
          conn.close();
        }
      });

      it('answers net_adm:ping from erl as the acceptor (registered with epmd)', async () => {
        const alive = uniqueName('tsacc');
        const localName = `${alive}@${host}`;
        const reg: Registration = await register({ name: alive, port: listener.port, epmdPort: epmd.port });
        try {
          const accepted = (async () => {
            const socket = await listener.next();
            return accept(tcpTransport(socket), { ...base(), localCreation: reg.creation, localName, decide: () => 'ok' });
          })();
          const pong = peer.eval(`net_adm:ping('${localName}').`);
          const conn = await accepted;
          answerPing(conn, localPid(localName, reg.creation));
          assert.equal(await pong, 'pong');
          assert.equal(conn.peerName, peer.node);
          conn.close();
        } finally {
          await reg.close();
        }
      });

      it('refuses a wrong cookie as initiator (erl logs the invalid challenge reply)', async () => {
        const opts = { ...base(), cookie: 'wrong_cookie' };
        await assert.rejects(
          initiate(tcpTransport(await dial(erlPort)), { ...opts, localName: `${uniqueName('tsbad')}@${host}`, remoteName: peer.node }),
          (e: unknown) => {
            assert.ok(e instanceof HandshakeError);
            assert.equal(e.status, 'bad_cookie');
            assert.equal(e.node, peer.node);
            return true;
          },
        );
        assert.ok(logs.some((l) => l.includes(peer.node) && /cookie/.test(l)), logs.join('\n'));
        const deadline = Date.now() + 10_000;
        while (!peer.log.some((l) => /Invalid challenge reply/.test(l)) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 50));
        }
        assert.ok(peer.log.some((l) => /Invalid challenge reply/.test(l)), `erl logged: ${peer.log.join('')}`);
      });

      it('refuses a wrong cookie as acceptor with a clear log line', async () => {
        const alive = uniqueName('tsck');
        const localName = `${alive}@${host}`;
        const reg = await register({ name: alive, port: listener.port, epmdPort: epmd.port });
        try {
          const accepted = (async () =>
            accept(tcpTransport(await listener.next()), {
              ...base(),
              cookie: 'not_the_cookie',
              localName,
              decide: () => 'ok',
            }))();
          const connected = peer.eval(`net_kernel:connect_node('${localName}').`);
          await assert.rejects(accepted, (e: unknown) => e instanceof HandshakeError && e.status === 'bad_cookie');
          assert.equal(await connected, 'false');
          assert.ok(
            logs.some((l) => l.includes('Invalid challenge reply') && l.includes(peer.node)),
            logs.join('\n'),
          );
        } finally {
          await reg.close();
        }
      });

      it('refuses a peer whose name is not the node dialled', async () => {
        const other = `someone_else@${host}`;
        await assert.rejects(
          initiate(tcpTransport(await dial(erlPort)), { ...base(), localName: `${uniqueName('tsmm')}@${host}`, remoteName: other }),
          (e: unknown) => e instanceof HandshakeError && e.status === 'name_mismatch' && e.node === other,
        );
      });

      it('sends a 64 MiB binary in fragments while a small message overtakes it', async () => {
        const { conn, self } = await connectToErl();
        const other = localPid(conn.localName, self.creation);
        try {
          const big = new Uint8Array(64 * 1024 * 1024).fill(0xab);
          big[0] = 1;
          big[big.length - 1] = 2;
          conn.send({ op: 'REG_SEND', from: self, to: atom('inbox'), message: new Tuple([atom('size'), big]) });
          conn.send({ op: 'REG_SEND', from: other, to: atom('inbox'), message: atom('small') });
          const size = await peer.waitEvent((e) => e.text.startsWith('{size,'), 60_000);
          assert.equal(size.text, `{size,${64 * 1024 * 1024},1,2}`);
          const iSmall = peer.events.findIndex((e) => e.text === '{got,small}');
          const iBig = peer.events.indexOf(size);
          assert.ok(iSmall >= 0 && iSmall < iBig, 'the small message from another sender arrived first');
        } finally {
          conn.close();
        }
      });

      it('receives a 64 MiB binary from erl (reassembled) and a small message meanwhile', async () => {
        const { conn, self } = await connectToErl();
        const inbox = new Inbox(conn);
        try {
          const n = 64 * 1024 * 1024;
          conn.send({ op: 'REG_SEND', from: self, to: atom('inbox'), message: new Tuple([atom('big_to'), self, n]) });
          conn.send({ op: 'REG_SEND', from: self, to: atom('inbox'), message: new Tuple([atom('echo'), self, 'after']) });
          const big = await inbox.waitFor((m) => m.op === 'SEND' && m.message instanceof Tuple && isAtom(m.message.elements[0], 'big'), 60_000);
          assert.ok(big.op === 'SEND' && big.message instanceof Tuple);
          const bin = big.message.elements[1];
          assert.ok(bin instanceof Uint8Array);
          assert.equal(bin.length, n);
          assert.ok(bin.every((b) => b === 255));
          const echo = await inbox.waitFor((m) => m.op === 'SEND' && m.message instanceof Tuple && isAtom(m.message.elements[0], 'echo_reply'));
          assert.ok(echo);
          assert.equal(conn.inspect().reassembling, 0);
        } finally {
          conn.close();
        }
      });

      async function echoRoundTrips(conn: Connection, self: Pid, n: number): Promise<ControlMessage[]> {
        const inbox = new Inbox(conn);
        for (let i = 0; i < n; i++) {
          conn.send({ op: 'REG_SEND', from: self, to: atom('inbox'), message: new Tuple([atom('echo'), self, i]) });
        }
        await inbox.waitFor((m) => inbox.messages.filter((x) => x.op === 'SEND').length === n && m.op === 'SEND');
        return inbox.messages.filter((x) => x.op === 'SEND');
      }

      it("speaks 'p' pass-through framing when neither FRAGMENTS nor the atom cache is negotiated", async () => {
        const { conn, self } = await connectToErl(uniqueName('tsp'), DEFAULT_FLAGS & ~DFLAG.FRAGMENTS);
        try {
          assert.equal(conn.inspect().framing, 'pass_through');
          const replies = await echoRoundTrips(conn, self, 3);
          assert.deepEqual(
            replies.map((m) => (m.op === 'SEND' && m.message instanceof Tuple ? m.message.elements[1] : undefined)),
            [0, 1, 2],
          );
          assert.equal(conn.state, 'up');
        } finally {
          conn.close();
        }
      });

      it('receives plain SEND (op 2) when SEND_SENDER is not negotiated', async () => {
        const { conn, self } = await connectToErl(uniqueName('tsnss'), DEFAULT_FLAGS & ~DFLAG.SEND_SENDER);
        try {
          const [reply] = await echoRoundTrips(conn, self, 1);
          assert.ok(reply && reply.op === 'SEND');
          assert.equal(reply.from, undefined, 'op 2 carries no sender');
        } finally {
          conn.close();
        }
      });

      it("decodes BEAM's atom-cache references when DIST_HDR_ATOM_CACHE is negotiated", async () => {
        const { conn, self } = await connectToErl(uniqueName('tscache'), DEFAULT_FLAGS | DFLAG.DIST_HDR_ATOM_CACHE);
        try {
          assert.ok((conn.flags & DFLAG.DIST_HDR_ATOM_CACHE) !== 0n);
          const replies = await echoRoundTrips(conn, self, 5);
          for (const m of replies) {
            assert.ok(m.op === 'SEND' && m.message instanceof Tuple && isAtom(m.message.elements[0], 'echo_reply'));
          }
          conn.send({ op: 'REG_SEND', from: self, to: atom('inbox'), message: atom('cached_ok') });
          await peer.waitEvent((e) => e.text === '{got,cached_ok}');
        } finally {
          conn.close();
        }
      });

      it('monitors a registered process by name and gets its exit reason', async () => {
        const { conn, self } = await connectToErl();
        const inbox = new Inbox(conn);
        try {
          await peer.eval(`register(victim, spawn(fun() -> receive stop -> exit(shot) end end)), ok.`);
          const ref = new Ref(atom(conn.localName), self.creation, [1, 2, 3]);
          conn.send({ op: 'MONITOR_P', from: self, to: atom('victim'), ref });
          // Make sure the monitor is set up before the victim dies: a round trip first.
          await echoRoundTrips(conn, self, 1);
          await peer.eval(`victim ! stop, ok.`);
          const down = await inbox.waitFor((m) => m.op === 'MONITOR_P_EXIT');
          assert.ok(down.op === 'MONITOR_P_EXIT');
          assert.ok(isAtom(down.from as Term, 'victim'), 'from is the name the monitor used');
          assert.equal(down.ref.key, ref.key);
          assert.ok(isAtom(down.reason, 'shot'));
        } finally {
          conn.close();
        }
      });

      it('a hidden connection is listed in nodes(hidden), not nodes()', async () => {
        const name = `${uniqueName('tshidden')}@${host}`;
        const conn = await initiate(tcpTransport(await dial(erlPort)), {
          ...base(),
          hidden: true,
          localName: name,
          remoteName: peer.node,
        });
        try {
          assert.equal(conn.flags & DFLAG.PUBLISHED, 0n);
          await erlUntil(
            `{lists:member('${name}', nodes()), lists:member('${name}', nodes(hidden))}.`,
            '{false,true}',
          );
        } finally {
          conn.close();
        }
      });

      it("a second connection under the same name gets status alive; answering true replaces the first", async () => {
        const name = uniqueName('tsalive');
        const first = await connectToErl(name);
        const firstClosed = new Promise<Term>((resolve) => first.conn.on('close', (r) => resolve(r)));
        // BEAM asks `alive` only about a connection its net_kernel already holds as up.
        await erlUntil(`lists:member('${first.name}', nodes()).`, 'true');
        const statuses: string[] = [];
        const second = await initiate(tcpTransport(await dial(erlPort)), {
          ...base(),
          localName: first.name,
          remoteName: peer.node,
          isPending: () => {
            statuses.push('alive');
            return true;
          },
        });
        try {
          assert.deepEqual(statuses, ['alive'], 'BEAM asked whether we are a new incarnation');
          assert.equal(await firstClosed, atom('connection_closed'));
          assert.equal(second.state, 'up');
          const self = localPid(first.name, 1);
          second.send({ op: 'REG_SEND', from: self, to: atom('inbox'), message: atom('second_ok') });
          await peer.waitEvent((e) => e.text === '{got,second_ok}');
        } finally {
          second.close();
        }
      });

      for (const [decision, expected] of [
        ['not_allowed', 'false'],
        ['alive', 'true'],
      ] as const) {
        it(`as acceptor answering ${decision}, erl's connect_node gives ${expected}`, async () => {
          const alive = uniqueName(`tsdec_${decision}`);
          const localName = `${alive}@${host}`;
          const reg = await register({ name: alive, port: listener.port, epmdPort: epmd.port });
          try {
            const accepted = (async () =>
              accept(tcpTransport(await listener.next()), { ...base(), localName, decide: () => decision }))();
            accepted.catch(() => {});
            assert.equal(await peer.eval(`net_kernel:connect_node('${localName}').`), expected);
            if (decision === 'alive') {
              const conn = await accepted;
              assert.equal(conn.peerName, peer.node);
              conn.close();
            } else {
              await assert.rejects(accepted, (e: unknown) => e instanceof HandshakeError && e.status === 'refused');
            }
          } finally {
            await reg.close();
          }
        });
      }
    });
  }
});

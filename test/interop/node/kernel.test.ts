// startNode() against real erl, both releases: ping both ways, messages to pids and names
// both ways, links and monitors across nodes, global:sync(), and erl noticing our node's
// death (kill -9) and silence (SIGSTOP) when it runs as `beamlink start` in a child process.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startNode, type BeamNode } from '../../../src/kernel/start-node.ts';
import { memoryLogger } from '../../../src/process/logger.ts';
import { decode } from '../../../src/term/decode.ts';
import { Atom, atom, Pid, Ref, Tuple, tuple, type Term } from '../../../src/term/types.ts';
import {
  EpmdProcess,
  ErlangPeer,
  erlangReleases,
  interopSkipReason,
  uniqueName,
} from '../../support/erlang-peer.ts';
import { waitFor } from './fake-handler.ts';

const skip = interopSkipReason();
const COOKIE = 'kernel_cookie';
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const isTuple = (m: Term | undefined, tag: string, size?: number): m is Tuple =>
  m instanceof Tuple &&
  m.elements[0] instanceof Atom &&
  m.elements[0].name === tag &&
  (size === undefined || m.elements.length === size);

/** Starts `beamlink start` in a child process and waits for its ready line. */
async function startChildNode(
  args: string[],
): Promise<{ child: ChildProcessWithoutNullStreams; name: string; output: string[] }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/interop/node/run-start.ts', 'start', ...args],
    { cwd: ROOT, stdio: 'pipe' },
  );
  const output: string[] = [];
  child.stderr.on('data', (d: Buffer) => output.push(String(d)));
  const name = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line:\n${output.join('')}`)), 60_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      output.push(line);
      const m = /^beamlink: node (\S+) up/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}:\n${output.join('')}`)));
  });
  return { child, name, output };
}

describe('kernel/start-node: against real erl', { skip }, () => {
  for (const release of skip ? [] : erlangReleases()) {
    describe(release.label, () => {
      let epmd: EpmdProcess;
      let erl: ErlangPeer;
      let node: BeamNode;

      before(async () => {
        epmd = await EpmdProcess.start();
        erl = await ErlangPeer.start({
          release,
          epmdPort: epmd.port,
          sname: uniqueName('erl'),
          cookie: COOKIE,
        });
        node = await startNode({
          sname: uniqueName('ts'),
          cookie: COOKIE,
          epmdPort: epmd.port,
          logger: memoryLogger(),
        });
      });
      after(async () => {
        await node?.stop();
        await erl?.stop();
        await epmd?.stop();
      });

      it('ping both ways: net_adm:ping answers pong, our ping too; an absent node is pang', async () => {
        assert.equal(await erl.eval(`net_adm:ping('${node.name}').`), 'pong');
        assert.equal(await node.ping(erl.node), 'pong');
        assert.equal(await node.ping(`${uniqueName('ghost')}@${erl.node.split('@')[1]}`), 'pang');
        assert.equal(await node.ping(node.name), 'pong');
      });

      it('sends to registered names and pids both ways', async () => {
        node.spawn(
          async (self) => {
            for (;;) {
              const m = await self.receive();
              if (isTuple(m, 'ping', 3)) {
                self.send(m.elements[1] as Pid, tuple(atom('pong'), m.elements[2]!, self.pid));
              }
            }
          },
          { name: 'ts_echo' },
        );
        const r1 = await erl.eval(
          `{ts_echo, '${node.name}'} ! {ping, self(), 1}, ` +
            `receive {pong, 1, P} -> {ok, node(P)} after 5000 -> timeout end.`,
        );
        assert.equal(r1, `{ok,${node.name}}`);
        // ... and to the pid the reply carried.
        const r2 = await erl.eval(
          `receive _ -> flushed after 0 -> ok end, ` +
            `{ts_echo, '${node.name}'} ! {ping, self(), 2}, ` +
            `receive {pong, 2, P2} -> P2 ! {ping, self(), 3}, receive {pong, 3, _} -> got3 after 5000 -> t2 end after 5000 -> t1 end.`,
        );
        assert.equal(r2, 'got3');

        await erl.eval(
          'register(erl_echo, spawn(fun L() -> receive {ping, From, N} -> From ! {pong, N, self()}, L() end end)).',
        );
        const reply = await new Promise<Term | undefined>((resolve) => {
          node.spawn(async (self) => {
            self.send(['erl_echo', erl.node], tuple(atom('ping'), self.pid, 10));
            const m = await self.receive(undefined, { timeout: 5000 });
            if (!isTuple(m, 'pong', 3)) return resolve(m);
            self.send(m.elements[2] as Pid, tuple(atom('ping'), self.pid, 11));
            resolve(await self.receive(undefined, { timeout: 5000 }));
          });
        });
        assert.ok(isTuple(reply, 'pong', 3) && reply.elements[1] === 11, String(reply));
      });

      it('links: an erl process exit reaches a trapping TS process, and the other way', async () => {
        await erl.eval(
          'register(linkee, spawn(fun() -> receive {link_me, LinkP} -> link(LinkP), LinkP ! linked end, receive die -> exit(boom) end end)).',
        );
        const exit = await new Promise<Term | undefined>((resolve) => {
          node.spawn(async (self) => {
            self.trapExit(true);
            self.send(['linkee', erl.node], tuple(atom('link_me'), self.pid));
            await self.receive((m) => m === atom('linked'), { timeout: 5000 });
            self.send(['linkee', erl.node], atom('die'));
            resolve(await self.receive((m) => isTuple(m, 'EXIT'), { timeout: 5000 }));
          });
        });
        assert.ok(isTuple(exit, 'EXIT', 3), String(exit));
        assert.equal((exit.elements[1] as Pid).node.name, erl.node);
        assert.equal(exit.elements[2], atom('boom'));

        // erl links to a TS process that then exits with a reason.
        const tsPid = node.spawn(
          async (self) => {
            await self.receive((m) => m === atom('die'));
            self.exit(atom('ts_boom'));
          },
          { name: 'ts_linkee' },
        );
        const r = await erl.eval(
          `process_flag(trap_exit, true), ` +
            `LinkPid = binary_to_term(base64:decode(<<"${termBase64(tsPid)}">>)), link(LinkPid), LinkPid ! die, ` +
            `receive {'EXIT', LinkPid, LinkWhy} -> LinkWhy after 5000 -> timeout end.`,
        );
        assert.equal(r, 'ts_boom');
      });

      it('monitors: by name across nodes, noproc for an unknown name, DOWN reasons', async () => {
        await erl.eval('register(watched, spawn(fun() -> receive stop -> exit(going) end end)).');
        const down = await new Promise<Term | undefined>((resolve) => {
          node.spawn(async (self) => {
            const ref = self.monitor(['watched', erl.node]);
            self.send(['watched', erl.node], atom('stop'));
            resolve(
              await self.receive(
                (m) => isTuple(m, 'DOWN', 5) && (m.elements[1] as Ref).key === ref.key,
                { timeout: 5000 },
              ),
            );
          });
        });
        assert.ok(isTuple(down, 'DOWN', 5), String(down));
        assert.equal(down.elements[2], atom('process'));
        const obj = down.elements[3] as Tuple;
        assert.deepEqual(obj.elements, [atom('watched'), atom(erl.node)]);
        assert.equal(down.elements[4], atom('going'));

        const noproc = await new Promise<Term | undefined>((resolve) => {
          node.spawn(async (self) => {
            self.monitor(['no_such_name', erl.node]);
            resolve(await self.receive((m) => isTuple(m, 'DOWN', 5), { timeout: 5000 }));
          });
        });
        assert.ok(isTuple(noproc, 'DOWN', 5));
        assert.equal(noproc.elements[4], atom('noproc'));

        // erl monitors a TS process by name.
        node.spawn(
          async (self) => {
            await self.receive((m) => m === atom('stop'));
            self.exit(atom('ts_going'));
          },
          { name: 'ts_watched' },
        );
        const r = await erl.eval(
          `MonR = monitor(process, {ts_watched, '${node.name}'}), {ts_watched, '${node.name}'} ! stop, ` +
            `receive {'DOWN', MonR, process, MonObj, MonWhy} -> {MonObj, MonWhy} after 5000 -> timeout end.`,
        );
        assert.equal(r, `{{ts_watched,${node.name}},ts_going}`);
        const r2 = await erl.eval(
          `MonR2 = monitor(process, {nobody_here, '${node.name}'}), ` +
            `receive {'DOWN', MonR2, process, _, MonWhy2} -> MonWhy2 after 5000 -> timeout end.`,
        );
        assert.equal(r2, 'noproc');
      });

      it('losing the connection gives noconnection to links and monitors', async () => {
        const other = await ErlangPeer.start({
          release,
          epmdPort: epmd.port,
          sname: uniqueName('lost'),
          cookie: COOKIE,
        });
        const { bytes } = await other.evalFull(
          'register(lonely, spawn(fun() -> receive never -> ok end end)).',
        );
        void bytes;
        const pidBytes = (await other.evalFull('whereis(lonely).')).bytes;
        const lonely = decode(pidBytes) as Pid;
        assert.ok(lonely instanceof Pid);
        const got: Term[] = [];
        const done = new Promise<void>((resolve) => {
          node.spawn(async (self) => {
            self.trapExit(true);
            self.monitor(lonely);
            self.link(lonely);
            self.send(['lonely', other.node], 'hello');
            for (let i = 0; i < 2; i++) {
              got.push(
                (await self.receive((m) => isTuple(m, 'DOWN', 5) || isTuple(m, 'EXIT', 3), {
                  timeout: 10_000,
                }))!,
              );
            }
            resolve();
          });
        });
        await waitFor(() => node.connectionState(other.node) === 'up', 10_000, 'connected');
        await other.kill();
        await done;
        const down = got.find((m) => isTuple(m, 'DOWN', 5)) as Tuple;
        const exit = got.find((m) => isTuple(m, 'EXIT', 3)) as Tuple;
        assert.equal(down?.elements[4], atom('noconnection'));
        assert.equal(exit?.elements[2], atom('noconnection'));
      });

      it('stop(): remote links see the processes killed, not noconnection', async () => {
        const short = await startNode({
          sname: uniqueName('short'),
          cookie: COOKIE,
          epmdPort: epmd.port,
          logger: memoryLogger(),
        });
        const victim = short.spawn(async (self) => {
          await self.receive((m) => m === atom('never'));
        });
        await erl.eval(
          `spawn(fun() -> process_flag(trap_exit, true), ` +
            `link(binary_to_term(base64:decode(<<"${termBase64(victim)}">>))), beamlink_peer:emit(stop_linked), ` +
            `receive {'EXIT', _, Why} -> beamlink_peer:emit({stop_exit, Why}) end end).`,
        );
        await erl.waitEvent((e) => e.text === 'stop_linked');
        await waitFor(
          () => (short.runtime.processInfo(victim)?.links.length ?? 0) > 0,
          5_000,
          'link',
        );
        await short.stop();
        const ev = await erl.waitEvent((e) => e.text.startsWith('{stop_exit,'), 10_000);
        assert.equal(ev.text, '{stop_exit,killed}');
      });

      it('global:sync() on erl returns ok while our published node is connected', async () => {
        assert.equal(await node.connect(erl.node), true);
        assert.equal(await erl.eval('global:sync().', 20_000), 'ok');
        assert.equal(
          await erl.eval('global:trans({kernel_test_lock, self()}, fun() -> inside end).', 20_000),
          'inside',
        );
        assert.equal(await erl.eval(`lists:member('${node.name}', nodes()).`), 'true');
      });

      it('erl notices kill -9 of a beamlink node within 1 s', async (t) => {
        const { child, name } = await startChildNode([
          '--sname',
          uniqueName('victim'),
          '--cookie',
          COOKIE,
          '--epmd-port',
          String(epmd.port),
        ]);
        try {
          await erl.eval(
            `spawn(fun() -> net_kernel:monitor_nodes(true, [nodedown_reason]), ` +
              `true = net_kernel:connect_node('${name}'), beamlink_peer:emit({victim_up, '${name}'}), ` +
              `receive {nodedown, N, I} -> beamlink_peer:emit({victim_down, N, I}) end end).`,
          );
          await erl.waitEvent((e) => e.text === `{victim_up,${name}}`, 20_000);
          const t0 = Date.now();
          child.kill('SIGKILL');
          const ev = await erl.waitEvent((e) => e.text.startsWith(`{victim_down,${name}`), 5_000);
          const dt = Date.now() - t0;
          t.diagnostic(`erl nodedown ${dt} ms after kill -9`);
          assert.ok(dt <= 1_000, `nodedown after ${dt} ms`);
          assert.match(ev.text, /connection_closed/);
        } finally {
          child.kill('SIGKILL');
        }
      });

      it('erl notices a SIGSTOPped beamlink node within the tick window (net_ticktime 4 s)', async (t) => {
        const ticky = await ErlangPeer.start({
          release,
          epmdPort: epmd.port,
          sname: uniqueName('ticky'),
          cookie: COOKIE,
          args: ['-kernel', 'net_ticktime', '4'],
        });
        const { child, name } = await startChildNode([
          '--sname',
          uniqueName('paused'),
          '--cookie',
          COOKIE,
          '--epmd-port',
          String(epmd.port),
          '--ticktime',
          '4',
        ]);
        try {
          await ticky.eval(
            `spawn(fun() -> net_kernel:monitor_nodes(true, [nodedown_reason]), ` +
              `true = net_kernel:connect_node('${name}'), beamlink_peer:emit(paused_up), ` +
              `receive {nodedown, N, I} -> beamlink_peer:emit({paused_down, N, I}) end end).`,
          );
          await ticky.waitEvent((e) => e.text === 'paused_up', 20_000);
          const t0 = Date.now();
          process.kill(child.pid!, 'SIGSTOP');
          const ev = await ticky.waitEvent((e) => e.text.startsWith('{paused_down,'), 15_000);
          const dt = Date.now() - t0;
          t.diagnostic(`erl net_tick_timeout ${dt} ms after SIGSTOP`);
          assert.match(ev.text, /net_tick_timeout/);
          assert.ok(dt >= 1_000 && dt <= 8_000, `nodedown after ${dt} ms`);
        } finally {
          process.kill(child.pid!, 'SIGCONT');
          child.kill('SIGKILL');
          await ticky.stop();
        }
      });

      it('beamlink start stops cleanly on SIGTERM and leaves the port mapper', async () => {
        const alive = uniqueName('cli');
        const { child } = await startChildNode([
          '--sname',
          alive,
          '--cookie',
          COOKIE,
          '--epmd-port',
          String(epmd.port),
        ]);
        assert.match(epmd.names(), new RegExp(`name ${alive} at port`));
        const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
        child.kill('SIGTERM');
        assert.equal(await exited, 0);
        assert.doesNotMatch(epmd.names(), new RegExp(`name ${alive} at port`));
      });
    });
  }
});

/** term_to_binary of a pid, base64 (NEW_PID_EXT with a SMALL_ATOM_UTF8_EXT node). */
function termBase64(pid: Pid): string {
  const name = Buffer.from(pid.node.name, 'utf8');
  const head = Buffer.from([131, 88, 119, name.length]);
  const tail = Buffer.alloc(12);
  tail.writeUInt32BE(pid.id, 0);
  tail.writeUInt32BE(pid.serial, 4);
  tail.writeUInt32BE(pid.creation, 8);
  return Buffer.concat([head, name, tail]).toString('base64');
}

// Links, monitors and exit signals between beamlink processes and real BEAM processes,
// over a real distribution connection, on every release here: the control messages of
// src/process/remote.ts (LINK, UNLINK_ID, EXIT, EXIT2, MONITOR_P by pid and by name,
// MONITOR_P_EXIT, SPAWN_REQUEST) judged by what BEAM does with them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startNode, type BeamNode } from '../../../src/kernel/start-node.ts';
import { memoryLogger, type Process } from '../../../src/process/index.ts';
import { decode } from '../../../src/term/decode.ts';
import { atom, Pid, Tuple, tuple, type Term } from '../../../src/term/types.ts';
import {
  EpmdProcess,
  ErlangPeer,
  erlangReleases,
  interopSkipReason,
  uniqueName,
} from '../../support/erlang-peer.ts';

const skip = interopSkipReason();
const COOKIE = 'signals_cookie';

async function until(pred: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await pred())) {
    if (Date.now() - start > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const isTag = (tag: string) => (m: Term) => m instanceof Tuple && m.elements[0] === atom(tag);

describe('interop/process: signals between beamlink and BEAM processes', { skip }, () => {
  for (const release of skip ? [] : erlangReleases()) {
    describe(release.label, () => {
      let epmd: EpmdProcess;
      let erl: ErlangPeer;
      let node: BeamNode;
      let n = 0;
      const uname = (p: string) => `${p}_${++n}`;

      /** Evaluates `expr` on erl and decodes its value. */
      const erlTerm = async (expr: string): Promise<Term> =>
        decode((await erl.evalFull(expr)).bytes);
      /** Spawns an erl process running `fun` source; returns its pid. */
      const erlSpawn = async (fun: string): Promise<Pid> =>
        (await erlTerm(`spawn(${fun}).`)) as Pid;
      const pidText = (p: Pid) => `${p.id}.${p.serial}`;

      /** Runs `fn` in a beamlink process and resolves its result. */
      const inTs = <T>(
        fn: (self: Process) => Promise<T>,
        opts?: { trapExit?: boolean },
      ): Promise<T> =>
        new Promise<T>((resolve, reject) =>
          node.runtime.spawn(async (self) => fn(self).then(resolve, reject), opts),
        );
      /** Whether the erl process (by its printed pid) has a link to a process on our node. */
      const erlLinks = async (p: Pid): Promise<string> =>
        erl.eval(
          `[node(X) || X <- element(2, process_info(list_to_pid("<0.${pidText(p)}>"), links)), node(X) =/= node()].`,
        );

      before(async () => {
        epmd = await EpmdProcess.start();
        erl = await ErlangPeer.start({
          release,
          epmdPort: epmd.port,
          sname: uniqueName('sigerl'),
          cookie: COOKIE,
        });
        node = await startNode({
          sname: uniqueName('sigts'),
          cookie: COOKIE,
          epmdPort: epmd.port,
          logger: memoryLogger(),
        });
        assert.equal(await node.ping(erl.node), 'pong');
      });
      after(async () => {
        await node?.stop();
        await erl?.stop();
        await epmd?.stop();
      });

      it('interop/process: an erl process exiting reaches a linked, trapping beamlink process as EXIT', async () => {
        const p = await erlSpawn('fun() -> receive go -> exit(boom) end end');
        const exit = await inTs(
          async (self) => {
            self.link(p);
            await until(async () => (await erlLinks(p)).includes(node.name));
            await erl.eval(`list_to_pid("<0.${pidText(p)}>") ! go.`);
            return (await self.receive(isTag('EXIT'), { timeout: 10_000 })) as Tuple;
          },
          { trapExit: true },
        );
        assert.equal((exit.elements[1] as Pid).key, p.key);
        assert.equal(exit.elements[2], atom('boom'));
      });

      it('interop/process: a beamlink process exiting reaches a linked, trapping erl process; a killed one as killed', async () => {
        for (const [how, expected] of [
          ['exit', 'bye'],
          ['kill', 'killed'],
        ] as const) {
          const catcher = uname('catcher');
          await erl.eval(
            `spawn(fun() -> register(${catcher}, self()), process_flag(trap_exit, true), ` +
              `receive {link_to, P} -> link(P), beamlink_peer:emit({${catcher}, linked}) end, ` +
              `receive {'EXIT', _, R} -> beamlink_peer:emit({${catcher}, exit, R}) end end), ok.`,
          );
          await until(
            async () => (await erl.eval(`whereis(${catcher}) =/= undefined.`)) === 'true',
          );
          const victim = node.runtime.spawn(async (self) => {
            self.send([catcher, erl.node], tuple(atom('link_to'), self.pid));
            await self.receive((m) => m === 'die');
            self.exit(atom('bye'));
          });
          await erl.waitEvent((e) => e.text === `{${catcher},linked}`);
          // the event comes over the peer's stdout, the LINK over the connection: wait
          // for the LINK, or the victim may die first and the catcher see noproc
          await until(() => node.runtime.processInfo(victim)?.links.length === 1);
          if (how === 'exit') node.runtime.send(victim, 'die');
          else node.runtime.exit(victim, atom('kill'));
          const ev = await erl.waitEvent((e) => e.text.startsWith(`{${catcher},exit,`));
          assert.equal(ev.text, `{${catcher},exit,${expected}}`);
        }
      });

      it('interop/process: monitors by {Name, Node} both ways, and noproc for unknown names', async () => {
        const erlName = uname('erl_named');
        await erl.eval(`register(${erlName}, spawn(fun() -> receive _ -> ok end end)), ok.`);
        const [down, noproc] = await inTs(async (self) => {
          const ref = self.monitor([erlName, erl.node]);
          const ref2 = self.monitor(['nobody_here', erl.node]);
          const d2 = (await self.receive((m) => m instanceof Tuple && m.elements[1] === ref2, {
            timeout: 10_000,
          })) as Tuple;
          await until(
            async () =>
              (await erl.eval(
                `length(element(2, process_info(whereis(${erlName}), monitored_by))).`,
              )) === '1',
          );
          await erl.eval(`exit(whereis(${erlName}), kill).`);
          const d = (await self.receive((m) => m instanceof Tuple && m.elements[1] === ref, {
            timeout: 10_000,
          })) as Tuple;
          return [d, d2];
        });
        assert.deepEqual((down.elements[3] as Tuple).elements, [atom(erlName), atom(erl.node)]);
        assert.equal(down.elements[4], atom('killed'));
        assert.deepEqual((noproc.elements[3] as Tuple).elements, [
          atom('nobody_here'),
          atom(erl.node),
        ]);
        assert.equal(noproc.elements[4], atom('noproc'));

        const tsName = uname('ts_named');
        const ts = node.runtime.spawn(
          async (self) => {
            await self.receive();
            self.exit(atom('shutdown'));
          },
          { name: tsName },
        );
        await erl.eval(
          `spawn(fun() -> R = monitor(process, {${tsName}, '${node.name}'}), beamlink_peer:emit(${tsName}_monitoring), ` +
            `receive {'DOWN', R, process, Obj, Why} -> beamlink_peer:emit({${tsName}, Obj, Why}) end end), ` +
            `spawn(fun() -> R = monitor(process, {nobody_here, '${node.name}'}), ` +
            `receive {'DOWN', R, process, Obj, Why} -> beamlink_peer:emit({nobody_ts, Obj, Why}) end end), ok.`,
        );
        const unknown = await erl.waitEvent((e) => e.text.startsWith('{nobody_ts,'));
        assert.equal(unknown.text, `{nobody_ts,{nobody_here,${node.name}},noproc}`);
        await erl.waitEvent((e) => e.text === `${tsName}_monitoring`);
        await until(() => (node.runtime.processInfo(ts)?.monitoredBy.length ?? 0) === 1);
        node.runtime.send(ts, 'go');
        const ev = await erl.waitEvent((e) => e.text.startsWith(`{${tsName},`));
        assert.equal(ev.text, `{${tsName},{${tsName},${node.name}},shutdown}`);
      });

      it('interop/process: unlink removes the link on the erl side; the erl exit no longer arrives', async () => {
        const p = await erlSpawn('fun() -> receive go -> exit(boom) end end');
        const survived = await inTs(async (self) => {
          self.link(p);
          await until(async () => (await erlLinks(p)).includes(node.name));
          self.unlink(p);
          await until(async () => (await erlLinks(p)) === '[]');
          const ref = self.monitor(p);
          // The monitor travels over distribution and `go` over erl's stdin: wait until erl
          // has the monitor, or p may exit first and the DOWN is (rightly) noproc.
          await until(
            async () =>
              (await erl.eval(
                `length(element(2, process_info(list_to_pid("<0.${pidText(p)}>"), monitored_by))).`,
              )) === '1',
          );
          await erl.eval(`list_to_pid("<0.${pidText(p)}>") ! go.`);
          const d = (await self.receive((m) => m instanceof Tuple && m.elements[1] === ref, {
            timeout: 10_000,
          })) as Tuple;
          assert.equal(d.elements[4], atom('boom'));
          return 'alive';
        });
        assert.equal(survived, 'alive');
      });

      it('interop/process: exit/2 both ways (shutdown to erl, kill from erl)', async () => {
        const p = await erlSpawn('fun() -> receive _ -> ok end end');
        await inTs(async (self) => {
          self.exitProcess(p, atom('shutdown'));
        });
        await until(
          async () =>
            (await erl.eval(`is_process_alive(list_to_pid("<0.${pidText(p)}>")).`)) === 'false',
        );

        const catcher = uname('killer');
        await erl.eval(
          `spawn(fun() -> register(${catcher}, self()), receive {kill_me, P} -> exit(P, kill) end end), ok.`,
        );
        await until(async () => (await erl.eval(`whereis(${catcher}) =/= undefined.`)) === 'true');
        const reason = await inTs(async (self) => {
          const victim = self.spawn(async (v) => {
            v.trapExit(true); // kill is untrappable
            v.send([catcher, erl.node], tuple(atom('kill_me'), v.pid));
            await v.receive((m) => m === 'never');
          });
          const ref = self.monitor(victim);
          const d = (await self.receive((m) => m instanceof Tuple && m.elements[1] === ref, {
            timeout: 10_000,
          })) as Tuple;
          return d.elements[4];
        });
        assert.equal(reason, atom('killed'));
      });

      it('interop/process: a spawn request for an unknown function dies with undef, as on BEAM', async () => {
        const ev = await erl.eval(
          `{_, SpRef} = spawn_monitor('${node.name}', no_such_mod, no_fun, [1]), ` +
            `receive {'DOWN', SpRef, process, _, SpWhy} -> SpWhy after 10000 -> timeout end.`,
        );
        assert.equal(ev, '{undef,[{no_such_mod,no_fun,[1],[]}]}');
      });

      it('interop/process: a lost connection fires noconnection on links and monitors', async () => {
        const p = await erlSpawn('fun() -> receive _ -> ok end end');
        const got = await inTs(
          async (self) => {
            self.link(p);
            const ref = self.monitor(p);
            await until(async () => (await erlLinks(p)).includes(node.name));
            await node.disconnect(erl.node);
            const exit = (await self.receive(isTag('EXIT'), { timeout: 10_000 })) as Tuple;
            const down = (await self.receive((m) => m instanceof Tuple && m.elements[1] === ref, {
              timeout: 10_000,
            })) as Tuple;
            return [exit.elements[2], down.elements[4]];
          },
          { trapExit: true },
        );
        assert.deepEqual(got, [atom('noconnection'), atom('noconnection')]);
        assert.equal(await node.ping(erl.node), 'pong');
      });
    });
  }
});

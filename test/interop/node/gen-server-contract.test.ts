// The GenServer contract across a real distribution connection, both releases:
// - the shared contract suite (test/contract/gen-server.contract.ts) with a beamlink client
//   calling an Erlang gen_server (test/contract/erl/contract_server.erl) by pid and by
//   {Name, Node};
// - the same protocol the other way: erl calling a beamlink GenServer with
//   gen_server:call({Name, Node}, ...), checked against what BEAM itself answers.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GenServer } from '../../../src/otp/index.ts';
import type { Dest } from '../../../src/process/index.ts';
import { decode } from '../../../src/term/decode.ts';
import { atom, Pid, tuple, type Term } from '../../../src/term/types.ts';
import { ContractServer } from '../../contract/contract-server.ts';
import { genServerContract, type GenServerTarget } from '../../contract/gen-server.contract.ts';
import {
  erlangReleases,
  interopSkipReason,
  type ErlangRelease,
} from '../../support/erlang-peer.ts';
import { startPeerAndNode, stopPeerAndNode, type PeerAndNode } from '../otp/peer-setup.ts';

const skip = interopSkipReason();
const COOKIE = 'contract_cookie';
const setUp = (release: ErlangRelease): Promise<PeerAndNode> =>
  startPeerAndNode(release, { prefix: 'gs', cookie: COOKIE, erlFiles: ['contract_server.erl'] });
const tearDown = stopPeerAndNode;

function erlangServerTarget(
  release: ErlangRelease,
  byName: boolean,
): () => Promise<GenServerTarget> {
  return async () => {
    const s = await setUp(release);
    let n = 0;
    const names = new Map<string, string>(); // server pid key -> registered name
    return {
      label: `erl gen_server by ${byName ? 'name' : 'pid'}`,
      client: s.node.runtime,
      serverNode: s.erl.node,
      async start(name?: string) {
        const reg = name ?? `erl_cs_${++n}`;
        const r = await s.erl.evalFull(
          `{ok, CsPid${++n}} = contract_server:start(${reg}, 0), CsPid${n}.`,
        );
        const pid = decode(r.bytes) as Pid;
        assert.ok(pid instanceof Pid);
        names.set(pid.key, reg);
        const dest: Dest = byName ? ([reg, s.erl.node] as const) : pid;
        return { dest, pid };
      },
      missing: () =>
        byName ? (['no_such_server', s.erl.node] as const) : new Pid(atom(s.erl.node), 32000, 0, 0),
      destTerm: (d: Dest) =>
        Array.isArray(d) ? tuple(atom(d[0] as string), atom(d[1] as string)) : (d as Term),
      disconnect: () => {
        s.node.disconnect(s.erl.node);
      },
      // Asked of erl itself (over stdin): our call's monitor has reached the server.
      serverMonitored: async (pid: Pid) =>
        (await s.erl.eval(
          `case erlang:process_info(whereis(${names.get(pid.key)!}), monitored_by) of {monitored_by, [_ | _]} -> true; _ -> false end.`,
        )) === 'true',
      close: () => tearDown(s),
    };
  };
}

describe('kernel/gen-server contract: beamlink client, Erlang gen_server', { skip }, () => {
  for (const release of skip ? [] : erlangReleases()) {
    describe(`${release.label}, by {Name, Node}`, () =>
      genServerContract(erlangServerTarget(release, true), { nodedown: true }));
    describe(`${release.label}, by pid`, () =>
      genServerContract(erlangServerTarget(release, false), { nodedown: true }));
  }
});

describe('kernel/gen-server contract: erl client, beamlink GenServer', { skip }, () => {
  for (const release of skip ? [] : erlangReleases()) {
    describe(release.label, () => {
      let s: PeerAndNode;
      let n = 0;
      const start = async (): Promise<string> => {
        const name = `ts_cs_${process.pid}_${++n}`;
        await GenServer.start(s.node.runtime, new ContractServer(), 0, { name });
        return name;
      };
      const dest = (name: string): string => `{${name}, '${s.node.name}'}`;
      before(async () => {
        s = await setUp(release);
      });
      after(() => tearDown(s));

      it('call answers; cast and plain messages update the state in order', async () => {
        const name = await start();
        assert.equal(await s.erl.eval(`gen_server:call(${dest(name)}, ping).`), 'pong');
        await s.erl.eval(`gen_server:cast(${dest(name)}, {add, 2}), ${dest(name)} ! {add, 3}.`);
        assert.equal(await s.erl.eval(`gen_server:call(${dest(name)}, get).`), '5');
      });

      it('terms survive the round trip', async () => {
        const name = await start();
        const term =
          '{a, 1, -7, 3.5, 1.0, <<"bin">>, <<1,2,3>>, "chars", [1,[2]], #{k => v, 1 => {x}}, ' +
          '123456789012345678901234567890, self(), make_ref(), [a|b], <<1:3>>, fun erlang:node/0}';
        assert.equal(
          await s.erl.eval(`T = ${term}, T =:= gen_server:call(${dest(name)}, {echo, T}).`),
          'true',
        );
      });

      it('the server sees the caller as From', async () => {
        const name = await start();
        assert.equal(
          await s.erl.eval(`gen_server:call(${dest(name)}, {whoami}) =:= self().`),
          'true',
        );
      });

      it('a deferred reply reaches the caller; concurrent calls get their own replies', async () => {
        const name = await start();
        assert.equal(
          await s.erl.eval(`gen_server:call(${dest(name)}, {defer, later, 50}).`),
          'later',
        );
        assert.equal(
          await s.erl.eval(
            `Me = self(), [spawn(fun() -> Me ! {done, I, gen_server:call(${dest(name)}, {echo, I})} end) || I <- lists:seq(1, 100)], ` +
              `lists:all(fun(I) -> receive {done, I, I} -> true after 10000 -> false end end, lists:seq(1, 100)).`,
          ),
          'true',
        );
      });

      it('errors read as BEAM writes them: noproc, timeout, a server dying mid-call', async () => {
        assert.equal(
          await s.erl.eval(`catch gen_server:call({nobody_here, '${s.node.name}'}, ping).`),
          `{'EXIT',{noproc,{gen_server,call,[{nobody_here,${s.node.name}},ping]}}}`,
        );
        const name = await start();
        assert.equal(
          await s.erl.eval(`catch gen_server:call(${dest(name)}, {sleep, 300}, 20).`),
          `{'EXIT',{timeout,{gen_server,call,[{${name},${s.node.name}},{sleep,300},20]}}}`,
        );
        assert.equal(
          await s.erl.eval(`catch gen_server:call(${dest(name)}, {die, gone}).`),
          `{'EXIT',{gone,{gen_server,call,[{${name},${s.node.name}},{die,gone}]}}}`,
        );
      });

      it('{stop, Reason, Reply, State} answers, then the server is gone', async () => {
        const name = await start();
        assert.equal(await s.erl.eval(`gen_server:call(${dest(name)}, {stop, normal}).`), 'ok');
        assert.match(
          await s.erl.eval(`catch gen_server:call(${dest(name)}, ping).`),
          /^\{'EXIT',\{noproc,/,
        );
      });

      // OTP 26+ sys:get_state/1 expects the reply {ok, State}, OTP 25 a bare State.
      it('sys:get_state, suspend and resume work from erl', async () => {
        const name = await start();
        await s.erl.eval(`gen_server:cast(${dest(name)}, {add, 41}).`);
        assert.equal(await s.erl.eval(`sys:get_state(${dest(name)}).`), '41');
        await s.erl.eval(`sys:suspend(${dest(name)}).`);
        assert.equal(
          await s.erl.eval(`catch gen_server:call(${dest(name)}, get, 100).`),
          `{'EXIT',{timeout,{gen_server,call,[{${name},${s.node.name}},get,100]}}}`,
        );
        await s.erl.eval(`sys:resume(${dest(name)}).`);
        assert.equal(await s.erl.eval(`gen_server:call(${dest(name)}, get).`), '41');
      });

      it('a lost connection exits {{nodedown, Node}, ...} on the erl side', async () => {
        const name = await start();
        await s.erl.eval(
          `spawn(fun() -> beamlink_peer:emit({lost, catch gen_server:call(${dest(name)}, {sleep, 2000})}) end).`,
        );
        // gen_server:call monitors the server first: the call is under way once it does.
        const server = s.node.runtime.whereis(name)!;
        const deadline = Date.now() + 10_000;
        while ((s.node.runtime.processInfo(server)?.monitoredBy.length ?? 0) === 0) {
          assert.ok(Date.now() < deadline, 'erl never monitored the server');
          await new Promise((r) => setTimeout(r, 10));
        }
        s.node.disconnect(s.erl.node);
        const ev = await s.erl.waitEvent((e) => e.text.startsWith('{lost,'), 10_000);
        assert.equal(
          ev.text,
          `{lost,{'EXIT',{{nodedown,${s.node.name}},{gen_server,call,[{${name},${s.node.name}},{sleep,2000}]}}}}`,
        );
      });
    });
  }
});

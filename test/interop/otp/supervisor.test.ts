// Supervisors across a real distribution connection, both directions, every release:
// - the shared Supervisor contract (test/contract/supervisor.contract.ts) with a beamlink
//   client and an OTP supervisor on erl (test/contract/erl/contract_sup.erl), by pid and
//   by {Name, Node};
// - erl's own supervisor module calling a beamlink Supervisor ({Name, Node}), its answers
//   compared with what erl's supervisor answers for the same tree.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Dest, type Process } from '../../../src/process/index.ts';
import { Supervisor } from '../../../src/otp/supervisor.ts';
import { decode } from '../../../src/term/decode.ts';
import { atom, Pid, Tuple } from '../../../src/term/types.ts';
import {
  startContractTree,
  supervisorContract,
  type SupervisorTarget,
} from '../../contract/supervisor.contract.ts';
import {
  erlangReleases,
  interopSkipReason,
  type ErlangRelease,
} from '../../support/erlang-peer.ts';
import { startPeerAndNode, stopPeerAndNode, type PeerAndNode } from './peer-setup.ts';

const skip = interopSkipReason();
const COOKIE = 'sup_cookie';
const setUp = (release: ErlangRelease): Promise<PeerAndNode> =>
  startPeerAndNode(release, { prefix: 'sup', cookie: COOKIE, erlFiles: ['contract_sup.erl'] });

/** Pids print differently on each side; the shapes must not. */
function shape(text: string): string {
  return text.replace(/<\d+\.\d+\.\d+>/g, 'PID');
}

/** The contract's target: erl's supervisor on the file's shared peer (`shared()`). */
function erlangSupervisorTarget(
  shared: () => PeerAndNode,
  byName: boolean,
): () => Promise<SupervisorTarget> {
  return async () => {
    const s = shared();
    return {
      label: `erl supervisor by ${byName ? 'name' : 'pid'}`,
      client: s.node.runtime,
      async start(contractName, strategy) {
        // Both targets share one peer: keep their registered names apart.
        const name = `${contractName}_${byName ? 'n' : 'p'}`;
        const r = await s.erl.evalFull(`element(2, contract_sup:start(${name}, ${strategy})).`);
        const pid = decode(r.bytes) as Pid;
        assert.ok(pid instanceof Pid);
        const dest: Dest = byName ? ([name, s.erl.node] as const) : pid;
        return { dest, pid };
      },
    };
  };
}

// One erl peer and one beamlink node per release, shared by every block of the file.
const peers = new Map<string, PeerAndNode>();
const sharedFor = (release: ErlangRelease) => (): PeerAndNode => {
  const s = peers.get(release.label);
  assert.ok(s, `the ${release.label} peer did not start`);
  return s;
};
before(async () => {
  for (const release of skip ? [] : erlangReleases())
    peers.set(release.label, await setUp(release));
});
after(async () => {
  for (const s of peers.values()) await stopPeerAndNode(s);
});

describe(
  'interop/otp supervisor contract: beamlink client, OTP supervisor on erl',
  { skip },
  () => {
    for (const release of skip ? [] : erlangReleases()) {
      describe(`${release.label}, by {Name, Node}`, () =>
        supervisorContract(erlangSupervisorTarget(sharedFor(release), true)));
      describe(`${release.label}, by pid`, () =>
        supervisorContract(erlangSupervisorTarget(sharedFor(release), false)));
    }
  },
);

describe(
  'interop/otp supervisor: erl supervisor module calling a beamlink Supervisor',
  { skip },
  () => {
    for (const release of skip ? [] : erlangReleases()) {
      describe(release.label, () => {
        let s: PeerAndNode;
        let n = 0;
        before(() => {
          s = sharedFor(release)();
        });

        /** Starts the same tree on both sides: [beamlink dest, erl dest] as Erlang source. */
        async function twins(strategy = 'one_for_one'): Promise<[string, string]> {
          const ts = `ts_sup_${process.pid}_${++n}`;
          const erl = `erl_sup_${process.pid}_${n}`;
          await startContractTree(s.node.runtime, ts, strategy as 'one_for_one');
          await s.erl.eval(`{ok, _} = contract_sup:start(${erl}, ${strategy}).`);
          return [`{${ts}, '${s.node.name}'}`, erl];
        }

        it('which_children and count_children read exactly as from an OTP supervisor', async () => {
          const [ts, erl] = await twins();
          const ours = await s.erl.eval(`supervisor:which_children(${ts}).`);
          const theirs = await s.erl.eval(`supervisor:which_children(${erl}).`);
          assert.equal(shape(ours), shape(theirs));
          assert.match(ours, /^\[\{c,<\d+\.\d+\.\d+>,worker,\[contract_sup\]\},/);
          assert.equal(
            await s.erl.eval(`supervisor:count_children(${ts}).`),
            await s.erl.eval(`supervisor:count_children(${erl}).`),
          );
        });

        it('terminate_child, restart_child, delete_child: same replies as OTP', async () => {
          const [ts, erl] = await twins();
          const script = (d: string) =>
            `[catch supervisor:restart_child(${d}, a), supervisor:delete_child(${d}, a), ` +
            `supervisor:terminate_child(${d}, a), supervisor:count_children(${d}), ` +
            `supervisor:which_children(${d}), supervisor:restart_child(${d}, a), ` +
            `supervisor:terminate_child(${d}, a), supervisor:delete_child(${d}, a), ` +
            `supervisor:delete_child(${d}, a), supervisor:terminate_child(${d}, nope), ` +
            `supervisor:terminate_child(${d}, c), supervisor:which_children(${d})].`;
          assert.equal(shape(await s.erl.eval(script(ts))), shape(await s.erl.eval(script(erl))));
        });

        it('a child killed from erl is restarted; a crash storm escalates with shutdown', async () => {
          const [ts] = await twins();
          const before1 = await s.erl.eval(
            `[{_, SupA1, _, _}] = [C || {a, _, _, _} = C <- supervisor:which_children(${ts})], exit(SupA1, kill), SupA1.`,
          );
          const restarted = await s.erl.eval(
            `(fun W(0) -> timeout; W(K) -> case lists:keyfind(a, 1, supervisor:which_children(${ts})) of ` +
              `{a, P, _, _} when is_pid(P), P =/= SupA1 -> P; _ -> timer:sleep(10), W(K - 1) end end)(500).`,
          );
          assert.notEqual(restarted, 'timeout');
          assert.notEqual(restarted, before1);
          const down = await s.erl.eval(
            `MonRef = erlang:monitor(process, ${ts}), ` +
              `[begin {a, P2, _, _} = lists:keyfind(a, 1, supervisor:which_children(${ts})), P2 ! {crash, boom}, timer:sleep(20) end || _ <- lists:seq(1, 3)], ` +
              `receive {'DOWN', MonRef, process, _, Why} -> Why after 10000 -> no_down end.`,
          );
          assert.equal(down, 'shutdown');
        });

        it('start_child from erl with an {M, F, A} spec: resolved on our side, same replies as OTP', async () => {
          const [, erl] = await twins();
          const ts = `ts_rsup_${process.pid}_${++n}`;
          const worker = (sup: Process) =>
            sup.spawnLink(async (self) => {
              const m = await self.receive();
              if (m instanceof Tuple && m.elements[0] === atom('crash')) self.exit(m.elements[1]!);
            });
          await Supervisor.start(s.node.runtime, [], {
            name: ts,
            resolveStart: (m, f) =>
              m.name === 'contract_sup' && f.name === 'start_worker' ? worker : undefined,
          });
          const d = `{${ts}, '${s.node.name}'}`;
          const script = (dest: string) =>
            `[element(1, supervisor:start_child(${dest}, #{id => d, start => {contract_sup, start_worker, [d]}, ` +
            `restart => transient, shutdown => 1000, modules => [contract_sup]})), ` +
            `supervisor:start_child(${dest}, {e, {contract_sup, start_worker, [e]}, temporary, brutal_kill, worker, [contract_sup]}), ` +
            `supervisor:get_childspec(${dest}, d), ` +
            `element(1, supervisor:start_child(${dest}, #{id => d, start => {contract_sup, start_worker, [d]}})), ` +
            `supervisor:which_children(${dest})].`;
          const ours = await s.erl.eval(script(d));
          // The erl twin already has a, b, c; compare only what start_child added.
          const theirs = await s.erl.eval(script(erl));
          assert.match(ours, /^\[ok,\{ok,<\d+\.\d+\.\d+>\},\{ok,#\{/);
          assert.equal(
            shape(ours)
              .replace(/\{[abc],PID,worker,\[contract_sup\]\},?/g, '')
              .replace(/,\]/g, ']'),
            shape(theirs)
              .replace(/\{[abc],PID,worker,\[contract_sup\]\},?/g, '')
              .replace(/,\]/g, ']'),
          );
          const unknown = await s.erl.eval(
            `element(1, element(2, supervisor:start_child(${d}, #{id => z, start => {no_such_mod, start_link, []}}))).`,
          );
          assert.equal(unknown, "{'EXIT',{undef,[{no_such_mod,start_link,[],[]}]}}");
        });

        it('gen_server:stop/1 from erl stops the supervisor and its children', async () => {
          const [ts] = await twins();
          const kids = await s.erl.eval(
            `StopMons = [erlang:monitor(process, P) || {_, P, _, _} <- supervisor:which_children(${ts})], length(StopMons).`,
          );
          assert.equal(kids, '3');
          assert.equal(await s.erl.eval(`gen_server:stop(${ts}).`), 'ok');
          // Stopped in reverse start order (c, b, a), each with reason shutdown.
          assert.equal(
            await s.erl.eval(
              `[receive {'DOWN', M, process, _, Why} -> Why after 5000 -> timeout end || M <- StopMons].`,
            ),
            '[shutdown,shutdown,shutdown]',
          );
        });
      });
    }
  },
);

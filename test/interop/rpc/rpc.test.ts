// rpc and erpc both ways against real erl and elixir, both releases: BEAM calling
// TypeScript functions (every term type round-tripped, the four result shapes, undef,
// timeouts, casts, multicall, rex, plain spawns) and TypeScript calling BEAM (the same,
// plus the target going down mid-call and multicall with a dead node), and the seed's
// own `:rpc.call` lines from an Elixir node.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { formatTerm } from '../../../src/process/format.ts';
import { memoryLogger } from '../../../src/process/logger.ts';
import {
  erlError,
  erlExit,
  erlThrow,
  ErpcError,
  isBadRpc,
  startRpcNode,
  type CallContext,
  type RpcBeamNode,
} from '../../../src/rpc/index.ts';
import { equals } from '../../../src/term/equals.ts';
import {
  atom,
  BitBinary,
  Float,
  ImproperList,
  Pid,
  Tuple,
  tuple,
  type Term,
} from '../../../src/term/types.ts';
import {
  EpmdProcess,
  ErlangPeer,
  erlangReleases,
  interopSkipReason,
  shortHost,
  uniqueName,
} from '../../support/erlang-peer.ts';

const skip = interopSkipReason();
const COOKIE = 'rpc_cookie';
const text = (t: Term): string => formatTerm(t);

let varCounter = 0;
/** `try Expr catch C:R -> {C, R} end.` with fresh variables (the peer keeps bindings). */
function caught(expr: string): string {
  varCounter += 1;
  return `try ${expr} catch C${varCounter}:R${varCounter} -> {C${varCounter}, R${varCounter}} end.`;
}

/** Every term type, written in Erlang (the same value as JS_TERMS below). */
const ERL_TERMS =
  '[0, 255, 256, -1, 1 bsl 31, -(1 bsl 31) - 1, 1 bsl 70, -(1 bsl 64), 1.5, 1.0, -0.25, ' +
  "ok, 'Elixir.Foo', 'with space', 'ünï', true, false, nil, undefined, " +
  '<<>>, <<"text">>, <<"ünïcödé"/utf8>>, <<255, 0, 254>>, <<5:3>>, <<1, 2:4>>, ' +
  '"abc", [], [1, [2, [3]]], [1 | 2], [a, b | c], {}, {a}, {a, 1, "x", <<"y">>}, ' +
  'list_to_tuple(lists:seq(1, 300)), lists:seq(1, 1000), ' +
  '#{}, #{a => 1, b => [2]}, #{1 => 2, <<"k">> => v, {t} => #{x => y}}, ' +
  'self(), make_ref(), hd(erlang:ports()), fun lists:sum/1, fun(X) -> {X, self()} end, ' +
  'binary:copy(<<"abcdefgh">>, 100000)]';

/** Terms built in TypeScript, with their Erlang spelling. */
const JS_TERMS: [Term, string][] = [
  [0, '0'],
  [-1, '-1'],
  [2 ** 40, '1 bsl 40'],
  [-(2n ** 70n), '-(1 bsl 70)'],
  [1.5, '1.5'],
  [new Float(2), '2.0'],
  [atom('ok'), 'ok'],
  [atom('Elixir.Foo'), "'Elixir.Foo'"],
  [true, 'true'],
  [null, 'nil'],
  ['text', '<<"text">>'],
  ['ünï', '<<"ünï"/utf8>>'],
  [Uint8Array.of(255, 0), '<<255, 0>>'],
  [new BitBinary(Uint8Array.of(0b1010_0000), 3), '<<5:3>>'],
  [[1, [2]], '[1, [2]]'],
  [[], '[]'],
  [new ImproperList([1], 2), '[1 | 2]'],
  [tuple(atom('a'), 1, 'x'), '{a, 1, <<"x">>}'],
  [tuple(), '{}'],
  [{ a: 1, b: [atom('c')] }, '#{a => 1, b => [c]}'],
  [
    new Map<Term, Term>([
      [1, 'one'],
      ['k', atom('v')],
    ]),
    '#{1 => <<"one">>, <<"k">> => v}',
  ],
  [[104, 105], '"hi"'],
];

describe('rpc: against real erl and elixir', { skip }, () => {
  for (const release of skip ? [] : erlangReleases()) {
    describe(release.label, () => {
      let epmd: EpmdProcess;
      let erl: ErlangPeer;
      let ex: ErlangPeer | undefined;
      let node: RpcBeamNode;
      const cast: Term[] = [];
      const printed: string[] = [];
      const dead = `dead_node_${process.pid}@${shortHost()}`;

      before(async () => {
        epmd = await EpmdProcess.start();
        const peers = [
          ErlangPeer.start({
            release,
            epmdPort: epmd.port,
            sname: uniqueName('erl'),
            cookie: COOKIE,
          }),
          release.elixir
            ? ErlangPeer.start({
                release,
                elixir: true,
                epmdPort: epmd.port,
                sname: uniqueName('ex'),
                cookie: COOKIE,
              })
            : Promise.resolve(undefined),
        ] as const;
        node = await startRpcNode({
          sname: uniqueName('ts'),
          cookie: COOKIE,
          epmdPort: epmd.port,
          logger: memoryLogger(),
          rpc: {
            output: (s) => void printed.push(s),
            modules: {
              my_mod: {
                echo: (x: Term) => x,
                add: (a: number, b: number) => a + b,
                thrower: (v: Term) => erlThrow(v),
                exiter: (r: Term) => erlExit(r),
                errorer: (r: Term) => erlError(r),
                crasher: () => {
                  throw new RangeError('out of range');
                },
                later: async (ms: number) => {
                  await new Promise((r) => setTimeout(r, ms));
                  return atom('later');
                },
                record: (x: Term) => void cast.push(x),
                waiter: async function (this: CallContext) {
                  const m = (await this.self.receive()) as Tuple;
                  this.self.send(m.elements[0] as Pid, tuple(atom('got'), m.elements[1]!));
                },
              },
              'Elixir.AgentFramework.AgentSupervisor': {
                list_agents: () => [atom('w1'), atom('w2')],
              },
            },
          },
        });
        [erl, ex] = await Promise.all(peers);
        await erl.eval(`TS = '${node.name}', Dead = '${dead}'.`);
        if (ex) await ex.evalElixir(`ts = :"${node.name}"`);
      });
      after(async () => {
        await node?.stop();
        await Promise.all([erl?.stop(), ex?.stop()]);
        await epmd?.stop();
      });

      // ---- BEAM calling TypeScript ------------------------------------------------

      it('rpc/serve: erl rpc:call and erpc:call reach built-ins and registered functions', async () => {
        assert.equal(await erl.eval(`rpc:call(TS, erlang, node, []).`), node.name);
        assert.equal(await erl.eval(`erpc:call(TS, 'Elixir.Node', self, []).`), node.name);
        assert.equal(await erl.eval(`rpc:call(TS, my_mod, add, [40, 2]).`), '42');
        assert.equal(await erl.eval(`rpc:call(TS, erlang, system_info, [otp_release]).`), '"25"');
        assert.equal(await erl.eval(`is_pid(rpc:call(TS, erlang, whereis, [rex])).`), 'true');
        assert.equal(
          await erl.eval(`lists:member(node(), rpc:call(TS, erlang, nodes, [])).`),
          'true',
        );
      });

      it('rpc/serve: a called function that asks for its process gets a live one on this node, gone after the call', async () => {
        // most calls run without a process (InstantSpawn); self() makes one on demand
        const r = await erl.eval(
          `SelfP1 = erpc:call(TS, erlang, self, []), SelfP2 = erpc:call(TS, erlang, self, []), ` +
            `{is_pid(SelfP1), node(SelfP1) =:= TS, SelfP1 =/= SelfP2, ` +
            `erpc:call(TS, erlang, is_process_alive, [SelfP1])}.`,
        );
        assert.equal(r, '{true,true,true,false}');
        const waited = await erl.eval(
          `SelfRef = make_ref(), SelfW = spawn(TS, my_mod, waiter, []), ` +
            `SelfW ! {self(), SelfRef}, receive {got, SelfRef} -> got after 5000 -> none end.`,
        );
        assert.equal(waited, 'got');
      });

      it('rpc/serve: every term type round-trips through a TypeScript echo', async () => {
        await erl.eval(`T = ${ERL_TERMS}.`);
        assert.equal(await erl.eval(`rpc:call(TS, my_mod, echo, [T]) =:= T.`), 'true');
        assert.equal(await erl.eval(`[X || X <- T, rpc:call(TS, my_mod, echo, [X]) =/= X].`), '[]');
      });

      it('rpc/serve: throw, exit, error and undef in erpc and rpc shapes', async () => {
        const cases: [string, string, string][] = [
          ['thrower, [x]', '{throw,x}', 'x'],
          ['exiter, [r]', '{exit,{exception,r}}', "{badrpc,{'EXIT',r}}"],
          [
            'errorer, [e]',
            '{error,{exception,e,[{my_mod,errorer,1,[]}]}}',
            "{badrpc,{'EXIT',{e,[{my_mod,errorer,1,[]}]}}}",
          ],
        ];
        for (const [call, erpcShape, rpcShape] of cases) {
          assert.equal(await erl.eval(caught(`erpc:call(TS, my_mod, ${call})`)), erpcShape);
          assert.equal(await erl.eval(`rpc:call(TS, my_mod, ${call}).`), rpcShape);
        }
        assert.equal(
          await erl.eval(`rpc:call(TS, nonexistent, foo, [1, <<"a">>]).`),
          `{badrpc,{'EXIT',{undef,[{nonexistent,foo,[1,<<"a">>],[]}]}}}`,
        );
        assert.equal(
          await erl.eval(caught(`erpc:call(TS, my_mod, add, [1])`)),
          `{error,{exception,undef,[{my_mod,add,[1],[]}]}}`,
        );
        assert.match(
          await erl.eval(`rpc:call(TS, my_mod, crasher, []).`),
          /^\{badrpc,\{'EXIT',\{\{js_error,<<"RangeError">>,<<"out of range">>\},\[/,
        );
      });

      it('rpc/serve: an async function is awaited; a timeout gives {badrpc, timeout}', async () => {
        assert.equal(await erl.eval(`rpc:call(TS, my_mod, later, [20]).`), 'later');
        assert.equal(
          await erl.eval(`rpc:call(TS, timer, sleep, [60000], 300).`),
          '{badrpc,timeout}',
        );
        assert.equal(
          await erl.eval(caught(`erpc:call(TS, my_mod, later, [2000], 100)`)),
          '{error,{erpc,timeout}}',
        );
      });

      it('rpc/serve: erpc:cast and rpc:cast run the function', async () => {
        cast.length = 0;
        assert.equal(await erl.eval(`erpc:cast(TS, my_mod, record, [one]).`), 'ok');
        assert.equal(await erl.eval(`rpc:cast(TS, my_mod, record, [two]).`), 'true');
        const deadline = Date.now() + 10_000;
        while (cast.length < 2 && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 10));
        assert.deepEqual(cast.map(text).sort(), ['one', 'two']);
      });

      it('rpc/serve: rpc:multicall and erpc:multicall with a dead node', async () => {
        assert.equal(
          await erl.eval(`rpc:multicall([TS, node(), Dead], erlang, node, []).`),
          `{[${node.name},${erl.node}],[${dead}]}`,
        );
        assert.equal(
          await erl.eval(`erpc:multicall([TS, Dead], my_mod, add, [1, 1]).`),
          '[{ok,2},{error,{erpc,noconnection}}]',
        );
      });

      it('rpc/rex: block_call, gen_server calls to rex and features_request', async () => {
        assert.equal(await erl.eval(`rpc:block_call(TS, my_mod, add, [2, 3]).`), '5');
        assert.equal(
          await erl.eval(`gen_server:call({rex, TS}, {call, erlang, node, [], user}).`),
          node.name,
        );
        assert.equal(
          await erl.eval(`gen_server:call({rex, TS}, {call, erlang, exit, [boom], user}).`),
          "{badrpc,{'EXIT',boom}}",
        );
        assert.equal(
          await erl.eval(
            `{rex, TS} ! {self(), features_request}, receive FR -> FR after 5000 -> none end.`,
          ),
          `{features_reply,${node.name},[erpc]}`,
        );
      });

      it("rpc/rex: erl's rpc nodes observer learns that beamlink serves erpc", async () => {
        // OTP 25's observer sends {self(), features_request} to {rex, Node} on nodeup
        const obs = await erl.eval(
          `ObsWait = fun ObsW(N) -> case persistent_term:get(rex_nodes_observer, none) of none -> none; ` +
            `Tab -> case ets:lookup(Tab, TS) of [] when N > 0 -> timer:sleep(20), ObsW(N - 1); L -> L end end end, ObsWait(250).`,
        );
        // the table exists on OTP 25 (read by nothing, PROTOCOL-OTP25.md §1.4); later releases may drop it
        if (release.otp === 25) assert.notEqual(obs, 'none');
        if (obs !== 'none') assert.equal(obs, `[{${node.name},true}]`);
      });

      it('rpc/serve: a hidden erl node calls too', async () => {
        const hidden = await ErlangPeer.start({
          release,
          epmdPort: epmd.port,
          sname: uniqueName('hid'),
          cookie: COOKIE,
          args: ['-hidden'],
        });
        try {
          assert.equal(await hidden.eval(`rpc:call('${node.name}', my_mod, add, [1, 2]).`), '3');
          assert.equal(
            await hidden.eval(`rpc:call('${node.name}', erlang, nodes, [hidden]).`),
            `[${hidden.node}]`,
          );
          assert.equal(
            await hidden
              .eval(`rpc:call('${node.name}', erlang, nodes, []).`)
              .then((t) => t.includes(hidden.node)),
            false,
          );
        } finally {
          await hidden.stop();
        }
      });

      it('rpc/serve: spawn/4 of a registered function runs it; an unknown one dies with undef', async () => {
        assert.equal(
          await erl.eval(
            `SpP = spawn(TS, my_mod, waiter, []), SpM = monitor(process, SpP), SpP ! {self(), hi}, ` +
              `SpR1 = receive {got, SpG} -> SpG after 5000 -> none end, ` +
              `SpR2 = receive {'DOWN', SpM, process, SpP, SpWhy} -> SpWhy after 5000 -> none end, {SpR1, SpR2}.`,
          ),
          '{hi,normal}',
        );
        assert.equal(
          await erl.eval(
            `{Q, QM} = spawn_monitor(TS, nothere, f, [1]), ` +
              `receive {'DOWN', QM, process, Q, Why2} -> Why2 after 5000 -> none end.`,
          ),
          '{undef,[{nothere,f,[1],[]}]}',
        );
      });

      it('rpc/serve: the seed lines from an Elixir node', { skip: !release.elixir }, async () => {
        const e = ex!;
        assert.equal(await e.evalElixir(`:rpc.call(ts, Node, :self, [])`), node.name);
        assert.equal(
          await e.evalElixir(`:rpc.call(ts, AgentFramework.AgentSupervisor, :list_agents, [])`),
          '[w1,w2]',
        );
        assert.equal(
          await e.evalElixir(`:rpc.call(:"${dead}", Node, :self, [])`),
          '{badrpc,nodedown}',
        );
        assert.equal(
          await e.evalElixir(`:rpc.call(ts, NonExistent, :foo, [])`),
          "{badrpc,{'EXIT',{undef,[{'Elixir.NonExistent',foo,[],[]}]}}}",
        );
        assert.equal(
          await e.evalElixir(`:rpc.call(ts, :timer, :sleep, [60000], 1000)`),
          '{badrpc,timeout}',
        );
        assert.equal(
          await e.evalElixir(
            `case :rpc.call(ts, Node, :self, []) do {:badrpc, reason} -> {:error, reason}; n -> {:ok, n} end`,
          ),
          `{ok,${node.name}}`,
        );
        assert.equal(
          await e.evalElixir(
            `t = [1, -1, 1.0, 2.5, Bitwise.bsl(1, 80), :a, :"Elixir.Foo", nil, true, "bin", <<255, 1>>, <<1::3>>, ` +
              `~c"chars", [], [1 | 2], {}, {1, "x"}, %{}, %{a: 1, b: [2]}, %{"k" => 1, 2 => :v}, ` +
              `self(), make_ref(), &Enum.map/2, fn x -> x end]; :rpc.call(ts, :my_mod, :echo, [t]) === t`,
          ),
          'true',
        );
        assert.equal(
          await e.evalElixir(
            `for {f, a} <- [thrower: [:x], exiter: [:r], errorer: [:e]] do ` +
              `try do :erpc.call(ts, :my_mod, f, a) catch k, r -> {k, r} end end`,
          ),
          '[{throw,x},{exit,{exception,r}},{error,{exception,e,[{my_mod,errorer,1,[]}]}}]',
        );
        assert.equal(
          await e.evalElixir(`is_pid(:rpc.call(ts, Process, :whereis, [:rex]))`),
          'true',
        );
        assert.equal(await e.evalElixir(`:rpc.call(ts, Process, :whereis, [:nobody])`), 'nil');
        assert.equal(
          await e.evalElixir(`:rpc.call(ts, Node, :list, []) |> Enum.member?(node())`),
          'true',
        );
        assert.equal(await e.evalElixir(`:rpc.call(ts, Node, :ping, [node()])`), 'pong');
        assert.equal(
          await e.evalElixir(
            `:rpc.call(ts, Process, :info, [:rpc.call(ts, Process, :whereis, [:rex]), :registered_name])`,
          ),
          '{registered_name,rex}',
        );
      });

      // ---- TypeScript calling BEAM ------------------------------------------------

      it('rpc/erpc: TypeScript calls erl and elixir', async () => {
        assert.equal(await node.rpc.call(erl.node, 'erlang', 'node', []), atom(erl.node));
        assert.equal(await node.rpc.erpc.call(erl.node, 'lists', 'sum', [[1, 2, 3]]), 6);
        if (ex) {
          assert.equal(await node.rpc.call(ex.node, 'Elixir.Node', 'self', []), atom(ex.node));
          assert.equal(await node.rpc.call(ex.node, 'Elixir.String', 'upcase', ['abc']), 'ABC');
        }
      });

      it('rpc/group-leader: output of BEAM functions called from TypeScript comes back', async () => {
        assert.equal(
          await node.rpc.call(erl.node, 'io', 'format', [
            'hello ~p ~ts~n',
            [tuple(atom('a'), 1), 'ü'],
          ]),
          atom('ok'),
        );
        assert.equal(
          await node.rpc.call(erl.node, 'io', 'put_chars', [['x', [121], 'z\n']]),
          atom('ok'),
        );
        assert.equal(await node.rpc.call(erl.node, 'io', 'get_line', ['prompt> ']), atom('eof'));
        if (ex) {
          assert.equal(
            await node.rpc.call(ex.node, 'Elixir.IO', 'puts', ['from elixir']),
            atom('ok'),
          );
        }
        assert.deepEqual(printed, ['hello {a,1} ü\n', 'xyz\n', ...(ex ? ['from elixir\n'] : [])]);
      });

      it('rpc/erpc: every term type survives erlang:list_to_tuple on erl', async () => {
        const values = JS_TERMS.map(([v]) => v);
        const back = await node.rpc.erpc.call(erl.node, 'erlang', 'list_to_tuple', [values]);
        assert.ok(back instanceof Tuple);
        back.elements.forEach((v, i) =>
          assert.ok(equals(v, values[i]!), `element ${i}: ${text(v)}`),
        );
        // and erl sees exactly the Erlang values
        await node.rpc.erpc.call(erl.node, 'persistent_term', 'put', [atom('rpc_got'), values]);
        const expected = `[${JS_TERMS.map(([, e]) => e).join(', ')}]`;
        assert.equal(await erl.eval(`persistent_term:get(rpc_got) =:= ${expected}.`), 'true');
        // and a BEAM term comes back to BEAM unchanged through TS
        await erl.eval(`persistent_term:put(rpc_all, ${ERL_TERMS}).`);
        const all = await node.rpc.erpc.call(erl.node, 'persistent_term', 'get', [atom('rpc_all')]);
        await node.rpc.erpc.call(erl.node, 'persistent_term', 'put', [atom('rpc_back'), all]);
        assert.equal(
          await erl.eval(`persistent_term:get(rpc_back) =:= persistent_term:get(rpc_all).`),
          'true',
        );
      });

      it('rpc/erpc: throw, exit, error and undef from erl in erpc and rpc shapes', async () => {
        await assert.rejects(node.rpc.erpc.call(erl.node, 'erlang', 'throw', [atom('x')]), (e) => {
          assert.ok(e instanceof ErpcError);
          assert.equal(e.kind, 'throw');
          assert.equal(text(e.reason), 'x');
          return true;
        });
        await assert.rejects(node.rpc.erpc.call(erl.node, 'erlang', 'exit', [atom('r')]), (e) => {
          assert.ok(e instanceof ErpcError);
          assert.equal(e.kind, 'exit');
          assert.equal(text(e.reason), '{exception,r}');
          return true;
        });
        await assert.rejects(node.rpc.erpc.call(erl.node, 'erlang', 'error', [atom('e')]), (e) => {
          assert.ok(e instanceof ErpcError);
          assert.equal(e.kind, 'error');
          assert.match(text(e.reason), /^\{exception,e,\[\{erlang,error,\[e\],/);
          return true;
        });
        assert.equal(await node.rpc.call(erl.node, 'erlang', 'throw', [atom('x')]), atom('x'));
        assert.equal(
          text(await node.rpc.call(erl.node, 'erlang', 'exit', [atom('r')])),
          "{badrpc,{'EXIT',r}}",
        );
        assert.match(
          text(await node.rpc.call(erl.node, 'erlang', 'error', [atom('e')])),
          /^\{badrpc,\{'EXIT',\{e,\[\{erlang,error,\[e\],/,
        );
        assert.equal(
          text(await node.rpc.call(erl.node, 'nonexistent', 'foo', [1])),
          "{badrpc,{'EXIT',{undef,[{nonexistent,foo,[1],[]}]}}}",
        );
      });

      it('rpc/erpc: a timeout gives {badrpc, timeout} and erl sees the monitor dropped', async () => {
        const r = await node.rpc.call(erl.node, 'timer', 'sleep', [3000], 200);
        assert.equal(text(r), '{badrpc,timeout}');
        assert.ok(isBadRpc(r));
        // erl: the erpc process still sleeps, and nobody monitors it any more (DEMONITOR_P)
        assert.equal(
          await erl.eval(
            'DmWait = fun DmW(N) -> ' +
              'Ps = [P || P <- processes(), process_info(P, current_function) =:= {current_function, {timer, sleep, 1}}], ' +
              'Mon = [P || P <- Ps, process_info(P, monitored_by) =/= {monitored_by, []}], ' +
              'case {Ps, Mon} of {[_ | _], []} -> true; _ when N > 0 -> timer:sleep(20), DmW(N - 1); Other -> Other end ' +
              'end, DmWait(250).',
          ),
          'true',
        );
        // the late result is discarded: the next call gets its own answer
        assert.equal(await node.rpc.call(erl.node, 'erlang', 'node', []), atom(erl.node));
      });

      it('rpc/erpc: a node that does not exist gives {badrpc, nodedown}', async () => {
        assert.equal(text(await node.rpc.call(dead, 'erlang', 'node', [])), '{badrpc,nodedown}');
        assert.equal(
          text(await node.rpc.blockCall(dead, 'erlang', 'node', [])),
          '{badrpc,nodedown}',
        );
      });

      it("rpc/rex: blockCall reaches erl's rex", async () => {
        assert.equal(await node.rpc.blockCall(erl.node, 'erlang', 'node', []), atom(erl.node));
        assert.equal(
          text(await node.rpc.blockCall(erl.node, 'erlang', 'exit', [atom('boom')])),
          "{badrpc,{'EXIT',boom}}",
        );
        assert.equal(
          text(await node.rpc.blockCall(erl.node, 'timer', 'sleep', [2000], 100)),
          '{badrpc,timeout}',
        );
      });

      it('rpc/erpc: the target going down mid-call gives {badrpc, nodedown}; multicall lists it in badNodes', async () => {
        const victim = await ErlangPeer.start({
          release,
          epmdPort: epmd.port,
          sname: uniqueName('victim'),
          cookie: COOKIE,
        });
        try {
          assert.equal(await node.rpc.call(victim.node, 'erlang', 'node', []), atom(victim.node));
          const pending = node.rpc.call(victim.node, 'timer', 'sleep', [60000]);
          const multi = node.rpc.multicall(
            [node.name, erl.node, victim.node, ...(ex ? [ex.node] : [])],
            'timer',
            'sleep',
            [500],
          );
          await new Promise((r) => setTimeout(r, 100));
          await victim.kill();
          assert.equal(text(await pending), '{badrpc,nodedown}');
          const m = await multi;
          assert.deepEqual(m.badNodes, [atom(victim.node)]);
          assert.deepEqual(m.results.map(text), ['ok', 'ok', ...(ex ? ['ok'] : [])]);
        } finally {
          await victim.stop();
        }
      });

      it('rpc/serve: a beamlink node killed mid-call gives BEAM callers {badrpc, nodedown}', async () => {
        const child = spawn(
          process.execPath,
          [
            '--import',
            'tsx',
            'test/interop/rpc/rpc-child.ts',
            uniqueName('child'),
            COOKIE,
            String(epmd.port),
          ],
          { cwd: new URL('../../../', import.meta.url), stdio: 'pipe' },
        );
        const lines: string[] = [];
        const waiters: (() => void)[] = [];
        createInterface({ input: child.stdout }).on('line', (l) => {
          lines.push(l);
          for (const w of waiters.splice(0)) w();
        });
        /** Waits until `count` lines match `re`; returns the first. */
        const waitLine = async (re: RegExp, count = 1): Promise<string> => {
          const deadline = Date.now() + 60_000;
          for (;;) {
            const found = lines.filter((l) => re.test(l));
            if (found.length >= count) return found[0]!;
            if (Date.now() > deadline || child.exitCode !== null) {
              throw new Error(`no line ${re} from the child: ${lines.join('\n')}`);
            }
            await new Promise<void>((r) => {
              waiters.push(r);
              setTimeout(r, 200);
            });
          }
        };
        try {
          const name = (await waitLine(/^ready /)).slice(6);
          assert.equal(await erl.eval(`rpc:call('${name}', child, add, [1, 2]).`), '3');
          await erl.eval(
            `KMe = self(), spawn(fun() -> KMe ! {k1, rpc:call('${name}', child, hang, [])} end), ` +
              `spawn(fun() -> KMe ! {k2, try erpc:call('${name}', child, hang, []) catch KC:KR -> {KC, KR} end} end).`,
          );
          await waitLine(/^called hang$/, 2);
          child.kill('SIGKILL');
          assert.equal(
            await erl.eval(`receive {k1, KR1} -> KR1 after 30000 -> none end.`),
            '{badrpc,nodedown}',
          );
          assert.equal(
            await erl.eval(`receive {k2, KR2} -> KR2 after 30000 -> none end.`),
            '{error,{erpc,noconnection}}',
          );
        } finally {
          child.kill('SIGKILL');
        }
      });
    });
  }
});

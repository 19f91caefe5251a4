// The exit-signal table (test/unit/process/exit-signal-cases.ts) run on real OTP nodes:
// the documented outcomes must be what BEAM does, case by case, on every release here.
// (The unit test checks beamlink against the same table.)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  EpmdProcess,
  ErlangPeer,
  erlangReleases,
  interopSkipReason,
  uniqueName,
} from '../../support/erlang-peer.ts';
import { EXIT_CASES, type ExitCase } from '../../unit/process/exit-signal-cases.ts';

const skip = interopSkipReason();

const SETUP = `
Canon = fun(R) when is_atom(R) -> atom_to_list(R);
           ({boom, St}) when is_list(St) -> "crash";
           (R) -> lists:flatten(io_lib:format("~p", [R])) end,
Dying = fun(Reason) -> fun() ->
          receive go -> ok end,
          case Reason of normal -> ok; crash -> error(boom); killed -> receive _ -> ok end;
                         boom -> exit(boom); kill -> exit(kill) end end end,
DeadPid = fun() -> {D, R0} = spawn_monitor(fun() -> ok end),
                   receive {'DOWN', R0, _, _, _} -> D end end,
RunMon = fun(Reason, Target) ->
  Name = list_to_atom("exit_case_" ++ integer_to_list(erlang:unique_integer([positive]))),
  Ref = case Target of
    'dead-pid' -> monitor(process, DeadPid());
    'unregistered-name' -> monitor(process, Name);
    _ -> T = spawn(Dying(Reason)),
         R1 = case Target of
                pid -> monitor(process, T);
                name -> register(Name, T), monitor(process, Name);
                'name-node' -> register(Name, T), monitor(process, {Name, node()}) end,
         case Reason of killed -> exit(T, kill); _ -> T ! go end,
         R1 end,
  receive {'DOWN', Ref, process, Obj, Why} ->
    "DOWN " ++ (case is_pid(Obj) of true -> "pid"; false -> "name" end) ++ " " ++ Canon(Why)
  after 5000 -> "no DOWN" end end,
RunSig = fun(Kind, Trap, Reason, ReasonTerm) ->
  Ctl = self(),
  Sender = case Kind of link -> spawn(Dying(Reason)); _ -> undefined end,
  Dead = case Kind of 'link-dead' -> DeadPid(); _ -> undefined end,
  Fwd = fun(M) -> Ctl ! {fwd, M} end,
  B = spawn(fun() ->
        process_flag(trap_exit, Trap),
        case Kind of link -> link(Sender); _ -> ok end,
        Go = case Kind of
               'link-dead' -> try link(Dead), true catch error:noproc -> Fwd(raised_noproc), false end;
               _ -> true end,
        case Go of
          false -> ok;
          true ->
            Fwd(ready),
            case Kind of self -> receive go -> ok end, exit(self(), ReasonTerm), self() ! probe; _ -> ok end,
            receive M -> Fwd(M) end
        end end),
  MRef = monitor(process, B),
  Role = fun(P) when P =:= Sender -> "sender"; (P) when P =:= B -> "self";
            (P) when P =:= Dead -> "dead"; (_) -> "sender" end,
  First = receive {'DOWN', MRef, _, _, W0} -> {dies, W0}; {fwd, X} -> X after 5000 -> timeout end,
  case First of
    {dies, W} -> "dies " ++ Canon(W);
    raised_noproc -> "raised noproc";
    ready ->
      case Kind of
        link -> ARef = monitor(process, Sender),
                case Reason of killed -> exit(Sender, kill); _ -> Sender ! go end,
                receive {'DOWN', ARef, _, _, _} -> ok end,
                timer:sleep(50), B ! probe;
        exit2 -> spawn(fun() -> exit(B, ReasonTerm), B ! probe end);
        self -> B ! go;
        _ -> B ! probe
      end,
      receive
        {'DOWN', MRef, _, _, W2} -> "dies " ++ Canon(W2);
        {fwd, probe} -> "alive";
        {fwd, {'EXIT', From, R2}} -> "msg EXIT " ++ Role(From) ++ " " ++ Canon(R2)
      after 5000 -> "timeout" end
  end end,
ok.
`;

function erlangCall(c: ExitCase): string {
  if (c.kind === 'monitor') return `RunMon(${c.reason}, '${c.target}').`;
  const reasonTerm =
    c.reason === 'killed-atom' ? 'killed' : c.reason === 'none' ? 'normal' : c.reason;
  const reason = c.reason === 'killed-atom' ? 'killed' : c.reason;
  return `RunSig('${c.kind}', ${c.trap}, ${reason === 'none' ? 'normal' : reason}, ${reasonTerm}).`;
}

describe('interop/process: the exit-signal table on real BEAM', { skip }, () => {
  for (const release of skip ? [] : erlangReleases()) {
    describe(release.label, () => {
      let epmd: EpmdProcess;
      let peer: ErlangPeer;
      before(async () => {
        epmd = await EpmdProcess.start();
        peer = await ErlangPeer.start({ release, epmdPort: epmd.port, sname: uniqueName('sig') });
        assert.equal(await peer.eval(SETUP), 'ok');
      });
      after(async () => {
        await peer?.stop();
        await epmd?.stop();
      });
      for (const c of EXIT_CASES) {
        it(`interop/process: ${c.name} → ${c.expected}`, async () => {
          const text = await peer.eval(erlangCall(c));
          assert.equal(text.replace(/^"(.*)"$/, '$1'), c.expected);
        });
      }
    });
  }
});

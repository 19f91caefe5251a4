%% The Supervisor contract's supervisor on BEAM: the same children as
%% test/contract/supervisor.contract.ts starts on beamlink (workers a and b permanent,
%% c temporary; each exits with Reason on {crash, Reason}), intensity 3 in 5 s.
-module(contract_sup).
-behaviour(supervisor).
-export([start/2, init/1, start_worker/1]).

%% Starts the supervisor registered as Name, linked only to a holder process (so the
%% evaluating shell process can come and go).
start(Name, Strategy) ->
    Caller = self(),
    spawn(fun() ->
                  process_flag(trap_exit, false),
                  R = supervisor:start_link({local, Name}, ?MODULE, Strategy),
                  Caller ! {contract_sup_started, R},
                  receive never -> ok end
          end),
    receive {contract_sup_started, R} -> R end.

init(Strategy) ->
    {ok, {#{strategy => Strategy, intensity => 3, period => 5},
          [child(a, permanent), child(b, permanent), child(c, temporary)]}}.

child(Id, Restart) ->
    #{id => Id, start => {?MODULE, start_worker, [Id]}, restart => Restart,
      shutdown => 1000, type => worker, modules => [contract_sup]}.

start_worker(_Id) ->
    {ok, spawn_link(fun loop/0)}.

loop() ->
    receive
        {crash, Reason} -> exit(Reason);
        _ -> loop()
    end.

%% BEAM twin of bench/term/codec.bench.ts: the same four values through
%% term_to_binary/1 and binary_to_term/1. Prints "<group>/<case> <ns per op>".
-module(term_codec).
-export([main/0]).

main() ->
    Pid = list_to_pid("<0.113.0>"),
    Ref = make_ref(), % same size as the TypeScript side's ref (3 words)
    Payload = #{id => 42, name => <<"agent-7">>, skills => [<<"search">>, <<"summarize">>],
                score => 0.87, active => true},
    Workloads =
        [{"control tuple", {6, Pid, '', net_kernel}},
         {"gen_server call", {'$gen_call', {Pid, [alias | Ref]}, {register, Payload}}},
         {"1 MiB binary", rand:bytes(1 bsl 20)},
         {"10k list", lists:seq(0, 9999)}],
    lists:foreach(
      fun({Name, T}) ->
              Bin = term_to_binary(T),
              E = per_op(fun() -> term_to_binary(T) end),
              D = per_op(fun() -> binary_to_term(Bin) end),
              io:format("term.encode/~s ~.1f~nterm.decode/~s ~.1f~n", [Name, E, Name, D])
      end, Workloads).

%% Nanoseconds per call: batches doubling until one takes 0.3 s; best of three.
per_op(F) ->
    lists:min([per_op(F, 1) || _ <- [1, 2, 3]]).

per_op(F, N) ->
    T0 = erlang:monotonic_time(nanosecond),
    loop(F, N),
    T = erlang:monotonic_time(nanosecond) - T0,
    if T < 300000000 -> per_op(F, N * 2);
       true -> T / N
    end.

loop(_, 0) -> ok;
loop(F, N) -> F(), loop(F, N - 1).

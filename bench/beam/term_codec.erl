%% BEAM twin of bench/term/codec.bench.ts: the same four values through
%% term_to_binary/1 and binary_to_term/1. Prints "<group>/<case> <ns per op>".
-module(term_codec).
-export([main/0, main/1]).

main() -> main(cpu).

%% Clock: cpu (statistics(runtime), CPU ms of the VM) or wall (monotonic time).
main(Clock) ->
    put(clock, Clock),
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

%% Nanoseconds per call: batches doubling until one takes 0.2 s; best of three.
per_op(F) ->
    N = calibrate(F, 1),
    lists:min([batch(F, N) / N || _ <- [1, 2, 3]]).

calibrate(F, N) ->
    case batch(F, N) < 200000000 of
        true -> calibrate(F, N * 2);
        false -> N
    end.

batch(F, N) ->
    T0 = now_ns(),
    loop(F, N),
    now_ns() - T0.

now_ns() ->
    case get(clock) of
        wall -> erlang:monotonic_time(nanosecond);
        _ -> {Ms, _} = statistics(runtime), Ms * 1000000
    end.

loop(_, 0) -> ok;
loop(F, N) -> F(), loop(F, N - 1).

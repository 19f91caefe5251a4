%% The BEAM twin of bench/dist/dist.bench.ts: loaded into two real erl nodes (and used as
%% the far end for beamlink) to measure one-way messages, 1 MiB binaries, round trips and
%% connect time between nodes with compiled code.
-module(dist_bench).
-export([sink/0, send/3, run/3, echo/0, pingpong/2, connect_times/2]).

%% Counts N messages after {expect, N, From}, then tells From `done`.
sink() -> receive {expect, N, From} -> count(N, From) end.
count(0, From) -> From ! done;
count(K, From) -> receive _ -> count(K - 1, From) end.

send(_, _, 0) -> ok;
send(Dest, Msg, K) -> Dest ! Msg, send(Dest, Msg, K - 1).

%% Microseconds to deliver N copies of Msg to a sink spawned on Node.
run(Node, Msg, N) ->
    Sink = spawn(Node, ?MODULE, sink, []),
    Sink ! {expect, N, self()},
    T0 = erlang:monotonic_time(microsecond),
    send(Sink, Msg, N),
    receive done -> ok end,
    erlang:monotonic_time(microsecond) - T0.

echo() -> receive {From, M} -> From ! M, echo() end.

%% N round trips to an echo on Node: {P50, P99} in microseconds.
pingpong(Node, N) ->
    Echo = spawn(Node, ?MODULE, echo, []),
    [begin Echo ! {self(), I}, receive I -> ok end end || I <- lists:seq(1, 100)],
    Ts = [begin
              T0 = erlang:monotonic_time(nanosecond),
              Echo ! {self(), I},
              receive I -> ok end,
              erlang:monotonic_time(nanosecond) - T0
          end || I <- lists:seq(1, N)],
    exit(Echo, kill),
    S = lists:sort(Ts),
    {lists:nth(N div 2 + 1, S) / 1000, lists:nth(N * 99 div 100 + 1, S) / 1000}.

%% K times: disconnect, then time net_adm:ping (port mapper lookup + handshake + ping).
%% Returns the median in milliseconds.
connect_times(Node, K) ->
    Ts = [begin
              erlang:disconnect_node(Node),
              wait_gone(Node),
              timer:sleep(20),
              T0 = erlang:monotonic_time(microsecond),
              pong = net_adm:ping(Node),
              erlang:monotonic_time(microsecond) - T0
          end || _ <- lists:seq(1, K)],
    lists:nth(K div 2 + 1, lists:sort(Ts)) / 1000.

wait_gone(Node) ->
    case lists:member(Node, nodes()) of
        true -> timer:sleep(5), wait_gone(Node);
        false -> ok
    end.

%% The BEAM twin of bench/distribution/node-worker.ts, loaded into real erl nodes by
%% bench/distribution/cluster.ts. serve/0 starts what the far end of each measurement
%% needs (bench_sink, the bench_gs gen_server; rex is there already); the other functions
%% measure, as a client, what the worker measures, with the same counts and warm-ups.
-module(dist_bench).
-behaviour(gen_server).
-export([serve/0, sink_loop/0, one_way/4, call_lat/3, call_par/3, rpc_lat/3, connect_times/2, connect_times/3]).
-export([init/1, handle_call/3, handle_cast/2]).

serve() ->
    register(bench_sink, spawn(?MODULE, sink_loop, [])),
    {ok, _} = gen_server:start({local, bench_gs}, ?MODULE, [], []),
    ok.

init([]) -> {ok, nil}.
handle_call(ping, _From, S) -> {reply, pong, S}.
handle_cast(_, S) -> {noreply, S}.

%% On {expect, N, From}: answers {sink, self()}, counts N messages, then sends From done.
sink_loop() ->
    receive {expect, N, From} -> From ! {sink, self()}, count(N, From) end,
    sink_loop().
count(0, From) -> From ! done;
count(K, From) -> receive _ -> count(K - 1, From) end.

send(_, _, 0) -> ok;
send(Dest, Msg, K) -> Dest ! Msg, send(Dest, Msg, K - 1).

%% Seconds to deliver K copies of Msg to Node's bench_sink (by pid, as the worker sends).
burst(Node, Msg, K) ->
    {bench_sink, Node} ! {expect, K, self()},
    Sink = receive {sink, P} -> P end,
    T0 = erlang:monotonic_time(),
    send(Sink, Msg, K),
    receive done -> ok end,
    erlang:convert_time_unit(erlang:monotonic_time() - T0, native, microsecond) / 1.0e6.

%% N messages after a warm-up of Warm: msg/s for small, GB/s for bulk (1 MiB binaries).
one_way(Node, small, N, Warm) ->
    burst(Node, {count, 12345}, Warm),
    N / burst(Node, {count, 12345}, N);
one_way(Node, bulk, N, Warm) ->
    Bin = binary:copy(<<255>>, 1048576),
    burst(Node, Bin, Warm),
    N * 1048576 / burst(Node, Bin, N) / 1.0e9.

%% N timed calls of F after Warm untimed ones: {P50, P99 (microseconds), calls/s}.
latency(F, N, Warm) ->
    [F() || _ <- lists:seq(1, Warm)],
    T0 = erlang:monotonic_time(),
    Ts = [begin
              S = erlang:monotonic_time(),
              F(),
              erlang:monotonic_time() - S
          end || _ <- lists:seq(1, N)],
    Total = erlang:convert_time_unit(erlang:monotonic_time() - T0, native, microsecond),
    Sorted = lists:sort(Ts),
    Us = fun(T) -> erlang:convert_time_unit(T, native, nanosecond) / 1000 end,
    {Us(lists:nth(N div 2 + 1, Sorted)), Us(lists:nth(N * 99 div 100 + 1, Sorted)),
     N / (Total / 1.0e6)}.

call_lat(Node, N, Warm) ->
    latency(fun() -> pong = gen_server:call({bench_gs, Node}, ping) end, N, Warm).

rpc_lat(Node, N, Warm) ->
    latency(fun() -> Node = rpc:call(Node, erlang, node, []) end, N, Warm).

%% K processes each making Per calls at once (after Per sequential warm-up calls): calls/s.
call_par(Node, K, Per) ->
    [pong = gen_server:call({bench_gs, Node}, ping) || _ <- lists:seq(1, Per)],
    Self = self(),
    T0 = erlang:monotonic_time(),
    [spawn(fun() ->
                   [pong = gen_server:call({bench_gs, Node}, ping) || _ <- lists:seq(1, Per)],
                   Self ! bench_done
           end) || _ <- lists:seq(1, K)],
    [receive bench_done -> ok end || _ <- lists:seq(1, K)],
    K * Per / (erlang:convert_time_unit(erlang:monotonic_time() - T0, native, microsecond) / 1.0e6).

%% K times: disconnect, then time net_adm:ping (port mapper lookup + handshake + ping).
%% Returns the median in milliseconds.
connect_times(Node, K) -> connect_times(Node, K, 20).

%% The same with SleepMs of idle time before each ping.
connect_times(Node, K, SleepMs) ->
    Ts = [begin
              erlang:disconnect_node(Node),
              wait_gone(Node),
              timer:sleep(SleepMs),
              T0 = erlang:monotonic_time(microsecond),
              pong = net_adm:ping(Node),
              erlang:monotonic_time(microsecond) - T0
          end || _ <- lists:seq(1, K)],
    lists:nth(K div 2 + 1, lists:sort(Ts)) / 1000.

wait_gone(Node) ->
    case lists:member(Node, nodes(connected)) of
        true -> timer:sleep(5), wait_gone(Node);
        false -> ok
    end.

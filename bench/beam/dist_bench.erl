%% The BEAM twin of bench/distribution/node-worker.ts, loaded into real erl nodes by
%% bench/distribution/cluster.ts. serve/0 starts what the far end of each measurement
%% needs (bench_sink, the bench_gs gen_server; rex is there already); the other functions
%% measure, as a client, what the worker measures, with the same counts and warm-ups.
-module(dist_bench).
-behaviour(gen_server).
-export([serve/0, sink_loop/0, one_way/4, call_lat/3, call_par/3, rpc_lat/3, connect_times/2, connect_times/3]).
-export([tcp_bulk_server/1, tcp_bulk_recv/2, tcp_echo_server/0, tcp_connect_times/3]).
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

%% ---- bare gen_tcp, no distribution: the floor under the BEAM-facing rows ----------
%% (bench/distribution/dist.bench.ts, `dist floor BEAM`: the same measurements against a
%% bare Node.js process, floor.ts's servers and receivers, and against erl.)

%% Listens on loopback; each connection gets MiB frames of 1 MiB with a 4-byte length
%% ({packet, 4}), then the write side is shut and the socket closed once the peer has.
%% Connections are served one after the other. Returns the port.
tcp_bulk_server(MiB) ->
    {ok, L} = gen_tcp:listen(0, [binary, {packet, 4}, {active, false}, {nodelay, true},
                                 {ip, {127, 0, 0, 1}}, {reuseaddr, true}]),
    {ok, Port} = inet:port(L),
    Frame = binary:copy(<<255>>, 1 bsl 20),
    Pid = spawn(fun() -> bulk_accept(L, Frame, MiB) end),
    ok = gen_tcp:controlling_process(L, Pid),
    Port.

bulk_accept(L, Frame, MiB) ->
    {ok, S} = gen_tcp:accept(L),
    [ok = gen_tcp:send(S, Frame) || _ <- lists:seq(1, MiB)],
    ok = gen_tcp:shutdown(S, write),
    _ = gen_tcp:recv(S, 0, 60000),
    gen_tcp:close(S),
    bulk_accept(L, Frame, MiB).

%% Receives MiB frames of 1 MiB from Port ({packet, 4}, passive: each frame read into its
%% own binary, as the distribution reads them): GB/s from the connect to the last frame.
tcp_bulk_recv(Port, MiB) ->
    T0 = erlang:monotonic_time(),
    {ok, S} = gen_tcp:connect({127, 0, 0, 1}, Port,
                              [binary, {packet, 4}, {active, false}, {nodelay, true}]),
    ok = recv_frames(S, MiB),
    T = erlang:monotonic_time() - T0,
    gen_tcp:close(S),
    MiB * (1 bsl 20) / (erlang:convert_time_unit(T, native, microsecond) / 1.0e6) / 1.0e9.

recv_frames(_, 0) -> ok;
recv_frames(S, K) ->
    {ok, <<_:(1 bsl 20)/binary>>} = gen_tcp:recv(S, 0),
    recv_frames(S, K - 1).

%% Listens on loopback and echoes what each connection sends after its first byte ($p),
%% as floor.ts's server does; connections are served one after the other. Returns the port.
tcp_echo_server() ->
    {ok, L} = gen_tcp:listen(0, [binary, {active, false}, {nodelay, true},
                                 {ip, {127, 0, 0, 1}}, {reuseaddr, true}]),
    {ok, Port} = inet:port(L),
    Pid = spawn(fun() -> echo_accept(L) end),
    ok = gen_tcp:controlling_process(L, Pid),
    Port.

echo_accept(L) ->
    {ok, S} = gen_tcp:accept(L),
    echo(S, true),
    echo_accept(L).

echo(S, First) ->
    case gen_tcp:recv(S, 0) of
        {ok, <<$p, Rest/binary>>} when First ->
            Rest =/= <<>> andalso gen_tcp:send(S, Rest),
            echo(S, false);
        {ok, B} ->
            ok = gen_tcp:send(S, B),
            echo(S, false);
        {error, _} ->
            gen_tcp:close(S)
    end.

%% K times, each after SleepMs of idle time: connect to Port on loopback, 12 bytes there
%% and back, close. Returns the median in milliseconds (connect to the echo).
tcp_connect_times(Port, K, SleepMs) ->
    Ts = [begin
              timer:sleep(SleepMs),
              T0 = erlang:monotonic_time(microsecond),
              {ok, S} = gen_tcp:connect({127, 0, 0, 1}, Port,
                                        [binary, {active, false}, {nodelay, true}]),
              ok = gen_tcp:send(S, <<"p", 0:96>>),
              {ok, <<0:96>>} = gen_tcp:recv(S, 12),
              T = erlang:monotonic_time(microsecond) - T0,
              gen_tcp:close(S),
              T
          end || _ <- lists:seq(1, K)],
    lists:nth(K div 2 + 1, lists:sort(Ts)) / 1000.

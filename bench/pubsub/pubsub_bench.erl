%% The BEAM twin of fanout.bench.ts: fan-out through OTP's pg, Phoenix.PubSub's PG2 shape.
%%
%% Every node has N subscribers (local members of group `subs` in scope bench_pg) and one
%% forwarder (member of group `fwd`). A broadcast sends {fwd, Msg} to the forwarder of every
%% other node, which sends Msg to its node's local subscribers, and sends Msg to the local
%% subscribers itself — what Phoenix.PubSub.broadcast/3 does with a Registry. Subscribers
%% count deliveries in an atomics array; the one that completes a round tells the caller.
%%
%% erl -noshell -sname b0 -pa DIR -eval 'pubsub_bench:main(10000, 3), halt().'
-module(pubsub_bench).
-export([main/2, setup/2, sub/3, forwarder/0]).

-define(SCOPE, bench_pg).

main(Total, NodeCount) ->
    {ok, _} = pg:start(?SCOPE),
    Peers = [start_peer(I) || I <- lists:seq(1, NodeCount - 1)],
    Nodes = [node() | [N || {_, N} <- Peers]],
    PerNode = Total div NodeCount,
    Self = self(),
    [ok = erpc:call(N, ?MODULE, setup, [PerNode, Self]) || N <- tl(Nodes)],
    ok = setup(PerNode, Self),
    wait_members(fwd, NodeCount),
    wait_members(subs, PerNode * NodeCount),
    report(case NodeCount of 1 -> "local"; _ -> "cluster" end, Total, NodeCount),
    [peer:stop(P) || {P, _} <- Peers],
    ok.

start_peer(I) ->
    Name = list_to_atom(atom_to_list(?MODULE) ++ "_" ++ integer_to_list(I) ++ "_" ++ os:getpid()),
    {ok, P, N} = peer:start(#{name => Name, args => ["-setcookie", atom_to_list(erlang:get_cookie()),
                                                     "-pa", filename:dirname(code:which(?MODULE))]}),
    {ok, _} = erpc:call(N, pg, start, [?SCOPE]),
    {P, N}.

setup(N, Coord) ->
    A = atomics:new(1, []),
    Subs = [spawn(?MODULE, sub, [A, Coord, N]) || _ <- lists:seq(1, N)],
    ok = pg:join(?SCOPE, subs, Subs),
    ok = pg:join(?SCOPE, fwd, spawn(?MODULE, forwarder, [])),
    ok.

sub(A, Coord, N) ->
    receive
        _ ->
            case atomics:add_get(A, 1, 1) rem N of
                0 -> Coord ! round_done;
                _ -> ok
            end,
            sub(A, Coord, N)
    end.

forwarder() ->
    receive
        {fwd, Msg} -> local(Msg)
    end,
    forwarder().

local(Msg) ->
    [P ! Msg || P <- pg:get_local_members(?SCOPE, subs)],
    ok.

broadcast(Msg) ->
    Me = node(),
    [F ! {fwd, Msg} || F <- pg:get_members(?SCOPE, fwd), node(F) =/= Me],
    local(Msg).

wait_members(G, Want) ->
    case length(pg:get_members(?SCOPE, G)) of
        Want -> ok;
        _ -> timer:sleep(10), wait_members(G, Want)
    end.

await(0) -> ok;
await(K) -> receive round_done -> await(K - 1) end.

report(Label, Total, NodeCount) ->
    %% warm up
    [begin broadcast(warm), await(NodeCount) end || _ <- lists:seq(1, 5)],
    Lat = [begin
               T0 = erlang:monotonic_time(microsecond),
               broadcast({msg, I}),
               await(NodeCount),
               erlang:monotonic_time(microsecond) - T0
           end || I <- lists:seq(1, 30)],
    Rounds = 50,
    T0 = erlang:monotonic_time(microsecond),
    [broadcast({msg, I}) || I <- lists:seq(1, Rounds)],
    await(Rounds * NodeCount),
    Us = erlang:monotonic_time(microsecond) - T0,
    Sorted = lists:sort(Lat),
    io:format("BEAM ~s subscribers=~b nodes=~b median_latency_ms=~.3f p90_latency_ms=~.3f msgs_per_s=~b~n",
              [Label, Total, NodeCount, lists:nth(15, Sorted) / 1000, lists:nth(27, Sorted) / 1000,
               round(Total * Rounds / (Us / 1.0e6))]).

%% BEAM twin of bench/process/process.bench.ts: the same workloads, printed as
%% "<group>/<case> <nanoseconds per op>" (see bench/registry.ts).
-module(process_bench).
-export([main/0, main/1]).

-behaviour(gen_server).
-export([init/1, handle_call/3, handle_cast/2]).

init(N) -> {ok, N}.
handle_call(inc, _From, N) -> {reply, N + 1, N + 1}.
handle_cast(_, N) -> {noreply, N}.

%% Nanoseconds per call: batches doubling until one takes 0.3 s; best of three (as the
%% other twins measure). Clock: cpu (statistics(runtime), CPU ms of the VM) or wall.
measure(Fun) ->
    Fun(),
    lists:min([per_op(Fun, 1) || _ <- [1, 2, 3]]).

per_op(Fun, N) ->
    T0 = now_ns(),
    loop(Fun, N),
    T = now_ns() - T0,
    if T < 300000000 -> per_op(Fun, N * 2);
       true -> T / N
    end.

now_ns() ->
    case get(clock) of
        wall -> erlang:monotonic_time(nanosecond);
        _ -> {Ms, _} = statistics(runtime), Ms * 1000000
    end.

loop(_, 0) -> ok;
loop(Fun, N) -> Fun(), loop(Fun, N - 1).

report(Name, Ns) -> io:format("~s ~.1f~n", [Name, Ns]).

sink(Parent, 0) -> Parent ! done, sink_wait(Parent);
sink(Parent, N) -> receive _ -> sink(Parent, N - 1) end.
sink_wait(Parent) -> receive {again, K} -> sink(Parent, K) end.

send_n(_, 0) -> ok;
send_n(P, N) -> P ! N, send_n(P, N - 1).

echo() -> receive {From, M} -> From ! M, echo() end.

ping(_, 0) -> ok;
ping(E, N) -> E ! {self(), N}, receive _ -> ping(E, N - 1) end.

calls(_, 0) -> ok;
calls(S, N) -> gen_server:call(S, inc), calls(S, N - 1).

collect(0) -> ok;
collect(N) -> receive done -> collect(N - 1) end.

in_process(Fun) ->
    Parent = self(),
    spawn(fun() -> Fun(), Parent ! finished end),
    receive finished -> ok end.

main() -> main(cpu).

main(Clock) ->
    put(clock, Clock),
    Self = self(),
    Sink = spawn(fun() -> sink_wait(Self) end),
    report("process.send/10000 one-way messages",
           measure(fun() ->
               Sink ! {again, 10000},
               in_process(fun() -> send_n(Sink, 10000) end),
               receive done -> ok end
           end)),
    Echo = spawn(fun echo/0),
    report("process.pingpong/1000 round trips",
           measure(fun() -> in_process(fun() -> ping(Echo, 1000) end) end)),
    report("process.spawn/1000 spawns",
           measure(fun() ->
               in_process(fun() ->
                   P = self(),
                   [spawn(fun() -> P ! done end) || _ <- lists:seq(1, 1000)],
                   collect(1000)
               end)
           end)),
    {ok, Server} = gen_server:start(?MODULE, 0, []),
    report("gen_server.call/1000 calls",
           measure(fun() -> in_process(fun() -> calls(Server, 1000) end) end)),
    %% idle process memory: one process blocked in receive
    Idle = spawn(fun() -> receive _ -> ok end end),
    timer:sleep(10),
    {memory, Bytes} = process_info(Idle, memory),
    io:format("process.memory/idle process bytes ~p~n", [Bytes]),
    ok.

%% The GenServer contract's server on BEAM: the same protocol as
%% test/contract/contract-server.ts, so the contract suite can run against a real node.
-module(contract_server).
-behaviour(gen_server).
-export([start/1, start/2, init/1, handle_call/3, handle_cast/2, handle_info/2]).

start(Arg) -> gen_server:start(?MODULE, Arg, []).
start(Name, Arg) -> gen_server:start({local, Name}, ?MODULE, Arg, []).

init(Arg) when is_integer(Arg) -> {ok, Arg};
init(_) -> {ok, 0}.

handle_call(ping, _From, N) -> {reply, pong, N};
handle_call(get, _From, N) -> {reply, N, N};
handle_call({echo, X}, _From, N) -> {reply, X, N};
handle_call({whoami}, {Pid, _}, N) -> {reply, Pid, N};
handle_call({defer, X, Ms}, From, N) ->
    timer:apply_after(Ms, gen_server, reply, [From, X]),
    {noreply, N};
handle_call({sleep, Ms}, _From, N) -> timer:sleep(Ms), {reply, slept, N};
handle_call({stop, Reason}, _From, N) -> {stop, Reason, ok, N};
handle_call({die, Reason}, _From, N) -> {stop, Reason, N};
handle_call(Other, _From, N) -> {reply, {unknown, Other}, N}.

handle_cast({add, K}, N) -> {noreply, N + K};
handle_cast(_, N) -> {noreply, N}.

handle_info({add, K}, N) -> {noreply, N + K};
handle_info(_, N) -> {noreply, N}.

%% The Erlang half of test/support/erlang-peer.ts.
%%
%% The test process drives a real erl/elixir node over stdin/stdout, never over
%% distribution, so a bug in beamlink's wire code cannot hide itself. One request per
%% line, one reply per line, payloads in base64:
%%
%%   in:  "<Id> e <base64 Erlang expressions>"      evaluate with persistent bindings
%%   in:  "<Id> x <base64 Elixir code>"             evaluate with Code.eval_string/2
%%   out: "R <Id> ok <base64 printed> <base64 term_to_binary>"
%%   out: "R <Id> error <base64 Class:Reason and stack>"
%%   out: "E <base64 printed> <base64 term_to_binary>"   from beamlink_peer:emit/1, any process
%%
%% The node halts when stdin closes.
-module(beamlink_peer).
-export([main/0, emit/1, print/1]).

main() ->
    ok = io:setopts(standard_io, [binary]),
    put(elixir_bindings, []),
    io:put_chars(user, <<"READY ", (atom_to_binary(node()))/binary, "\n">>),
    loop(erl_eval:new_bindings()).

loop(Bindings) ->
    case io:get_line(standard_io, '') of
        eof -> erlang:halt(0);
        {error, _} -> erlang:halt(0);
        Line ->
            [Id, Mode, Payload] = binary:split(string:trim(Line), <<" ">>, [global]),
            Src = base64:decode(Payload),
            Bindings1 = run(Id, Mode, Src, Bindings),
            loop(Bindings1)
    end.

run(Id, Mode, Src, Bindings) ->
    try eval(Mode, Src, Bindings) of
        {Value, Bindings1} ->
            reply([<<"R ">>, Id, <<" ok ">>, encode(Value)]),
            Bindings1
    catch
        Class:Reason:Stack ->
            Text = io_lib:format("~p:~p~n~p", [Class, Reason, Stack]),
            reply([<<"R ">>, Id, <<" error ">>,
                   base64:encode(unicode:characters_to_binary(Text))]),
            Bindings
    end.

eval(<<"e">>, Src, Bindings) ->
    {ok, Tokens, _} = erl_scan:string(unicode:characters_to_list(Src)),
    {ok, Exprs} = erl_parse:parse_exprs(Tokens),
    {value, Value, Bindings1} = erl_eval:exprs(Exprs, Bindings),
    {Value, Bindings1};
eval(<<"x">>, Src, Bindings) ->
    {Value, ExBindings} = 'Elixir.Code':eval_string(Src, get(elixir_bindings)),
    put(elixir_bindings, ExBindings),
    {Value, Bindings}.

%% Sends an event line to the test process; callable from any process on this node.
emit(Term) ->
    reply([<<"E ">>, encode(Term)]),
    ok.

print(Term) ->
    unicode:characters_to_binary(io_lib:print(Term, 1, 100000000, -1)).

encode(Term) ->
    [base64:encode(print(Term)), <<" ">>, base64:encode(term_to_binary(Term))].

reply(IoData) ->
    io:put_chars(user, [IoData, <<"\n">>]).

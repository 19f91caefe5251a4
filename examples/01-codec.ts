// The term codec: JavaScript values to Erlang's External Term Format and back.
// Run: node --import tsx examples/01-codec.ts   (in your project: import from 'beamlink')
import assert from 'node:assert/strict';
import { atom, decode, encode, equals, format, tuple, Float, type Tuple } from '../src/index.ts';

// {ok, #{count => 3, tags => [<<"a">>, <<"b">>]}}: atoms, tuples, maps, binaries, lists.
const bytes = encode(tuple(atom('ok'), { count: 3, tags: ['a', 'b'] }));
console.log(bytes); // <Buffer 83 68 02 77 02 6f 6b 74 ...>: what term_to_binary/1 writes

const back = decode(bytes) as Tuple;
console.log(format(back)); // {:ok, %{count: 3, tags: ["a", "b"]}}   (Elixir's inspect)
console.log(format(back, { style: 'erlang' })); // {ok,#{count => 3,tags => [<<"a">>,<<"b">>]}}
assert.ok(equals(back, tuple(atom('ok'), { count: 3, tags: ['a', 'b'] })));

// Integers, big integers, floats: 1 and 1.0 are different terms, as in Erlang.
assert.equal(decode(encode(2n ** 70n)), 2n ** 70n);
assert.ok(!equals(1, new Float(1)));

// Charlists are lists of integers; printing shows them the way Elixir does.
console.log(format(decode(encode([104, 105])))); // ~c"hi"

// Bytes that are not UTF-8 decode as a Buffer; UTF-8 as a string.
console.log(decode(encode(Buffer.from([0xff, 0x00])))); // <Buffer ff 00>

// The same bytes any BEAM node produces: erl> binary_to_term(<<131,100,0,2,111,107>>).
console.log(decode(Buffer.from([131, 100, 0, 2, 111, 107]))); // :ok (an Atom)

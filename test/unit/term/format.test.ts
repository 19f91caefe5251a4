// Expected strings are what Elixir 1.14 / 1.18 `IO.inspect` and Erlang `io:format("~p")`
// printed for the same values on this machine (OTP 25 and OTP 27).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import {
  atom,
  BitBinary,
  ExportFun,
  Float,
  format,
  ImproperList,
  Pid,
  Port,
  Ref,
  setLocalNodeForPrinting,
  tuple,
  type Term,
} from '../../../src/term/index.ts';

const local = atom('nonode@nohost');
const cases: [string, Term, string, string][] = [
  ['a tagged tuple', tuple(atom('ok'), 1), '{:ok, 1}', '{ok,1}'],
  ['an atom-keyed map', { b: 'x', a: 1 }, '%{a: 1, b: "x"}', '#{a => 1,b => <<"x">>}'],
  [
    'a map with other keys',
    new Map<Term, Term>([
      ['k', 1],
      [1, 2],
    ]),
    '%{1 => 2, "k" => 1}',
    '#{1 => 2,<<"k">> => 1}',
  ],
  [
    'mixed keys',
    new Map<Term, Term>([
      ['b', 2],
      [atom('a'), 1],
    ]),
    '%{:a => 1, "b" => 2}',
    '#{a => 1,<<"b">> => 2}',
  ],
  ['bytes', Uint8Array.of(255, 0), '<<255, 0>>', '<<255,0>>'],
  ['text', 'a"b\\c\n', '"a\\"b\\\\c\\n"', '<<"a\\"b\\\\c\\n">>'],
  ['UTF-8 text', 'héllo', '"héllo"', '<<"héllo"/utf8>>'],
  ['a list', [1, 2], '[1, 2]', '[1,2]'],
  ['a charlist', [97, 98, 99], '~c"abc"', '"abc"'],
  ['a non-printable list', [97, 98, 1000], '[97, 98, 1000]', '[97,98,1000]'],
  ['a keyword list', [tuple(atom('a'), 1), tuple(atom('b'), 2)], '[a: 1, b: 2]', '[{a,1},{b,2}]'],
  ['an improper list', new ImproperList([1], 2), '[1 | 2]', '[1|2]'],
  [
    'an export fun',
    new ExportFun(atom('erlang'), atom('node'), 0),
    '&:erlang.node/0',
    'fun erlang:node/0',
  ],
  ['a local pid', new Pid(local, 96, 0, 0), '#PID<0.96.0>', '<0.96.0>'],
  [
    'a ref',
    new Ref(local, 0, [261928, 3910139906, 4123581460]),
    '#Reference<0.4123581460.3910139906.261928>',
    '#Ref<0.4123581460.3910139906.261928>',
  ],
  ['a port', new Port(local, 0n, 0), '#Port<0.0>', '#Port<0.0>'],
  ['a quoted atom', atom('hello world'), ':"hello world"', "'hello world'"],
  ['an alias', atom('Elixir.Foo.Bar'), 'Foo.Bar', "'Elixir.Foo.Bar'"],
  ['nil', null, 'nil', 'nil'],
  ['a key needing quotes', { 'a b': 1 }, '%{"a b": 1}', "#{'a b' => 1}"],
  [
    'floats',
    [new Float(1), 1e20, 1.5e-7, 1e-5, 0.0001],
    '[1.0, 1.0e20, 1.5e-7, 1.0e-5, 0.0001]',
    '[1.0,1.0e20,1.5e-7,1.0e-5,0.0001]',
  ],
  [
    'fixed vs scientific',
    [new Float(1e15), new Float(2 ** 53)],
    '[1000000000000000.0, 9007199254740992.0]',
    '[1.0e15,9.007199254740992e15]',
  ],
  ['a big integer', 12345678901234567890n, '12345678901234567890', '12345678901234567890'],
  ['bitstrings', new BitBinary(Uint8Array.of(255, 0x20), 3), '<<255, 1::size(3)>>', '<<255,1:3>>'],
  ['empties', tuple(tuple(), {}, []), '{{}, %{}, []}', '{{},#{},[]}'],
];

describe('term/format: as Elixir inspect and Erlang ~p print', () => {
  for (const [what, term, elixir, erlang] of cases) {
    it(`prints ${what}`, () => {
      assert.equal(format(term), elixir);
      assert.equal(format(term, { style: 'erlang' }), erlang);
    });
  }

  it('charlists as Elixir 1.14 printed them, or as lists', () => {
    assert.equal(format([97, 98], { charlists: 'quoted' }), "'ab'");
    assert.equal(format([97, 98], { charlists: 'list' }), '[97, 98]');
  });

  it('numbers other nodes stably and the local node as 0', () => {
    const a = new Pid(atom('fmt_a@host'), 1, 0, 1);
    const b = new Pid(atom('fmt_b@host'), 2, 0, 1);
    const first = format(a);
    const second = format(b);
    assert.match(first, /^#PID<[1-9]\d*\.1\.0>$/);
    assert.notEqual(first.split('.')[0], second.split('.')[0]);
    assert.equal(format(a), first);
    assert.equal(format(a, { localNode: 'fmt_a@host' }), '#PID<0.1.0>');
    setLocalNodeForPrinting('fmt_b@host');
    try {
      assert.equal(format(b), '#PID<0.2.0>');
    } finally {
      setLocalNodeForPrinting(undefined);
    }
  });

  it('hooks into util.inspect', () => {
    assert.equal(inspect(tuple(atom('ok'), { a: [1] })), '{:ok, %{a: [1]}}');
    assert.equal(inspect(atom('x')), ':x');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  LiteralSyntaxError,
  moduleAtom,
  parseArgs,
  parseLiteral,
} from '../../../src/cli/literal.ts';
import { format } from '../../../src/term/format.ts';
import { Float, atom } from '../../../src/term/types.ts';

describe('cli/literal', () => {
  it('cli/literal: numbers, atoms, strings, charlists', () => {
    assert.equal(parseLiteral('42'), 42);
    assert.equal(parseLiteral('-1_000'), -1000);
    assert.equal(parseLiteral('123456789012345678901234567890'), 123456789012345678901234567890n);
    assert.equal(parseLiteral('0x1F'), 31);
    assert.equal(parseLiteral('2.5'), 2.5);
    assert.deepEqual(parseLiteral('1.0'), new Float(1));
    assert.equal(parseLiteral(':ok'), atom('ok'));
    assert.equal(parseLiteral(':"with space"'), atom('with space'));
    assert.equal(parseLiteral(':node1@vm'), atom('node1@vm'));
    assert.equal(parseLiteral('true'), true);
    assert.equal(parseLiteral('nil'), null);
    assert.equal(parseLiteral('"a\\nb"'), 'a\nb');
    assert.deepEqual(parseLiteral("'ab'"), [97, 98]);
    assert.deepEqual(parseLiteral('~c"ab"'), [97, 98]);
    assert.equal(parseLiteral('Node'), atom('Elixir.Node'));
  });

  it('cli/literal: lists, tuples and maps print back as written', () => {
    for (const src of [
      '{:ok, [1, 2.5, "x"], %{a: 1}}',
      '[]',
      '{}',
      '%{2 => :b, "k" => [1]}',
      '[search: %{query: "distributed"}, limit: 2]',
      '[{"search", 1}]',
    ]) {
      assert.equal(format(parseLiteral(src)), src);
    }
  });

  it('cli/literal: errors say where', () => {
    for (const [src, at] of [
      ['{1,', 3],
      ['[1 2]', 3],
      ['foo', 0],
      ['"open', 5],
      ['%{a: 1', 6],
      ['1 2', 2],
    ] as const) {
      assert.throws(
        () => parseLiteral(src),
        (e: unknown) =>
          e instanceof LiteralSyntaxError && e.offset === at && e.code === 'BL_ERR_CLI_LITERAL',
        src,
      );
    }
  });

  it('cli/literal: rpc arguments as one list or one literal per word', () => {
    assert.deepEqual(parseArgs([]), []);
    assert.deepEqual(parseArgs(['1', '5']), [1, 5]);
    assert.deepEqual(parseArgs(['[1, 5]']), [1, 5]);
    assert.deepEqual(parseArgs(['[[1, 5]]']), [[1, 5]]);
    assert.deepEqual(parseArgs([':a', '"b"']), [atom('a'), 'b']);
    assert.throws(() => parseArgs(['1', 'bare']), LiteralSyntaxError);
  });

  it('cli/literal: module names as iex reads them', () => {
    assert.equal(moduleAtom('Node'), atom('Elixir.Node'));
    assert.equal(
      moduleAtom('AgentFramework.AgentServer'),
      atom('Elixir.AgentFramework.AgentServer'),
    );
    assert.equal(moduleAtom('Elixir.Node'), atom('Elixir.Node'));
    assert.equal(moduleAtom(':lists'), atom('lists'));
    assert.equal(moduleAtom('erlang'), atom('erlang'));
  });
});

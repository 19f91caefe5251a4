// The printer against the real thing: each value goes to a real Elixir node as bytes and
// comes back printed by `inspect/2`, and to erl and comes back printed by `~p` (one line);
// beamlink's format() must print the same text. Elixir 1.14 prints charlists as 'abc',
// 1.15+ as ~c"abc". Maps with several atom keys are left out: OTP 26+ prints them in
// atom-table order, which a remote printer cannot know (beamlink sorts them).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  atom,
  BitBinary,
  decode,
  encode,
  ExportFun,
  Float,
  format,
  ImproperList,
  Pid,
  Port,
  Ref,
  tuple,
  type Term,
} from '../../../src/term/index.ts';
import { ErlangPeer, erlangReleases, interopSkipReason } from '../../support/erlang-peer.ts';

const local = atom('nonode@nohost');
const values: Term[] = [
  tuple(atom('ok'), 1),
  tuple(),
  { name: 'x' },
  {},
  new Map<Term, Term>([
    ['k', 1],
    [1, 2],
    [tuple(atom('t')), [1]],
  ]),
  new Map<Term, Term>([
    [atom('a'), 1],
    ['b', 2],
  ]),
  { 'a b': 1 },
  Uint8Array.of(1, 2, 255),
  'text',
  'a"b\\c\n\t',
  'héllo wörld',
  '#{not interpolated}',
  [],
  [1, 2, 3],
  [97, 98, 99],
  [97, 10, 98],
  [97, 98, 1000],
  [tuple(atom('a'), 1), tuple(atom('b'), 2)],
  new ImproperList([1, 2], 3),
  new ExportFun(atom('erlang'), atom('node'), 0),
  new ExportFun(atom('Elixir.Enum'), atom('map'), 2),
  new Pid(local, 91, 3, 0),
  new Ref(local, 0, [3, 2, 1]),
  new Port(local, 5n, 0),
  atom('hello world'),
  atom('Elixir.Foo.Bar'),
  atom('ok?'),
  atom('@foo'),
  atom('a@b'),
  atom('Abc'),
  atom('+'),
  null,
  true,
  new Float(1),
  new Float(-0),
  1e20,
  1.5e-7,
  0.1,
  1e-5,
  0.0001,
  123.456,
  new Float(1e15),
  new Float(2 ** 53),
  12345678901234567890n,
  -42,
  new BitBinary(Uint8Array.of(0xa0), 3),
  new BitBinary(Uint8Array.of(255, 0x20), 3),
  tuple(atom('nested'), [tuple(1, 'two', [3])], { k: [atom('v')] }),
];

const hex = (t: Term) => encode(t).toString('hex');
const skip = interopSkipReason();

describe('interop/term: format() prints as Elixir inspect and Erlang ~p do', { skip }, () => {
  for (const release of skip ? [] : erlangReleases()) {
    describe(release.label, () => {
      let erl: ErlangPeer;
      let ex: ErlangPeer | undefined;
      before(async () => {
        erl = await ErlangPeer.start({ release });
        if (release.elixir) ex = await ErlangPeer.start({ release, elixir: true });
      });
      after(async () => {
        await erl?.stop();
        await ex?.stop();
      });

      it('Erlang style matches io_lib:print on one line', async () => {
        const src = `[beamlink_peer:print(binary_to_term(binary:decode_hex(H))) || H <- [${values
          .map((t) => `<<"${hex(t)}">>`)
          .join(',')}]].`;
        const printed = (await erl.evalFull(src)).bytes;
        const texts = decode(printed) as string[];
        values.forEach((t, i) => {
          // ~p prints UTF-8 binaries byte by byte and charlists above 127 as numbers; beamlink
          // keeps the source-friendly forms, so those two cases are compared loosely.
          const ours = format(t, { style: 'erlang' });
          if (typeof t === 'string' && /[^\x20-\x7e\n\t"\\]/.test(t)) return;
          assert.equal(ours, texts[i], `value #${i}`);
        });
      });

      it('Elixir style matches inspect/2', { skip: !release.elixir }, async () => {
        const version = await ex!.evalElixir('System.version()');
        const quoted = /\b1\.1[0-4]\./.test(version);
        const list = values.map((t) => `"${hex(t)}"`).join(', ');
        const out = await ex!.evalElixir(
          `[${list}] |> Enum.map(fn h -> inspect(:erlang.binary_to_term(Base.decode16!(h, case: :lower)), limit: :infinity, printable_limit: :infinity) |> Base.encode16() end) |> Enum.join(",")`,
        );
        // The value comes back printed by Erlang as <<"HEX,HEX,...">>.
        const lines = out
          .replace(/^<<"|">>$/g, '')
          .split(',')
          .map((h) => Buffer.from(h, 'hex').toString('utf8'));
        values.forEach((t, i) => {
          assert.equal(
            format(t, { charlists: quoted ? 'quoted' : 'sigil' }),
            lines[i],
            `value #${i} on Elixir ${version}`,
          );
        });
      });
    });
  }
});

// Byte vectors made by a real `term_to_binary` on every installed release, for every tag:
// beamlink must decode them to the expected value and encode that value back byte for
// byte. The bytes are compared with `term_to_binary(T, [{minor_version, 2}])`, the UTF-8
// atom form that the distribution and OTP 26+'s default use; on OTP 25 the default
// (ATOM_EXT) bytes are decoded too.
//
// Known, documented differences (docs/term.md):
//   * maps with several atom keys: OTP 26+ orders atom keys by atom-table index, which a
//     remote encoder cannot know; beamlink sorts them as OTP 25 did;
//   * compressed terms: same header and inflated bytes, but Node's bundled zlib writes
//     other deflate streams than the system zlib erts uses;
//   * ports: OTP 27's term_to_binary always writes V4_PORT_EXT; beamlink writes
//     NEW_PORT_EXT when the id fits 32 bits (what the distribution protocol sends).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inflateSync } from 'node:zlib';
import {
  atom,
  BitBinary,
  decode,
  encode,
  equals,
  ExportFun,
  Float,
  format,
  Fun,
  ImproperList,
  Pid,
  Port,
  Ref,
  tuple,
  type Term,
} from '../../../src/term/index.ts';
import { ErlangPeer, erlangReleases, interopSkipReason } from '../../support/erlang-peer.ts';

interface Vector {
  /** What the vector covers (the tag). */
  name: string;
  /** The Erlang expression. */
  erl: string;
  /** The value beamlink should decode. */
  js: Term;
  /** When encode(js) is not expected to equal the minor_version 2 bytes on a release. */
  inexact?: (otp: number) => boolean;
  /** Options for both sides. */
  compressed?: boolean;
}

const local = atom('nonode@nohost');

const vectors: Vector[] = [
  { name: 'SMALL_INTEGER_EXT', erl: '42', js: 42 },
  { name: 'INTEGER_EXT', erl: '-123456', js: -123456 },
  { name: 'INTEGER_EXT max', erl: '2147483647', js: 2147483647 },
  { name: 'SMALL_BIG_EXT', erl: '1 bsl 40', js: 2 ** 40 },
  { name: 'SMALL_BIG_EXT negative', erl: '-(1 bsl 31) - 1', js: -(2 ** 31) - 1 },
  { name: 'SMALL_BIG_EXT past 2^53', erl: '1 bsl 64', js: 1n << 64n },
  { name: 'LARGE_BIG_EXT', erl: '-(1 bsl 2100)', js: -(1n << 2100n) },
  { name: 'NEW_FLOAT_EXT', erl: '3.25', js: 3.25 },
  { name: 'NEW_FLOAT_EXT integral', erl: '-2.0', js: new Float(-2) },
  { name: 'NEW_FLOAT_EXT tiny', erl: '5.0e-324', js: 5e-324 },
  { name: 'SMALL_ATOM_UTF8_EXT', erl: 'hello', js: atom('hello') },
  { name: 'SMALL_ATOM_UTF8_EXT non-Latin-1', erl: "'привет'", js: atom('привет') },
  {
    name: 'ATOM_UTF8_EXT',
    erl: 'list_to_atom(lists:duplicate(200, 1078))',
    js: atom('ж'.repeat(200)),
  },
  { name: 'atom true', erl: 'true', js: true },
  { name: 'atom false', erl: 'false', js: false },
  { name: 'atom nil', erl: 'nil', js: null },
  { name: 'empty atom', erl: "''", js: atom('') },
  { name: 'SMALL_TUPLE_EXT', erl: '{ok, 1, {}}', js: tuple(atom('ok'), 1, tuple()) },
  {
    name: 'LARGE_TUPLE_EXT',
    erl: 'list_to_tuple(lists:seq(1, 300))',
    js: tuple(...Array.from({ length: 300 }, (_, i) => i + 1)),
  },
  { name: 'NIL_EXT', erl: '[]', js: [] },
  { name: 'STRING_EXT', erl: '"abc"', js: [97, 98, 99] },
  {
    name: 'STRING_EXT longest',
    erl: 'lists:duplicate(65535, 7)',
    js: new Array<number>(65535).fill(7),
  },
  {
    name: 'LIST_EXT past STRING_EXT',
    erl: 'lists:duplicate(65536, 7)',
    js: new Array<number>(65536).fill(7),
  },
  { name: 'LIST_EXT', erl: '[1, a, [2.5]]', js: [1, atom('a'), [2.5]] },
  { name: 'LIST_EXT improper', erl: '[1, 2 | c]', js: new ImproperList([1, 2], atom('c')) },
  { name: 'BINARY_EXT text', erl: '<<"héllo"/utf8>>', js: 'héllo' },
  { name: 'BINARY_EXT bytes', erl: '<<0, 255, 128>>', js: Buffer.from([0, 255, 128]) },
  { name: 'BINARY_EXT empty', erl: '<<>>', js: '' },
  { name: 'BIT_BINARY_EXT', erl: '<<1, 2, 5:3>>', js: new BitBinary(Uint8Array.of(1, 2, 0xa0), 3) },
  { name: 'MAP_EXT empty', erl: '#{}', js: {} },
  { name: 'MAP_EXT one atom key', erl: '#{name => <<"x">>}', js: { name: 'x' } },
  {
    name: 'MAP_EXT atom keys',
    erl: '#{b => 1, a => 2, zz => 3, c => 4}',
    js: { b: 1, a: 2, zz: 3, c: 4 },
    inexact: (otp) => otp >= 26,
  },
  {
    name: 'MAP_EXT mixed keys',
    erl: '#{1 => x, 1.0 => y, "s" => z, <<"b">> => w, {t} => v}',
    js: new Map<Term, Term>([
      [1, atom('x')],
      [new Float(1), atom('y')],
      [[115], atom('z')],
      ['b', atom('w')],
      [tuple(atom('t')), atom('v')],
    ]),
  },
  {
    name: 'MAP_EXT large (HAMT)',
    erl: 'maps:from_list([{I, I} || I <- lists:seq(1, 40)])',
    js: new Map<Term, Term>(Array.from({ length: 40 }, (_, i) => [i + 1, i + 1] as [Term, Term])),
    inexact: () => true,
  },
  { name: 'NEW_PID_EXT', erl: 'list_to_pid("<0.91.3>")', js: new Pid(local, 91, 3, 0) },
  {
    name: 'NEWER_REFERENCE_EXT',
    erl: 'list_to_ref("#Ref<0.1.2.3>")',
    js: new Ref(local, 0, [3, 2, 1]),
  },
  {
    name: 'NEW_PORT_EXT',
    erl: 'list_to_port("#Port<0.5>")',
    js: new Port(local, 5n, 0),
    inexact: (otp) => otp >= 27,
  },
  {
    name: 'EXPORT_EXT',
    erl: 'fun erlang:node/0',
    js: new ExportFun(atom('erlang'), atom('node'), 0),
  },
  {
    name: 'COMPRESSED',
    erl: 'lists:duplicate(100, {a, <<"xyz">>})',
    js: new Array(100).fill(tuple(atom('a'), 'xyz')),
    compressed: true,
  },
];

/** Old forms term_to_binary no longer writes: erl reads them, and so must we. */
const legacy: { name: string; bytes: number[]; js: Term }[] = [
  { name: 'ATOM_EXT', bytes: [131, 100, 0, 2, 111, 107], js: atom('ok') },
  { name: 'ATOM_EXT Latin-1', bytes: [131, 100, 0, 2, 0xe5, 0xe4], js: atom('åä') },
  { name: 'SMALL_ATOM_EXT', bytes: [131, 115, 2, 111, 107], js: atom('ok') },
  { name: 'ATOM_UTF8_EXT short', bytes: [131, 118, 0, 2, 111, 107], js: atom('ok') },
  {
    name: 'PID_EXT',
    bytes: [131, 103, 100, 0, 13, ...Buffer.from('nonode@nohost'), 0, 0, 0, 91, 0, 0, 0, 3, 0],
    js: new Pid(local, 91, 3, 0),
  },
  {
    name: 'PORT_EXT',
    bytes: [131, 102, 100, 0, 13, ...Buffer.from('nonode@nohost'), 0, 0, 0, 5, 0],
    js: new Port(local, 5n, 0),
  },
  {
    name: 'NEW_REFERENCE_EXT',
    bytes: [
      131,
      114,
      0,
      3,
      100,
      0,
      13,
      ...Buffer.from('nonode@nohost'),
      0,
      0,
      0,
      0,
      3,
      0,
      0,
      0,
      2,
      0,
      0,
      0,
      1,
    ],
    js: new Ref(local, 0, [3, 2, 1]),
  },
  {
    name: 'FLOAT_EXT',
    bytes: [131, 99, ...Buffer.from('1.50000000000000000000e+00'.padEnd(31, '\0'))],
    js: 1.5,
  },
  {
    name: 'LIST_EXT with a list tail',
    bytes: [131, 108, 0, 0, 0, 1, 97, 1, 107, 0, 1, 2],
    js: [1, 2],
  },
  { name: 'SMALL_BIG_EXT for a small value', bytes: [131, 110, 1, 1, 5], js: -5 },
];

const skip = interopSkipReason();

describe('interop/term: term_to_binary vectors for every tag', { skip }, () => {
  for (const release of skip ? [] : erlangReleases()) {
    describe(release.label, () => {
      let peer: ErlangPeer;
      before(async () => {
        peer = await ErlangPeer.start({ release });
      });
      after(async () => {
        await peer?.stop();
      });

      for (const v of vectors) {
        it(`${v.name}: ${v.erl.length > 40 ? v.erl.slice(0, 40) + '…' : v.erl}`, async () => {
          const opts = v.compressed ? '[compressed, {minor_version, 2}]' : '[{minor_version, 2}]';
          const dflt = v.compressed ? '[compressed]' : '[]';
          const r = await peer.evalFull(
            `(fun(V) -> {term_to_binary(V, ${dflt}), term_to_binary(V, ${opts})} end)(${v.erl}).`,
          );
          const pair = decode(r.bytes, { binaries: 'buffer' }) as { elements: Buffer[] };
          const [plain, utf8] = pair.elements as [Buffer, Buffer];
          if (v.compressed) assert.equal(utf8[1], 80, 'erl compressed it');
          for (const bytes of [plain, utf8]) {
            const got = decode(bytes);
            assert.ok(equals(got, v.js), `decoded ${format(got)}, expected ${format(v.js)}`);
          }
          const ours = encode(v.js, v.compressed ? { compressed: true } : undefined);
          if (v.compressed) {
            // Node bundles Chromium's zlib, whose deflate streams differ from the system
            // zlib that erts links: same header and same inflated bytes, other stream.
            assert.deepEqual([...ours.subarray(0, 6)], [...utf8.subarray(0, 6)]);
            assert.deepEqual(inflateSync(ours.subarray(6)), inflateSync(utf8.subarray(6)));
          } else if (v.inexact?.(release.otp)) {
            assert.ok(equals(decode(ours), v.js));
          } else {
            assert.deepEqual([...ours], [...utf8], `encode(${format(v.js)})`);
          }
          if (release.otp >= 26) assert.deepEqual(plain, utf8);
        });
      }

      it('NEW_FUN_EXT: a closure decodes to Fun and encodes back byte for byte', async () => {
        const r = await peer.evalFull('Y = 7, F = fun(X) -> {X, Y} end, term_to_binary(F).');
        const bytes = decode(r.bytes) as Buffer;
        const f = decode(bytes);
        assert.ok(f instanceof Fun);
        assert.equal(f.arity, 1);
        assert.equal(f.module, atom('erl_eval'));
        assert.deepEqual([...encode(f)], [...bytes]);
        // And erl accepts a Fun rebuilt from its fields (no remembered bytes): it calls it.
        const rebuilt = new Fun({ ...f, freeVars: f.freeVars });
        const hex = encode(rebuilt).toString('hex');
        const called = await peer.eval(
          `G = binary_to_term(binary:decode_hex(<<"${hex}">>)), G(1).`,
        );
        assert.equal(called, '{1,7}');
      });

      it('compressed: the same choice as erl between the plain and the compressed form', async () => {
        const r = await peer.evalFull(
          '[term_to_binary(lists:duplicate(N, $a) ++ lists:seq(1, N), [compressed, {minor_version, 2}]) || N <- lists:seq(1, 40)].',
        );
        const erlBytes = decode(r.bytes, { binaries: 'buffer' }) as Buffer[];
        erlBytes.forEach((b, i) => {
          const n = i + 1;
          const v = [
            ...new Array<number>(n).fill(97),
            ...Array.from({ length: n }, (_, k) => k + 1),
          ];
          const ours = encode(v, { compressed: true });
          assert.equal(ours[1], b[1], `form for N = ${n}`);
          assert.equal(ours.length, b.length, `size for N = ${n}`);
        });
      });

      for (const l of legacy) {
        it(`legacy ${l.name}: erl and beamlink read the same value`, async () => {
          const r = await peer.evalFull(`binary_to_term(<<${l.bytes.join(',')}>>).`);
          assert.ok(equals(decode(r.bytes), l.js), `erl read ${r.text}`);
          assert.ok(equals(decode(Buffer.from(l.bytes)), l.js));
        });
      }
    });
  }
});

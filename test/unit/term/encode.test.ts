// Pinned bytes. Unless noted, each vector is `term_to_binary(T, [{minor_version, 2}])` on
// OTP 25 (= `term_to_binary(T)` on OTP 26+), printed with
//   erl -noshell -eval 'io:format("~w~n", [term_to_binary(T, [{minor_version, 2}])]), halt().'
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  atom,
  BitBinary,
  decode,
  encode,
  equals,
  Fun,
  ExportFun,
  Float,
  ImproperList,
  Pid,
  Port,
  Ref,
  TermEncodeError,
  tuple,
  Writer,
  encodeInto,
  type Term,
} from '../../../src/term/index.ts';

function bytes(t: Term): number[] {
  return [...encode(t)];
}

describe('term/encode: pinned bytes', () => {
  it('integers of every size', () => {
    assert.deepEqual(bytes(0), [131, 97, 0]);
    assert.deepEqual(bytes(255), [131, 97, 255]);
    assert.deepEqual(bytes(256), [131, 98, 0, 0, 1, 0]); // term_to_binary(256)
    assert.deepEqual(bytes(-1), [131, 98, 255, 255, 255, 255]); // term_to_binary(-1)
    assert.deepEqual(bytes(2147483648), [131, 110, 4, 0, 0, 0, 0, 128]); // 2147483648
    assert.deepEqual(bytes(-2147483649), [131, 110, 4, 1, 1, 0, 0, 128]); // -2147483649
    assert.deepEqual(bytes(2147483648n), [131, 110, 4, 0, 0, 0, 0, 128]);
    assert.deepEqual(bytes(-0), [131, 97, 0]);
    // 1 bsl 64
    assert.deepEqual(bytes(1n << 64n), [131, 110, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('a bigint past 255 digit bytes is LARGE_BIG_EXT', () => {
    const b = encode(1n << 2048n); // 257 bytes of digits
    assert.deepEqual([...b.subarray(0, 7)], [131, 111, 0, 0, 1, 1, 0]);
    assert.equal(b.length, 7 + 257);
    assert.equal(b[b.length - 1], 1);
  });

  it('floats: NEW_FLOAT_EXT, Float for integral values', () => {
    assert.deepEqual(bytes(new Float(1)), [131, 70, 63, 240, 0, 0, 0, 0, 0, 0]); // 1.0
    assert.deepEqual(bytes(1.5), [131, 70, 63, 248, 0, 0, 0, 0, 0, 0]);
  });

  it('atoms: SMALL_ATOM_UTF8_EXT, booleans and nil', () => {
    assert.deepEqual(bytes(atom('abc')), [131, 119, 3, 97, 98, 99]);
    assert.deepEqual(bytes(true), [131, 119, 4, 116, 114, 117, 101]);
    assert.deepEqual(bytes(false), [131, 119, 5, 102, 97, 108, 115, 101]);
    assert.deepEqual(bytes(null), [131, 119, 3, 110, 105, 108]);
    // 'hello wörld' on OTP 27
    assert.deepEqual(
      bytes(atom('hello wörld')),
      [131, 119, 12, 104, 101, 108, 108, 111, 32, 119, 195, 182, 114, 108, 100],
    );
  });

  it('an atom over 255 bytes of UTF-8 is ATOM_UTF8_EXT', () => {
    const name = 'ö'.repeat(200); // 200 characters, 400 bytes
    const b = encode(atom(name));
    assert.deepEqual([...b.subarray(0, 4)], [131, 118, 1, 144]);
    assert.equal(b.length, 4 + 400);
  });

  it('tuples, lists, strings, binaries', () => {
    assert.deepEqual(bytes(tuple()), [131, 104, 0]);
    assert.deepEqual(bytes(tuple(atom('a'), 1)), [131, 104, 2, 119, 1, 97, 97, 1]);
    assert.deepEqual(bytes([]), [131, 106]);
    assert.deepEqual(bytes([1, 2, 3]), [131, 107, 0, 3, 1, 2, 3]); // "\1\2\3"
    assert.deepEqual(bytes([1, 256]), [131, 108, 0, 0, 0, 2, 97, 1, 98, 0, 0, 1, 0, 106]);
    assert.deepEqual(bytes(new ImproperList([1], 2)), [131, 108, 0, 0, 0, 1, 97, 1, 97, 2]);
    assert.deepEqual(bytes('abc'), [131, 109, 0, 0, 0, 3, 97, 98, 99]);
    assert.deepEqual(bytes('é'), [131, 109, 0, 0, 0, 2, 195, 169]);
    assert.deepEqual(bytes(Uint8Array.of(1, 2)), [131, 109, 0, 0, 0, 2, 1, 2]);
    assert.deepEqual(bytes(new BitBinary(Uint8Array.of(0xff), 3)), [131, 77, 0, 0, 0, 1, 3, 0xe0]);
    assert.deepEqual(bytes(new BitBinary(Uint8Array.of(7), 8)), [131, 109, 0, 0, 0, 1, 7]);
  });

  it('STRING_EXT up to 65535 elements, LIST_EXT past it (as term_to_binary)', () => {
    assert.equal(encode(new Array<number>(65535).fill(1)).length, 65539);
    assert.equal(encode(new Array<number>(65536).fill(1))[1], 108);
  });

  it('a large tuple is LARGE_TUPLE_EXT', () => {
    const b = encode(tuple(...new Array<number>(256).fill(0)));
    assert.deepEqual([...b.subarray(0, 6)], [131, 105, 0, 0, 1, 0]);
  });

  it('maps: small maps sorted in key order as OTP 25 writes them', () => {
    // term_to_binary(#{b => 1, a => 2, zz => 3, c => 4}, [{minor_version, 2}]) on OTP 25
    assert.deepEqual(
      bytes({ b: 1, a: 2, zz: 3, c: 4 }),
      [
        131, 116, 0, 0, 0, 4, 119, 1, 97, 97, 2, 119, 1, 98, 97, 1, 119, 1, 99, 97, 4, 119, 2, 122,
        122, 97, 3,
      ],
    );
    // #{zzz => 1, a => 2, 1 => x, 1.0 => y, "s" => z, <<"b">> => w}
    const m = new Map<Term, Term>([
      [atom('zzz'), 1],
      [atom('a'), 2],
      [1, atom('x')],
      [new Float(1), atom('y')],
      [[115], atom('z')],
      ['b', atom('w')],
    ]);
    assert.deepEqual(
      bytes(m),
      [
        131, 116, 0, 0, 0, 6, 97, 1, 119, 1, 120, 70, 63, 240, 0, 0, 0, 0, 0, 0, 119, 1, 121, 119,
        1, 97, 97, 2, 119, 3, 122, 122, 122, 97, 1, 107, 0, 1, 115, 119, 1, 122, 109, 0, 0, 0, 1,
        98, 119, 1, 119,
      ],
    );
  });

  it('pids, refs, ports, export funs', () => {
    const node = atom('nonode@nohost');
    const nodeBytes = [119, 13, ...Buffer.from('nonode@nohost')];
    // list_to_pid("<0.1.2>")
    assert.deepEqual(bytes(new Pid(node, 1, 2, 0)), [
      131,
      88,
      ...nodeBytes,
      0,
      0,
      0,
      1,
      0,
      0,
      0,
      2,
      0,
      0,
      0,
      0,
    ]);
    assert.deepEqual(bytes(new Ref(node, 0, [0x293c3d9, 0x4000184, 0x62e48])), [
      131,
      90,
      0,
      3,
      ...nodeBytes,
      0,
      0,
      0,
      0,
      2,
      147,
      195,
      217,
      4,
      0,
      1,
      132,
      0,
      6,
      46,
      72,
    ]);
    assert.deepEqual(bytes(new Port(node, 0n, 0)), [131, 89, ...nodeBytes, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(bytes(new Port(node, 1n << 40n, 0)), [
      131,
      120,
      ...nodeBytes,
      0,
      0,
      1,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
    ]);
    // fun erlang:node/0
    assert.deepEqual(
      bytes(new ExportFun(atom('erlang'), atom('node'), 0)),
      [131, 113, 119, 6, 101, 114, 108, 97, 110, 103, 119, 4, 110, 111, 100, 101, 97, 0],
    );
  });

  it('compressed: as term_to_binary(T, [compressed]), only when smaller', () => {
    assert.deepEqual(bytes('abc'), [...encode('abc', { compressed: true })]);
    const c = encode(new Array(100).fill(atom('a')), { compressed: true });
    assert.deepEqual([...c.subarray(0, 6)], [131, 80, 0, 0, 1, 50]);
  });
});

describe('term/encode: large binaries', () => {
  it('are copied once into the result, in order, also inside a fun', () => {
    const a = Buffer.alloc(100_000, 1);
    const b = Buffer.alloc(70_000, 2);
    const value = tuple(a, 'x', [b, a]);
    const bytes = encode(value);
    assert.equal(
      bytes.length,
      1 + 2 + (5 + a.length) + 6 + 5 + (5 + b.length) + (5 + a.length) + 1,
    );
    assert.ok(equals(decode(bytes), value));
    const f = new Fun({
      arity: 0,
      uniq: new Uint8Array(16),
      index: 0,
      module: atom('m'),
      oldIndex: 0,
      oldUniq: 0,
      pid: new Pid(atom('a@b'), 1, 0, 1),
      freeVars: [b],
    });
    const back = decode(encode(f)); // the decoder checks NEW_FUN_EXT's size field
    assert.ok(back instanceof Fun && equals(back.freeVars[0]!, b));
  });
});

describe('term/encode: results share a slab without overwriting each other', () => {
  it('keeps every earlier result intact across slabs, growth, errors and compression', () => {
    const made: [Term, Buffer][] = [];
    for (let i = 0; i < 5000; i++) {
      const t: Term =
        i % 997 === 0
          ? 'x'.repeat(70_000 + i) // outgrows the slab
          : i % 13 === 0
            ? new Array(200).fill(atom('z'))
            : tuple(i, 'v'.repeat(i % 50));
      if (i % 101 === 0) assert.throws(() => encode([undefined as unknown as Term]));
      made.push([t, encode(t, i % 13 === 0 ? { compressed: true } : undefined)]);
    }
    for (const [t, b] of made) assert.ok(equals(decode(b), t));
  });
});

describe('term/encode: encodeInto', () => {
  it('appends terms without the version byte', () => {
    const w = new Writer(16);
    w.u8(131).u8(68).u8(0);
    encodeInto(w, tuple(6, atom('a')));
    encodeInto(w, 'x'.repeat(100));
    const b = w.copy();
    assert.deepEqual([...b.subarray(0, 9)], [131, 68, 0, 104, 2, 97, 6, 119, 1]);
    assert.equal(b.length, 3 + 7 + 105);
  });

  it('rewinds the writer when a value cannot be encoded', () => {
    const w = new Writer();
    w.u8(1);
    assert.throws(() => encodeInto(w, [1, undefined as unknown as Term]), TermEncodeError);
    assert.equal(w.length, 1);
  });
});

describe('term/encode: values that are not terms', () => {
  const cases: [string, unknown, string][] = [
    ['undefined', undefined, '$'],
    ['NaN deep inside', { agents: [1, 2, 3, { score: NaN }] }, '$.agents[3].score'],
    ['Infinity in a tuple', tuple(1, Infinity), '$[1]'],
    ['a function', [() => 1], '$[0]'],
    ['a symbol', { 'odd key': Symbol('s') }, '$["odd key"]'],
    ['a Date', new Date(0), '$'],
    // eslint-disable-next-line no-sparse-arrays
    ['an array hole', [1, , 3], '$[1]'],
    ['a bad map value', new Map([[1, undefined]]), '$.<value 0>'],
    ['an improper tail', new ImproperList([1], undefined as unknown as Term), '$.tail'],
    ['a long atom key', { ['x'.repeat(256)]: 1 }, `$.${'x'.repeat(256)}`],
  ];
  for (const [what, value, path] of cases) {
    it(`refuses ${what} with the path ${path.length > 30 ? path.slice(0, 30) + '…' : path}`, () => {
      assert.throws(
        () => encode(value as Term),
        (e: unknown) => {
          assert.ok(e instanceof TermEncodeError);
          assert.equal(e.code, 'BL_ERR_TERM_ENCODE');
          assert.equal(e.path, path);
          return true;
        },
      );
    });
  }

  it('refuses a cycle and names where it closes', () => {
    const a: { self?: unknown; list: unknown[] } = { list: [] };
    a.list.push(1, a);
    assert.throws(
      () => encode(a as unknown as Term),
      (e: unknown) => {
        assert.ok(e instanceof TermEncodeError);
        assert.equal(e.path, '$.list[1]');
        assert.match(e.message, /cycle/);
        return true;
      },
    );
  });

  it('encodes the same object twice when it is shared, not cyclic', () => {
    const shared = [1, 2];
    let deep: Term = [shared, shared];
    for (let i = 0; i < 100; i++) deep = [deep, shared];
    assert.ok(encode(deep).length > 0);
  });

  it('refuses a value nested deeper than the stack with a typed error', () => {
    let deep: Term = [];
    for (let i = 0; i < 1_000_000; i++) deep = [deep];
    assert.throws(() => encode(deep), TermEncodeError);
  });
});

describe('term/encode: plain objects', () => {
  it('encode their own keys only, never inherited ones', () => {
    const inherited = Object.create({ inherited: 1 }) as { own?: number };
    inherited.own = 2;
    assert.deepEqual(decode(encode(inherited)), { own: 2 });
    assert.deepEqual(encode(inherited), encode({ own: 2 }));
  });

  it('ignore an enumerable property on Object.prototype', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.leaked = 1;
    try {
      assert.deepEqual(decode(encode({ a: 1, b: 2 })), { a: 1, b: 2 });
      assert.deepEqual(encode({ a: 1 }), Buffer.from([131, 116, 0, 0, 0, 1, 119, 1, 97, 97, 1]));
    } finally {
      delete proto.leaked;
    }
  });

  it('encode the same bytes whatever shapes came before (prefixes, nesting, alternation)', () => {
    // Each object against the map with the same entries: keys sorted, as term_to_binary has them.
    const viaMap = (o: Record<string, Term>): Buffer =>
      encode(new Map(Object.entries(o).map(([k, v]) => [atom(k), v] as [Term, Term])));
    const objects: Record<string, Term>[] = [
      { b: 1, a: 2 },
      { b: 1, a: 2, c: 3 },
      { b: 1 },
      { b: 1, a: 2 },
      { a: 2, b: 1 },
      { x: 1, y: 2 },
      { b: 1, a: 2 },
      {},
      { b: 1, a: 2 },
    ];
    for (let round = 0; round < 3; round++) {
      for (const o of objects) assert.deepEqual(encode(o), viaMap(o));
    }
    const nested: Term = { b: { b: 1, a: { z: 0 } }, a: [{ b: 1, a: 2 }, { c: 3 }] };
    for (let round = 0; round < 3; round++) {
      assert.deepEqual(decode(encode(nested)), nested);
    }
  });
});

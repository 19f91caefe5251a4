import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateSync } from 'node:zlib';
import {
  atom,
  Atom,
  BitBinary,
  decode,
  decodeAt,
  encode,
  equals,
  ExportFun,
  Float,
  Fun,
  ImproperList,
  Pid,
  Port,
  Ref,
  TermDecodeError,
  Tuple,
  tuple,
  type Term,
} from '../../../src/term/index.ts';

const d = (...b: number[]): Term => decode(Buffer.from([131, ...b]));

function rejects(bytes: number[], offset: number, pattern?: RegExp): void {
  assert.throws(
    () => decode(Buffer.from(bytes)),
    (e: unknown) => {
      assert.ok(e instanceof TermDecodeError, `not a TermDecodeError: ${String(e)}`);
      assert.equal(e.code, 'BL_ERR_TERM_DECODE');
      assert.equal(e.offset, offset, e.message);
      if (pattern) assert.match(e.message, pattern);
      return true;
    },
  );
}

describe('term/decode: every tag', () => {
  it('integers', () => {
    assert.equal(d(97, 200), 200);
    assert.equal(d(98, 255, 255, 255, 255), -1);
    assert.equal(d(110, 4, 1, 1, 0, 0, 128), -2147483649);
    assert.equal(d(110, 8, 0, 0, 0, 0, 0, 0, 0, 0, 1), 2n ** 56n);
    assert.equal(d(110, 7, 0, 255, 255, 255, 255, 255, 255, 31), 2 ** 53 - 1);
    assert.equal(d(111, 0, 0, 0, 1, 1, 5), -5);
    assert.equal(d(110, 0, 1), 0);
    assert.ok(Object.is(d(110, 1, 1, 0), 0));
  });

  it('floats: NEW_FLOAT_EXT and the old FLOAT_EXT', () => {
    assert.equal(d(70, 63, 248, 0, 0, 0, 0, 0, 0), 1.5);
    const one = d(70, 63, 240, 0, 0, 0, 0, 0, 0);
    assert.ok(one instanceof Float && one.value === 1);
    const text = Buffer.alloc(31);
    text.write('1.50000000000000000000e+00');
    assert.equal(d(99, ...text), 1.5);
    text.fill(0).write('-2.00000000000000000000e+00');
    assert.deepEqual(d(99, ...text), new Float(-2));
  });

  it('atoms in every form', () => {
    assert.equal(d(100, 0, 2, 111, 107), atom('ok'));
    assert.equal(d(115, 2, 111, 107), atom('ok'));
    assert.equal(d(118, 0, 2, 111, 107), atom('ok'));
    assert.equal(d(119, 2, 111, 107), atom('ok'));
    assert.equal(d(100, 0, 1, 0xf6), atom('ö')); // Latin-1
    assert.equal(d(119, 2, 0xc3, 0xb6), atom('ö')); // UTF-8
    assert.equal(d(119, 4, 116, 114, 117, 101), true);
    assert.equal(d(100, 0, 5, 102, 97, 108, 115, 101), false);
    assert.equal(d(119, 3, 110, 105, 108), null);
  });

  it('tuples, lists, strings, improper lists', () => {
    assert.deepEqual(d(104, 0), tuple());
    assert.deepEqual(d(105, 0, 0, 0, 2, 97, 1, 97, 2), tuple(1, 2));
    assert.deepEqual(d(106), []);
    assert.deepEqual(d(107, 0, 2, 104, 105), [104, 105]);
    assert.deepEqual(d(107, 0, 0), []);
    assert.deepEqual(d(108, 0, 0, 0, 2, 97, 1, 97, 2, 106), [1, 2]);
    const il = d(108, 0, 0, 0, 1, 97, 1, 97, 2);
    assert.ok(il instanceof ImproperList);
    assert.deepEqual(il.elements, [1]);
    assert.equal(il.tail, 2);
    // A list whose tail is itself a list is a proper list: [1 | [2]].
    assert.deepEqual(d(108, 0, 0, 0, 1, 97, 1, 107, 0, 1, 2), [1, 2]);
  });

  it('binaries: strings when UTF-8, bytes otherwise, configurable', () => {
    assert.equal(d(109, 0, 0, 0, 2, 195, 169), 'é');
    assert.equal(d(109, 0, 0, 0, 0), '');
    const raw = d(109, 0, 0, 0, 2, 255, 0);
    assert.ok(Buffer.isBuffer(raw));
    assert.deepEqual([...raw], [255, 0]);
    const asBuf = decode(Buffer.from([131, 109, 0, 0, 0, 1, 97]), { binaries: 'buffer' });
    assert.ok(Buffer.isBuffer(asBuf));
    assert.equal(
      decode(Buffer.from([131, 109, 0, 0, 0, 1, 255]), { binaries: 'string' }),
      '\ufffd',
    );
  });

  it('large byte binaries are views unless copyBinaries is set; small ones are copies', () => {
    const bytes = encode(tuple(Buffer.alloc(2000, 0xff), Buffer.alloc(10, 0xff)));
    const [big, small] = (decode(bytes) as Tuple).elements as [Buffer, Buffer];
    const copied = (decode(bytes, { copyBinaries: true }) as Tuple).elements[0] as Buffer;
    bytes.fill(0);
    assert.equal(big[0], 0, 'a view sees the input change');
    assert.equal(small[0], 0xff);
    assert.equal(copied[0], 0xff);
  });

  it('bit binaries keep their bits; the unused bits are cleared', () => {
    const b = d(77, 0, 0, 0, 1, 3, 0xff);
    assert.ok(b instanceof BitBinary);
    assert.equal(b.bits, 3);
    assert.deepEqual([...b.bytes], [0xe0]);
    assert.equal(d(77, 0, 0, 0, 1, 8, 97), 'a');
  });

  it('maps: plain objects for atom keys, Map otherwise', () => {
    assert.deepEqual(d(116, 0, 0, 0, 1, 119, 1, 97, 97, 1), { a: 1 });
    assert.deepEqual(d(116, 0, 0, 0, 0), {});
    const m = d(116, 0, 0, 0, 1, 109, 0, 0, 0, 1, 107, 97, 1);
    assert.ok(m instanceof Map);
    assert.equal(m.get('k'), 1);
    const proto = d(116, 0, 0, 0, 1, 119, 9, ...Buffer.from('__proto__'), 97, 1) as object;
    assert.equal(Object.getPrototypeOf(proto), Object.prototype);
    assert.deepEqual(Object.keys(proto), ['__proto__']);
  });

  it('pids, ports and references in every form', () => {
    const n = [119, 3, 97, 64, 98]; // a@b
    assert.deepEqual(
      d(88, ...n, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3),
      new Pid(atom('a@b'), 1, 2, 3),
    );
    assert.deepEqual(d(103, ...n, 0, 0, 0, 1, 0, 0, 0, 2, 3), new Pid(atom('a@b'), 1, 2, 3));
    assert.deepEqual(d(89, ...n, 0, 0, 0, 8, 0, 0, 0, 1), new Port(atom('a@b'), 8n, 1));
    assert.deepEqual(d(102, ...n, 0, 0, 0, 8, 1), new Port(atom('a@b'), 8n, 1));
    assert.deepEqual(
      d(120, ...n, 0, 0, 0, 1, 0, 0, 0, 8, 0, 0, 0, 1),
      new Port(atom('a@b'), (1n << 32n) + 8n, 1),
    );
    assert.deepEqual(d(101, ...n, 0, 0, 0, 9, 2), new Ref(atom('a@b'), 2, [9]));
    assert.deepEqual(
      d(114, 0, 2, ...n, 2, 0, 0, 0, 9, 0, 0, 0, 10),
      new Ref(atom('a@b'), 2, [9, 10]),
    );
    assert.deepEqual(d(90, 0, 1, ...n, 0, 0, 0, 2, 0, 0, 0, 9), new Ref(atom('a@b'), 2, [9]));
  });

  it('export funs', () => {
    assert.deepEqual(
      d(113, 100, 0, 6, ...Buffer.from('erlang'), 100, 0, 4, ...Buffer.from('node'), 97, 0),
      new ExportFun(atom('erlang'), atom('node'), 0),
    );
  });

  it('NEW_FUN_EXT decodes to Fun and encodes back byte for byte', () => {
    // fun() -> X end with X = 7, made on OTP 25 (erl_eval fun), bytes from term_to_binary.
    const pid = [
      88,
      100,
      0,
      13,
      ...Buffer.from('nonode@nohost'),
      0,
      0,
      0,
      80,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
    ];
    const body = [
      0, // arity
      ...new Array<number>(16).fill(7), // uniq
      0,
      0,
      0,
      3, // index
      0,
      0,
      0,
      1, // numfree
      100,
      0,
      1,
      109, // module 'm'
      97,
      3, // old index
      98,
      0,
      1,
      0,
      0, // old uniq
      ...pid,
      97,
      7, // free var
    ];
    const bytes = [131, 112, 0, 0, 0, body.length + 4, ...body];
    const f = decode(Buffer.from(bytes));
    assert.ok(f instanceof Fun);
    assert.equal(f.module, atom('m'));
    assert.equal(f.oldUniq, 65536);
    assert.deepEqual(f.freeVars, [7]);
    assert.deepEqual([...encode(f)], bytes);
    // Built from fields (not decoded) it encodes the same way, atoms in UTF-8 form.
    const copy = new Fun({ ...f, freeVars: f.freeVars });
    assert.ok(equals(decode(encode(copy)), f));
  });

  it('COMPRESSED', () => {
    const plain = encode(new Array(100).fill(atom('a')));
    const packed = deflateSync(plain.subarray(1));
    const size = plain.length - 1;
    const bytes = Buffer.concat([Buffer.from([131, 80, 0, 0, size >> 8, size & 255]), packed]);
    assert.ok(equals(decode(bytes), new Array(100).fill(atom('a'))));
  });
});

describe('term/decode: bad input raises TermDecodeError with the offset', () => {
  it('no version byte, empty, trailing bytes', () => {
    rejects([], 0, /empty/);
    rejects([130, 97, 1], 0, /version/);
    rejects([131, 97, 1, 0], 3, /after the term/);
    assert.equal(decode(Buffer.from([131, 97, 1, 0]), { allowTrailing: true }), 1);
  });

  it('truncations and impossible lengths', () => {
    rejects([131, 104, 2, 97], 3, /SMALL_INTEGER_EXT/);
    rejects([131, 104, 2, 97, 1], 5, /end of input/);
    rejects([131, 98, 0, 0], 1, /INTEGER_EXT/);
    rejects([131, 108, 255, 255, 255, 255, 106], 1, /exceeds/);
    rejects([131, 109, 255, 255, 255, 255], 1, /BINARY_EXT/);
    rejects([131, 116, 128, 0, 0, 0], 1, /MAP_EXT/);
    rejects([131, 105, 255, 255, 255, 255], 1, /LARGE_TUPLE_EXT/);
    rejects([131, 111, 255, 255, 255, 255, 0], 1, /LARGE_BIG_EXT/);
    rejects([131, 119, 10, 97], 1, /SMALL_ATOM_UTF8_EXT/);
  });

  it('unknown tags, LOCAL_EXT, misplaced COMPRESSED', () => {
    rejects([131, 104, 1, 200], 3, /unknown tag 200/);
    rejects([131, 121, 0, 0, 0, 0], 1, /LOCAL_EXT/);
    rejects([131, 104, 1, 80, 0, 0, 0, 1], 3, /COMPRESSED/);
  });

  it('bad atoms, floats, duplicate keys, atom cache refs without a table', () => {
    rejects([131, 119, 2, 0xc3, 0x28], 1, /UTF-8/);
    rejects([131, 70, 0x7f, 0xf0, 0, 0, 0, 0, 0, 0], 1, /finite/);
    rejects([131, 116, 0, 0, 0, 2, 119, 1, 97, 97, 1, 119, 1, 97, 97, 2], 1, /duplicate/);
    rejects([131, 82, 0], 1, /cache ref/);
    rejects([131, 100, 1, 44, ...new Array<number>(300).fill(97)], 1, /longer than 255/);
  });

  it('compression bombs and lies about sizes', () => {
    const bomb = deflateSync(Buffer.alloc(10_000_000));
    const sized = (n: number) =>
      Buffer.concat([
        Buffer.from([131, 80, n >>> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255]),
        bomb,
      ]);
    assert.throws(() => decode(sized(10_000_000), { maxInflatedSize: 1_000_000 }), /over the cap/);
    assert.throws(() => decode(sized(100)), TermDecodeError);
    assert.throws(() => decode(Buffer.from([131, 80, 0, 0, 0, 5, 1, 2, 3])), /zlib/);
  });

  it('a million nested lists decode without touching the call stack', () => {
    const n = 1_000_000;
    const bytes = Buffer.alloc(1 + n * 5 + 1 + n);
    bytes[0] = 131;
    for (let i = 0; i < n; i++) {
      bytes[1 + i * 5] = 108;
      bytes.writeUInt32BE(1, 2 + i * 5);
    }
    bytes.fill(106, 1 + n * 5);
    let v = decode(bytes);
    let depth = 0;
    while (Array.isArray(v) && v.length === 1) {
      v = v[0]!;
      depth++;
    }
    assert.equal(depth, n);
  });
});

describe('term/decode: decodeAt', () => {
  it('reads consecutive terms without version bytes and reports the offset', () => {
    const buf = Buffer.from([1, 2, 104, 1, 97, 5, 119, 1, 120]);
    const a = decodeAt(buf, 2);
    assert.deepEqual(a, { value: tuple(5), offset: 6 });
    const b = decodeAt(buf, a.offset);
    assert.equal(b.value, atom('x'));
    assert.equal(b.offset, buf.length);
  });

  it('resolves ATOM_CACHE_REF through atomRefs', () => {
    const v = decodeAt(Buffer.from([104, 2, 82, 0, 82, 1]), 0, {
      atomRefs: [atom('a'), atom('b')],
    });
    assert.ok(v.value instanceof Tuple);
    assert.deepEqual(v.value.elements, [atom('a'), atom('b')]);
  });

  it('with version: true, expects 131 and allows COMPRESSED', () => {
    const packed = encode(new Array(100).fill(atom('z')), { compressed: true });
    const buf = Buffer.concat([Buffer.from([0]), packed]);
    const r = decodeAt(buf, 1, { version: true });
    assert.equal((r.value as Atom[]).length, 100);
    assert.equal(r.offset, buf.length);
  });
});

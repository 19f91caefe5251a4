// The distribution header (erl_ext_dist "Distribution Header"). The first vector has the
// shape PROTOCOL-OTP25.md recorded from a real OTP 25 node:
// nrefs=4 new_entries=[{7,220,a@vm},{0,5,''},{4,120,rex},{5,8,features_request}].
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  atom,
  AtomCache,
  decodeAtomCacheRefs,
  decodeDistHeader,
  decodeDistMessage,
  encodeInto,
  Pid,
  TermDecodeError,
  Tuple,
  tuple,
  Writer,
  writeDistHeader,
  EMPTY_DIST_HEADER,
} from '../../../src/term/index.ts';

const text = (s: string) => [...Buffer.from(s)];

/** Flags: one half-byte per ref (low half for even refs), then LongAtoms in the next half. */
function flags(refs: { isNew: boolean; segment: number }[], longAtoms: boolean): number[] {
  const halves = refs.map((r) => (r.isNew ? 8 : 0) | r.segment);
  halves.push(longAtoms ? 1 : 0);
  const out: number[] = [];
  for (let i = 0; i < halves.length; i += 2) out.push(halves[i]! | ((halves[i + 1] ?? 0) << 4));
  return out;
}

const firstHeader = [
  131,
  68,
  4,
  ...flags(
    [
      { isNew: true, segment: 7 },
      { isNew: true, segment: 0 },
      { isNew: true, segment: 4 },
      { isNew: true, segment: 5 },
    ],
    false,
  ),
  220,
  4,
  ...text('a@vm'),
  5,
  0,
  120,
  3,
  ...text('rex'),
  8,
  16,
  ...text('features_request'),
];

describe('term/dist-header: decoding 131, 68 headers with an atom cache', () => {
  it('reads new entries and stores them in the cache', () => {
    const cache = new AtomCache();
    const bytes = Buffer.from([...firstHeader, 104, 2, 82, 2, 82, 3]);
    const hdr = decodeDistHeader(bytes, 0, cache);
    assert.deepEqual(hdr.refs, [atom('a@vm'), atom(''), atom('rex'), atom('features_request')]);
    assert.equal(hdr.offset, firstHeader.length);
    assert.equal(cache.get(7 * 256 + 220), atom('a@vm'));
    assert.equal(cache.get(4 * 256 + 120), atom('rex'));
    assert.equal(cache.size, 4);
  });

  it('resolves old refs from the cache in later headers, and ATOM_CACHE_REF in the terms', () => {
    const cache = new AtomCache();
    decodeDistHeader(Buffer.from(firstHeader), 0, cache);
    // REG_SEND {6, From, '', rex} with rex and '' as old refs, then a payload.
    const from = [88, 82, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 1];
    const msg = Buffer.from([
      131,
      68,
      3,
      ...flags(
        [
          { isNew: false, segment: 7 },
          { isNew: false, segment: 0 },
          { isNew: false, segment: 4 },
        ],
        false,
      ),
      220,
      5,
      120,
      104,
      4,
      97,
      6,
      ...from,
      82,
      1,
      82,
      2,
      104,
      2,
      82,
      2,
      97,
      1,
    ]);
    const { control, payload } = decodeDistMessage(msg, 0, cache);
    assert.ok(control instanceof Tuple);
    assert.deepEqual(control.elements, [6, new Pid(atom('a@vm'), 9, 0, 1), atom(''), atom('rex')]);
    assert.deepEqual(payload, tuple(atom('rex'), 1));
  });

  it('reads long atoms (2-byte lengths) when the LongAtoms flag is set', () => {
    const name = 'ä'.repeat(150); // 300 bytes
    const bytes = Buffer.from([
      131,
      68,
      1,
      ...flags([{ isNew: true, segment: 2 }], true),
      9,
      1,
      44,
      ...text(name),
    ]);
    const cache = new AtomCache();
    assert.deepEqual(decodeDistHeader(bytes, 0, cache).refs, [atom(name)]);
    assert.equal(cache.get(2 * 256 + 9), atom(name));
  });

  it('decodes the shared part of a fragment header at an offset', () => {
    const bytes = Buffer.from([0, 0, 1, ...flags([{ isNew: true, segment: 1 }], false), 3, 1, 120]);
    const hdr = decodeAtomCacheRefs(bytes, 2, new AtomCache());
    assert.deepEqual(hdr.refs, [atom('x')]);
    assert.equal(hdr.offset, bytes.length);
  });

  it('a header with no refs: 131, 68, 0', () => {
    const hdr = decodeDistHeader(Buffer.from([131, 68, 0, 97, 1]), 0, new AtomCache());
    assert.deepEqual(hdr, { refs: [], offset: 3 });
  });

  it('rejects refs to empty entries, truncation and bad text with TermDecodeError', () => {
    const cache = new AtomCache();
    const old = Buffer.from([131, 68, 1, ...flags([{ isNew: false, segment: 3 }], false), 7]);
    assert.throws(() => decodeDistHeader(old, 0, cache), /empty entry/);
    for (let n = 0; n < firstHeader.length; n++) {
      assert.throws(
        () => decodeDistHeader(Buffer.from(firstHeader.slice(0, n)), 0, cache),
        TermDecodeError,
      );
    }
    const bad = Buffer.from([
      131,
      68,
      1,
      ...flags([{ isNew: true, segment: 0 }], false),
      1,
      2,
      0xc3,
      0x28,
    ]);
    assert.throws(() => decodeDistHeader(bad, 0, cache), /UTF-8/);
    assert.throws(() => decodeDistHeader(Buffer.from([131, 112]), 0, cache), /expected 68/);
    assert.throws(
      () => decodeDistMessage(Buffer.from([131, 68, 0, 97, 1, 97, 2, 0]), 0, cache),
      /after the payload/,
    );
  });
});

describe('term/dist-header: writing', () => {
  it('writes 131, 68, 0 and terms without version bytes', () => {
    const w = new Writer();
    writeDistHeader(w);
    encodeInto(w, tuple(6, atom('x')));
    encodeInto(w, 1);
    assert.deepEqual([...w.copy()], [131, 68, 0, 104, 2, 97, 6, 119, 1, 120, 97, 1]);
    assert.deepEqual([...EMPTY_DIST_HEADER], [131, 68, 0]);
    const { control, payload } = decodeDistMessage(w.copy(), 0, new AtomCache());
    assert.deepEqual(control, tuple(6, atom('x')));
    assert.equal(payload, 1);
  });
});

// fast-check generators of terms, shared by the unit round-trip, the fuzz and the
// differential interop tests.
import fc from 'fast-check';
import {
  atom,
  BitBinary,
  equals,
  ExportFun,
  Float,
  ImproperList,
  Pid,
  Port,
  Ref,
  Tuple,
  type Atom,
  type Term,
} from '../../../src/term/index.ts';

const atomName = fc.oneof(
  fc.constantFrom('ok', 'error', 'a', 'hello world', 'Elixir.Foo', 'ö', 'ünïcødé', "it's", 'x\\y'),
  fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/),
  fc.string({ minLength: 0, maxLength: 8, unit: 'grapheme' }),
);
export const atomArb: fc.Arbitrary<Atom> = atomName.map((s) => atom(s));

const finiteFloat = fc.double({ noNaN: true, noDefaultInfinity: true });

/** Plain data: everything but pids, refs, ports and closures (expressible as Erlang source). */
export function dataTerm(options: { maxDepth?: number } = {}): fc.Arbitrary<Term> {
  const leaf: fc.Arbitrary<Term> = fc.oneof(
    fc.integer({ min: -300, max: 300 }),
    fc.integer(),
    fc.maxSafeInteger(),
    fc.bigInt({ min: -(1n << 200n), max: 1n << 200n }),
    finiteFloat.map((x) => (Number.isInteger(x) ? new Float(x) : x)),
    fc.boolean(),
    fc.constant(null),
    atomArb,
    fc.string({ maxLength: 20 }),
    fc.string({ maxLength: 10, unit: 'grapheme' }),
    fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b)),
    fc
      .tuple(fc.uint8Array({ minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 7 }))
      .map(([b, bits]) => {
        const bytes = Uint8Array.from(b);
        bytes[bytes.length - 1] = bytes[bytes.length - 1]! & ((0xff << (8 - bits)) & 0xff);
        return new BitBinary(bytes, bits);
      }),
    fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 10 }),
    fc.constant([]),
    fc
      .tuple(atomArb, atomArb, fc.integer({ min: 0, max: 255 }))
      .map(([m, f, a]) => new ExportFun(m, f, a)),
  );
  return fc.letrec<{ term: Term }>((tie) => ({
    term: fc.oneof(
      { depthSize: 'small', maxDepth: options.maxDepth ?? 4 },
      leaf,
      fc.array(tie('term'), { maxLength: 5 }).map((xs) => new Tuple(xs)),
      fc.array(tie('term'), { maxLength: 5 }),
      fc
        .tuple(fc.array(tie('term'), { minLength: 1, maxLength: 3 }), tie('term'))
        .filter(([, t]) => !Array.isArray(t) && !(t instanceof ImproperList))
        .map(([xs, t]) => new ImproperList(xs, t)),
      fc.dictionary(fc.stringMatching(/^[a-z_]{1,8}$/), tie('term'), { maxKeys: 5 }),
      fc
        .array(fc.tuple(tie('term'), tie('term')), { maxLength: 4 })
        .map((kv) => new Map(kv.filter(([k], i) => kv.findIndex(([j]) => equals(j, k)) === i))),
    ),
  })).term;
}

const nodeArb = fc.constantFrom('a@host', 'nonode@nohost', 'ünï@høst').map((s) => atom(s));
const u32 = fc.integer({ min: 0, max: 0xffffffff });

/** Every kind of term, identifiers included. */
export function anyTerm(): fc.Arbitrary<Term> {
  const ids: fc.Arbitrary<Term> = fc.oneof(
    fc.tuple(nodeArb, u32, u32, u32).map(([n, i, s, c]) => new Pid(n, i, s, c)),
    fc
      .tuple(nodeArb, u32, fc.array(u32, { minLength: 1, maxLength: 5 }))
      .map(([n, c, xs]) => new Ref(n, c, xs)),
    fc
      .tuple(nodeArb, fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), u32)
      .map(([n, i, c]) => new Port(n, i, c)),
  );
  return fc.oneof(
    dataTerm(),
    ids,
    fc.array(fc.oneof(dataTerm({ maxDepth: 2 }), ids), { maxLength: 4 }),
  );
}

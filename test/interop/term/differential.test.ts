// Differential test against a real erl, both directions, on each release.
//
// fast-check generates thousands of terms. Each is given to erl twice, independently:
// as beamlink's bytes (hex) and as Erlang source text (beamlink's Erlang-style printer).
//   beamlink -> erl: binary_to_term(Bytes) =:= Literal must hold on the erl side;
//   erl -> beamlink: term_to_binary(Literal) must decode in beamlink to a value equal to
//                    the generated one.
// Terms travel in batches, so thousands take seconds.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { decode, encode, equals, format, Tuple, type Term } from '../../../src/term/index.ts';
import { ErlangPeer, erlangReleases, interopSkipReason } from '../../support/erlang-peer.ts';
import { dataTerm } from '../../unit/term/arbitrary.ts';

const TERMS = 2500;
const BATCH = 250;
const seed = Number(process.env.BEAMLINK_SEED ?? Date.now() % 2 ** 31);

const skip = interopSkipReason();

describe('interop/term: differential against binary_to_term / term_to_binary', { skip }, () => {
  const terms: Term[] = fc.sample(dataTerm(), { numRuns: TERMS, seed });

  for (const release of skip ? [] : erlangReleases()) {
    describe(release.label, () => {
      let peer: ErlangPeer;
      before(async () => {
        peer = await ErlangPeer.start({ release });
      });
      after(async () => {
        await peer?.stop();
      });

      it(`${TERMS} generated terms agree both ways (seed ${seed})`, async () => {
        let checked = 0;
        for (let start = 0; start < terms.length; start += BATCH) {
          const batch = terms.slice(start, start + BATCH);
          const items = batch.map(
            (t) => `{<<"${encode(t).toString('hex')}">>, ${format(t, { style: 'erlang' })}}`,
          );
          const src =
            `[{binary_to_term(binary:decode_hex(H)) =:= L, term_to_binary(L)} ` +
            `|| {H, L} <- [${items.join(',\n')}]].`;
          const r = await peer.evalFull(src, 120_000);
          const results = decode(r.bytes, { binaries: 'buffer' }) as Tuple[];
          assert.equal(results.length, batch.length);
          results.forEach((res, i) => {
            const t = batch[i]!;
            const [same, bytes] = res.elements as [boolean, Buffer];
            const what = `${format(t, { style: 'erlang' })} (seed ${seed}, #${start + i})`;
            assert.equal(same, true, `binary_to_term(encode(T)) =/= T for ${what}`);
            const back = decode(bytes);
            assert.ok(equals(back, t), `erl's bytes decoded to ${format(back)} for ${what}`);
            checked++;
          });
        }
        assert.equal(checked, TERMS);
      });
    });
  }
});

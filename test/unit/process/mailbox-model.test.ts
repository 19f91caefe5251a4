// The mailbox against an array model: any sequence of push / shift / selective take /
// removeAll gives the same results and the same remaining order (fast-check, time-boxed).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { Mailbox } from '../../../src/process/index.ts';

type Op =
  | { kind: 'push'; value: number }
  | { kind: 'shift' }
  | { kind: 'take'; mod: number; rest: number }
  | { kind: 'removeAll'; mod: number; rest: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('push' as const),
      value: fc.integer({ min: 0, max: 1000 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('shift' as const) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('take' as const),
      mod: fc.integer({ min: 1, max: 7 }),
      rest: fc.integer({ min: 0, max: 6 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('removeAll' as const),
      mod: fc.integer({ min: 2, max: 7 }),
      rest: fc.integer({ min: 0, max: 6 }),
    }),
  },
);

it('process/mailbox: behaves as an array under any sequence of operations', () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 600 }), (ops) => {
      const box = new Mailbox();
      const model: number[] = [];
      for (const o of ops) {
        if (o.kind === 'push') {
          box.push(o.value);
          model.push(o.value);
        } else if (o.kind === 'shift') {
          assert.equal(box.shift(), model.shift());
        } else {
          const match = (m: unknown) => (m as number) % o.mod === o.rest % o.mod;
          if (o.kind === 'take') {
            const i = model.findIndex(match);
            assert.equal(box.take(match), i === -1 ? undefined : model.splice(i, 1)[0]);
          } else {
            const before = model.length;
            const kept = model.filter((m) => !match(m));
            assert.equal(box.removeAll(match), before - kept.length);
            model.splice(0, model.length, ...kept);
          }
        }
        assert.equal(box.length, model.length);
      }
      assert.deepEqual(box.toArray(), model);
    }),
    { numRuns: 300, interruptAfterTimeLimit: 20_000 },
  );
});

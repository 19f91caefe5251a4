// Whatever a peer puts in an erpc request (any module, function and argument terms),
// execute() ends in one of the four shapes, never throws, and the exit reason, the rex
// reply and the rpc mapping all encode: the caller always gets an answer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Runtime } from '../../../src/process/index.ts';
import {
  erpcExitReason,
  ErpcError,
  execute,
  ModuleRegistry,
  rexReply,
  rpcify,
  settle,
  type Outcome,
  type RpcHost,
} from '../../../src/rpc/index.ts';
import { encode } from '../../../src/term/encode.ts';
import { equals } from '../../../src/term/equals.ts';
import { Atom, atom, Tuple, type Term } from '../../../src/term/types.ts';
import { anyTerm } from '../term/arbitrary.ts';

const seed = Number(process.env.BEAMLINK_SEED ?? Date.now() % 2 ** 31);

describe('rpc/execute: arbitrary requests', () => {
  const runtime = new Runtime({ node: 'p@mem', logger: { log() {} } });
  const host: RpcHost = {
    runtime,
    nodes: () => [],
    connect: async () => false,
    disconnect: () => false,
    ping: async () => 'pang',
  };
  // no built-ins: random arguments must not reach timer:sleep or friends
  const registry = new ModuleRegistry();
  registry.define('p', {
    echo: (x: Term) => x,
    first: (xs: Term) => (Array.isArray(xs) && xs.length > 0 ? (xs[0] as Term) : atom('none')),
    boom: (x: Term) => {
      throw new Error(`boom ${typeof x}`);
    },
  });
  const run = (m: Term, f: Term, a: Term): Promise<Outcome> =>
    new Promise((resolve) =>
      runtime.spawn(async (self) =>
        resolve(
          await execute(registry, host, self, {
            module: m,
            function: f,
            args: a,
            caller: undefined,
          }),
        ),
      ),
    );

  it('rpc/execute: any M, F, A gives an encodable answer; echo returns its argument', async () => {
    const fnArb = fc.oneof(fc.constantFrom(atom('echo'), atom('first'), atom('boom')), anyTerm());
    const modArb = fc.oneof(fc.constant(atom('p')), anyTerm());
    const argsArb = fc.oneof(fc.array(anyTerm(), { maxLength: 3 }), anyTerm());
    await fc.assert(
      fc.asyncProperty(modArb, fnArb, argsArb, async (m, f, a) => {
        const out = await run(m, f, a);
        const res = runtime.makeRef();
        encode(erpcExitReason(res, out));
        encode(rexReply(out));
        const s = settle(res, { type: 'down', reason: erpcExitReason(res, out) }, 'p@mem', 'x');
        if (!s.ok) {
          assert.ok(s.error instanceof ErpcError);
          const r = rpcify(s.error);
          if (r !== undefined) encode(r);
        }
        const validShape = m instanceof Atom && f instanceof Atom && Array.isArray(a);
        if (!validShape) {
          assert.equal(out.kind, 'error');
          assert.equal(out.kind === 'error' && out.reason, atom('badarg'));
        } else if (m === atom('p') && f === atom('echo') && (a as Term[]).length === 1) {
          assert.equal(out.kind, 'return');
          assert.ok(out.kind === 'return' && equals(out.value, (a as Term[])[0]!));
        } else if (registry.lookup(m, f, (a as Term[]).length) === undefined) {
          assert.equal(out.kind, 'error');
          assert.ok(out.kind === 'error' && out.reason === atom('undef'));
          assert.ok(
            out.kind === 'error' &&
              equals(out.stack[0]!, new Tuple([m, f, [...(a as Term[])], []])),
          );
        }
      }),
      { seed, numRuns: 400, interruptAfterTimeLimit: 20_000 },
    );
    assert.equal(runtime.processCount, 0);
  });
});

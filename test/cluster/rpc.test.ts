// rpc/erpc among beamlink nodes in one JS process, over real TCP with beamlink's own port
// mapper: calls both ways, the four result shapes, undef, timeouts, a node stopping
// mid-call, multicall with a stopped node, rex between beamlink nodes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EpmdDaemon } from '../../src/epmd/daemon.ts';
import { formatTerm } from '../../src/process/format.ts';
import { memoryLogger } from '../../src/process/logger.ts';
import {
  erlError,
  erlExit,
  erlThrow,
  ErpcError,
  startRpcNode,
  type CallContext,
  type RpcBeamNode,
} from '../../src/rpc/index.ts';
import { atom, Tuple, tuple, type Atom, type Term } from '../../src/term/types.ts';

let counter = 0;
const uniq = (p: string): string => `${p}_${process.pid}_${++counter}`;
const text = (t: Term): string => formatTerm(t);

describe('cluster/rpc: beamlink nodes calling each other', () => {
  let epmd: EpmdDaemon;
  let a: RpcBeamNode;
  let b: RpcBeamNode;
  let c: RpcBeamNode;

  const start = (prefix: string): Promise<RpcBeamNode> =>
    startRpcNode({
      sname: uniq(prefix),
      cookie: 'rpc_cluster',
      epmdPort: epmd.port,
      logger: memoryLogger(),
      rpc: {
        modules: {
          kv: {
            echo: (x: Term) => x,
            add: (x: number, y: number) => x + y,
            thrower: (v: Term) => erlThrow(v),
            exiter: (r: Term) => erlExit(r),
            errorer: (r: Term) => erlError(r),
            node_of: function (this: CallContext) {
              return this.runtime.node;
            },
          },
        },
      },
    });

  before(async () => {
    epmd = await EpmdDaemon.start({ port: 0 });
    [a, b, c] = await Promise.all([start('a'), start('b'), start('c')]);
  });
  after(async () => {
    for (const n of [a, b, c]) await n?.stop();
    await epmd?.stop();
  });

  it('cluster/rpc: calls built-ins and registered functions both ways', async () => {
    assert.equal(await a.rpc.call(b.name, 'Elixir.Node', 'self', []), atom(b.name));
    assert.equal(await b.rpc.call(a.name, 'erlang', 'node', []), atom(a.name));
    assert.equal(await a.rpc.erpc.call(b.name, 'kv', 'add', [20, 22]), 42);
    const v = tuple(atom('x'), [1, 2n ** 80n, 'ü', Uint8Array.of(255)], { k: [] });
    assert.equal(text((await a.rpc.call(b.name, 'kv', 'echo', [v])) as Term), text(v));
  });

  it('cluster/rpc: the four result shapes and undef', async () => {
    assert.equal(await a.rpc.call(b.name, 'kv', 'thrower', [atom('t')]), atom('t'));
    assert.equal(
      text(await a.rpc.call(b.name, 'kv', 'exiter', [atom('r')])),
      "{badrpc,{'EXIT',r}}",
    );
    assert.equal(
      text(await a.rpc.call(b.name, 'kv', 'errorer', [atom('e')])),
      "{badrpc,{'EXIT',{e,[{kv,errorer,1,[]}]}}}",
    );
    assert.equal(
      text(await a.rpc.call(b.name, 'NonExistent', 'foo', [])),
      "{badrpc,{'EXIT',{undef,[{'NonExistent',foo,[],[]}]}}}",
    );
    await assert.rejects(a.rpc.erpc.call(b.name, 'kv', 'exiter', [atom('r')]), (e: unknown) => {
      assert.ok(e instanceof ErpcError);
      assert.equal(e.kind, 'exit');
      assert.equal(text(e.reason), '{exception,r}');
      return true;
    });
  });

  it('cluster/rpc: nested calls: a function on b calls c', async () => {
    b.rpc.modules.define('hop', {
      via: async (target: Term) => {
        const r = await b.rpc.erpc.call(target as Atom, 'kv', 'node_of', []);
        return tuple(atom(b.name), r);
      },
    });
    const r = (await a.rpc.call(b.name, 'hop', 'via', [atom(c.name)])) as Tuple;
    assert.equal(text(r), `{${b.name},${c.name}}`);
    // a failure deep down re-raises as erpc raised it
    b.rpc.modules.define('hop2', {
      via: async (target: Term) => b.rpc.erpc.call(target as Atom, 'kv', 'exiter', [atom('deep')]),
    });
    assert.equal(
      text(await a.rpc.call(b.name, 'hop2', 'via', [atom(c.name)])),
      "{badrpc,{'EXIT',{exception,deep}}}",
    );
  });

  it('cluster/rpc: a timeout gives {badrpc, timeout}; the next call is unaffected', async () => {
    assert.equal(text(await a.rpc.call(b.name, 'timer', 'sleep', [2000], 100)), '{badrpc,timeout}');
    assert.equal(await a.rpc.call(b.name, 'kv', 'add', [1, 1]), 2);
  });

  it('cluster/rpc: rex between beamlink nodes', async () => {
    const got = await new Promise<Term>((resolve) => {
      a.spawn(async (self) => {
        const ref = self.makeRef();
        self.send(
          ['rex', b.name],
          tuple(
            atom('$gen_call'),
            tuple(self.pid, ref),
            tuple(atom('call'), atom('kv'), atom('add'), [3, 4], atom('user')),
          ),
        );
        resolve((await self.receive()) as Term);
      });
    });
    assert.equal((got as Tuple).elements[1], 7);
  });

  it('cluster/rpc: the connection lost mid-call gives {badrpc, nodedown}; multicall lists the node; a stopped node is nodedown', async () => {
    const d = await start('d');
    assert.equal(await a.rpc.call(d.name, 'erlang', 'node', []), atom(d.name));
    const pending = a.rpc.call(d.name, 'timer', 'sleep', [60_000]);
    const multi = a.rpc.multicall([a.name, b.name, c.name, d.name], 'timer', 'sleep', [300]);
    const deadline = Date.now() + 10_000;
    while (
      d.runtime
        .processes()
        .filter((p) => d.runtime.processInfo(p)?.currentFunction === 'erpc:execute_call/4').length <
      2
    ) {
      if (Date.now() > deadline) throw new Error('the calls did not reach d');
      await new Promise((r) => setTimeout(r, 5));
    }
    d.disconnect(a.name);
    assert.equal(text(await pending), '{badrpc,nodedown}');
    const m = await multi;
    assert.deepEqual(m.badNodes, [atom(d.name)]);
    assert.deepEqual(m.results.map(text), ['ok', 'ok', 'ok']);
    await d.stop();
    assert.equal(text(await a.rpc.call(d.name, 'erlang', 'node', [])), '{badrpc,nodedown}');
  });
});

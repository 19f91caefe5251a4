// rpc/erpc between runtimes wired in memory: serving and calling, the four result shapes,
// undef, timeouts, nodedown, multicall, rex, plain spawns of registered functions.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Runtime } from '../../../src/process/index.ts';
import {
  attachRpc,
  erlError,
  erlExit,
  erlThrow,
  ErpcError,
  isBadRpc,
  type CallContext,
  type Rpc,
} from '../../../src/rpc/index.ts';
import { formatTerm } from '../../../src/process/format.ts';
import {
  atom,
  ImproperList,
  Pid,
  Ref,
  Tuple,
  tuple,
  type Atom,
  type Term,
} from '../../../src/term/types.ts';
import { MemoryNetwork } from '../../support/memory-distribution.ts';

const quiet = { log() {} };

function host(net: MemoryNetwork, name: string, peers: () => Atom[]) {
  const runtime = net.add(new Runtime({ node: name, logger: quiet }));
  return {
    runtime,
    nodes: () => peers().filter((n) => n !== runtime.node),
    connect: async () => true,
    disconnect: () => true,
    ping: async () => 'pong' as const,
  };
}

const text = (t: Term): string => formatTerm(t);

async function until(pred: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('rpc: between runtimes in memory', () => {
  const net = new MemoryNetwork();
  const names = [atom('a@mem'), atom('b@mem'), atom('c@mem')];
  let a: Rpc;
  let b: Rpc;
  let rtA: Runtime;
  let rtB: Runtime;

  before(() => {
    const ha = host(net, 'a@mem', () => names);
    const hb = host(net, 'b@mem', () => names);
    rtA = ha.runtime;
    rtB = hb.runtime;
    a = attachRpc(ha);
    b = attachRpc(hb, {
      modules: {
        my_mod: {
          add: (x: number, y: number) => x + y,
          echo: (x: Term) => x,
          slow: async (ms: number) => {
            await new Promise((r) => setTimeout(r, ms));
            return 'done';
          },
          thrower: (v: Term) => erlThrow(v),
          exiter: (r: Term) => erlExit(r),
          errorer: (r: Term) => erlError(r),
          crasher: () => {
            throw new TypeError('nope');
          },
          nothing: () => undefined,
          bad: () => ({ when: new Date(0) }),
          whoami: function (this: CallContext) {
            return tuple(this.self.pid, this.caller ?? atom('undefined'));
          },
          waiter: async function (this: CallContext) {
            const m = await this.self.receive();
            return m ?? null;
          },
        },
      },
    });
  });

  it('rpc/erpc: calls a registered TypeScript function on another node', async () => {
    assert.equal(await a.call('b@mem', 'my_mod', 'add', [1, 2]), 3);
    assert.equal(await a.erpc.call('b@mem', 'my_mod', 'slow', [5]), 'done');
    assert.equal(await a.call('b@mem', 'my_mod', 'nothing', []), atom('ok'));
    const v = tuple(atom('x'), [1, 2n ** 70n, 'str'], new Map<Term, Term>([[1, 2]]));
    assert.equal(text((await a.call('b@mem', 'my_mod', 'echo', [v])) as Term), text(v));
  });

  it('rpc/builtins: Node.self, erlang:node/nodes, system_info, Process.whereis', async () => {
    assert.equal(await a.call('b@mem', 'Elixir.Node', 'self', []), atom('b@mem'));
    assert.equal(await a.call('b@mem', 'erlang', 'node', []), atom('b@mem'));
    assert.deepEqual(await a.call('b@mem', 'erlang', 'nodes', []), [atom('a@mem'), atom('c@mem')]);
    assert.deepEqual(await a.call('b@mem', 'erlang', 'nodes', [atom('this')]), [atom('b@mem')]);
    assert.deepEqual(
      await a.call('b@mem', 'erlang', 'system_info', [atom('otp_release')]),
      [50, 53],
    );
    assert.equal(await a.call('b@mem', 'Elixir.Process', 'whereis', [atom('nobody')]), null);
    assert.ok((await a.call('b@mem', 'Elixir.Process', 'whereis', [atom('rex')])) instanceof Pid);
    assert.equal(await a.call('b@mem', 'erlang', 'whereis', [atom('nobody')]), atom('undefined'));
    const tup = await a.call('b@mem', 'erlang', 'list_to_tuple', [[1, 2]]);
    assert.equal(text(tup), '{1,2}');
    const info = await a.call('b@mem', 'erlang', 'system_info', [atom('no_such_key')]);
    assert.equal(text(info), "{badrpc,{'EXIT',{badarg,[{erlang,system_info,[no_such_key],[]}]}}}");
  });

  it('rpc/erpc: throw, exit, error and undef reach the caller in erpc and rpc shapes', async () => {
    assert.equal(await a.call('b@mem', 'my_mod', 'thrower', [atom('t')]), atom('t'));
    assert.equal(
      text(await a.call('b@mem', 'my_mod', 'exiter', [atom('r')])),
      "{badrpc,{'EXIT',r}}",
    );
    assert.equal(
      text(await a.call('b@mem', 'my_mod', 'errorer', [atom('e')])),
      "{badrpc,{'EXIT',{e,[{my_mod,errorer,1,[]}]}}}",
    );
    assert.equal(
      text(await a.call('b@mem', 'no_mod', 'foo', [1])),
      "{badrpc,{'EXIT',{undef,[{no_mod,foo,[1],[]}]}}}",
    );
    assert.equal(
      text(await a.call('b@mem', 'my_mod', 'add', [1])),
      "{badrpc,{'EXIT',{undef,[{my_mod,add,[1],[]}]}}}",
    );
    const shapes: [string, Term[], string, string][] = [
      ['thrower', [atom('t')], 'throw', 't'],
      ['exiter', [atom('r')], 'exit', '{exception,r}'],
      ['errorer', [atom('e')], 'error', '{exception,e,[{my_mod,errorer,1,[]}]}'],
    ];
    for (const [fn, args, kind, reason] of shapes) {
      await assert.rejects(a.erpc.call('b@mem', 'my_mod', fn, args), (e: unknown) => {
        assert.ok(e instanceof ErpcError);
        assert.equal(e.kind, kind);
        assert.equal(text(e.reason), reason);
        return true;
      });
    }
    const crash = await a.call('b@mem', 'my_mod', 'crasher', []);
    assert.match(text(crash), /^\{badrpc,\{'EXIT',\{\{js_error,<<"TypeError">>,<<"nope">>\},\[/);
    const bad = await a.call('b@mem', 'my_mod', 'bad', []);
    assert.match(text(bad), /^\{badrpc,\{'EXIT',\{\{bad_return_value,<<"\.when: Date">>\}/);
  });

  it('rpc/erpc: a call that outlives its timeout gives {badrpc, timeout} and is demonitored', async () => {
    const before = net.trace.length;
    const r = await a.call('b@mem', 'timer', 'sleep', [300], 30);
    assert.equal(text(r), '{badrpc,timeout}');
    await until(() => net.trace.slice(before).some((t) => t.message.op === 'DEMONITOR_P'));
    await assert.rejects(a.erpc.call('b@mem', 'timer', 'sleep', [300], 10), (e: unknown) => {
      assert.ok(e instanceof ErpcError);
      assert.equal(text(e.reason), '{erpc,timeout}');
      return true;
    });
  });

  it('rpc/erpc: overlapping calls get their own answers, a timed-out one among them', async () => {
    // the first call waits alone, the others queue beside it; it times out first
    const first = a.call('b@mem', 'my_mod', 'slow', [300], 30);
    const others = Promise.all([
      a.call('b@mem', 'my_mod', 'echo', ['two']),
      a.call('b@mem', 'my_mod', 'slow', [60]),
      a.erpc.call('b@mem', 'my_mod', 'add', [1, 2], 5000),
      a.erpc.settled('b@mem', 'my_mod', 'thrower', [atom('t')]),
    ]);
    assert.equal(text(await first), '{badrpc,timeout}');
    const [two, done, three, thrown] = await others;
    assert.equal(text(two), '<<"two">>');
    assert.equal(text(done), '<<"done">>');
    assert.equal(three, 3);
    assert.ok(!thrown.ok && thrown.error.kind === 'throw' && text(thrown.error.reason) === 't');
    // and a call on its own afterwards
    assert.equal(await a.call('b@mem', 'my_mod', 'add', [2, 2]), 4);
  });

  it('rpc/erpc: arguments that are not terms are refused at once with badarg', async () => {
    await assert.rejects(
      a.erpc.call('b@mem', 'my_mod', 'echo', [[1, undefined as never]]),
      (e: unknown) => {
        assert.ok(e instanceof ErpcError);
        assert.equal(text(e.reason), '{erpc,badarg}');
        assert.match(e.message, /args\[0\]\[1\]: undefined/);
        return true;
      },
    );
    await assert.rejects(a.call('b@mem', 'my_mod', 'echo', [new Date() as never]), ErpcError);
    assert.throws(() => a.cast('b@mem', 'my_mod', 'echo', [() => 1] as never), ErpcError);
  });

  it('rpc/erpc: an unknown node gives {badrpc, nodedown}', async () => {
    const r = await a.call('nobody@mem', 'erlang', 'node', []);
    assert.ok(isBadRpc(r));
    assert.equal(isBadRpc(await a.call('b@mem', 'erlang', 'node', [])), false);
    assert.equal(text(await a.call('nobody@mem', 'erlang', 'node', [])), '{badrpc,nodedown}');
    await assert.rejects(a.erpc.call('nobody@mem', 'erlang', 'node', []), (e: unknown) => {
      assert.ok(e instanceof ErpcError);
      assert.equal(text(e.reason), '{erpc,noconnection}');
      return true;
    });
  });

  it('rpc: the node going down mid-call gives {badrpc, nodedown}', async () => {
    const call = a.call('b@mem', 'timer', 'sleep', [2000]);
    await until(() =>
      rtB.processes().some((p) => rtB.processInfo(p)?.currentFunction === 'erpc:execute_call/4'),
    );
    net.disconnect('a@mem', 'b@mem');
    assert.equal(text(await call), '{badrpc,nodedown}');
    net.reconnect('a@mem', 'b@mem');
    assert.equal(await a.call('b@mem', 'erlang', 'node', []), atom('b@mem'));
  });

  it('rpc: multicall puts down nodes in badNodes', async () => {
    const r = await a.multicall(['a@mem', 'b@mem', 'nobody@mem'], 'erlang', 'node', []);
    assert.deepEqual(r.results, [atom('a@mem'), atom('b@mem')]);
    assert.deepEqual(r.badNodes, [atom('nobody@mem')]);
    const e = await a.erpc.multicall(['b@mem', 'nobody@mem'], 'my_mod', 'add', [2, 2]);
    assert.deepEqual(e[0], { ok: true, value: 4 });
    assert.equal(e[1]!.ok, false);
  });

  it('rpc: calls to the own node run locally with the same shapes', async () => {
    assert.equal(await b.call('b@mem', 'my_mod', 'add', [5, 6]), 11);
    assert.equal(
      text(await b.call('b@mem', 'nope', 'f', [])),
      "{badrpc,{'EXIT',{undef,[{nope,f,[],[]}]}}}",
    );
    assert.equal(text(await b.call('b@mem', 'timer', 'sleep', [200], 20)), '{badrpc,timeout}');
  });

  it('rpc: the function runs in its own process and knows its caller', async () => {
    const r = (await a.call('b@mem', 'my_mod', 'whoami', [])) as Tuple;
    assert.ok(r.elements[0] instanceof Pid && r.elements[0].node === atom('b@mem'));
    assert.ok(r.elements[1] instanceof Pid && r.elements[1].node === atom('a@mem'));
  });

  it('rpc: cast runs the function without waiting', async () => {
    const got: Term[] = [];
    b.modules.define('sink', { put: (x: Term) => void got.push(x) });
    assert.equal(a.cast('b@mem', 'sink', 'put', [7]), true);
    await until(() => got.length === 1);
    assert.deepEqual(got, [7]);
  });

  it('rpc/serve: SPAWN_REQUEST of a registered function runs it as the process body; unknown dies undef', async () => {
    const results: Term[] = [];
    rtA.spawn(async (self) => {
      const ok = self.spawnRequest('b@mem', 'my_mod', 'waiter', [], { monitor: true });
      const reply = (await self.receive(
        (m) =>
          m instanceof Tuple &&
          m.elements[1] instanceof Ref &&
          (m.elements[1] as Ref).key === ok.key,
      )) as Tuple;
      self.send(reply.elements[3] as Pid, 'hello');
      results.push(
        (await self.receive((m) => m instanceof Tuple && m.elements[0] === atom('DOWN'))) as Term,
      );
      const bad = self.spawnRequest('b@mem', 'missing', 'fn', [1], { monitor: true });
      const r2 = (await self.receive(
        (m) =>
          m instanceof Tuple &&
          m.elements[0] === atom('spawn_reply') &&
          (m.elements[1] as Ref).key === bad.key,
      )) as Tuple;
      results.push(r2.elements[2]!);
      results.push(
        (await self.receive((m) => m instanceof Tuple && m.elements[0] === atom('DOWN'))) as Term,
      );
    });
    await until(() => results.length === 3);
    assert.equal(text((results[0] as Tuple).elements[4]!), 'normal');
    assert.equal(results[1], atom('ok'));
    assert.equal(text((results[2] as Tuple).elements[4]!), '{undef,[{missing,fn,[1],[]}]}');
  });

  it('rpc/rex: blockCall goes through rex, with rpc:block_call results', async () => {
    assert.equal(await a.blockCall('b@mem', 'my_mod', 'add', [2, 5]), 7);
    assert.equal(
      text(await a.blockCall('b@mem', 'my_mod', 'exiter', [atom('x')])),
      "{badrpc,{'EXIT',x}}",
    );
    assert.equal(text(await a.blockCall('nobody@mem', 'erlang', 'node', [])), '{badrpc,nodedown}');
    assert.equal(text(await a.blockCall('b@mem', 'timer', 'sleep', [500], 20)), '{badrpc,timeout}');
  });

  it('rpc/rex: answers gen calls (plain and alias tags), plain calls and features_request', async () => {
    const got: Term[] = [];
    rtA.spawn(async (self) => {
      const ref = self.makeRef();
      self.send(
        ['rex', 'b@mem'],
        tuple(
          atom('$gen_call'),
          tuple(self.pid, ref),
          tuple(atom('call'), atom('my_mod'), atom('add'), [2, 3], atom('user')),
        ),
      );
      got.push((await self.receive()) as Term);
      const alias = self.alias();
      const tag = new ImproperList([atom('alias')], alias);
      self.send(
        ['rex', 'b@mem'],
        tuple(
          atom('$gen_call'),
          tuple(self.pid, tag),
          tuple(atom('block_call'), atom('erlang'), atom('exit'), [atom('boom')], atom('user')),
        ),
      );
      got.push((await self.receive()) as Term);
      self.send(
        ['rex', 'b@mem'],
        tuple(self.pid, tuple(atom('call'), atom('nope'), atom('f'), [], atom('user'))),
      );
      got.push((await self.receive()) as Term);
      self.send(['rex', 'b@mem'], tuple(self.pid, atom('features_request')));
      got.push((await self.receive()) as Term);
    });
    await until(() => got.length === 4);
    assert.match(text(got[0]!), /^\{#Ref<[^>]+>,5\}$/);
    assert.match(text(got[1]!), /^\{\[alias\|#Ref<[^>]+>\],\{badrpc,\{'EXIT',boom\}\}\}$/);
    assert.equal(text(got[2]!), "{rex,{badrpc,{'EXIT',{undef,[{nope,f,[],[]}]}}}}");
    assert.equal(text(got[3]!), '{features_reply,b@mem,[erpc]}');
  });
});

// The module registry, execute() outcomes, the built-ins, and the erpc/rpc/rex mappings,
// on one runtime (no distribution).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTerm } from '../../../src/process/format.ts';
import { Runtime, type Process } from '../../../src/process/index.ts';
import {
  chardataText,
  defineBuiltins,
  erlError,
  ErlThrow,
  ErpcError,
  execute,
  ModuleDefinitionError,
  ModuleRegistry,
  rexReply,
  rpcify,
  settle,
  termProblem,
  erpcExitReason,
  processExitReason,
  type CallContext,
  type Outcome,
  type RpcHost,
} from '../../../src/rpc/index.ts';
import {
  atom,
  BitBinary,
  ExportFun,
  Float,
  ImproperList,
  Pid,
  Ref,
  tuple,
  type Atom,
  type Term,
} from '../../../src/term/types.ts';

const text = (t: Term): string => formatTerm(t);
const quiet = { log() {} };

function setup(): {
  registry: ModuleRegistry;
  host: RpcHost;
  run: (m: string, f: string, a: Term[]) => Promise<Outcome>;
} {
  const runtime = new Runtime({ node: 'u@mem', logger: quiet });
  const host: RpcHost = {
    runtime,
    nodes: (kind) =>
      kind === 'hidden'
        ? [atom('h@mem')]
        : kind === 'connected'
          ? [atom('v@mem'), atom('h@mem')]
          : [atom('v@mem')],
    connect: async (n) => (typeof n === 'string' ? n : n.name) === 'v@mem',
    disconnect: () => true,
    ping: async (n) => ((typeof n === 'string' ? n : n.name) === 'v@mem' ? 'pong' : 'pang'),
  };
  const registry = new ModuleRegistry();
  defineBuiltins(registry);
  const run = (m: string, f: string, a: Term[]): Promise<Outcome> =>
    new Promise((resolve) => {
      runtime.spawn(async (self: Process) => {
        resolve(
          await execute(registry, host, self, {
            module: atom(m),
            function: atom(f),
            args: a,
            caller: undefined,
          }),
        );
      });
    });
  return { registry, host, run };
}

const value = (o: Outcome): string =>
  o.kind === 'return' || o.kind === 'throw'
    ? `${o.kind} ${text(o.value)}`
    : o.kind === 'exit'
      ? `exit ${text(o.reason)}`
      : `error ${text(o.reason)} ${text([...o.stack])}`;

describe('rpc/modules: the registry', () => {
  it('rpc/modules: defines functions by arity, several arities per name, and refuses bad definitions', async () => {
    const { registry, run } = setup();
    registry.define('m', {
      one: (x: number) => x + 1,
      multi: [
        { arity: 0, fn: () => 'zero' },
        { arity: 2, fn: (a: number, b: number) => a * b },
      ],
      rest: { arity: 3, fn: (...xs: number[]) => xs.length },
    });
    assert.equal(value(await run('m', 'one', [1])), 'return 2');
    assert.equal(value(await run('m', 'multi', [])), 'return <<"zero">>');
    assert.equal(value(await run('m', 'multi', [3, 4])), 'return 12');
    assert.equal(value(await run('m', 'rest', [1, 2, 3])), 'return 3');
    assert.equal(value(await run('m', 'multi', [1])), 'error undef [{m,multi,[1],[]}]');
    assert.throws(() => registry.define('m', {}), ModuleDefinitionError);
    assert.throws(
      () => registry.define('n', { f: { arity: -1, fn: () => 1 } }),
      ModuleDefinitionError,
    );
    assert.throws(() => registry.define('', {}), ModuleDefinitionError);
    registry.define('m', { only: () => 1 }, { replace: true });
    assert.equal(registry.lookup('m', 'one', 1), undefined);
    assert.deepEqual(
      registry.inspect().find((x) => x.module === 'm'),
      { module: 'm', builtin: false, exports: ['only/0'] },
    );
    assert.equal(registry.inspect().find((x) => x.module === 'erlang')?.builtin, true);
    assert.equal(registry.undefine('m'), true);
    assert.equal(registry.has('m'), false);
  });

  it('rpc/modules: outcome of each way a function can end', async () => {
    const { registry, run } = setup();
    registry.define('m', {
      thr: () => {
        throw new ErlThrow(atom('t'));
      },
      err: () => erlError(atom('e'), [tuple(atom('x'), atom('y'), 0, [])]),
      js: () => {
        throw new Error('plain');
      },
      str: () => {
        throw 'a string';
      },
      selfexit: function (this: CallContext) {
        this.self.exit(atom('bye'));
      },
      inf: () => Infinity,
      undef: () => [1, undefined],
      fl: () => new Float(1),
    });
    assert.equal(value(await run('m', 'thr', [])), 'throw t');
    assert.equal(value(await run('m', 'err', [])), 'error e [{x,y,0,[]}]');
    assert.match(
      value(await run('m', 'js', [])),
      /^error \{js_error,<<"Error">>,<<"plain">>\} \[.*\{m,js,0,\[\]\}\]$/,
    );
    assert.match(
      value(await run('m', 'str', [])),
      /^error \{js_error,<<"throw">>,<<"a string">>\}/,
    );
    assert.equal(value(await run('m', 'selfexit', [])), 'exit bye');
    assert.equal(
      value(await run('m', 'inf', [])),
      'error {bad_return_value,<<".: Infinity">>} [{m,inf,0,[]}]',
    );
    assert.equal(
      value(await run('m', 'undef', [])),
      'error {bad_return_value,<<"[1]: undefined">>} [{m,undef,0,[]}]',
    );
    assert.equal(value(await run('m', 'fl', [])), 'return 1.0');
  });

  it('rpc/modules: non-atom module or function, or improper args, raise badarg as apply/3 does', async () => {
    const { registry, host } = setup();
    const out = await new Promise<Outcome>((resolve) =>
      host.runtime.spawn(async (self) =>
        resolve(
          await execute(registry, host, self, {
            module: 'm',
            function: atom('f'),
            args: [],
            caller: undefined,
          }),
        ),
      ),
    );
    assert.equal(value(out), 'error badarg [{erlang,apply,[<<"m">>,f,[]],[]}]');
  });
});

describe('rpc/builtins: what BEAM peers call', () => {
  it('rpc/builtins: erlang node, nodes/1 kinds, is_alive, whereis, registered, system_info', async () => {
    const { run } = setup();
    assert.equal(value(await run('erlang', 'node', [])), 'return u@mem');
    assert.equal(value(await run('erlang', 'nodes', [])), 'return [v@mem]');
    assert.equal(value(await run('erlang', 'nodes', [atom('hidden')])), 'return [h@mem]');
    assert.equal(
      value(await run('erlang', 'nodes', [[atom('this'), atom('connected')]])),
      'return [u@mem,v@mem,h@mem]',
    );
    assert.equal(
      value(await run('erlang', 'nodes', [atom('known')])),
      'return [u@mem,v@mem,h@mem]',
    );
    assert.equal(
      value(await run('erlang', 'nodes', [atom('bogus')])),
      'error badarg [{erlang,nodes,[bogus],[]}]',
    );
    assert.equal(value(await run('erlang', 'is_alive', [])), 'return true');
    assert.equal(value(await run('erlang', 'whereis', [atom('nobody')])), 'return undefined');
    assert.equal(
      value(await run('erlang', 'system_info', [atom('otp_release')])),
      'return [50,53]',
    );
    assert.match(
      value(await run('erlang', 'system_info', [atom('process_count')])),
      /^return \d+$/,
    );
    assert.equal(value(await run('erlang', 'system_info', [atom('wordsize')])), 'return 8');
    assert.equal(
      value(await run('erlang', 'system_info', [42])),
      'error badarg [{erlang,system_info,[42],[]}]',
    );
    assert.equal(value(await run('erlang', 'tuple_to_list', [tuple(1, 2)])), 'return [1,2]');
    assert.equal(value(await run('erlang', 'length', [[1, 2, 3]])), 'return 3');
    assert.equal(
      value(await run('erlang', 'length', [1])),
      'error badarg [{erlang,length,[1],[]}]',
    );
  });

  it('rpc/builtins: erlang:apply/2,3 only reach registered functions', async () => {
    const { registry, run } = setup();
    registry.define('m', { f: (x: number) => x * 10 });
    assert.equal(value(await run('erlang', 'apply', [atom('m'), atom('f'), [4]])), 'return 40');
    assert.equal(
      value(await run('erlang', 'apply', [new ExportFun(atom('m'), atom('f'), 1), [5]])),
      'return 50',
    );
    assert.equal(
      value(await run('erlang', 'apply', [atom('os'), atom('cmd'), ['ls']])),
      'error undef [{os,cmd,[<<"ls">>],[]}]',
    );
    assert.equal(value(await run('erlang', 'throw', [atom('x')])), 'throw x');
    assert.equal(value(await run('erlang', 'exit', [atom('x')])), 'exit x');
    assert.equal(
      value(await run('erlang', 'error', [atom('x')])),
      'error x [{erlang,error,[x],[]}]',
    );
  });

  it('rpc/builtins: process_info and Elixir Process.info/whereis/alive?', async () => {
    const { host, run } = setup();
    const pid = host.runtime.spawn(async (self) => void (await self.receive()), { name: 'holder' });
    await new Promise((r) => setImmediate(r));
    assert.equal(
      value(await run('erlang', 'process_info', [pid, atom('registered_name')])),
      'return {registered_name,holder}',
    );
    assert.equal(
      value(await run('Elixir.Process', 'info', [pid, atom('message_queue_len')])),
      'return {message_queue_len,0}',
    );
    assert.equal(value(await run('Elixir.Process', 'alive?', [pid])), 'return true');
    assert.equal(
      value(await run('Elixir.Process', 'whereis', [atom('holder')])),
      `return ${text(pid)}`,
    );
    const all = await run('Elixir.Process', 'info', [pid]);
    assert.match(value(all), /^return \[\{registered_name,holder\},\{current_function,/);
    assert.match(value(all), /\{status,waiting\}/);
    host.runtime.exit(pid, atom('kill'));
    assert.equal(value(await run('Elixir.Process', 'info', [pid])), 'return nil');
    assert.equal(value(await run('erlang', 'process_info', [pid])), 'return undefined');
    assert.equal(value(await run('Elixir.Process', 'alive?', [pid])), 'return false');
    const unnamed = host.runtime.spawn(async (self) => void (await self.receive()));
    assert.equal(
      value(await run('erlang', 'process_info', [unnamed, atom('registered_name')])),
      'return []',
    );
    assert.equal(
      value(await run('Elixir.Process', 'info', [unnamed, atom('registered_name')])),
      'return {registered_name,[]}',
    );
    host.runtime.exit(unnamed, atom('kill'));
  });

  it('rpc/builtins: Elixir Node and net_adm answer through the host', async () => {
    const { run } = setup();
    assert.equal(value(await run('Elixir.Node', 'self', [])), 'return u@mem');
    assert.equal(value(await run('Elixir.Node', 'list', [])), 'return [v@mem]');
    assert.equal(value(await run('Elixir.Node', 'list', [atom('hidden')])), 'return [h@mem]');
    assert.equal(value(await run('Elixir.Node', 'alive?', [])), 'return true');
    assert.equal(value(await run('Elixir.Node', 'ping', [atom('v@mem')])), 'return pong');
    assert.equal(value(await run('net_adm', 'ping', [atom('x@mem')])), 'return pang');
    assert.equal(value(await run('Elixir.Node', 'connect', [atom('v@mem')])), 'return true');
    assert.equal(
      value(await run('Elixir.Node', 'ping', ['v@mem'])),
      'error badarg [{\'Elixir.Node\',ping,[<<"v@mem">>],[]}]',
    );
  });

  it('rpc/builtins: timer:sleep waits in the process and ends when it is killed', async () => {
    const { run } = setup();
    const t0 = Date.now();
    assert.equal(value(await run('timer', 'sleep', [30])), 'return ok');
    assert.ok(Date.now() - t0 >= 25);
    assert.equal(value(await run('timer', 'sleep', [-1])), 'error badarg [{timer,sleep,[-1],[]}]');
  });
});

describe('rpc: result mappings', () => {
  const res = new Runtime({ node: 'r@mem', logger: quiet }).makeRef();
  const shapes: [Outcome, string, string, string][] = [
    [{ kind: 'return', value: 1 }, 'ok 1', '1', '1'],
    [{ kind: 'throw', value: atom('t') }, 'throw t', 't', 't'],
    [
      { kind: 'exit', reason: atom('r') },
      'exit {exception,r}',
      "{badrpc,{'EXIT',r}}",
      "{badrpc,{'EXIT',r}}",
    ],
    [
      { kind: 'error', reason: atom('e'), stack: [] },
      'error {exception,e,[]}',
      "{badrpc,{'EXIT',{e,[]}}}",
      "{badrpc,{'EXIT',{e,[]}}}",
    ],
  ];
  for (const [out, erpcShape, rpcShape, rexShape] of shapes) {
    it(`rpc: ${out.kind} maps to erpc, rpc and rex shapes as OTP does`, () => {
      const settled = settle(
        res,
        { type: 'down', reason: erpcExitReason(res, out) },
        'r@mem',
        'm:f/0',
      );
      const e = settled.ok
        ? `ok ${text(settled.value)}`
        : `${settled.error.kind} ${text(settled.error.reason)}`;
      assert.equal(e, erpcShape);
      const r = settled.ok ? settled.value : rpcify(settled.error);
      assert.equal(text(r!), rpcShape);
      assert.equal(text(rexReply(out)), rexShape);
    });
  }

  it('rpc: erpc failure reasons map as rpcify_exception does', () => {
    const cases: [Parameters<typeof settle>[1], string, string | undefined][] = [
      [{ type: 'timeout' }, 'error {erpc,timeout}', '{badrpc,timeout}'],
      [
        { type: 'spawn_error', reason: atom('noconnection') },
        'error {erpc,noconnection}',
        '{badrpc,nodedown}',
      ],
      [{ type: 'spawn_error', reason: atom('notsup') }, 'error {erpc,notsup}', '{badrpc,notsup}'],
      [
        { type: 'spawn_error', reason: atom('system_limit') },
        'error {erpc,system_limit}',
        "{badrpc,{'EXIT',system_limit}}",
      ],
      [{ type: 'spawn_error', reason: atom('badarg') }, 'error {erpc,badarg}', undefined],
      [
        { type: 'down', reason: atom('noconnection') },
        'error {erpc,noconnection}',
        '{badrpc,nodedown}',
      ],
      [
        { type: 'down', reason: atom('killed') },
        'exit {signal,killed}',
        "{badrpc,{'EXIT',killed}}",
      ],
      [
        { type: 'down', reason: tuple(res, atom('error'), tuple(atom('erpc'), atom('badarg'))) },
        'error {erpc,badarg}',
        undefined,
      ],
    ];
    for (const [raw, erpcShape, rpcShape] of cases) {
      const s = settle(res, raw, 'r@mem', 'm:f/0');
      assert.equal(s.ok, false);
      if (s.ok) continue;
      assert.ok(s.error instanceof ErpcError);
      assert.equal(`${s.error.kind} ${text(s.error.reason)}`, erpcShape);
      const r = rpcify(s.error);
      assert.equal(r === undefined ? undefined : text(r), rpcShape);
    }
    // a returned or thrown {'EXIT', _} is a badrpc too
    const exitTuple = tuple(atom('EXIT'), atom('x'));
    const thrown = settle(
      res,
      { type: 'down', reason: tuple(res, atom('throw'), exitTuple) },
      'r@mem',
      'm:f/0',
    );
    assert.equal(thrown.ok ? '' : text(rpcify(thrown.error)!), "{badrpc,{'EXIT',x}}");
  });

  it('rpc/serve: plain spawned processes exit as BEAM processes do', () => {
    const m: Atom = atom('m');
    const f: Atom = atom('f');
    assert.equal(text(processExitReason({ kind: 'return', value: 1 }, m, f, 0)), 'normal');
    assert.equal(
      text(processExitReason({ kind: 'throw', value: 1 }, m, f, 0)),
      '{{nocatch,1},[{m,f,0,[]}]}',
    );
    assert.equal(
      text(processExitReason({ kind: 'error', reason: atom('e'), stack: [] }, m, f, 0)),
      '{e,[]}',
    );
  });

  it('rpc/group-leader: chardata becomes text', () => {
    assert.equal(chardataText(['ab', [99, [100]], Uint8Array.of(0xc3, 0xbc), 0x1f600]), 'abcdü😀');
    assert.equal(chardataText([atom('x')]), undefined);
  });

  it('rpc/modules: termProblem accepts every term kind and names the first bad value', () => {
    const pid = new Pid(atom('a@h'), 1, 0, 1);
    const ref = new Ref(atom('a@h'), 1, [1, 2, 3]);
    const good: unknown = [
      1,
      2n,
      'text',
      true,
      null,
      atom('x'),
      pid,
      ref,
      new Float(1),
      Uint8Array.of(1),
      new BitBinary(Uint8Array.of(0x80), 1),
      new ExportFun(atom('m'), atom('f'), 1),
      tuple(1, [2, tuple()]),
      new ImproperList([1, 2], 3),
      new Map<Term, Term>([[atom('k'), [1]]]),
      { a: [1, { b: 'c' }] },
      Object.assign(Object.create(null) as object, { k: 1 }),
    ];
    assert.equal(termProblem(good), null);
    const cases: [unknown, string][] = [
      [[1, [2, undefined]], '[1][1]: undefined'],
      [tuple(1, Number.NaN), '{1}: NaN'],
      [new ImproperList([1], (() => 1) as unknown as Term), '|tail: function'],
      [new ImproperList([1, Symbol('s') as unknown as Term], 1), '[1]: symbol'],
      [new Map([[1, new Date(0)]]), '.?: Date'],
      [new Map([[undefined, 1]]), '<key>: undefined'],
      [{ a: { b: [Infinity] } }, '.a.b[0]: Infinity'],
      [[good, new Set()], '[1]: Set'],
    ];
    for (const [value, path] of cases) assert.equal(termProblem(value), path);
  });
});

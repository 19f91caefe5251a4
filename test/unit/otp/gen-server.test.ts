// The GenServer contract against local servers (by pid and by name), and GenServer
// behaviour that only a local server shows (init results, crash reports, typed classes).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ExitError,
  Runtime,
  formatTerm,
  memoryLogger,
  type Dest,
} from '../../../src/process/index.ts';
import { GenServer, StartError, type From } from '../../../src/otp/index.ts';
import { atom, Pid, Ref, Tuple, tuple, type Term } from '../../../src/term/types.ts';
import { MemoryNetwork } from '../../support/memory-distribution.ts';
import { ContractServer } from '../../contract/contract-server.ts';
import { genServerContract, type GenServerTarget } from '../../contract/gen-server.contract.ts';

function localTarget(byName: boolean): GenServerTarget {
  const rt = new Runtime({ node: 'gs@local', logger: memoryLogger() });
  let n = 0;
  return {
    label: byName ? 'local name' : 'local pid',
    client: rt,
    async start(name) {
      const reg = byName ? (name ?? `gs_${++n}`) : name;
      const pid = await GenServer.start(
        rt,
        new ContractServer(),
        0,
        reg === undefined ? {} : { name: reg },
      );
      return { dest: byName ? reg! : pid, pid };
    },
    missing: () => (byName ? 'no_such_server' : new Pid(rt.node, 30000, 0, 0)),
    destTerm: (d: Dest) => (typeof d === 'string' ? atom(d) : (d as Term)),
  };
}

describe('otp/gen-server: contract, local pid', () =>
  genServerContract(async () => localTarget(false)));
describe('otp/gen-server: contract, local name', () =>
  genServerContract(async () => localTarget(true)));

describe('otp/gen-server: local behaviour', () => {
  const logger = memoryLogger();
  const rt = new Runtime({ node: 'gs2@local', logger });

  it('otp/gen-server: init stop / ignore / crash reject start with StartError', async () => {
    const stop = await GenServer.start(rt, { init: () => ({ stop: atom('bad_config') }) }).catch(
      (e: unknown) => e,
    );
    assert.ok(stop instanceof StartError);
    assert.equal(stop.reason, atom('bad_config'));
    const ignore = await GenServer.start(rt, { init: () => ({ ignore: true as const }) }).catch(
      (e: unknown) => e,
    );
    assert.ok(ignore instanceof StartError && ignore.ignored);
    const crash = await GenServer.start(rt, {
      init: () => {
        throw new TypeError('nope');
      },
    }).catch((e: unknown) => e);
    assert.ok(crash instanceof StartError);
    assert.equal(((crash.reason as Tuple).elements[0] as Tuple).elements[2], 'nope');
  });

  it('otp/gen-server: a taken name gives {already_started, Pid}', async () => {
    const pid = await GenServer.start(rt, new ContractServer(), 0, { name: 'taken' });
    const e = await GenServer.start(rt, new ContractServer(), 0, { name: 'taken' }).catch(
      (x: unknown) => x,
    );
    assert.ok(e instanceof StartError);
    assert.equal((e.reason as Tuple).elements[0], atom('already_started'));
    assert.equal((e.reason as Tuple).elements[1], pid);
  });

  it('otp/gen-server: async init may receive; startLink links to the caller', async () => {
    await new Promise<void>((resolve, reject) =>
      rt.spawn(async (self) => {
        try {
          const pid = await GenServer.startLink(self, {
            async init(_arg, me) {
              me.send(me.pid, 'boot');
              return { ok: (await me.receive())! };
            },
            handleCall: (_r: Term, _f: From, s: Term) => ({ reply: s, state: s }),
          });
          assert.deepEqual(rt.processInfo(pid)!.links, [self.pid]);
          assert.equal(await GenServer.call(self, pid, 'x'), 'boot');
          self.unlink(pid);
          resolve();
        } catch (e) {
          reject(e);
        }
      }),
    );
  });

  it('otp/gen-server: a crash in a callback logs the OTP report and runs terminate', async () => {
    const terminated: Term[] = [];
    const pid = await GenServer.start(
      rt,
      {
        init: () => ({ ok: 41 }),
        handleCall: () => {
          throw new Error('kaput');
        },
        terminate: (reason) => void terminated.push(reason),
      },
      null,
      { name: 'crashy' },
    );
    const e = await GenServer.call(rt, pid, 'boom').catch((x: unknown) => x);
    assert.ok(e instanceof ExitError);
    assert.equal(terminated.length, 1);
    const report = logger.entries.find((x) =>
      x.message.startsWith('** Generic server crashy terminating'),
    );
    assert.ok(report, 'crash report logged');
    assert.match(
      report.message,
      /\*\* Last message in was \{'\$gen_call',\{<gs2@local\.\d+\.0>,\[alias\|#Ref<.*>\]\},<<"boom">>\}/,
    );
    assert.match(report.message, /\*\* When Server state == 41/);
    assert.match(report.message, /js_error,<<"Error">>,<<"kaput">>/);
  });

  it('otp/gen-server: a trapping server stops with terminate when its parent exits', async () => {
    const terminated: Term[] = [];
    let server: Pid | undefined;
    const parent = rt.spawn(async (self) => {
      server = await GenServer.startLink(
        self,
        { init: () => ({ ok: null }), terminate: (r) => void terminated.push(r) },
        null,
        {
          trapExit: true,
        },
      );
      await self.receive();
    });
    await new Promise<void>((r) => {
      const tick = () => (server ? r() : setImmediate(tick));
      tick();
    });
    rt.exit(parent, atom('shutdown'));
    await new Promise<void>((r) => {
      const tick = () => (!rt.isAlive(server!) ? r() : setImmediate(tick));
      tick();
    });
    assert.deepEqual(terminated, [atom('shutdown')]);
  });

  it('otp/gen-server: timeout and continue results', async () => {
    const seen: Term[] = [];
    const pid = await GenServer.start(rt, {
      init: () => ({ ok: 0, continue: atom('warm') }),
      handleContinue: (arg, s) => {
        seen.push(arg);
        return { noreply: true, state: s, timeout: 10 };
      },
      handleInfo: (m, s) => {
        seen.push(m);
        return { noreply: true, state: s };
      },
      handleCall: (_r, _f, s) => ({ reply: s, state: s }),
    });
    await new Promise<void>((r) => {
      const tick = () => (seen.length >= 2 ? r() : setTimeout(tick, 2));
      tick();
    });
    assert.deepEqual(seen, [atom('warm'), atom('timeout')]);
    await GenServer.stop(rt, pid);
  });

  it('otp/gen-server: replaceState with a JS function; a BEAM fun is refused with {error, ...}', async () => {
    const pid = await GenServer.start(rt, new ContractServer(), 5);
    assert.equal(await GenServer.replaceState(rt, pid, (s) => (s as number) * 2), 10);
    assert.equal(await GenServer.call(rt, pid, atom('get')), 10);
    const r = (await GenServer.system(
      rt,
      pid,
      tuple(atom('replace_state'), atom('not_a_fun')),
    )) as Tuple;
    assert.equal(r.elements[0], atom('error'));
  });

  it('otp/gen-server: typed servers by class', async () => {
    class Stack extends GenServer<Term[], 'pop' | 'size', Term, Term> {
      init() {
        return { ok: [] as Term[] };
      }
      handleCall(req: 'pop' | 'size', _from: From, s: Term[]) {
        return req === 'pop'
          ? { reply: s[0] ?? null, state: s.slice(1) }
          : { reply: s.length, state: s };
      }
      handleCast(x: Term, s: Term[]) {
        return { noreply: true as const, state: [x, ...s] };
      }
    }
    const pid = await GenServer.start(rt, new Stack());
    GenServer.cast(rt, pid, 'a');
    GenServer.cast(rt, pid, 'b');
    assert.equal(await GenServer.call(rt, pid, 'size'), 2);
    assert.equal(await GenServer.call(rt, pid, 'pop'), 'b');
    assert.equal(rt.processInfo(pid)!.currentFunction, 'GenServer Stack');
  });

  it('otp/gen-server: a missing handleCall stops with {bad_call, Req}', async () => {
    const pid = await GenServer.start(rt, { init: () => ({ ok: null }) });
    const e = await GenServer.call(rt, pid, 'hi').catch((x: unknown) => x);
    assert.ok(e instanceof ExitError);
    assert.deepEqual(((e.reason as Tuple).elements[0] as Tuple).elements, [atom('bad_call'), 'hi']);
  });
});

describe('otp/gen-server: sys replies in the caller release form', () => {
  it('otp/gen-server: get_state answers {ok, State} to OTP 26+ tags (5-word refs), State to OTP 25 tags', async () => {
    const net = new MemoryNetwork();
    const server = net.add(new Runtime({ node: 'srv@mem', creation: 1, logger: memoryLogger() }));
    const caller = net.add(new Runtime({ node: 'otp@mem', creation: 1, logger: memoryLogger() }));
    const pid = await GenServer.start(server, new ContractServer(), 41);
    const ask = (words: number) =>
      new Promise<Term>((resolve) =>
        caller.spawn(async (self) => {
          const tag = new Ref(
            caller.node,
            caller.creation,
            Array.from({ length: words }, (_, i) => i + 1),
          );
          self.send(pid, tuple(atom('system'), tuple(self.pid, tag), atom('get_state')));
          const reply = (await self.receive()) as Tuple;
          resolve(reply.elements[1]!);
        }),
      );
    assert.equal(formatTerm(await ask(5)), '{ok,41}');
    assert.equal(await ask(3), 41);
    assert.equal(await GenServer.getState(caller, pid), 41, 'our client reads either form');
  });
});

describe('otp/gen-server: calling itself', () => {
  it('otp/gen-server: a server that calls itself exits {calling_self, ...} at once', async () => {
    const rt = new Runtime({ node: 'self@local', logger: memoryLogger() });
    const pid = await GenServer.start(
      rt,
      {
        init: () => ({ ok: null }),
        handleCall: async (req: Term, _f: From, s: null, self) => {
          if (req === 'outer') {
            const e = await GenServer.call(self, 'me', 'inner').catch((x: unknown) => x);
            return { reply: formatTerm((e as ExitError).reason), state: s };
          }
          return { reply: 'inner', state: s };
        },
      },
      null,
      { name: 'me' },
    );
    assert.equal(
      await GenServer.call(rt, pid, 'outer'),
      '{calling_self,{gen_server,call,[me,<<"inner">>,5000]}}',
    );
  });
});

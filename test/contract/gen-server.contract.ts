/**
 * The GenServer contract, written once and run against every way of reaching a server:
 * a local pid, a local name, a server on another runtime by pid or by `[name, node]`
 * (memory distribution today; a real erl node once the distribution runs it).
 *
 * A target says how to start the contract server (contract-server.ts, or
 * erl/contract_server.erl on BEAM) and what the destination looks like in BEAM's exit
 * reasons (`{Reason, {gen_server, call, [Dest, Request, Timeout]}}`).
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import {
  ExitError,
  formatTerm,
  type Dest,
  type Process,
  type Runtime,
} from '../../src/process/index.ts';
import { GenServer } from '../../src/otp/index.ts';
import { atom, Pid, Tuple, tuple, type Term } from '../../src/term/types.ts';
import { until } from '../support/wait.ts';

/** How the contract reaches a server. */
export interface GenServerTarget {
  readonly label: string;
  /** The runtime the client calls from. */
  readonly client: Runtime;
  /** Starts a contract server (registered under `name` when given). */
  start(name?: string): Promise<{ dest: Dest; pid: Pid }>;
  /** A destination where no server runs. */
  missing(): Dest;
  /** What BEAM's exit reasons show for `dest`. */
  destTerm(dest: Dest): Term;
  /** Cuts the connection to the server's node (remote targets only). */
  disconnect?(): void;
  /** Whether the server is being monitored (a call is in flight); remote targets only. */
  serverMonitored?(pid: Pid): boolean | Promise<boolean>;
  /** The server's node name, for `{nodedown, Node}`. */
  readonly serverNode?: string;
  close?(): Promise<void>;
}

function inProcess<T>(rt: Runtime, fn: (self: Process) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) =>
    rt.spawn(async (self) => fn(self).then(resolve, reject)),
  );
}

async function exitReason(p: Promise<unknown>): Promise<Term> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ExitError) return e.reason;
    throw e;
  }
  assert.fail('expected an exit');
}

function callReason(reason: Term, dest: Term, req: Term, timeout: Term): string {
  return formatTerm(tuple(reason, tuple(atom('gen_server'), atom('call'), [dest, req, timeout])));
}

/** Registers the contract's tests for `make()`'s target. */
export function genServerContract(
  make: () => Promise<GenServerTarget>,
  options?: { readonly nodedown?: boolean },
): void {
  let t: GenServerTarget;
  let n = 0;
  const uname = () => `contract_${process.pid}_${++n}`;
  before(async () => {
    t = await make();
  });
  after(async () => {
    await t?.close?.();
  });

  it('gen-server/contract: call answers; cast and plain messages update the state in order', async () => {
    const { dest } = await t.start(uname());
    assert.equal(await GenServer.call(t.client, dest, atom('ping')), atom('pong'));
    GenServer.cast(t.client, dest, tuple(atom('add'), 2));
    t.client.send(dest, tuple(atom('add'), 3));
    assert.equal(await GenServer.call(t.client, dest, atom('get')), 5);
  });

  it('gen-server/contract: terms survive the round trip', async () => {
    const { dest } = await t.start();
    const value = tuple(
      atom('x'),
      [1, 2.5, 'text', -(2n ** 70n)],
      { key: atom('v') },
      new Uint8Array([0xff, 0xfe, 0]),
    );
    const back = await GenServer.call(t.client, dest, tuple(atom('echo'), value));
    assert.equal(formatTerm(back), formatTerm(value));
  });

  it('gen-server/contract: the server sees the caller as From; calls from inside a process work', async () => {
    const { dest } = await t.start();
    await inProcess(t.client, async (self) => {
      const who = (await GenServer.call(self, dest, tuple(atom('whoami')))) as Pid;
      assert.equal(who.key, self.pid.key);
    });
  });

  it('gen-server/contract: a deferred reply (noreply, then reply/2) reaches the caller', async () => {
    const { dest } = await t.start();
    assert.equal(
      await GenServer.call(t.client, dest, tuple(atom('defer'), atom('later'), 20)),
      atom('later'),
    );
  });

  it('gen-server/contract: 200 concurrent calls from 20 processes get their own replies', async () => {
    const { dest } = await t.start();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, p) =>
        inProcess(t.client, async (self) => {
          const out: Term[] = [];
          for (let i = 0; i < 10; i++)
            out.push(await GenServer.call(self, dest, tuple(atom('echo'), p * 100 + i)));
          return out;
        }),
      ),
    );
    results.forEach((out, p) =>
      assert.deepEqual(
        out,
        Array.from({ length: 10 }, (_, i) => p * 100 + i),
      ),
    );
  });

  it('gen-server/contract: a call to nobody exits {noproc, {gen_server, call, [Dest, Req, 5000]}}', async () => {
    const dest = t.missing();
    const reason = await exitReason(GenServer.call(t.client, dest, atom('ping')));
    assert.equal(
      formatTerm(reason),
      callReason(atom('noproc'), t.destTerm(dest), atom('ping'), 5000),
    );
  });

  it('gen-server/contract: a timeout exits {timeout, ...}; the late reply never lands in the mailbox', async () => {
    const { dest } = await t.start();
    await inProcess(t.client, async (self) => {
      const req = tuple(atom('defer'), atom('too_late'), 60);
      const reason = await exitReason(GenServer.call(self, dest, req, 20));
      assert.equal(formatTerm(reason), callReason(atom('timeout'), t.destTerm(dest), req, 20));
      // the server answers at 60 ms; a ping after that is ordered after the late reply
      await new Promise((r) => setTimeout(r, 80));
      assert.equal(await GenServer.call(self, dest, atom('ping')), atom('pong'));
      assert.equal(self.mailboxLength, 0, 'no stray reply');
    });
  });

  it('gen-server/contract: a server that dies during the call exits {Reason, ...}', async () => {
    const { dest } = await t.start();
    const req = tuple(atom('die'), atom('gone'));
    const reason = await exitReason(GenServer.call(t.client, dest, req));
    assert.equal(formatTerm(reason), callReason(atom('gone'), t.destTerm(dest), req, 5000));
  });

  it('gen-server/contract: {stop, Reason, Reply, State} answers, then the server is gone', async () => {
    const { dest, pid } = await t.start();
    await inProcess(t.client, async (self) => {
      const ref = self.monitor(pid);
      assert.equal(
        await GenServer.call(self, dest, tuple(atom('stop'), atom('normal'))),
        atom('ok'),
      );
      const down = (await self.receive(
        (m) => m instanceof Tuple && m.elements[1] === ref,
      )) as Tuple;
      assert.equal(down.elements[4], atom('normal'));
    });
  });

  it('gen-server/contract: stop/3 ends the server with the reason; a stopped server is noproc', async () => {
    const { dest } = await t.start(uname());
    await GenServer.stop(t.client, dest, atom('shutdown'));
    const reason = await exitReason(GenServer.call(t.client, dest, atom('ping')));
    assert.equal((reason as Tuple).elements[0], atom('noproc'));
    assert.equal(await exitReason(GenServer.stop(t.client, dest)), atom('noproc'));
  });

  it('gen-server/contract: sys get_state, suspend/resume, get_status', async () => {
    const { dest, pid } = await t.start();
    GenServer.cast(t.client, dest, tuple(atom('add'), 7));
    assert.equal(await GenServer.getState(t.client, dest), 7);
    assert.equal(await GenServer.system(t.client, dest, atom('suspend')), atom('ok'));
    const pending = GenServer.call(t.client, dest, atom('get'));
    let answered = false;
    void pending.then(() => (answered = true));
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(answered, false, 'a suspended server only answers system messages');
    const status = (await GenServer.system(t.client, dest, atom('get_status'))) as Tuple;
    assert.equal(status.elements[0], atom('status'));
    assert.equal((status.elements[1] as Pid).key, pid.key);
    assert.equal(formatTerm(status.elements[2]!), '{module,gen_server}');
    assert.equal((status.elements[3] as Term[])[1], atom('suspended'));
    assert.equal(await GenServer.system(t.client, dest, atom('resume')), atom('ok'));
    assert.equal(await pending, 7);
  });

  it(
    'gen-server/contract: a lost connection exits {{nodedown, Node}, ...}',
    {
      skip:
        options?.nodedown !== true
          ? 'this target has no connection to lose (or cannot report the monitor; see docs/interop.md)'
          : false,
    },
    async () => {
      const { dest, pid } = await t.start();
      const call = exitReason(GenServer.call(t.client, dest, tuple(atom('sleep'), 1000)));
      await until(
        async () => (await t.serverMonitored?.(pid)) === true,
        'the call monitors the server',
      );
      t.disconnect!();
      const reason = await call;
      assert.equal(
        formatTerm(reason),
        callReason(
          tuple(atom('nodedown'), atom(t.serverNode!)),
          t.destTerm(dest),
          tuple(atom('sleep'), 1000),
          5000,
        ),
      );
    },
  );
}

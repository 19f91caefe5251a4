// The exit-signal table (exit-signal-cases.ts) checked case by case on a beamlink runtime.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CrashReason,
  ExitError,
  NoProcError,
  Runtime,
  memoryLogger,
  samePid,
  type Process,
} from '../../../src/process/index.ts';
import { Atom, Pid, Ref, Tuple, atom, tuple, type Term } from '../../../src/term/types.ts';
import { EXIT_CASES, type ExitCase } from './exit-signal-cases.ts';

const DOWN = atom('DOWN');
const EXIT = atom('EXIT');

function reasonTerm(r: ExitCase['reason']): Term {
  return r === 'killed-atom' ? atom('killed') : atom(r);
}

function canon(reason: Term | undefined): string {
  if (reason instanceof CrashReason) return 'crash';
  if (reason instanceof Atom) return reason.name;
  return String(reason);
}

function isDownFor(ref: Ref) {
  return (m: Term) => m instanceof Tuple && m.elements[0] === DOWN && m.elements[1] === ref;
}

/** A process that waits for 'go' and then ends as `reason` says (killed: waits to be killed). */
function dying(reason: ExitCase['reason']) {
  return async (self: Process) => {
    await self.receive((m) => m === 'go');
    if (reason === 'normal') return;
    if (reason === 'crash') throw new Error('boom');
    if (reason === 'killed') {
      await self.receive();
      return;
    }
    self.exit(reasonTerm(reason));
  };
}

async function deadPid(ctl: Process): Promise<Pid> {
  const [pid, ref] = ctl.spawnMonitor(() => undefined);
  await ctl.receive(isDownFor(ref));
  return pid;
}

export async function runCase(rt: Runtime, c: ExitCase): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    rt.spawn(async (ctl) => {
      try {
        resolve(await scenario(ctl, c));
      } catch (e) {
        reject(e);
      }
    });
  });
}

async function scenario(ctl: Process, c: ExitCase): Promise<string> {
  const rt = ctl.runtime;
  if (c.kind === 'monitor') {
    let ref: Ref;
    let target: Pid | undefined;
    const name = `exit_case_${Math.random().toString(36).slice(2)}`;
    if (c.target === 'dead-pid') ref = ctl.monitor(await deadPid(ctl));
    else if (c.target === 'unregistered-name') ref = ctl.monitor(name);
    else {
      target = ctl.spawn(dying(c.reason));
      if (c.target === 'pid') ref = ctl.monitor(target);
      else {
        rt.register(name, target);
        ref = ctl.monitor(c.target === 'name' ? name : [name, rt.node]);
      }
      if (c.reason === 'killed') ctl.exitProcess(target, atom('kill'));
      else ctl.send(target, 'go');
    }
    const down = (await ctl.receive(isDownFor(ref))) as Tuple;
    const object = down.elements[3] instanceof Pid ? 'pid' : 'name';
    if (object === 'name')
      assert.deepEqual((down.elements[3] as Tuple).elements, [atom(name), rt.node]);
    return `DOWN ${object} ${canon(down.elements[4])}`;
  }

  const roles = new Map<string, string>();
  const forward = (self: Process, m: Term): void => self.send(ctl.pid, tuple(atom('fwd'), m));
  let sender: Pid | undefined;
  if (c.kind === 'link') {
    sender = ctl.spawn(dying(c.reason));
    roles.set(sender.key, 'sender');
  }
  let dead: Pid | undefined;
  if (c.kind === 'link-dead') {
    dead = await deadPid(ctl);
    roles.set(dead.key, 'dead');
  }
  const b = ctl.spawn(
    async (self) => {
      if (c.kind === 'link') self.link(sender!);
      if (c.kind === 'link-dead') {
        try {
          self.link(dead!);
        } catch (e) {
          if (e instanceof NoProcError) {
            forward(self, 'raised noproc');
            return;
          }
          throw e;
        }
      }
      forward(self, 'ready');
      if (c.kind === 'self') {
        await self.receive((m) => m === 'go');
        self.exitProcess(self.pid, reasonTerm(c.reason));
        self.send(self.pid, 'probe');
      }
      forward(self, (await self.receive())!);
    },
    { trapExit: c.trap },
  );
  roles.set(b.key, 'self');
  const mref = ctl.monitor(b);
  const first = (await ctl.receive()) as Tuple;
  if (first.elements[0] === DOWN) return `dies ${canon(first.elements[4])}`;
  if (first.elements[1] === 'raised noproc') return 'raised noproc';
  assert.equal(first.elements[1], 'ready');
  if (c.kind === 'link') {
    const aref = ctl.monitor(sender!);
    if (c.reason === 'killed') ctl.exitProcess(sender!, atom('kill'));
    else ctl.send(sender!, 'go');
    await ctl.receive(isDownFor(aref));
    ctl.send(b, 'probe');
  } else if (c.kind === 'exit2') {
    const cpid = ctl.spawn(async (s) => {
      s.exitProcess(b, reasonTerm(c.reason));
      s.send(b, 'probe');
    });
    roles.set(cpid.key, 'sender');
  } else if (c.kind === 'self') {
    ctl.send(b, 'go');
  } else {
    ctl.send(b, 'probe');
  }
  const out = (await ctl.receive(
    (m) =>
      m instanceof Tuple &&
      (m.elements[0] === atom('fwd') || (m.elements[0] === DOWN && m.elements[1] === mref)),
  )) as Tuple;
  if (out.elements[0] === DOWN) return `dies ${canon(out.elements[4])}`;
  const m = out.elements[1]!;
  if (m === 'probe') return 'alive';
  if (m instanceof Tuple && m.elements[0] === EXIT) {
    const from = m.elements[1] as Pid;
    return `msg EXIT ${roles.get(from.key) ?? 'unknown'} ${canon(m.elements[2])}`;
  }
  return `unexpected ${String(m)}`;
}

describe('process/signals: the exit-signal table', () => {
  for (const c of EXIT_CASES) {
    it(`process/signals: ${c.name} → ${c.expected}`, async () => {
      const rt = new Runtime({ node: 'table@local', logger: memoryLogger() });
      assert.equal(await runCase(rt, c), c.expected);
    });
  }
});

describe('process/signals: details', () => {
  it('process/signals: a killed process rejects its pending receive and drops later sends', async () => {
    const rt = new Runtime({ logger: memoryLogger() });
    const seen: unknown[] = [];
    let sink: Pid | undefined;
    const victim = rt.spawn(async (self) => {
      try {
        await self.receive();
      } catch (e) {
        seen.push(e);
        self.send(sink!, 'after death');
      }
    });
    await new Promise<void>((resolve) =>
      rt.spawn(async (self) => {
        sink = self.pid;
        const ref = self.monitor(victim);
        rt.exit(victim, atom('kill'));
        const down = (await self.receive()) as Tuple;
        assert.equal(down.elements[1], ref);
        assert.equal(down.elements[4], atom('killed'));
        assert.equal(await self.receive(undefined, { timeout: 20 }), undefined);
        resolve();
      }),
    );
    assert.equal(seen.length, 1);
    assert.equal((seen[0] as { code: string }).code, 'BL_ERR_PROCESS_EXITED');
  });

  it('process/signals: a chain of 100,000 linked processes unwinds without recursion', async () => {
    const rt = new Runtime({ logger: memoryLogger() });
    const N = 100_000;
    const pids: Pid[] = [];
    let prev: Pid | undefined;
    for (let i = 0; i < N; i++) {
      const p = rt.spawn(async (self) => {
        await self.receive();
      });
      pids.push(p);
      prev = p;
    }
    // link them in a chain, from inside a helper process that links itself nowhere
    await new Promise<void>((resolve) =>
      rt.spawn(async () => {
        for (let i = 1; i < N; i++) {
          const a = (rt as unknown as { local(p: Pid): Process }).local(pids[i - 1]!);
          a.link(pids[i]!);
        }
        resolve();
      }),
    );
    rt.exit(pids[0]!, atom('boom'));
    assert.equal(rt.isAlive(prev!), false);
    assert.equal(pids.filter((p) => rt.isAlive(p)).length, 0);
  });

  it('process/signals: exitProcess that kills the caller throws an ExitError to unwind', async () => {
    const rt = new Runtime({ logger: memoryLogger() });
    const caught = await new Promise<unknown>((resolve) =>
      rt.spawn(async (self) => {
        try {
          self.exitProcess(self.pid, atom('boom'));
          resolve('not thrown');
        } catch (e) {
          resolve(e);
        }
      }),
    );
    assert.ok(caught instanceof ExitError);
    assert.equal(caught.reason, atom('boom'));
  });

  it('process/signals: unlink removes a local link on both sides', async () => {
    const rt = new Runtime({ logger: memoryLogger() });
    await new Promise<void>((resolve) =>
      rt.spawn(async (self) => {
        const other = self.spawnLink(async (o) => {
          await o.receive();
          o.exit(atom('boom'));
        });
        assert.ok(rt.processInfo(self.pid)!.links.some((p) => samePid(p, other)));
        self.unlink(other);
        assert.deepEqual(rt.processInfo(self.pid)!.links, []);
        assert.deepEqual(rt.processInfo(other)!.links, []);
        const ref = self.monitor(other);
        self.send(other, 'go');
        const down = (await self.receive()) as Tuple;
        assert.equal(down.elements[1], ref);
        resolve();
      }),
    );
  });
});

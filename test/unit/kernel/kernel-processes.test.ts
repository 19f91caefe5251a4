// The kernel processes a BEAM peer talks to (net_kernel, global_name_server) must survive
// any message a peer can send them: a malformed one is dropped, and they keep answering.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startGlobalShim } from '../../../src/kernel/global-shim.ts';
import { ping, startNetKernel } from '../../../src/kernel/net-kernel.ts';
import { memoryLogger, Runtime, type Process } from '../../../src/process/index.ts';
import { atom, Ref, Tuple, tuple, type Term } from '../../../src/term/types.ts';

/** `{'$gen_call', From, Request}` with a From whose "pid" is not a pid. */
const badFroms = (request: Term): Term[] => [
  tuple(atom('$gen_call'), tuple(42, atom('tag')), request),
  tuple(atom('$gen_call'), tuple(atom('nobody'), atom('tag')), request),
  tuple(atom('$gen_call'), tuple('bin', atom('tag')), request),
];

/** Calls `dest` from a fresh process the way gen:call does; resolves with the reply. */
function call(rt: Runtime, dest: string, request: Term): Promise<Term | undefined> {
  return new Promise((resolve) => {
    rt.spawn(async (self: Process) => {
      const ref = rt.makeRef();
      self.send(dest, tuple(atom('$gen_call'), tuple(self.pid, ref), request));
      const isReply = (x: Term): boolean =>
        x instanceof Tuple && x.elements[0] instanceof Ref && x.elements[0].key === ref.key;
      const m = await self.receive(isReply, { timeout: 10_000 });
      resolve(m === undefined ? undefined : (m as Tuple).elements[1]);
    });
  });
}

describe('kernel: net_kernel and global_name_server survive malformed calls', () => {
  it('kernel/net-kernel: an is_auth call with a non-pid From is dropped; ping still answers pong', async () => {
    const rt = new Runtime({ node: 'a@host', logger: memoryLogger() });
    const nk = startNetKernel(rt);
    for (const m of badFroms(tuple(atom('is_auth'), atom('x@y')))) rt.send(nk, m);
    assert.equal(await ping(rt, 'a@host', { timeoutMs: 10_000 }), 'pong');
    assert.equal(rt.isAlive(nk), true);
  });

  it('kernel/global-shim: set_lock and register calls with a non-pid From are dropped; it still answers', async () => {
    const rt = new Runtime({ node: 'a@host', logger: memoryLogger() });
    const g = startGlobalShim(rt);
    const lock = tuple(atom('set_lock'), tuple(atom('res'), atom('me')));
    for (const m of [...badFroms(lock), ...badFroms(tuple(atom('register'), 1, 2, 3))]) {
      rt.send(g, m);
    }
    assert.equal(await call(rt, 'global_name_server', lock), true);
    assert.equal(rt.isAlive(g), true);
  });
});

// GenServer under a Supervisor, :sys.get_state, a crash and its restart, Task.async/await.
// Run: node --import tsx examples/03-genserver.ts   (in your project: import from 'beamlink')
import { GenServer, Runtime, Supervisor, Task, memoryLogger } from '../src/index.ts';
import type { From, Term } from '../src/index.ts';

class Counter extends GenServer<number, 'get' | 'inc', number, 'crash'> {
  init(start: Term) {
    return { ok: Number(start) }; // {:ok, state}
  }
  handleCall(req: 'get' | 'inc', _from: From, n: number) {
    return req === 'inc' ? { reply: n + 1, state: n + 1 } : { reply: n, state: n }; // {:reply, r, s}
  }
  handleCast(_req: 'crash', _n: number): never {
    throw new Error('boom'); // the supervisor restarts the counter from init
  }
}
const rt = new Runtime({ node: 'demo@localhost', logger: memoryLogger() }); // no crash log
const sup = await Supervisor.start(
  rt,
  [{ id: 'counter', start: (s) => GenServer.startLink(s, new Counter(), 10, { name: 'counter' }) }],
  { strategy: 'one_for_one', name: 'app_sup' },
);

console.log(await GenServer.call(rt, 'counter', 'inc')); // 11
console.log(await GenServer.getState(rt, 'counter')); // 11   (:sys.get_state)

const before = rt.whereis('counter');
GenServer.cast(rt, 'counter', 'crash');
while (rt.whereis('counter') === undefined || rt.whereis('counter') === before) {
  await new Promise((r) => setTimeout(r, 5)); // wait for the restart
}
console.log(await GenServer.call(rt, 'counter', 'get')); // 10: a fresh state
console.log(await Supervisor.countChildren(rt, sup)); // { specs: 1, active: 1, ... }
// Task.async/await must run inside a process (the task links to its caller).
rt.spawn(async (self) => {
  const t = Task.async(self, (task) => GenServer.call(task, 'counter', 'inc')); // task's own process
  console.log('task:', await Task.await(self, t, 1000)); // task: 11
  await Supervisor.stop(self, 'app_sup');
});

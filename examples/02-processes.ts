// Processes: spawn, send, selective receive with a timeout, links, monitors, trap_exit.
// Run: node --import tsx examples/02-processes.ts   (in your project: import from 'beamlink')
import { Runtime, Tuple, atom, format, setLocalNodeForPrinting, tuple } from '../src/index.ts';
import type { Pid, Term } from '../src/index.ts';

const rt = new Runtime({ node: 'demo@localhost' }); // one node's processes, no network
setLocalNodeForPrinting('demo@localhost'); // print our pids as #PID<0.N.0>
const tagged = (tag: string) => (m: Term) => m instanceof Tuple && m.elements[0] === atom(tag);

// A registered echo server: Process.register(pid, :echo) / send(:echo, {self(), msg}).
rt.spawn(
  async (self) => {
    for (;;) {
      const [from, body] = ((await self.receive()) as Tuple).elements;
      self.send(from as Pid, tuple(atom('echo'), body!));
    }
  },
  { name: 'echo' },
);

const main = rt.spawn(async (self) => {
  self.send('echo', tuple(self.pid, 'hello'));
  console.log('reply:', format((await self.receive(tagged('echo')))!)); // {:echo, "hello"}

  // receive ... after 50 -> :timeout end
  console.log('after:', (await self.receive(undefined, { timeout: 50 })) ?? 'timeout');

  // spawn_monitor: {:DOWN, ref, :process, pid, :boom}
  const [, ref] = self.spawnMonitor(async (child) => child.exit(atom('boom')));
  const down = (await self.receive(tagged('DOWN'))) as Tuple;
  console.log('monitor:', format(down), down.elements[1] === ref); // ... :boom} true

  // Process.flag(:trap_exit, true) + spawn_link: the child's exit arrives as a message.
  self.trapExit(true);
  self.spawnLink(async (child) => child.exit(atom('crashed'))); // a thrown Error works too
  console.log('link:', format((await self.receive(tagged('EXIT')))!)); // {:EXIT, #PID<..>, :crashed}
  rt.exit(rt.whereis('echo')!, atom('shutdown')); // Process.exit(pid, :shutdown)
});
rt.spawn(async (self) => void (self.monitor(main), await self.receive(), console.log('done')));

/**
 * `beamlink demo`: the lesson "Distributed Erlang in Practice" in one command. Three local
 * nodes (child processes running `beamlink start` with a generated cookie, on a private
 * port mapper when none answers) are connected, and the lesson runs step by step — node
 * monitoring, agents started on remote nodes, remember/recall and tasks across nodes,
 * rpc, a broadcast event, then one node is killed and the ClusterMonitor and the cluster
 * directory react. Each step prints ✔ or ✖ with its timing.
 *
 * `--headless` exits at the end (0 when every step passed); otherwise the nodes keep
 * running with the lines to join them printed, until Ctrl-C. `--with-elixir` adds a real
 * Elixir node (when `elixir` is on the PATH) and prints the `iex … --remsh` line to join.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { EpmdDaemon, names } from '../../epmd/index.ts';
import type { BeamNode } from '../../kernel/index.ts';
import { rpcOf, isBadRpc, type Rpc } from '../../rpc/index.ts';
import { PubSub } from '../../pubsub/index.ts';
import { format } from '../../term/format.ts';
import { Atom, Pid, Tuple, atom, type Term } from '../../term/types.ts';
import { ChildNode } from '../demo/children.ts';
import { elixirNode, type ElixirNode } from '../demo/elixir.ts';
import { StepRunner, check, until } from '../demo/steps.ts';
import { processIo, type CliIo } from '../io.ts';
import { startCliNode } from '../node-setup.ts';
import { pgService } from '../../pg/index.ts';
import { rpcService } from '../../rpc/index.ts';

const A = atom;
const AS = A('Elixir.AgentFramework.AgentServer');
const SUP = A('Elixir.AgentFramework.AgentSupervisor');
const MON = A('Elixir.AgentFramework.ClusterMonitor');
const CDIR = A('Elixir.AgentFramework.ClusterDirectory');

interface DemoOptions {
  headless?: boolean;
  withElixir?: boolean;
  epmdPort?: number;
}

function field(m: Term | undefined, key: string): Term | undefined {
  if (m instanceof Map) return (m as Map<Term, Term>).get(A(key));
  if (m && typeof m === 'object' && !(m instanceof Tuple) && !Array.isArray(m)) {
    return (m as Record<string, Term>)[key];
  }
  return undefined;
}

function okPid(r: Term): Pid {
  if (r instanceof Tuple && r.elements[0] === A('ok') && r.elements[1] instanceof Pid) {
    return r.elements[1];
  }
  throw new Error(`expected {:ok, pid}, got ${format(r)}`);
}

/** Uses the port mapper on `port` when one answers, else starts a private one there. */
async function portMapper(
  port: number | undefined,
): Promise<{ port: number; daemon?: EpmdDaemon }> {
  if (port !== undefined) {
    try {
      await names('127.0.0.1', { epmdPort: port });
      return { port };
    } catch {
      const daemon = await EpmdDaemon.start({ port });
      return { port: daemon.port, daemon };
    }
  }
  try {
    const r = await names('127.0.0.1', {});
    return { port: r.epmdPort };
  } catch {
    const daemon = await EpmdDaemon.start({ port: 0 });
    return { port: daemon.port, daemon };
  }
}

/**
 * The `demo` command.
 *
 * @example
 * ```ts
 * process.exitCode = await main(['demo', '--headless']);
 * ```
 */
export function demoCommand(io: CliIo = processIo()): Command {
  return new Command('demo')
    .description('the lesson in one command: three nodes, agents, rpc, events, a node killed')
    .option('--headless', 'run the steps and exit (0 if every step passed)')
    .option('--with-elixir', 'add a real Elixir node (needs elixir on the PATH)')
    .option(
      '--epmd-port <port>',
      'port mapper port (default: 4369 if one answers, else a private one)',
      Number,
    )
    .addHelpText(
      'after',
      '\nExamples:\n  npx beamlink demo\n  npx beamlink demo --headless\n  npx beamlink demo --with-elixir',
    )
    .action(async (opts: DemoOptions) => {
      const colour = process.stdout.isTTY === true && !process.env.NO_COLOR;
      const run = new StepRunner((s) => io.out(s), colour);
      const suffix = randomBytes(2).toString('hex');
      const cookie = `demo_${randomBytes(12).toString('hex')}`;
      const children: ChildNode[] = [];
      let me: BeamNode | undefined;
      let ex: ElixirNode | undefined;
      let pm: { port: number; daemon?: EpmdDaemon } | undefined;
      let interrupted = false;
      const cleanup = async () => {
        await Promise.all(children.map((c) => c.stop()));
        await ex?.stop();
        await me?.stop();
        await pm?.daemon?.stop();
      };
      const onSigint = () => {
        interrupted = true;
        io.out('\nstopping the demo nodes…\n');
        void cleanup().then(() => process.exit(130));
      };
      process.once('SIGINT', onSigint);
      try {
        await lesson();
      } finally {
        if (opts.headless || run.failed > 0 || interrupted) await cleanup();
        process.removeListener('SIGINT', onSigint);
      }
      io.out(`\n${run.passed} steps passed, ${run.failed} failed\n`);
      if (run.failed > 0) io.exitCode = 1;

      async function lesson(): Promise<void> {
        const mk = (i: number) => `node${i}_${suffix}`;
        const [n1, n2, n3] = [1, 2, 3].map(mk) as [string, string, string];
        let rpc!: Rpc;
        const events: Term[] = [];
        run.section('Section 2 — starting nodes with the agent framework');
        await run.step('a port mapper answers', async () => {
          pm = await portMapper(opts.epmdPort);
          return pm.daemon ? `a private one on port ${pm.port}` : `the one on port ${pm.port}`;
        });
        const common = ['--cookie', cookie, '--epmd-port', String(pm?.port ?? 4369)];
        const full: string[] = [];
        await run.step('three nodes up (beamlink start, a generated cookie)', async () => {
          const started = await Promise.all(
            [n1, n2, n3].map((n) => ChildNode.start(['--sname', n, ...common])),
          );
          children.push(...started);
          full.push(...started.map((c) => c.name));
          me = await startCliNode(
            { sname: `you_${suffix}`, cookie, epmdPort: pm!.port },
            [rpcService({ output: () => {} }), pgService()],
            false,
          );
          rpc = rpcOf(me)!;
          return full.join(', ');
        });
        const [f1, f2, f3] = full as [string, string, string];
        await run.step(`on ${n2}: Node.connect(:${f1})`, async () => {
          const r = await rpc.call(f2, 'Elixir.Node', 'connect', [A(f1)]);
          check(r === true, `expected true, got ${format(r)}`);
          await rpc.call(f3, 'Elixir.Node', 'connect', [A(f2)]);
          return 'true';
        });
        await run.step(`on ${n1}: Node.list() — connections are transitive`, async () => {
          const list = await until(
            async () => {
              const r = await rpc.call(f1, 'Elixir.Node', 'list', []);
              const names = Array.isArray(r)
                ? (r as Term[]).map((x) => (x instanceof Atom ? x.name : ''))
                : [];
              return names.includes(f2) && names.includes(f3) ? names : undefined;
            },
            15_000,
            `${f2} and ${f3} in Node.list() of ${f1}`,
          );
          return format(list.filter((x) => x !== me!.name).map(A));
        });

        run.section('Section 5 — node monitoring');
        await run.step('you: :net_kernel.monitor_nodes(true), connect to every node', async () => {
          me!.monitorNodes((e) => events.push(new Tuple([A(e.type), e.node])));
          for (const f of full) check(await me!.connect(f), `cannot connect to ${f}`);
          return `${me!.name} watches ${full.length} nodes`;
        });
        await run.step(`${n1}'s ClusterMonitor: cluster_info`, async () => {
          const info = await until(
            async () => {
              const r = await rpc.call(f1, MON, 'cluster_info', []);
              return Number(field(r, 'total')) >= 3 ? r : undefined;
            },
            15_000,
            'the ClusterMonitor to count three nodes',
          );
          return format(info);
        });

        run.section('Sections 3, 4 and 7 — agents on remote nodes, rpc');
        let w1!: Pid;
        await run.step(
          `from ${n2}: :rpc.call(:${n1}, AgentSupervisor, :start_agent, ["Worker-1"])`,
          async () => {
            const r = await rpc.call(f2, 'rpc', 'call', [
              A(f1),
              SUP,
              A('start_agent'),
              ['Worker-1'],
            ]);
            w1 = okPid(r);
            check(w1.node.name === f1, `the agent lives on ${w1.node.name}, not ${f1}`);
            return format(r);
          },
        );
        await run.step(`on ${n1}: AgentServer.remember(w1, :origin, "${n1}")`, async () => {
          const r = await rpc.call(f1, AS, 'remember', [w1, A('origin'), n1]);
          check(r === A('ok'), `expected :ok, got ${format(r)}`);
          return format(r);
        });
        await run.step(`on ${n3}: AgentServer.recall(w1, :origin) — a pid from ${n1}`, async () => {
          const r = await rpc.call(f3, AS, 'recall', [w1, A('origin')]);
          check(r === n1, `expected "${n1}", got ${format(r)}`);
          return format(r);
        });
        await run.step(
          `on ${n2}: AgentServer.send_task(w1, :search, %{query: "distributed"})`,
          async () => {
            const r = await rpc.call(f2, AS, 'send_task', [
              w1,
              A('search'),
              { query: 'distributed' },
            ]);
            check(r === A('ok'), `expected :ok, got ${format(r)}`);
            return format(r);
          },
        );
        await run.step(`on ${n1}: AgentServer.process_next(w1)`, async () => {
          const r = await rpc.call(f1, AS, 'process_next', [w1]);
          check(
            r instanceof Tuple &&
              r.elements[0] === A('ok') &&
              format(r.elements[2]!).includes('Search results for: distributed'),
            `expected {:ok, task, {:ok, "Search results for: distributed"}}, got ${format(r)}`,
          );
          return format((r as Tuple).elements[2]!);
        });
        await run.step(`:rpc.call(:${n1}, Node, :self, []) and a dead node`, async () => {
          const r = await rpc.call(f1, 'Elixir.Node', 'self', []);
          check(r === A(f1), `expected :${f1}, got ${format(r)}`);
          const dead = await rpc.call(
            `nobody_${suffix}@${f1.split('@')[1]}`,
            'Elixir.Node',
            'self',
            [],
          );
          check(isBadRpc(dead), `expected {:badrpc, _}, got ${format(dead)}`);
          return `${format(r)}; ${format(dead)}`;
        });

        run.section('Session 24 preview — a broadcast event (Phoenix.PubSub over pg)');
        await run.step(`you subscribe to "agents"; an agent starts on ${n3}`, async () => {
          const ps = await PubSub.start(me!, { name: 'AgentFramework.PubSub' });
          me!.onStop(() => ps.stop());
          const heard: Term[] = [];
          me!.spawn(async (self) => {
            ps.subscribe(self, 'agents');
            for (;;) heard.push((await self.receive())!);
          });

          // pg membership travels asynchronously: until node3 knows of our subscription,
          // an event published there reaches nobody; so start Worker-3 again until heard.
          let last = 0;
          const started = await until(
            async () => {
              const hit = heard.find(
                (m) => m instanceof Tuple && field(m.elements[1], 'type') === A('started'),
              );
              if (hit === undefined && Date.now() - last > 1000) {
                last = Date.now();
                await rpc.call(f3, SUP, 'stop_agent', ['Worker-3']);
                await rpc.call(f3, SUP, 'start_agent', ['Worker-3']);
              }
              return hit;
            },
            15_000,
            'the :started event of Worker-3',
          );
          return format(started).slice(0, 120);
        });

        run.section('Section 6 — a node dies: ClusterMonitor and directory react');
        await run.step(`${n1}'s ClusterDirectory knows Worker-3 on ${n3}`, async () => {
          const r = await until(
            async () => {
              const x = await rpc.call(f1, CDIR, 'lookup', ['Worker-3']);
              return x instanceof Tuple && x.elements[0] === A('ok') ? x : undefined;
            },
            15_000,
            'Worker-3 in the cluster directory of node1',
          );
          return format(r);
        });
        await run.step(`kill -9 ${n3}`, async () => {
          await children[2]!.kill();
          return `pid ${children[2]!.child.pid} killed`;
        });
        await run.step(`you receive {:nodedown, :${n3}}`, async () => {
          const down = await until(
            () =>
              events.find(
                (e) =>
                  e instanceof Tuple && e.elements[0] === A('nodedown') && e.elements[1] === A(f3),
              ),
            15_000,
            'the nodedown message',
          );
          return format(down);
        });
        await run.step(`${n1}'s ClusterMonitor drops ${n3}`, async () => {
          const info = await until(
            async () => {
              const r = await rpc.call(f1, MON, 'cluster_info', []);
              const c = field(r, 'connected');
              return Array.isArray(c) && !(c as Term[]).includes(A(f3)) ? r : undefined;
            },
            15_000,
            `${f3} to leave cluster_info`,
          );
          return format(info);
        });
        await run.step(`${n1}'s ClusterDirectory forgets Worker-3`, async () => {
          const r = await until(
            async () => {
              const x = await rpc.call(f1, CDIR, 'lookup', ['Worker-3']);
              return x instanceof Tuple && x.elements[0] === A('error') ? x : undefined;
            },
            15_000,
            'Worker-3 to leave the directory',
          );
          return format(r);
        });

        if (opts.withElixir) {
          run.section('A real Elixir node joins');
          await run.step('elixir --sname … joins and calls an agent with :rpc.call', async () => {
            ex = await elixirNode(`elixir_${suffix}`, cookie, pm!.port);
            const r = await rpc.call(ex.name, 'rpc', 'call', [
              A(f1),
              AS,
              A('recall'),
              [w1, A('origin')],
            ]);
            check(r === n1, `expected "${n1}", got ${format(r)}`);
            return `${ex.name}: ${format(r)}`;
          });
        }

        if (!opts.headless && run.failed === 0) {
          const env = pm!.port === 4369 ? '' : `ERL_EPMD_PORT=${pm!.port} `;
          io.out(`\nThe nodes keep running. Join them from another terminal:\n`);
          io.out(`  ${env}npx beamlink shell --sname me --cookie ${cookie}\n`);
          io.out(`  ${env}npx beamlink remsh ${n1} --cookie ${cookie}\n`);
          io.out(`  ${env}iex --sname me --cookie ${cookie}${ex ? ` --remsh ${ex.name}` : ''}\n`);
          io.out('Ctrl-C stops everything.\n');
          await new Promise<never>(() => {});
        }
      }
    });
}

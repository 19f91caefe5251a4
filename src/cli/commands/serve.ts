/**
 * `beamlink start`: the shell's node without the REPL — rpc, pg and the agent framework —
 * until SIGINT or SIGTERM, then a clean stop (agents' supervisor stopped, children in
 * order; connections closed; the port mapper registration released).
 *
 * Prints `beamlink: node ts1@vm up (port 41234, creation 1712345678)` once up and
 * `beamlink: node ts1@vm stopped (SIGTERM)` at the end, so scripts can wait for either
 * (the same lines as the kernel's `start` command, commands/start.ts, which runs a bare
 * node).
 *
 * @module
 */
import { Command, InvalidArgumentError } from 'commander';
import { processIo, type CliIo } from '../io.ts';
import { addNodeOptions, startCliNode, type NodeFlags } from '../node-setup.ts';
import { cliServices } from '../services.ts';

/**
 * The `start` command with the CLI services.
 *
 * @example
 * ```ts
 * await buildProgram().parseAsync(['start', '--sname', 'ts1', '--cookie', 'c'], { from: 'user' });
 * ```
 */
export function serveCommand(io: CliIo = processIo()): Command {
  const cmd = new Command('start')
    .description('run a headless node (rpc, pg, agent framework) until SIGINT/SIGTERM')
    .addHelpText(
      'after',
      '\nExamples:\n  beamlink start --sname node1 --cookie agent_secret\n  beamlink start --name node1@127.0.0.1 --epmd-port 4400 --ticktime 4',
    );
  addNodeOptions(cmd, { own: true });
  return cmd.action(async (opts: NodeFlags) => {
    if (!opts.sname && !opts.name) {
      throw new InvalidArgumentError('give --sname or --name');
    }
    let signal: NodeJS.Signals | undefined;
    let wake: () => void = () => {};
    const onSignal = (s: NodeJS.Signals) => {
      signal = s;
      wake();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const node = await startCliNode(opts, cliServices());
      io.out(
        `beamlink: node ${node.name} up (port ${node.port}, creation ${node.creation}${node.hidden ? ', hidden' : ''})\n`,
      );
      if (signal === undefined) await new Promise<void>((resolve) => (wake = resolve));
      await node.stop();
      io.out(`beamlink: node ${node.name} stopped (${signal})\n`);
    } finally {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    }
  });
}

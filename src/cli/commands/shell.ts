/**
 * `beamlink shell` (also `beamlink` with no verb): a node with the agent framework, rpc
 * and pg, and a REPL on it — what `iex --sname ts1 --cookie c` gives you.
 *
 * ```
 * $ npx beamlink shell --sname node1 --cookie agent_secret
 * beamlink(node1@vm)1> await Node.connect('node2@vm')
 * true
 * ```
 *
 * @module
 */
import { Command } from 'commander';
import { rpcOf } from '../../rpc/index.ts';
import { processIo, type CliIo } from '../io.ts';
import { addNodeOptions, startCliNode, type NodeFlags } from '../node-setup.ts';
import { cliServices } from '../services.ts';
import { startShell } from '../shell/repl.ts';
import { randomBytes } from 'node:crypto';

/**
 * The `shell` command.
 *
 * @example
 * ```ts
 * await buildProgram().parseAsync(['shell', '--sname', 'ts1'], { from: 'user' });
 * ```
 */
export function shellCommand(io: CliIo = processIo()): Command {
  const cmd = new Command('shell')
    .description('start a node and open a REPL on it (as iex); the default verb')
    .addHelpText(
      'after',
      `
Examples:
  beamlink shell --sname node1 --cookie agent_secret
  beamlink --sname node2 --cookie agent_secret      (shell is the default verb)

In the shell (help() lists everything):
  await Node.connect('node1@vm')     Node.list()     monitorNodes(true)
  await receive('nodedown', { timeout: 5000 })     flush()
  await rpc.call('node1@vm', 'Node', 'self', [])`,
    );
  addNodeOptions(cmd, { own: true });
  return cmd.action(async (opts: NodeFlags) => {
    const flags =
      opts.sname || opts.name
        ? opts
        : { ...opts, sname: `shell_${randomBytes(2).toString('hex')}` };
    const node = await startCliNode(flags, cliServices());
    const onSigterm = () => void node.stop().then(() => process.exit(0));
    process.once('SIGTERM', onSigterm);
    try {
      await startShell({
        node,
        rpc: rpcOf(node)!,
        input: process.stdin,
        output: process.stdout,
        epmdPort: opts.epmdPort,
      });
    } finally {
      process.removeListener('SIGTERM', onSigterm);
      await node.stop();
      io.out('');
    }
  });
}

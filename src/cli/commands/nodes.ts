/**
 * `beamlink nodes NODE`: the nodes NODE is connected to (`Node.list/0`; `--all` adds the
 * hidden ones), asked from a hidden node that is left out of the answer.
 *
 * ```
 * $ npx beamlink nodes ts1
 * ts2@vm
 * erl@vm
 * ```
 *
 * @module
 */
import { Command } from 'commander';
import { atom, Atom } from '../../term/types.ts';
import { withClientNode } from '../client.ts';
import { processIo, type CliIo } from '../io.ts';
import { addNodeOptions, CliError, type NodeFlags } from '../node-setup.ts';
import { format } from '../../term/format.ts';

/**
 * The `nodes` command.
 *
 * @example
 * ```ts
 * await buildProgram().parseAsync(['nodes', 'ts1', '--json'], { from: 'user' });
 * ```
 */
export function nodesCommand(io: CliIo = processIo()): Command {
  const cmd = new Command('nodes')
    .description('list the nodes NODE is connected to (Node.list/0)')
    .argument('<node>', 'node name (name@host; a bare name means this host)')
    .option('--all', 'hidden nodes too (Node.list(:connected))')
    .option('--json', 'print a JSON array of names')
    .addHelpText(
      'after',
      '\nExamples:\n  beamlink nodes ts1\n  beamlink nodes erl@127.0.0.1 --all --json',
    );
  addNodeOptions(cmd, { own: false });
  return cmd.action(async (target: string, opts: NodeFlags & { all?: boolean; json?: boolean }) => {
    const list = await withClientNode(target, opts, async ({ rpc, node, target: full }) => {
      const r = await rpc.call(full, 'erlang', 'nodes', [atom(opts.all ? 'connected' : 'visible')]);
      if (!Array.isArray(r))
        throw new CliError('BL_ERR_CLI_RPC', `erlang:nodes/1 on ${full} answered ${format(r)}`);
      return (r as unknown[])
        .filter((n): n is Atom => n instanceof Atom && n !== node.node)
        .map((n) => n.name);
    });
    io.out(opts.json ? `${JSON.stringify(list)}\n` : list.map((n) => `${n}\n`).join(''));
  });
}

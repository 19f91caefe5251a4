/**
 * `beamlink rpc NODE MODULE FUNCTION [ARGS...]`: `:rpc.call/4` from a hidden node, the
 * arguments written as Elixir literals, the result printed as iex prints it.
 *
 * ```
 * $ npx beamlink rpc ts1 Node self
 * :ts1@vm
 * $ npx beamlink rpc erl@vm lists seq 1 5
 * [1, 2, 3, 4, 5]
 * $ npx beamlink rpc erl@vm erlang tuple_to_list '{:a, "b", %{c: 1}}'
 * [:a, "b", %{c: 1}]
 * ```
 *
 * @module
 */
import { Command } from 'commander';
import { format } from '../../term/format.ts';
import { isBadRpc } from '../../rpc/index.ts';
import { withClientNode } from '../client.ts';
import { processIo, type CliIo } from '../io.ts';
import { moduleAtom, parseArgs } from '../literal.ts';
import { addNodeOptions, type NodeFlags } from '../node-setup.ts';
import { toJson } from '../json.ts';

/**
 * The `rpc` command.
 *
 * @example
 * ```ts
 * await buildProgram().parseAsync(['rpc', 'ts1', 'erlang', 'node'], { from: 'user' });
 * ```
 */
export function rpcCommand(io: CliIo = processIo()): Command {
  const cmd = new Command('rpc')
    .description('call MODULE.FUNCTION(ARGS) on NODE (:rpc.call/4) and print the result')
    .argument('<node>', 'node name (name@host; a bare name means this host)')
    .argument(
      '<module>',
      'module: Node and Foo.Bar are Elixir modules, erlang / :lists Erlang ones',
    )
    .argument('<function>', 'function name')
    .argument(
      '[args...]',
      'arguments as Elixir literals: 1 2.5 :atom "string" [1, 2] {:a, 1} %{k: 1}',
    )
    .option('--json', 'print the result as JSON')
    .option('--timeout <ms>', 'give up after this many ms (→ {:badrpc, :timeout})', Number)
    .addHelpText(
      'after',
      `
Examples:
  beamlink rpc ts1 Node self
  beamlink rpc erl@127.0.0.1 lists seq 1 5
  beamlink rpc ts1 erlang tuple_to_list '{:a, "b"}'
  beamlink rpc ts1 AgentFramework.AgentSupervisor list_agents`,
    );
  addNodeOptions(cmd, { own: false });
  return cmd.action(
    async (
      target: string,
      module: string,
      fn: string,
      args: string[],
      opts: NodeFlags & { json?: boolean; timeout?: number },
    ) => {
      const argv = parseArgs(args);
      const result = await withClientNode(target, opts, ({ rpc, target: full }) =>
        rpc.call(full, moduleAtom(module), fn.replace(/^:/, ''), argv, opts.timeout ?? Infinity),
      );
      io.out(opts.json ? `${JSON.stringify(toJson(result))}\n` : `${format(result)}\n`);
      if (isBadRpc(result)) io.exitCode = 1;
    },
  );
}

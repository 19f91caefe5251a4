/**
 * `beamlink ping NODE`: `net_adm:ping/1` from a hidden node; prints `pong` (exit 0) or
 * `pang` and why (exit 1).
 *
 * ```
 * $ npx beamlink ping ts1 --cookie secret
 * pong
 * ```
 *
 * @module
 */
import { Command } from 'commander';
import { withClientNode } from '../client.ts';
import { processIo, type CliIo } from '../io.ts';
import { addNodeOptions, CliError, type NodeFlags } from '../node-setup.ts';

/**
 * The `ping` command.
 *
 * @example
 * ```ts
 * await buildProgram().parseAsync(['ping', 'ts1@vm', '--cookie', 'c'], { from: 'user' });
 * ```
 */
export function pingCommand(io: CliIo = processIo()): Command {
  const cmd = new Command('ping')
    .description('ping a node (net_adm:ping/1): pong, or pang and the likely reason')
    .argument('<node>', 'node name (name@host; a bare name means this host)')
    .option('--json', 'print {"node": ..., "result": "pong" | "pang"}')
    .addHelpText(
      'after',
      '\nExamples:\n  beamlink ping ts1 --cookie secret\n  beamlink ping erl@127.0.0.1 --json',
    );
  addNodeOptions(cmd, { own: false });
  return cmd.action(async (target: string, opts: NodeFlags & { json?: boolean }) => {
    let reason: string | undefined;
    const { result, node } = await withClientNode(
      target,
      opts,
      async ({ target: full, node }) => ({ result: await node.ping(full), node: full }),
      { connect: true },
    ).catch((e: unknown) => {
      if (!(e instanceof CliError)) throw e;
      reason = `${e.message}${e.hint ? `\n  hint: ${e.hint}` : ''}`;
      return { result: 'pang' as const, node: target };
    });
    if (opts.json) io.out(`${JSON.stringify({ node, result, ...(reason ? { reason } : {}) })}\n`);
    else io.out(`${result}\n`);
    if (reason && !opts.json) io.err(`beamlink ping: ${reason}\n`);
    if (result !== 'pong') io.exitCode = 1;
  });
}

/**
 * `beamlink remsh NODE`: a shell that evaluates on a running beamlink node (one started
 * with `beamlink start` or `beamlink shell`), as `iex --remsh` does for BEAM nodes. Needs
 * the node's cookie: the cookie is the trust boundary (see shell/remsh-service.ts).
 *
 * ```
 * $ npx beamlink remsh node1 --cookie agent_secret
 * remsh(node1@vm)1> Node.self()
 * :node1@vm
 * ```
 *
 * @module
 */
import { Command } from 'commander';
import { Pid, Tuple, atom, type Term } from '../../term/types.ts';
import { withClientNode } from '../client.ts';
import { processIo, type CliIo } from '../io.ts';
import { addNodeOptions, CliError, type NodeFlags } from '../node-setup.ts';
import { REMSH_NAME } from '../shell/remsh-service.ts';

/**
 * The `remsh` command.
 *
 * @example
 * ```ts
 * await buildProgram().parseAsync(['remsh', 'node1', '--cookie', 'c'], { from: 'user' });
 * ```
 */
export function remshCommand(io: CliIo = processIo()): Command {
  const cmd = new Command('remsh')
    .description('open a shell evaluating on a running beamlink node (as iex --remsh)')
    .argument('<node>', 'node name (name@host; a bare name means this host)')
    .addHelpText(
      'after',
      '\nExamples:\n  beamlink remsh node1 --cookie agent_secret\n  echo "Node.list()" | beamlink remsh node1@vm\n\nFor a BEAM node use iex --sname me --cookie C --remsh node@host.',
    );
  addNodeOptions(cmd, { own: false });
  return cmd.action(async (target: string, opts: NodeFlags) => {
    const colour = process.stdout.isTTY === true && !process.env.NO_COLOR;
    await withClientNode(target, opts, ({ node, target: full }) => {
      return new Promise<void>((resolve, reject) => {
        node.spawn(async (self) => {
          self.send([REMSH_NAME, full], new Tuple([atom('open'), self.pid, { colour }]));
          const opened = await self.receive(
            (m) => m instanceof Tuple && m.elements[0] === atom('remsh_opened'),
            { timeout: 10_000 },
          );
          if (!(opened instanceof Tuple) || !(opened.elements[1] instanceof Pid)) {
            reject(
              new CliError(
                'BL_ERR_CLI_NO_REMSH',
                `${full} has no ${REMSH_NAME} process`,
                'remsh works with beamlink nodes started by `beamlink start` or `beamlink shell` (without BEAMLINK_REMSH=off); for a BEAM node: iex --sname me --cookie C --remsh ' +
                  full,
              ),
            );
            return;
          }
          const session = opened.elements[1];
          self.monitor(session);
          const onData = (d: Buffer) =>
            self.send(session, new Tuple([atom('remsh_in'), d.toString('utf8')]));
          const onEnd = () => self.send(session, new Tuple([atom('remsh_in'), '\n.exit\n']));
          process.stdin.on('data', onData);
          process.stdin.once('end', onEnd);
          try {
            for (;;) {
              const m: Term | undefined = await self.receive();
              if (!(m instanceof Tuple)) continue;
              const tag = m.elements[0];
              if (tag === atom('remsh_out') && typeof m.elements[2] === 'string')
                io.out(m.elements[2]);
              else if (tag === atom('remsh_closed') || tag === atom('DOWN')) break;
            }
          } finally {
            process.stdin.off('data', onData);
            process.stdin.off('end', onEnd);
            process.stdin.pause();
          }
          io.out('\n');
          resolve();
        });
      });
    });
  });
}

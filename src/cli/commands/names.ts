/**
 * `beamlink names [--port N] [--json] [HOST]`: what `epmd -names` prints, from any port
 * mapper (Erlang's or beamlink's).
 *
 * ```
 * $ npx beamlink names
 * epmd: up and running on port 4369 with data:
 * name foo at port 40123
 * ```
 *
 * @module
 */
import { Command } from 'commander';
import { epmdPortFromEnv, names } from '../../epmd/index.ts';
import { processIo, type CliIo } from '../io.ts';
import { portOption } from './options.ts';

/**
 * The `names` command.
 *
 * @example
 * ```ts
 * const program = new Command('beamlink').addCommand(namesCommand());
 * await program.parseAsync(['names', '--json'], { from: 'user' });
 * ```
 */
export function namesCommand(io: CliIo = processIo()): Command {
  return new Command('names')
    .description('list the nodes registered with the port mapper, as `epmd -names`')
    .argument('[host]', 'host whose port mapper to ask', '127.0.0.1')
    .option('-p, --port <port>', 'port mapper port (default ERL_EPMD_PORT, else 4369)', portOption)
    .option('--json', 'print JSON: { "port": N, "names": [{ "name", "port" }] }')
    .action(async (host: string, opts: { port?: number; json?: boolean }) => {
      const epmdPort = epmdPortFromEnv(opts.port);
      let reply;
      try {
        reply = await names(host, { epmdPort });
      } catch (e) {
        io.err(`${e instanceof Error ? e.message : String(e)}\n`);
        io.exitCode = 1;
        return;
      }
      if (opts.json) {
        io.out(`${JSON.stringify({ port: reply.epmdPort, names: reply.names })}\n`);
      } else {
        io.out(`epmd: up and running on port ${reply.epmdPort} with data:\n${reply.text}`);
      }
    });
}

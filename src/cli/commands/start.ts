/**
 * `beamlink start`: runs a headless node until SIGINT or SIGTERM, then stops it cleanly
 * (connections closed, port mapper registration released).
 *
 * ```
 * npx beamlink start --sname ts1 --cookie secret
 * npx beamlink start --name ts1@127.0.0.1 --hidden --epmd-port 4400 --ticktime 4
 * ```
 *
 * Prints one line once the node is up — `beamlink: node ts1@vm up (port 41234, creation
 * 1712345678)` — and one when it stops, so scripts can wait for either.
 *
 * @module
 */
import { Command, InvalidArgumentError } from 'commander';
import { startNode, type BeamNode, type StartNodeOptions } from '../../kernel/index.ts';
import { consoleLogger, type LogLevel } from '../../process/logger.ts';
import { processIo, type CliIo } from '../io.ts';

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be an integer in ${min}..${max}`);
    }
    return n;
  };
}

function portRange(value: string): { min: number; max: number } {
  const m = /^(\d+)(?:[-:](\d+))?$/.exec(value);
  const min = m ? Number(m[1]) : NaN;
  const max = m?.[2] !== undefined ? Number(m[2]) : min;
  if (!m || min > 65535 || max > 65535 || max < min) {
    throw new InvalidArgumentError('listen must be PORT or MIN-MAX (0 = any port)');
  }
  return { min, max };
}

/**
 * The parsed options of `beamlink start`.
 *
 * @example
 * ```ts
 * const opts: StartCommandOptions = { sname: 'ts1', cookie: 'c', ticktime: 4 };
 * ```
 */
export interface StartCommandOptions {
  sname?: string;
  name?: string;
  cookie?: string;
  hidden?: boolean;
  epmdPort?: number;
  ticktime?: number;
  listen?: { min: number; max: number };
  logLevel?: LogLevel;
}

/**
 * The `start` command (a commander `Command`), for `src/cli/main.ts` to add with
 * `program.addCommand(startCommand(io))`; the ready and stopped lines go to `io`.
 *
 * @example
 * ```ts
 * const program = new Command('beamlink').addCommand(startCommand());
 * await program.parseAsync(['start', '--sname', 'ts1', '--cookie', 'c'], { from: 'user' });
 * ```
 */
export function startCommand(io: CliIo = processIo()): Command {
  return new Command('start')
    .description('run a headless beamlink node until SIGINT/SIGTERM')
    .option('--sname <name>', 'short node name (name or name@host), as erl -sname')
    .option('--name <name>', 'long node name (name@host.domain or name@ip), as erl -name')
    .option('--cookie <cookie>', 'magic cookie (default: RELEASE_COOKIE, then ~/.erlang.cookie)')
    .option('--hidden', 'run as a hidden node, as erl -hidden')
    .option(
      '--epmd-port <port>',
      'port mapper port (default ERL_EPMD_PORT, else 4369)',
      integer('epmd-port', 1, 65535),
    )
    .option(
      '--ticktime <seconds>',
      'net_ticktime in seconds (default 60)',
      integer('ticktime', 1, 86_400),
    )
    .option(
      '--listen <range>',
      'distribution listen port or MIN-MAX (inet_dist_listen_min/max)',
      portRange,
    )
    .option('--log-level <level>', 'debug, info, warn or error (default warn)')
    .action(async (opts: StartCommandOptions) => {
      if (!opts.sname && !opts.name) throw new InvalidArgumentError('give --sname or --name');
      const level = opts.logLevel ?? 'warn';
      if (!['debug', 'info', 'warn', 'error'].includes(level)) {
        throw new InvalidArgumentError('log-level must be debug, info, warn or error');
      }
      const options: StartNodeOptions = {
        sname: opts.sname,
        name: opts.name,
        cookie: opts.cookie,
        hidden: opts.hidden ?? false,
        epmdPort: opts.epmdPort,
        netTicktime: opts.ticktime,
        listen: opts.listen,
        logger: consoleLogger(level),
      };
      const node = await startNode(options);
      await runUntilSignal(node, io);
    });
}

/** Prints the ready line, waits for SIGINT/SIGTERM, stops the node. */
async function runUntilSignal(node: BeamNode, io: CliIo): Promise<void> {
  io.out(
    `beamlink: node ${node.name} up (port ${node.port}, creation ${node.creation}${node.hidden ? ', hidden' : ''})\n`,
  );
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  await node.stop();
  io.out(`beamlink: node ${node.name} stopped (${signal})\n`);
}

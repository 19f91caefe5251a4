/**
 * `beamlink epmd [--port N] [--address A] [--daemon]`: beamlink's port mapper, which
 * `erl`, `iex` and `epmd -names` accept as they accept Erlang's `epmd`.
 *
 * ```
 * $ npx beamlink epmd --port 4400            # foreground until SIGINT/SIGTERM or KILL_REQ
 * beamlink epmd: listening on port 4400 (127.0.0.1, ::1)
 * $ npx beamlink epmd --daemon               # detached; returns once it answers
 * beamlink epmd: started on port 4369 (pid 12345)
 * ```
 *
 * @module
 */
import { Command } from 'commander';
import {
  EpmdDaemon,
  EpmdListenError,
  ensurePortMapper,
  epmdPortFromEnv,
  type RegisteredNode,
} from '../../epmd/index.ts';
import { processIo, type CliIo } from '../io.ts';
import { portOption } from './options.ts';

interface EpmdCommandOptions {
  port?: number;
  address?: string;
  daemon?: boolean;
  relaxedCommandCheck?: boolean;
  verbose?: boolean;
}

/**
 * The `epmd` command.
 *
 * @example
 * ```ts
 * const program = new Command('beamlink').addCommand(epmdCommand());
 * await program.parseAsync(['epmd', '--port', '4400'], { from: 'user' });
 * ```
 */
export function epmdCommand(io: CliIo = processIo()): Command {
  return new Command('epmd')
    .description('run the beamlink port mapper (EPMD), in the foreground unless --daemon')
    .option('-p, --port <port>', 'port to listen on (default ERL_EPMD_PORT, else 4369)', portOption)
    .option(
      '--address <addresses>',
      'more addresses to listen on besides loopback (comma-separated)',
    )
    .option('--daemon', 'start detached and exit once it answers')
    .option('--relaxed-command-check', 'allow KILL with nodes registered, and STOP (as epmd)')
    .option('-v, --verbose', 'print registrations as they come and go')
    .action(async (opts: EpmdCommandOptions) => {
      const port = epmdPortFromEnv(opts.port);
      if (opts.daemon) {
        const pm = await ensurePortMapper({ epmdPort: port, address: opts.address });
        io.out(
          pm.started
            ? `beamlink epmd: started on port ${pm.port} (pid ${pm.pid})\n`
            : `beamlink epmd: a port mapper already answers on port ${pm.port}\n`,
        );
        return;
      }
      await runForeground(port, opts, io);
    });
}

async function runForeground(port: number, opts: EpmdCommandOptions, io: CliIo): Promise<void> {
  let daemon: EpmdDaemon;
  try {
    daemon = await EpmdDaemon.start({
      port,
      address: opts.address,
      relaxedCommandCheck: opts.relaxedCommandCheck ?? false,
    });
  } catch (e) {
    if (!(e instanceof EpmdListenError)) throw e;
    io.err(`beamlink epmd: ${e.message}\n`);
    io.exitCode = 1;
    return;
  }
  if (opts.verbose) {
    const show = (what: string) => (n: RegisteredNode) =>
      io.out(`beamlink epmd: ${what} ${n.name} at port ${n.port} (creation ${n.creation})\n`);
    daemon.on('register', show('registered'));
    daemon.on('unregister', show('unregistered'));
  }
  io.out(`beamlink epmd: listening on port ${daemon.port} (${daemon.addresses.join(', ')})\n`);
  const onSignal = () => void daemon.stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  await daemon.stopped;
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  io.out('beamlink epmd: stopped\n');
}

/**
 * The entry a detached port mapper runs: `node dist/epmd/daemon-main.js --port N
 * [--address A] [--relaxed-command-check]`. `ensurePortMapper` and `beamlink epmd
 * --daemon` start it. If the port is already taken it exits 0 at once (as `epmd -daemon`
 * does when an epmd runs); it stops on SIGTERM/SIGINT or a KILL request.
 *
 * @example
 * ```sh
 * node dist/epmd/daemon-main.js --port 4400 &
 * ```
 *
 * @module
 */
import { EpmdDaemon } from './daemon.ts';
import { EpmdListenError } from './errors.ts';

/** Parses the entry's arguments: `--port N`, `--address A`, `--relaxed-command-check`. */
function parseDaemonArgs(argv: readonly string[]): {
  port: number | undefined;
  address: string | undefined;
  relaxedCommandCheck: boolean;
} {
  let port: number | undefined;
  let address: string | undefined;
  let relaxedCommandCheck = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--port') port = Number(argv[++i]);
    else if (arg === '--address') address = argv[++i];
    else if (arg === '--relaxed-command-check') relaxedCommandCheck = true;
    else throw new Error(`daemon-main: unknown argument ${arg}`);
  }
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) {
    throw new Error('daemon-main: --port needs a port number');
  }
  return { port, address, relaxedCommandCheck };
}

async function run(): Promise<void> {
  const options = parseDaemonArgs(process.argv.slice(2));
  let daemon: EpmdDaemon;
  try {
    daemon = await EpmdDaemon.start(options);
  } catch (e) {
    if (e instanceof EpmdListenError && e.syscallCode === 'EADDRINUSE') return;
    throw e;
  }
  const stop = () => void daemon.stop();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.on('SIGHUP', () => {}); // a detached daemon outlives its terminal
  await daemon.stopped;
  process.exit(0);
}

run().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});

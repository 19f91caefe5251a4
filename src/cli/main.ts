/**
 * The `beamlink` command line: a small commander program; each verb lives in
 * `commands/<verb>.ts` and is added here.
 *
 * `bin/beamlink.js` imports the compiled `dist/cli/main.js` and calls `main(argv)`; from
 * the sources, `node --import tsx src/cli/main.ts <verb> ...` runs it directly.
 *
 * @module
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { epmdCommand } from './commands/epmd.ts';
import { namesCommand } from './commands/names.ts';
import { cookieCommand } from './commands/cookie.ts';
import { demoCommand } from './commands/demo.ts';
import { nodesCommand } from './commands/nodes.ts';
import { pingCommand } from './commands/ping.ts';
import { procsCommand } from './commands/procs.ts';
import { remshCommand } from './commands/remsh.ts';
import { rpcCommand } from './commands/rpc.ts';
import { serveCommand } from './commands/serve.ts';
import { shellCommand } from './commands/shell.ts';
import { processIo, type CliIo } from './io.ts';
import { CliError } from './node-setup.ts';

/**
 * Builds the program with every verb.
 *
 * @example
 * ```ts
 * buildProgram().commands.map((c) => c.name()) // ['shell', 'start', 'demo', 'remsh', 'rpc', ...]
 * ```
 */
export function buildProgram(io: CliIo = processIo()): Command {
  const program = new Command('beamlink')
    .description('distributed Erlang for TypeScript')
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride()
    .showHelpAfterError();
  const verbs = [
    shellCommand(io),
    serveCommand(io),
    demoCommand(io),
    remshCommand(io),
    rpcCommand(io),
    pingCommand(io),
    nodesCommand(io),
    procsCommand(io),
    namesCommand(io),
    epmdCommand(io),
    cookieCommand(io),
  ];
  for (const command of verbs) {
    // addCommand() does not pass output, exitOverride and help settings down: copy them.
    program.addCommand(command.copyInheritedSettings(program), {
      isDefault: command.name() === 'shell',
    });
  }
  return program;
}

/**
 * Runs the CLI with the given arguments (without `node` and the script) and resolves with
 * the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await main(['names', '--port', '4400']);
 * ```
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    io.err(`beamlink: ${e instanceof Error ? e.message : String(e)}\n`);
    if (e instanceof CliError && e.hint) io.err(`  how to fix: ${e.hint}\n`);
    return 1;
  }
  return io.exitCode;
}

function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return pathToFileURL(realpathSync(script)).href === import.meta.url;
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    },
  );
}

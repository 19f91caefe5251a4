/**
 * The demo's optional Elixir node: `elixir --sname NAME --cookie C` idling, on the demo's
 * port mapper (`ERL_EPMD_PORT`), stopped by pid.
 *
 * @module
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { CliError } from '../node-setup.ts';
import { names } from '../../epmd/index.ts';

/**
 * A running Elixir node.
 *
 * @example
 * ```ts
 * const ex = await elixirNode('elixir_1', 'cookie', 4369);
 * await ex.stop();
 * ```
 */
export interface ElixirNode {
  readonly name: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts an Elixir node and resolves once it is registered with the port mapper.
 *
 * @example
 * ```ts
 * const ex = await elixirNode('elixir_1', 'cookie', 4369);
 * ```
 */
export async function elixirNode(
  alive: string,
  cookie: string,
  epmdPort: number,
): Promise<ElixirNode> {
  if (spawnSync('elixir', ['--version'], { stdio: 'ignore' }).status !== 0) {
    throw new CliError(
      'BL_ERR_CLI_NO_ELIXIR',
      'elixir is not on the PATH',
      'install Elixir (Debian: apt-get install elixir) or leave out --with-elixir',
    );
  }
  const child = spawn(
    'elixir',
    ['--sname', alive, '--cookie', cookie, '-e', 'Process.sleep(:infinity)'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ERL_EPMD_PORT: String(epmdPort) },
    },
  );
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new CliError('BL_ERR_CLI_DEMO', `elixir exited: ${err}`);
    const reply = await names('127.0.0.1', { epmdPort }).catch(() => undefined);
    if (reply?.names.some((n) => n.name === alive)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new CliError('BL_ERR_CLI_DEMO', `elixir did not register within 60 s: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    name: `${alive}@${hostname().split('.')[0]}`,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * The demo's nodes: child processes running `beamlink start` (the same CLI, from the
 * sources or from dist/), each waited for until it prints its ready line, and stopped by
 * pid (SIGTERM, then SIGKILL after a grace period).
 *
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CliError } from '../node-setup.ts';

/**
 * The command line that runs this CLI again: `node [--import tsx] <main.ts|main.js>`.
 *
 * @example
 * ```ts
 * const [cmd, ...args] = cliCommand(); // [process.execPath, '--import', 'tsx', '/…/src/cli/main.ts']
 * ```
 */
export function cliCommand(): string[] {
  const here = fileURLToPath(import.meta.url);
  const ext = extname(here);
  const main = fileURLToPath(new URL(`../main${ext}`, import.meta.url));
  // From the sources, the child needs the same TypeScript loader (resolved from here, so
  // the working directory does not matter).
  const loader = ext === '.ts' ? ['--import', import.meta.resolve('tsx')] : [];
  return [process.execPath, ...loader, main];
}

/**
 * One node of the demo.
 *
 * @example
 * ```ts
 * const n = await ChildNode.start(['--sname', 'node1', '--cookie', 'c']);
 * console.log(n.name); await n.stop();
 * ```
 */
export class ChildNode {
  readonly child: ChildProcess;
  readonly name: string;
  readonly output: string[];

  private constructor(child: ChildProcess, name: string, output: string[]) {
    this.child = child;
    this.name = name;
    this.output = output;
  }

  /** Spawns `beamlink start ARGS` and resolves once it prints `beamlink: node N up`. */
  static start(args: readonly string[], timeoutMs = 60_000): Promise<ChildNode> {
    const [cmd, ...pre] = cliCommand();
    const child = spawn(cmd!, [...pre, 'start', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    const output: string[] = [];
    child.stderr!.setEncoding('utf8').on('data', (d: string) => output.push(d));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(
          new CliError(
            'BL_ERR_CLI_DEMO',
            `a demo node did not start within ${timeoutMs} ms:\n${output.join('')}`,
          ),
        );
      }, timeoutMs);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        output.push(`${line}\n`);
        const m = /^beamlink: node (\S+) up/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(new ChildNode(child, m[1]!, output));
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(
          new CliError(
            'BL_ERR_CLI_DEMO',
            `a demo node exited (${code ?? signal}) before it was up:\n${output.join('')}`,
          ),
        );
      });
    });
  }

  /** Whether the process has exited. */
  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** SIGKILL: the node dies without a word, as a crashed machine does. */
  kill(): Promise<void> {
    return this.signal('SIGKILL', 10_000);
  }

  /** SIGTERM (a clean stop), then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    await this.signal('SIGTERM', graceMs);
    if (!this.exited) await this.signal('SIGKILL', graceMs);
  }

  private signal(sig: NodeJS.Signals, waitMs: number): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, waitMs);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.child.kill(sig);
    });
  }
}

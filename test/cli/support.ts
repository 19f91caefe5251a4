// Helpers for the CLI tests: run `beamlink` from the sources in a child process, or inside
// a pseudo-terminal (util-linux `script`), and wait on its output.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = ['--import', 'tsx', 'src/cli/main.ts'];

/** Runs the CLI to the end: exit status and output. */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 120_000,
  input?: string,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (input !== undefined) child.stdin!.end(input);
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** Why pty tests cannot run here, or false. */
export function ptySkipReason(): string | false {
  return spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0
    ? false
    : 'util-linux `script` is not installed';
}

const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]`, 'g');

/** A command running in a pseudo-terminal, driven through its input. */
export class Pty {
  readonly child: ChildProcessWithoutNullStreams;
  raw = '';
  private mark = 0;

  constructor(command: string, env: Record<string, string>) {
    this.child = spawn('script', ['-qefc', command, '/dev/null'], {
      cwd: ROOT,
      env: { ...process.env, TERM: 'xterm', ...env },
    });
    this.child.stdout.setEncoding('utf8').on('data', (d: string) => (this.raw += d));
    this.child.stderr.setEncoding('utf8').on('data', (d: string) => (this.raw += d));
  }

  /** The output with escape sequences and carriage returns removed. */
  get text(): string {
    return this.raw.replace(ANSI, '').replace(/\r/g, '');
  }

  write(s: string): void {
    this.child.stdin.write(s);
  }

  /** Waits until the output after the last match contains `pattern`; returns that part. */
  async waitFor(pattern: RegExp | string, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rest = this.text.slice(this.mark);
      const m = typeof pattern === 'string' ? rest.indexOf(pattern) : rest.search(pattern);
      if (m >= 0) {
        const len =
          typeof pattern === 'string' ? pattern.length : rest.slice(m).match(pattern)![0].length;
        this.mark += m + len;
        return rest.slice(0, m + len);
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${String(pattern)}; output so far:\n${this.text}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Waits for the process to exit (killing it after `timeoutMs`). */
  exited(timeoutMs = 30_000): Promise<number | null> {
    if (this.child.exitCode !== null) return Promise.resolve(this.child.exitCode);
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
      this.child.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }
}

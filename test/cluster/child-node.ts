// A beamlink node in a child process, driven over stdin (node-child.ts): for tests that
// need nodes in separate OS processes.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A beamlink node in a child process, driven over stdin (cluster/node-child.ts). */
export class ChildNode {
  readonly name: string;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly replies: string[] = [];
  private readonly waiters: Array<(line: string) => void> = [];

  private constructor(child: ChildProcessWithoutNullStreams, name: string) {
    this.child = child;
    this.name = name;
  }

  static async start(sname: string, epmdPort: number, cookie = 'cluster'): Promise<ChildNode> {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/cluster/node-child.ts', sname, String(epmdPort), cookie],
      { cwd: ROOT, stdio: 'pipe' },
    );
    const errors: string[] = [];
    child.stderr.on('data', (d: Buffer) => errors.push(String(d)));
    const lines = createInterface({ input: child.stdout });
    const name = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(
        () => reject(new Error(`child did not start:\n${errors.join('')}`)),
        60_000,
      );
      lines.once('line', (l) => {
        clearTimeout(t);
        resolve(l.replace(/^up /, ''));
      });
    });
    const c = new ChildNode(child, name);
    lines.on('line', (l) => {
      const w = c.waiters.shift();
      if (w) w(l);
      else c.replies.push(l);
    });
    return c;
  }

  request(line: string): Promise<string> {
    this.child.stdin.write(`${line}\n`);
    const ready = this.replies.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.stdin.end();
    const t = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(t);
  }
}

// A beamlink node in a child process, driven over stdin (node-child.ts): for tests that
// need nodes in separate OS processes.
import { startChildNode, type ChildNodeProcess } from '../support/child-node.ts';

/** A beamlink node in a child process, driven over stdin (cluster/node-child.ts). */
export class ChildNode {
  readonly name: string;
  private readonly proc: ChildNodeProcess;
  private readonly replies: string[] = [];
  private readonly waiters: Array<(line: string) => void> = [];

  private constructor(proc: ChildNodeProcess) {
    this.proc = proc;
    this.name = proc.name;
    proc.lines.on('line', (l) => {
      const w = this.waiters.shift();
      if (w) w(l);
      else this.replies.push(l);
    });
  }

  static async start(sname: string, epmdPort: number, cookie = 'cluster'): Promise<ChildNode> {
    return new ChildNode(
      await startChildNode('test/cluster/node-child.ts', {
        args: [sname, String(epmdPort), cookie],
        ready: /^up (\S+)/,
      }),
    );
  }

  request(line: string): Promise<string> {
    this.proc.child.stdin.write(`${line}\n`);
    const ready = this.replies.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async stop(): Promise<void> {
    const { child } = this.proc;
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.stdin.end();
    const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(t);
  }
}

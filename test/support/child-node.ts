/**
 * A beamlink node in its own OS process, for tests that need a node another process can
 * kill or that must not share the test's event loop.
 *
 * `startChildNode()` runs `node --import tsx SCRIPT` from the repository root, waits for
 * the script's ready line (the first stdout line matching `ready`, whose first group is
 * the node's name) and rejects with the child's output if it exits or stays silent
 * for 60 s.
 *
 * ```ts
 * const child = await startChildNode('test/cluster/agents-child.ts', {
 *   env: { BL_EPMD_PORT: String(epmd.port), BL_COOKIE: COOKIE, BL_SNAME: uniqueName('doomed') },
 * });
 * assert.equal(await node.connect(child.name), true);
 * await child.kill(); // kill -9, resolves once it has exited
 * ```
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** How to start a child node script. */
export interface ChildNodeOptions {
  /** Command-line arguments after the script. */
  readonly args?: readonly string[];
  /** Environment variables added to this process's own. */
  readonly env?: Readonly<Record<string, string>>;
  /** The ready line; its first group is the node's name (default `READY <node>`). */
  readonly ready?: RegExp;
}

/** A running child node script. */
export interface ChildNodeProcess {
  /** The OS process. */
  readonly child: ChildProcessWithoutNullStreams;
  /** The node's full name, from its ready line. */
  readonly name: string;
  /** Everything it wrote to stderr, and its stdout lines up to the ready line. */
  readonly output: string[];
  /** Its stdout, line by line (for scripts driven by request and reply). */
  readonly lines: Interface;
  /** Kills it with SIGKILL and resolves once it has exited (at once if it already has). */
  kill(): Promise<void>;
}

/** Starts `node --import tsx script` and waits for its ready line. */
export async function startChildNode(
  script: string,
  options: ChildNodeOptions = {},
): Promise<ChildNodeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...(options.args ?? [])], {
    cwd: ROOT,
    stdio: 'pipe',
    env: { ...process.env, ...options.env },
  });
  const ready = options.ready ?? /^READY (\S+)/;
  const output: string[] = [];
  child.stderr.on('data', (d: Buffer) => output.push(String(d)));
  const lines = createInterface({ input: child.stdout });
  const name = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${script} not ready:\n${output.join('')}`)),
      60_000,
    );
    const onLine = (line: string): void => {
      output.push(line);
      const m = ready.exec(line);
      if (m) {
        clearTimeout(timer);
        lines.off('line', onLine);
        resolve(m[1]!);
      }
    };
    lines.on('line', onLine);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited ${code}:\n${output.join('')}`));
    });
  });
  const kill = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  };
  return { child, name, output, lines, kill };
}

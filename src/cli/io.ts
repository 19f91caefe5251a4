/**
 * Where CLI commands write, and the exit code they leave: the process's streams by
 * default, captured buffers in tests.
 *
 * @module
 */

/**
 * Output sinks and the exit code of one CLI run.
 *
 * @example
 * ```ts
 * const io: CliIo = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s), exitCode: 0 };
 * ```
 */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Set by a command that fails without throwing (default 0). */
  exitCode: number;
}

/**
 * The process's stdout/stderr.
 *
 * @example
 * ```ts
 * const io = processIo();
 * io.out('hello\n');
 * ```
 */
export function processIo(): CliIo {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    exitCode: 0,
  };
}

/**
 * An io that keeps everything written, for tests.
 *
 * @example
 * ```ts
 * const io = captureIo();
 * await main(['names', '--port', '4400'], io);
 * console.log(io.stdout);
 * ```
 */
export function captureIo(): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    exitCode: 0,
    out(text: string) {
      io.stdout += text;
    },
    err(text: string) {
      io.stderr += text;
    },
  };
  return io;
}

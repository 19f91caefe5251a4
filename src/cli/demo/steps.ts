/**
 * The demo's step runner: each step prints `✔ title — detail (12 ms)` or `✖ title —
 * why`; after a failure the remaining steps are skipped.
 *
 * @module
 */

/**
 * Runs steps and keeps the score.
 *
 * @example
 * ```ts
 * const run = new StepRunner((s) => process.stdout.write(s), false);
 * await run.step('nodes up', async () => 'node1, node2');
 * ```
 */
export class StepRunner {
  failed = 0;
  passed = 0;
  private skipping = false;
  private readonly print: (text: string) => void;
  private readonly colour: boolean;

  constructor(print: (text: string) => void, colour: boolean) {
    this.print = print;
    this.colour = colour;
  }

  private paint(code: string, text: string): string {
    return this.colour ? `\x1b[${code}m${text}\x1b[0m` : text;
  }

  /** A heading line (the lesson's section). */
  section(title: string): void {
    this.print(`\n${this.paint('1', title)}\n`);
  }

  /** A line of explanation. */
  note(text: string): void {
    this.print(`  ${this.paint('90', text)}\n`);
  }

  /** Runs `fn`; its string result is the detail printed after the title. */
  async step(title: string, fn: () => Promise<string>): Promise<boolean> {
    if (this.skipping) {
      this.print(`  ${this.paint('90', `- ${title} (skipped)`)}\n`);
      return false;
    }
    const t0 = performance.now();
    try {
      const detail = await fn();
      const ms = Math.round(performance.now() - t0);
      this.passed++;
      this.print(
        `  ${this.paint('32', '✔')} ${title}${detail ? ` — ${detail}` : ''} ${this.paint('90', `(${ms} ms)`)}\n`,
      );
      return true;
    } catch (e) {
      const ms = Math.round(performance.now() - t0);
      this.failed++;
      this.skipping = true;
      this.print(
        `  ${this.paint('31', '✖')} ${title} — ${e instanceof Error ? e.message : String(e)} ${this.paint('90', `(${ms} ms)`)}\n`,
      );
      return false;
    }
  }
}

/**
 * Waits until `probe` returns a value that is not `undefined`, polling every 50 ms.
 *
 * @example
 * ```ts
 * await until(() => node.nodes().length === 2 || undefined, 10_000, 'node2 to connect');
 * ```
 */
export async function until<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Throws unless `ok`.
 *
 * @example
 * ```ts
 * check(result === 'node1', `expected "node1", got ${result}`);
 * ```
 */
export function check(ok: boolean, message: string): asserts ok {
  if (!ok) throw new Error(message);
}

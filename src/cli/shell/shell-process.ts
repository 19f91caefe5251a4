/**
 * The shell is a process, as iex's evaluator is: it has a pid (`self()`), a mailbox that
 * anything can send to, `receive(match, { timeout })`, `flush()`, and
 * `monitorNodes(true)` delivers `{:nodeup, node}` / `{:nodedown, node}` to it.
 *
 * @module
 */
import type { BeamNode } from '../../kernel/index.ts';
import type { Process } from '../../process/process.ts';
import { Atom, Tuple, atom, type Pid, type Term } from '../../term/types.ts';

/**
 * What `receive` accepts as a pattern: a predicate, or a tag (an atom or its name) that
 * matches tuples whose first element is that atom (`receive('nodedown')`).
 *
 * @example
 * ```ts
 * const m: ReceivePattern = 'nodeup';
 * ```
 */
export type ReceivePattern = ((message: Term) => boolean) | Atom | string;

/**
 * The predicate of a pattern.
 *
 * @example
 * ```ts
 * matcherOf('nodeup')(tuple(atom('nodeup'), atom('a@b'))); // true
 * ```
 */
export function matcherOf(pattern: ReceivePattern | undefined): ((m: Term) => boolean) | undefined {
  if (pattern === undefined) return undefined;
  if (typeof pattern === 'function') return pattern;
  const tag = typeof pattern === 'string' ? atom(pattern) : pattern;
  return (m) => m instanceof Tuple && m.elements[0] === tag;
}

/**
 * The shell's own process on `node`.
 *
 * @example
 * ```ts
 * const sh = ShellProcess.start(node);
 * sh.monitorNodes(true);
 * const event = await sh.receive('nodedown', { timeout: 5000 });
 * ```
 */
export class ShellProcess {
  readonly pid: Pid;
  readonly process: Process;
  private readonly node: BeamNode;
  private finish: () => void = () => {};
  private unmonitor: (() => void) | undefined;

  private constructor(node: BeamNode) {
    this.node = node;
    this.pid = node.spawn(
      () =>
        new Promise<void>((resolve) => {
          this.finish = resolve;
        }),
      { label: 'beamlink_shell' },
    );
    this.process = node.runtime.local(this.pid)!;
  }

  /**
   * Spawns the shell process.
   *
   * @example
   * ```ts
   * const sh = ShellProcess.start(node);
   * ```
   */
  static start(node: BeamNode): ShellProcess {
    return new ShellProcess(node);
  }

  /** The oldest message matching `pattern`, waiting up to `timeout` ms (default for ever); `undefined` on timeout. */
  receive(pattern?: ReceivePattern, options: { timeout?: number } = {}): Promise<Term | undefined> {
    return this.process.receive(matcherOf(pattern), { timeout: options.timeout ?? Infinity });
  }

  /** Takes every message out of the mailbox, oldest first. */
  drain(): Term[] {
    const out: Term[] = [];
    for (let m = this.process.poll(); m !== undefined; m = this.process.poll()) out.push(m);
    return out;
  }

  /** `:net_kernel.monitor_nodes(on)`: node events go to the shell's mailbox. */
  monitorNodes(on: boolean): Atom {
    if (on && this.unmonitor === undefined) {
      this.unmonitor = this.node.monitorNodes((e) => {
        this.node.send(this.pid, new Tuple([atom(e.type), e.node]));
      });
    } else if (!on && this.unmonitor !== undefined) {
      this.unmonitor();
      this.unmonitor = undefined;
    }
    return atom('ok');
  }

  /** Ends the process (the shell is closing). */
  stop(): void {
    this.monitorNodes(false);
    this.finish();
  }
}

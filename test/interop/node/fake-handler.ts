// A stand-in for the process runtime, for node-layer tests: it records every control
// message and node-down notice, and answers `net_kernel`'s `{is_auth, _}` gen call as
// BEAM's net_kernel does, so `net_adm:ping` from erl gets pong without any process layer.
import type { ControlMessage } from '../../../src/dist/control-message.ts';
import type { Node } from '../../../src/node/node.ts';
import { Atom, atom, Pid, Ref, Tuple, tuple, type Term } from '../../../src/term/types.ts';

export class FakeHandler {
  readonly received: { from: Atom; msg: ControlMessage }[] = [];
  readonly downs: { node: Atom; reason: Term | undefined }[] = [];
  private readonly node: Node;
  private nextRef = 1;
  private readonly waiters = new Set<() => void>();

  constructor(node: Node) {
    this.node = node;
    node.attach(this);
  }

  /** A pid of this node that no process owns (fine for tests of the node layer). */
  pid(id: number): Pid {
    return new Pid(this.node.nameAtom, id, 0, this.node.creation);
  }

  ref(): Ref {
    return new Ref(this.node.nameAtom, this.node.creation, [this.nextRef++, 0, 0]);
  }

  handleControl(from: Atom, msg: ControlMessage): void {
    this.received.push({ from, msg });
    if (msg.op === 'REG_SEND' && msg.to === atom('net_kernel')) {
      const m = msg.message;
      if (m instanceof Tuple && m.elements[0] === atom('$gen_call')) {
        const [caller, tag] = (m.elements[1] as Tuple).elements as [Pid, Term];
        void this.node.sendControl(from, {
          op: 'SEND',
          from: this.pid(1),
          to: caller,
          message: tuple(tag, atom('yes')),
        });
      }
    }
    this.wake();
  }

  nodeDown(node: Atom, reason?: Term): void {
    this.downs.push({ node, reason });
    this.wake();
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Waits until `pred` holds (re-checked on every message), or fails after `ms`. */
  async until(pred: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pred()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(t);
          this.waiters.delete(done);
          resolve();
        };
        const t = setTimeout(done, Math.min(left, 50));
        this.waiters.add(done);
      });
    }
  }
}

/** Polls `pred` every 20 ms until it holds or `ms` pass. */
export async function waitFor(
  pred: () => boolean | Promise<boolean>,
  ms = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A logger that keeps lines. */
export function lineLogger(): { lines: string[]; log(level: string, message: string): void } {
  const lines: string[] = [];
  return { lines, log: (level, message) => lines.push(`${level} ${message}`) };
}

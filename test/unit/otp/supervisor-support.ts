// Helpers for the supervisor, dynamic-supervisor and task tests: run a test body inside a
// process, workers that crash on request, and a log of starts and stops.
import { memoryLogger, Runtime, type Process } from '../../../src/process/index.ts';
import { atom, Pid, Tuple, tuple, type Term } from '../../../src/term/types.ts';
import type { StartFunction } from '../../../src/otp/child-spec.ts';

export const A = atom;

/** A fresh runtime whose log is kept in memory. */
export function newRuntime(node = 'sup@test') {
  const logger = memoryLogger();
  const rt = new Runtime({ node, logger });
  return { rt, logger };
}

/** Runs `body` in a new process (trapping exits unless told otherwise) and returns its result. */
export function inProcess<T>(
  rt: Runtime,
  body: (self: Process) => Promise<T>,
  options: { trapExit?: boolean } = {},
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    rt.spawn(
      async (self) => {
        try {
          resolve(await body(self));
        } catch (e) {
          reject(e);
        }
      },
      { trapExit: options.trapExit ?? true, label: 'test' },
    );
  });
}

/** Polls `pred` until it holds (generous window; never a fixed sleep). */
export async function waitUntil(
  pred: () => boolean,
  ms = 10_000,
  what = 'condition',
): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** What happened to the test workers, in order: `start:id`, `stop:id:reason`. */
export class Journal {
  readonly events: string[] = [];
  readonly pids = new Map<string, Pid>();

  starts(id?: string): number {
    return this.events.filter((e) =>
      id === undefined ? e.startsWith('start:') : e === `start:${id}`,
    ).length;
  }

  clear(): void {
    this.events.length = 0;
  }
}

export interface WorkerOptions {
  /** Trap exits (to observe `shutdown` and to delay stopping). */
  trapExit?: boolean;
  /** On `shutdown`, wait this long before exiting (ms; Infinity = never exit by itself). */
  stopDelay?: number;
  /** On an exit signal, wait for the message `release` before exiting. */
  holdUntilReleased?: boolean;
  /** Start fails with this reason instead of starting. */
  failWith?: () => Term | undefined;
  /** Start returns `ignore`. */
  ignore?: boolean;
}

/**
 * A start function for a worker that logs its start, exits with `reason` on
 * `{crash, Reason}` and, when trapping exits, logs the exit signal it got.
 */
export function worker(journal: Journal, id: string, opts: WorkerOptions = {}): StartFunction {
  const start: StartFunction = (sup) => {
    const failure = opts.failWith?.();
    if (failure !== undefined) return tuple(A('error'), failure);
    if (opts.ignore) return A('ignore');
    const pid = sup.spawnLink(
      async (self) => {
        journal.events.push(`start:${id}`);
        for (;;) {
          const m = await self.receive();
          if (m instanceof Tuple && m.elements[0] === A('crash')) {
            journal.events.push(`crash:${id}`);
            self.exit(m.elements[1]!);
          }
          if (m instanceof Tuple && m.elements[0] === A('EXIT')) {
            const reason = m.elements[2]!;
            journal.events.push(`stop:${id}:${String(reason)}`);
            if (opts.holdUntilReleased) await self.receive((x) => x === A('release'));
            const delay = opts.stopDelay ?? 0;
            if (delay === Infinity) continue;
            if (delay > 0) await self.receive(() => false, { timeout: delay });
            self.exit(reason);
          }
        }
      },
      { trapExit: opts.trapExit ?? false, label: `worker ${id}` },
    );
    journal.pids.set(id, pid);
    return tuple(A('ok'), pid);
  };
  Object.defineProperty(start, 'name', { value: id });
  return start;
}

/** Sends `{crash, reason}` to a worker. */
export function crash(rt: Runtime, pid: Pid, reason: Term): void {
  rt.send(pid, tuple(A('crash'), reason));
}

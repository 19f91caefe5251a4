/**
 * Small helpers for tests that talk to processes from outside a runtime: run a body as a
 * process, poll for a value, match a monitor's `DOWN` message.
 *
 * ```ts
 * const why = await inProcess(rt, async (self) => {
 *   const mon = self.monitor(pid);
 *   rt.send(pid, tuple(atom('crash'), atom('boom')));
 *   return ((await self.receive(isDown(mon), { timeout: 10_000 })) as Tuple).elements[4];
 * });
 * const fresh = await untilValue(async () => (await whichChild()) ?? undefined);
 * ```
 */
import type { Process, Runtime } from '../../src/process/index.ts';
import { atom, Ref, Tuple, type Term } from '../../src/term/types.ts';

/** Runs `fn` in a new process on `rt` that traps exits; resolves or rejects with its outcome. */
export function inProcess<T>(rt: Runtime, fn: (self: Process) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) =>
    rt.spawn(async (self) => fn(self).then(resolve, reject), { trapExit: true }),
  );
}

/** Polls `probe` every 5 ms until it returns something other than `undefined`, and returns that. */
export async function untilValue<T>(probe: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for a value`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Matches `{'DOWN', Ref, ...}` for the monitor `ref`. */
export const isDown =
  (ref: Ref) =>
  (m: Term): boolean =>
    m instanceof Tuple && m.elements[0] === atom('DOWN') && (m.elements[1] as Ref).key === ref.key;

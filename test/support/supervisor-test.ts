/**
 * The frame of a supervisor unit test: a fresh runtime with its log in memory, a journal
 * of worker starts and stops, and the body run in an exit-trapping test process.
 *
 * ```ts
 * supervisorTest('otp/supervisor: restarts a crashed child', async ({ self, rt, j }) => {
 *   const sup = await Supervisor.startLink(self, [{ id: 'a', start: worker(j, 'a') }]);
 *   crash(rt, j.pids.get('a')!, A('boom'));
 *   await waitUntil(() => j.starts('a') === 2);
 *   await Supervisor.stop(self, sup);
 * });
 * ```
 */
import { test } from 'node:test';
import type { Process, Runtime } from '../../src/process/index.ts';
import { atom, Tuple } from '../../src/term/types.ts';
import { inProcess, Journal, newRuntime } from '../unit/otp/supervisor-support.ts';

/** What a supervisor test body gets. */
export interface SupervisorCase {
  /** The test process (traps exits). */
  readonly self: Process;
  readonly rt: Runtime;
  /** The runtime's log. */
  readonly logger: ReturnType<typeof newRuntime>['logger'];
  /** What the test workers did. */
  readonly j: Journal;
}

/** Registers `test(name)` running `body` in a fresh runtime's test process. */
export function supervisorTest(name: string, body: (c: SupervisorCase) => Promise<void>): void {
  test(name, async () => {
    const { rt, logger } = newRuntime();
    const j = new Journal();
    await inProcess(rt, (self) => body({ self, rt, logger, j }));
  });
}

/** The next `{'EXIT', From, Reason}` the (exit-trapping) test process gets. */
export async function receiveExit(self: Process): Promise<Tuple> {
  return (await self.receive((m) => m instanceof Tuple && m.elements[0] === atom('EXIT'))) as Tuple;
}

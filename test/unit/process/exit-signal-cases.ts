/**
 * The exit-signal table: each case names a scenario and the outcome Erlang documents for
 * it ("Processes" chapter of the reference manual; erlang:exit/2, link/1, monitor/2).
 * test/unit/process/exit-signals.test.ts runs every case on a beamlink runtime, and
 * test/interop/process/exit-signals.test.ts runs the same scenarios on real OTP nodes:
 * both must give exactly these outcomes.
 *
 * Outcomes, as canonical text:
 * - `alive`: the receiver neither died nor got a message;
 * - `dies R`: the receiver exited with reason R;
 * - `msg EXIT <sender|self|dead> R`: the receiver (trapping) got `{'EXIT', From, R}`;
 * - `raised noproc`: the call raised (link/1 to a dead process);
 * - `DOWN <pid|name> R`: the watcher got `{'DOWN', Ref, process, Object, R}`.
 *
 * Reasons: `boom` is an ordinary atom reason, `crash` is a runtime error in the dying
 * process (`error(boom)` in Erlang, a thrown Error here: the shapes differ by design).
 */

/** How the signal is produced. */
export type Kind = 'link' | 'exit2' | 'self' | 'link-dead' | 'monitor';

/** One case of the table. */
export interface ExitCase {
  readonly name: string;
  readonly kind: Kind;
  readonly trap: boolean;
  /** The sender's exit / the exit/2 reason: normal, kill, killed (sender killed), boom, crash. */
  readonly reason: 'normal' | 'kill' | 'killed' | 'boom' | 'crash' | 'killed-atom' | 'none';
  /** For monitors: how the target is named and whether it exists. */
  readonly target?: 'pid' | 'dead-pid' | 'unregistered-name' | 'name' | 'name-node';
  readonly expected: string;
}

export const EXIT_CASES: readonly ExitCase[] = [
  // link × trapExit × reason
  {
    name: 'link normal, not trapping',
    kind: 'link',
    trap: false,
    reason: 'normal',
    expected: 'alive',
  },
  {
    name: 'link normal, trapping',
    kind: 'link',
    trap: true,
    reason: 'normal',
    expected: 'msg EXIT sender normal',
  },
  {
    name: 'link exit(kill), not trapping',
    kind: 'link',
    trap: false,
    reason: 'kill',
    expected: 'dies kill',
  },
  {
    name: 'link exit(kill), trapping',
    kind: 'link',
    trap: true,
    reason: 'kill',
    expected: 'msg EXIT sender kill',
  },
  {
    name: 'link killed, not trapping',
    kind: 'link',
    trap: false,
    reason: 'killed',
    expected: 'dies killed',
  },
  {
    name: 'link killed, trapping',
    kind: 'link',
    trap: true,
    reason: 'killed',
    expected: 'msg EXIT sender killed',
  },
  {
    name: 'link boom, not trapping',
    kind: 'link',
    trap: false,
    reason: 'boom',
    expected: 'dies boom',
  },
  {
    name: 'link boom, trapping',
    kind: 'link',
    trap: true,
    reason: 'boom',
    expected: 'msg EXIT sender boom',
  },
  {
    name: 'link crash, not trapping',
    kind: 'link',
    trap: false,
    reason: 'crash',
    expected: 'dies crash',
  },
  {
    name: 'link crash, trapping',
    kind: 'link',
    trap: true,
    reason: 'crash',
    expected: 'msg EXIT sender crash',
  },
  // exit/2 from another process × trapExit × reason
  {
    name: 'exit/2 normal, not trapping',
    kind: 'exit2',
    trap: false,
    reason: 'normal',
    expected: 'alive',
  },
  {
    name: 'exit/2 normal, trapping',
    kind: 'exit2',
    trap: true,
    reason: 'normal',
    expected: 'msg EXIT sender normal',
  },
  {
    name: 'exit/2 kill, not trapping',
    kind: 'exit2',
    trap: false,
    reason: 'kill',
    expected: 'dies killed',
  },
  {
    name: 'exit/2 kill, trapping',
    kind: 'exit2',
    trap: true,
    reason: 'kill',
    expected: 'dies killed',
  },
  {
    name: 'exit/2 boom, not trapping',
    kind: 'exit2',
    trap: false,
    reason: 'boom',
    expected: 'dies boom',
  },
  {
    name: 'exit/2 boom, trapping',
    kind: 'exit2',
    trap: true,
    reason: 'boom',
    expected: 'msg EXIT sender boom',
  },
  {
    name: 'exit/2 killed atom, not trapping',
    kind: 'exit2',
    trap: false,
    reason: 'killed-atom',
    expected: 'dies killed',
  },
  {
    name: 'exit/2 killed atom, trapping',
    kind: 'exit2',
    trap: true,
    reason: 'killed-atom',
    expected: 'msg EXIT sender killed',
  },
  // exit/2 to self
  {
    name: 'exit(self, normal), not trapping',
    kind: 'self',
    trap: false,
    reason: 'normal',
    expected: 'dies normal',
  },
  {
    name: 'exit(self, normal), trapping',
    kind: 'self',
    trap: true,
    reason: 'normal',
    expected: 'msg EXIT self normal',
  },
  {
    name: 'exit(self, kill), not trapping',
    kind: 'self',
    trap: false,
    reason: 'kill',
    expected: 'dies killed',
  },
  {
    name: 'exit(self, kill), trapping',
    kind: 'self',
    trap: true,
    reason: 'kill',
    expected: 'dies killed',
  },
  {
    name: 'exit(self, boom), not trapping',
    kind: 'self',
    trap: false,
    reason: 'boom',
    expected: 'dies boom',
  },
  {
    name: 'exit(self, boom), trapping',
    kind: 'self',
    trap: true,
    reason: 'boom',
    expected: 'msg EXIT self boom',
  },
  // link/1 to a dead process
  {
    name: 'link to a dead pid, not trapping',
    kind: 'link-dead',
    trap: false,
    reason: 'none',
    expected: 'raised noproc',
  },
  {
    name: 'link to a dead pid, trapping',
    kind: 'link-dead',
    trap: true,
    reason: 'none',
    expected: 'msg EXIT dead noproc',
  },
  // monitors
  {
    name: 'monitor, target exits normal',
    kind: 'monitor',
    trap: false,
    reason: 'normal',
    target: 'pid',
    expected: 'DOWN pid normal',
  },
  {
    name: 'monitor, target exit(kill)',
    kind: 'monitor',
    trap: false,
    reason: 'kill',
    target: 'pid',
    expected: 'DOWN pid kill',
  },
  {
    name: 'monitor, target killed',
    kind: 'monitor',
    trap: false,
    reason: 'killed',
    target: 'pid',
    expected: 'DOWN pid killed',
  },
  {
    name: 'monitor, target crashes',
    kind: 'monitor',
    trap: false,
    reason: 'crash',
    target: 'pid',
    expected: 'DOWN pid crash',
  },
  {
    name: 'monitor a dead pid',
    kind: 'monitor',
    trap: false,
    reason: 'none',
    target: 'dead-pid',
    expected: 'DOWN pid noproc',
  },
  {
    name: 'monitor an unregistered name',
    kind: 'monitor',
    trap: false,
    reason: 'none',
    target: 'unregistered-name',
    expected: 'DOWN name noproc',
  },
  {
    name: 'monitor a name, target exits boom',
    kind: 'monitor',
    trap: false,
    reason: 'boom',
    target: 'name',
    expected: 'DOWN name boom',
  },
  {
    name: 'monitor {name, node}, target killed',
    kind: 'monitor',
    trap: false,
    reason: 'killed',
    target: 'name-node',
    expected: 'DOWN name killed',
  },
];

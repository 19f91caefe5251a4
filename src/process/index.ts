/**
 * The process layer: pids, mailboxes, selective receive, links, monitors, exit signals,
 * names and aliases, on one event loop. See docs/process.md.
 *
 * @example
 * ```ts
 * import { Runtime } from 'beamlink/process';
 * const rt = new Runtime({ node: 'a@host' });
 * rt.spawn(async (self) => console.log(await self.receive()), { name: 'printer' });
 * rt.send('printer', 'hello');
 * ```
 *
 * @module
 */
export { Runtime, type RuntimeOptions, type SpawnOptions, type Distribution } from './runtime.ts';
export {
  Process,
  type ProcessBody,
  type MessageHandler,
  type Dest,
  type ReceiveOptions,
  type AliasMode,
  type MonitorOptions,
  type ProcessInfo,
  type ChildSpawnOptions,
} from './process.ts';
export type { InstantSpawn, SpawnHandler } from './remote.ts';
export {
  ExitError,
  ProcessExitedError,
  NoProcError,
  NameError,
  ProcessUsageError,
} from './errors.ts';
export { CrashReason, crashReason } from './crash.ts';
export { consoleLogger, memoryLogger, type Logger, type LogLevel } from './logger.ts';
export { Mailbox } from './mailbox.ts';
export { samePid, sameRef } from './pid.ts';
export { formatTerm } from './format.ts';

/**
 * placeholder replaced below
 *
 * @module
 */
import { Command } from 'commander';
import { processIo, type CliIo } from '../io.ts';

/**
 * The `remsh` command.
 *
 * @example
 * ```ts
 * await buildProgram().parseAsync(['remsh', 'ts1'], { from: 'user' });
 * ```
 */
export function remshCommand(_io: CliIo = processIo()): Command {
  return new Command('remsh');
}

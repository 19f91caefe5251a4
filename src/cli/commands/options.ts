/**
 * Option parsers shared by the CLI commands.
 *
 * @module
 */
import { InvalidArgumentError } from 'commander';

/**
 * Parses a TCP port (1..65535) for a commander option.
 *
 * @example
 * ```ts
 * new Command('x').option('--port <port>', 'port', portOption)
 * ```
 */
export function portOption(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535) {
    throw new InvalidArgumentError('port must be an integer in 1..65535');
  }
  return n;
}

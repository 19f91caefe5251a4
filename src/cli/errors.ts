/**
 * The CLI's error: what happened, and how to fix it.
 *
 * @module
 */
import { BeamlinkError } from '../errors.ts';

/**
 * A CLI failure that teaches: `message` says what happened, `hint` how to fix it.
 *
 * @example
 * ```ts
 * throw new CliError('BL_ERR_CLI_NODEDOWN', 'cannot reach ts1@vm', 'start it: beamlink start --sname ts1');
 * ```
 */
export class CliError extends BeamlinkError {
  readonly hint: string | undefined;
  constructor(code: string, message: string, hint?: string, options?: ErrorOptions) {
    super(code, message, options);
    this.hint = hint;
  }
}

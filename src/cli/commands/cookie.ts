/**
 * `beamlink cookie`: where this machine's cookie comes from (the `--cookie` option,
 * `RELEASE_COOKIE`, or a file), never its value.
 *
 * ```
 * $ npx beamlink cookie
 * cookie: from the file /root/.erlang.cookie (28 characters)
 * ```
 *
 * @module
 */
import { Command } from 'commander';
import { resolveCookie } from '../../node/cookie.ts';
import { processIo, type CliIo } from '../io.ts';
import { explainStartError } from '../node-setup.ts';

/**
 * The `cookie` command.
 *
 * @example
 * ```ts
 * await buildProgram().parseAsync(['cookie', '--json'], { from: 'user' });
 * ```
 */
export function cookieCommand(io: CliIo = processIo()): Command {
  return new Command('cookie')
    .description('say where the cookie comes from (never its value)')
    .option('--cookie <cookie>', 'as the other verbs take it (reported as "option")')
    .option('--json', 'print {"source": ..., "path"?: ..., "length": N}')
    .addHelpText(
      'after',
      '\nExamples:\n  beamlink cookie\n  RELEASE_COOKIE=x beamlink cookie --json',
    )
    .action(async (opts: { cookie?: string; json?: boolean }) => {
      let found;
      try {
        found = await resolveCookie({ cookie: opts.cookie });
      } catch (e) {
        throw explainStartError(e, {});
      }
      const where =
        found.source === 'option'
          ? 'the --cookie option'
          : found.source === 'env'
            ? 'the RELEASE_COOKIE environment variable'
            : found.source === 'file'
              ? `the file ${found.path}`
              : `the file ${found.path}, created just now (erl and iex on this machine will use it too)`;
      if (opts.json) {
        io.out(
          `${JSON.stringify({ source: found.source, path: found.path, length: found.cookie.length })}\n`,
        );
      } else {
        io.out(`cookie: from ${where} (${found.cookie.length} characters)\n`);
      }
    });
}

/**
 * The shell's REPL: Node's `repl` with the helpers in scope, a prompt with the node name
 * and a counter (`beamlink(ts1@vm)1> `), results printed as iex prints terms, completion
 * of helpers, node names, registered names and remote modules/functions, and history kept
 * in `~/.beamlink_history` (`BEAMLINK_HISTORY` overrides; empty disables).
 *
 * @module
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import repl, { type REPLServer } from 'node:repl';
import type { BeamNode } from '../../kernel/index.ts';
import type { Rpc } from '../../rpc/rpc.ts';
import { shellCompleter } from './complete.ts';
import { shellContext } from './helpers.ts';
import { printValue } from './print.ts';
import { ShellProcess } from './shell-process.ts';

/**
 * Options of {@link startShell}.
 *
 * @example
 * ```ts
 * await startShell({ node, rpc, input: process.stdin, output: process.stdout });
 * ```
 */
export interface ShellOptions {
  readonly node: BeamNode;
  readonly rpc: Rpc;
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  /** Colour the output (default: a TTY and no `NO_COLOR`). */
  readonly colour?: boolean;
  /** The history file (default `BEAMLINK_HISTORY`, else `~/.beamlink_history`; '' = none). */
  readonly historyFile?: string;
  /** The port mapper port, for completing node names. */
  readonly epmdPort?: number;
  /** The prompt's label (default `beamlink`; `remsh` uses its own). */
  readonly label?: string;
}

/**
 * The default history file.
 *
 * @example
 * ```ts
 * historyPath(); // '/home/me/.beamlink_history'
 * ```
 */
export function historyPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.BEAMLINK_HISTORY ?? join(env.HOME || homedir(), '.beamlink_history');
}

/**
 * Runs the shell until the user leaves it (`.exit`, Ctrl-D, twice Ctrl-C); resolves then.
 *
 * @example
 * ```ts
 * await startShell({ node, rpc: rpcOf(node)!, input: process.stdin, output: process.stdout });
 * await node.stop();
 * ```
 */
export async function startShell(o: ShellOptions): Promise<void> {
  const isTty = (o.output as { isTTY?: boolean }).isTTY === true;
  const colour = o.colour ?? (isTty && !process.env.NO_COLOR);
  const shell = ShellProcess.start(o.node);
  let counter = 1;
  const label = o.label ?? 'beamlink';
  const prompt = () => `${label}(${o.node.name})${counter}> `;
  o.output.write(
    `beamlink shell on ${o.node.name} — help() lists the helpers, .exit or Ctrl-D leaves\n`,
  );
  const server: REPLServer = repl.start({
    prompt: prompt(),
    input: o.input,
    output: o.output,
    terminal: isTty || undefined,
    useColors: colour,
    writer: (v: unknown) => printValue(v, { colour }),
    preview: false,
  });
  Object.assign(
    server.context,
    shellContext({
      node: o.node,
      rpc: o.rpc,
      shell,
      colour,
      epmdPort: o.epmdPort,
      print: (text) => void o.output.write(text),
    }),
  );
  const fallback = server.completer.bind(server) as Parameters<typeof shellCompleter>[3];
  (server as unknown as { completer: unknown }).completer = shellCompleter(
    o.node,
    o.rpc,
    o.epmdPort,
    fallback,
  );
  const evaluate = server.eval;
  (server as unknown as { eval: REPLServer['eval'] }).eval = (cmd, context, file, cb) => {
    evaluate.call(server, cmd, context, file, (err, result) => {
      const done = (e: Error | null, value: unknown) => {
        if (cmd.trim() !== '') {
          counter++;
          server.setPrompt(prompt());
        }
        cb(e, value);
      };
      // A promise is awaited before printing, as iex has no promises to show: a helper
      // that talks to a node prints its answer with or without `await`.
      const then = (result as { then?: unknown } | null)?.then;
      if (err === null && typeof then === 'function') {
        (result as Promise<unknown>).then(
          (v) => done(null, v),
          (e: unknown) => done(e instanceof Error ? e : new Error(String(e)), undefined),
        );
      } else done(err, result);
    });
  };
  const history = o.historyFile ?? historyPath();
  if (history !== '') {
    await new Promise<void>((resolve) => {
      server.setupHistory(history, (err) => {
        if (err) o.output.write(`(no history: ${err.message})\n`);
        resolve();
      });
    });
  }
  await new Promise<void>((resolve) => server.once('exit', resolve));
  shell.stop();
}

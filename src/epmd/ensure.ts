/**
 * `ensurePortMapper`: what a starting node does before it registers. If a port mapper
 * answers (Erlang's `epmd` or beamlink's), use it; if none does, start beamlink's daemon
 * as a detached process, so that it outlives the node (as `erl` starts `epmd -daemon`),
 * and wait until it answers.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { epmdPortFromEnv, names, type NamesResult } from './client.ts';
import { EpmdError, EpmdUnreachableError } from './errors.ts';

/**
 * Options of `ensurePortMapper` and `startDetachedDaemon`.
 *
 * @example
 * ```ts
 * await ensurePortMapper({ epmdPort: 4400, timeoutMs: 20_000 });
 * ```
 */
export interface EnsurePortMapperOptions {
  /** The port mapper's port (default `ERL_EPMD_PORT`, else 4369). */
  epmdPort?: number;
  /** Extra address for a daemon this starts (as `beamlink epmd --address`). */
  address?: string;
  /** Milliseconds to wait for a started daemon to answer (default 10 000). */
  timeoutMs?: number;
}

/**
 * What `ensurePortMapper` found or did.
 *
 * @example
 * ```ts
 * const { port, started, pid }: PortMapperStatus = await ensurePortMapper();
 * ```
 */
export interface PortMapperStatus {
  /** The port mapper's port. */
  readonly port: number;
  /** `true` when this call started a beamlink daemon. */
  readonly started: boolean;
  /** The started daemon's process id (only when `started`). */
  readonly pid?: number;
  /** Its NAMES reply, proof that it answers. */
  readonly names: NamesResult;
}

/**
 * The command that runs the daemon in a process of its own: `node daemon-main.js` from
 * `dist/`, or `node --import tsx daemon-main.ts` when beamlink runs from its sources.
 *
 * @example
 * ```ts
 * const { command, args } = daemonCommand(['--port', '4400']);
 * ```
 */
export function daemonCommand(extraArgs: readonly string[] = []): {
  command: string;
  args: string[];
  cwd: string;
} {
  const here = fileURLToPath(import.meta.url);
  const dir = dirname(here);
  const cwd = dirname(dirname(dir)); // the package root (src/epmd → ., dist/epmd → .)
  if (here.endsWith('.ts')) {
    let tsx = 'tsx';
    try {
      tsx = import.meta.resolve('tsx');
    } catch {
      // resolved from cwd (the package root) instead
    }
    return {
      command: process.execPath,
      args: ['--import', tsx, join(dir, 'daemon-main.ts'), ...extraArgs],
      cwd,
    };
  }
  const js = join(dir, 'daemon-main.js');
  if (!existsSync(js)) throw new Error(`beamlink: ${js} is missing; run \`npm run build\``);
  return { command: process.execPath, args: [js, ...extraArgs], cwd };
}

async function probe(port: number): Promise<NamesResult | undefined> {
  try {
    return await names('127.0.0.1', { epmdPort: port, timeoutMs: 5_000 });
  } catch (e) {
    if (e instanceof EpmdUnreachableError) return undefined;
    throw e;
  }
}

/**
 * Starts beamlink's daemon as a detached process on `epmdPort` and waits until a port
 * mapper answers there. If the port is already taken by another port mapper, the new
 * daemon exits quietly and the one that answers is used.
 *
 * @example
 * ```ts
 * const { pid } = await startDetachedDaemon({ epmdPort: 4400 });
 * ```
 */
export async function startDetachedDaemon(
  options: EnsurePortMapperOptions = {},
): Promise<PortMapperStatus> {
  const port = epmdPortFromEnv(options.epmdPort);
  const extra = ['--port', String(port)];
  if (options.address) extra.push('--address', options.address);
  const { command, args, cwd } = daemonCommand(extra);
  const child = spawn(command, args, { cwd, detached: true, stdio: 'ignore' });
  let exit: { code: number | null; signal: string | null } | undefined;
  let spawnError: Error | undefined;
  child.once('exit', (code, signal) => (exit = { code, signal }));
  child.once('error', (err) => (spawnError = err));
  child.unref();
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const answer = await probe(port);
    if (answer) return { port, started: true, pid: child.pid!, names: answer };
    const failed = spawnError ?? (exit && exit.code !== 0 ? exit : undefined);
    if (failed || Date.now() > deadline) {
      const why = spawnError
        ? spawnError.message
        : exit
          ? `the daemon exited (code ${exit.code}, signal ${exit.signal})`
          : `no answer within ${options.timeoutMs ?? 10_000} ms`;
      throw new EpmdUnreachableError(
        { host: '127.0.0.1', port },
        { cause: new Error(`started \`${command} ${args.join(' ')}\`: ${why}`) },
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Makes sure a port mapper answers on `epmdPort` (default `ERL_EPMD_PORT`, else 4369):
 * if one does, it is used as it is; if none does, beamlink's daemon is started detached.
 * Rejects with `EpmdUnreachableError` when none can be started, or `EpmdBadReplyError`
 * when something that is not a port mapper holds the port.
 *
 * @example
 * ```ts
 * const pm = await ensurePortMapper();
 * if (pm.started) console.log(`started a port mapper on ${pm.port} (pid ${pm.pid})`);
 * ```
 */
export async function ensurePortMapper(
  options: EnsurePortMapperOptions = {},
): Promise<PortMapperStatus> {
  const port = epmdPortFromEnv(options.epmdPort);
  const answer = await probe(port);
  if (answer) return { port, started: false, names: answer };
  try {
    return await startDetachedDaemon({ ...options, epmdPort: port });
  } catch (e) {
    if (e instanceof EpmdError) throw e;
    throw new EpmdUnreachableError({ host: '127.0.0.1', port }, { cause: e });
  }
}

/**
 * What the verbs that run or talk to a node share: the node options (`--sname`, `--name`,
 * `--cookie`, `--hidden`, `--epmd-port`, …), the services a CLI node runs (rpc, pg,
 * PubSub), the short-lived hidden node the one-shot verbs use (as `erl_call` does), and
 * errors that say what happened and how to fix it.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { Command, InvalidArgumentError } from 'commander';
import { EpmdNameTakenError, EpmdUnreachableError, names } from '../epmd/index.ts';
import { startNode, type BeamNode, type NodeService } from '../kernel/index.ts';
import { channels } from '../node/diagnostics.ts';
import { NodeNameError, CookieError, ListenError } from '../node/errors.ts';
import { consoleLogger, type LogLevel } from '../process/logger.ts';
import { CliError } from './errors.ts';

export { CliError } from './errors.ts';

/**
 * The node options shared by `shell`, `start` and the verbs that talk to a node.
 *
 * @example
 * ```ts
 * const flags: NodeFlags = { sname: 'ts1', cookie: 'secret' };
 * ```
 */
export interface NodeFlags {
  sname?: string;
  name?: string;
  cookie?: string;
  hidden?: boolean;
  epmdPort?: number;
  ticktime?: number;
  logLevel?: string;
}

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be an integer in ${min}..${max}`);
    }
    return n;
  };
}

/**
 * Adds `--cookie` and `--epmd-port` (every verb that talks to a node), and with `own`
 * also `--sname`, `--name`, `--hidden`, `--ticktime`, `--log-level`.
 *
 * @example
 * ```ts
 * addNodeOptions(new Command('shell'), { own: true });
 * ```
 */
export function addNodeOptions(cmd: Command, opts: { own: boolean }): Command {
  if (opts.own) {
    cmd
      .option('--sname <name>', 'short node name (name or name@host), as erl -sname')
      .option('--name <name>', 'long node name (name@host.domain or name@ip), as erl -name')
      .option('--hidden', 'run as a hidden node, as erl -hidden')
      .option('--ticktime <seconds>', 'net_ticktime in seconds', integer('ticktime', 1, 86_400))
      .option('--log-level <level>', 'debug, info, warn or error (default warn)');
  }
  return cmd
    .option('--cookie <cookie>', 'magic cookie (default: RELEASE_COOKIE, then ~/.erlang.cookie)')
    .option(
      '--epmd-port <port>',
      'port mapper port (default ERL_EPMD_PORT, else 4369)',
      integer('epmd-port', 1, 65535),
    );
}

function logLevel(level: string | undefined): LogLevel {
  const l = level ?? 'warn';
  if (!['debug', 'info', 'warn', 'error'].includes(l)) {
    throw new InvalidArgumentError('log-level must be debug, info, warn or error');
  }
  return l as LogLevel;
}

/**
 * Starts a node for the CLI, turning start failures into {@link CliError}s that teach.
 *
 * @example
 * ```ts
 * const node = await startCliNode({ sname: 'ts1', cookie: 'c' }, cliServices());
 * ```
 */
export async function startCliNode(
  flags: NodeFlags,
  services: readonly NodeService[],
  transitive?: boolean,
  startPortMapper = true,
): Promise<BeamNode> {
  if (flags.sname && flags.name) {
    throw new CliError(
      'BL_ERR_CLI_NAMES',
      'both --sname and --name given',
      'a node has one name: --sname ts1 (short, host without dots) or --name ts1@host.domain (long)',
    );
  }
  try {
    return await startNode({
      sname: flags.sname,
      name: flags.name,
      cookie: flags.cookie,
      hidden: flags.hidden ?? false,
      epmdPort: flags.epmdPort,
      netTicktime: flags.ticktime,
      logger: consoleLogger(logLevel(flags.logLevel)),
      services,
      transitive,
      startPortMapper,
    });
  } catch (e) {
    throw explainStartError(e, flags);
  }
}

/**
 * Turns a start failure into a {@link CliError} with a fix (other errors pass through).
 *
 * @example
 * ```ts
 * try { await startNode(opts) } catch (e) { throw explainStartError(e, flags) }
 * ```
 */
export function explainStartError(e: unknown, flags: NodeFlags): unknown {
  const who = flags.sname ?? flags.name ?? '';
  if (e instanceof EpmdNameTakenError) {
    return new CliError(
      'BL_ERR_CLI_NAME_TAKEN',
      `the name ${who} is taken: another node is registered under it with the port mapper`,
      `choose another name (--sname ${who.split('@')[0]}2), or stop the other node; \`beamlink names\` lists the registered names`,
      { cause: e },
    );
  }
  if (e instanceof EpmdUnreachableError) {
    return new CliError(
      'BL_ERR_CLI_NO_EPMD',
      `no port mapper answers: ${e.message}`,
      'start one with `beamlink epmd --daemon` (or `epmd -daemon`), or give the right --epmd-port / ERL_EPMD_PORT',
      { cause: e },
    );
  }
  if (e instanceof NodeNameError) {
    return new CliError(
      'BL_ERR_CLI_NODE_NAME',
      e.message,
      'short names have no dots in the host (--sname ts1 or ts1@myhost); long names need a dotted host or an IP (--name ts1@127.0.0.1)',
      { cause: e },
    );
  }
  if (e instanceof CookieError) {
    return new CliError(
      'BL_ERR_CLI_COOKIE',
      e.message,
      'give --cookie, set RELEASE_COOKIE, or fix ~/.erlang.cookie (a file readable by its owner only: chmod 400)',
      { cause: e },
    );
  }
  if (e instanceof ListenError) {
    return new CliError('BL_ERR_CLI_LISTEN', e.message, 'free the port or choose another range', {
      cause: e,
    });
  }
  return e;
}

/** Whether a host part needs long names (dotted or an IP address). */
function isLongHost(host: string): boolean {
  return host.includes('.') || host.includes(':');
}

/**
 * Starts a hidden node with a random name for one verb (`ping`, `rpc`, `nodes`, …), as
 * `erl_call` does; its name type (short or long) follows `target`'s.
 *
 * @example
 * ```ts
 * const node = await startClientNode('ts1@vm', { cookie: 'c' });
 * try { console.log(await node.ping('ts1@vm')); } finally { await node.stop(); }
 * ```
 */
export async function startClientNode(
  target: string,
  flags: NodeFlags,
  services: readonly NodeService[] = [],
): Promise<BeamNode> {
  const alive = `beamlink_cli_${randomBytes(4).toString('hex')}`;
  const host = target.split('@')[1] ?? '';
  // A long-named client needs a dotted host or an IP: the loopback address is one (the
  // connection is outgoing, so no peer ever has to resolve it).
  const own = isLongHost(host) ? { name: `${alive}@127.0.0.1` } : { sname: alive };
  // A one-shot verb never starts a port mapper (it would outlive the verb): with none
  // answering, the verb fails with "no port mapper answers" and how to start one.
  return startCliNode(
    { ...flags, ...own, hidden: true, logLevel: flags.logLevel ?? 'error' },
    services,
    false,
    false,
  );
}

/**
 * The full name of `target`: `ts1` becomes `ts1@<this host>`, the way `iex --remsh ts1`
 * reads it, with the host part of `self`.
 *
 * @example
 * ```ts
 * fullNodeName('ts1', 'cli@vm'); // 'ts1@vm'
 * ```
 */
export function fullNodeName(target: string, self: string): string {
  return target.includes('@') ? target : `${target}@${self.split('@')[1]}`;
}

/**
 * Connects `node` to `target`, or throws a {@link CliError} saying why not: mixed short
 * and long names, no port mapper on the host, no such node registered there, or (the
 * name is registered but the handshake failed) a cookie that differs.
 *
 * @example
 * ```ts
 * await connectOrExplain(node, 'ts1@vm', { epmdPort: 4369 });
 * ```
 */
export async function connectOrExplain(
  node: BeamNode,
  target: string,
  flags: NodeFlags,
): Promise<void> {
  const [alive, host = ''] = target.split('@');
  const selfHost = node.name.split('@')[1] ?? '';
  if (isLongHost(host) !== isLongHost(selfHost)) {
    throw new CliError(
      'BL_ERR_CLI_MIXED_NAMES',
      `${node.name} uses ${isLongHost(selfHost) ? 'long' : 'short'} names and ${target} ${isLongHost(host) ? 'long' : 'short'} ones: they never connect`,
      'start both with --sname (host without dots) or both with --name (dotted host or IP)',
    );
  }
  let reason: string | undefined;
  const onFail = (m: unknown) => {
    const msg = m as { peer?: string; reason?: string };
    if (msg.peer === target) reason = msg.reason;
  };
  channels.connectFailed.subscribe(onFail);
  let ok: boolean;
  try {
    ok = await node.connect(target);
  } finally {
    channels.connectFailed.unsubscribe(onFail);
  }
  if (ok) return;
  let registered: string[];
  try {
    const reply = await names(host, { epmdPort: flags.epmdPort });
    registered = reply.names.map((n) => n.name);
  } catch (e) {
    throw new CliError(
      'BL_ERR_CLI_UNREACHABLE',
      `cannot reach the port mapper on ${host}: ${e instanceof Error ? e.message : String(e)}`,
      `is ${host} the right host, and is a node running there? (start one: beamlink start --sname ${alive})`,
      { cause: e },
    );
  }
  if (!registered.includes(alive!)) {
    throw new CliError(
      'BL_ERR_CLI_NO_SUCH_NODE',
      `no node named ${alive} on ${host} (registered: ${registered.join(', ') || 'none'})`,
      `check the name with \`beamlink names ${host}\`, or start it: beamlink start --sname ${alive}`,
    );
  }
  throw new CliError(
    'BL_ERR_CLI_HANDSHAKE',
    `${target} is running but refused the connection${reason ? ` (${reason})` : ''}: most likely the cookies differ`,
    'use the same cookie on both sides: --cookie <same value>, RELEASE_COOKIE, or the same ~/.erlang.cookie (`beamlink cookie` says where yours comes from)',
  );
}

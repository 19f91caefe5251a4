/**
 * `beamlink procs NODE`: a table of NODE's processes (pid, registered name, current
 * function, status, message queue length), read through rpc (`erlang:processes/0` and
 * `erlang:process_info/2`), so it works on beamlink and BEAM nodes alike.
 *
 * ```
 * $ npx beamlink procs ts1
 * PID           NAME         STATUS   MQ  CURRENT
 * #PID<0.1.0>   net_kernel   waiting   0  beamlink:process/0
 * ```
 *
 * @module
 */
import { Command } from 'commander';
import { format } from '../../term/format.ts';
import { Atom, Pid, Tuple, atom, type Term } from '../../term/types.ts';
import { withClientNode } from '../client.ts';
import { processIo, type CliIo } from '../io.ts';
import { addNodeOptions, CliError, type NodeFlags } from '../node-setup.ts';

/**
 * One row of the table.
 *
 * @example
 * ```ts
 * const row: ProcRow = { pid: '#PID<0.1.0>', name: 'net_kernel', status: 'waiting', queue: 0, current: 'beamlink:process/0' };
 * ```
 */
export interface ProcRow {
  pid: string;
  name: string;
  status: string;
  queue: number;
  current: string;
}

const ITEMS = ['registered_name', 'status', 'message_queue_len', 'current_function'].map(atom);

function rowOf(pid: Pid, info: Term, localNode: string): ProcRow | undefined {
  if (!Array.isArray(info)) return undefined;
  const get = (k: string): Term | undefined => {
    for (const item of info as Term[]) {
      if (item instanceof Tuple && item.elements[0] instanceof Atom && item.elements[0].name === k)
        return item.elements[1];
    }
    return undefined;
  };
  const name = get('registered_name');
  const cf = get('current_function');
  const q = get('message_queue_len');
  return {
    pid: format(pid, { localNode }),
    name: name instanceof Atom ? name.name.replace(/^Elixir\./, '') : '',
    status: get('status') instanceof Atom ? (get('status') as Atom).name : '',
    queue: typeof q === 'number' ? q : 0,
    current:
      cf instanceof Tuple && cf.elements.length === 3
        ? `${format(cf.elements[0]!, { style: 'erlang' })}:${format(cf.elements[1]!, { style: 'erlang' })}/${String(cf.elements[2])}`
        : '',
  };
}

/**
 * Formats rows as an aligned text table.
 *
 * @example
 * ```ts
 * procTable([{ pid: '#PID<0.1.0>', name: 'x', status: 'waiting', queue: 0, current: '' }]);
 * ```
 */
export function procTable(rows: readonly ProcRow[]): string {
  const head = ['PID', 'NAME', 'STATUS', 'MQ', 'CURRENT'];
  const cells = rows.map((r) => [r.pid, r.name, r.status, String(r.queue), r.current]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((x, i) => (i === 3 ? x.padStart(widths[i]!) : x.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), ...cells.map(line)].map((l) => `${l}\n`).join('');
}

/**
 * The `procs` command.
 *
 * @example
 * ```ts
 * await buildProgram().parseAsync(['procs', 'ts1', '--json'], { from: 'user' });
 * ```
 */
export function procsCommand(io: CliIo = processIo()): Command {
  const cmd = new Command('procs')
    .description("list NODE's processes: pid, registered name, status, queue, current function")
    .argument('<node>', 'node name (name@host; a bare name means this host)')
    .option('--json', 'print a JSON array of rows')
    .option('--named', 'only registered processes')
    .addHelpText(
      'after',
      '\nExamples:\n  beamlink procs ts1\n  beamlink procs erl@127.0.0.1 --named --json',
    );
  addNodeOptions(cmd, { own: false });
  return cmd.action(
    async (target: string, opts: NodeFlags & { json?: boolean; named?: boolean }) => {
      const rows = await withClientNode(target, opts, async ({ rpc, target: full }) => {
        const pids = await rpc.call(full, 'erlang', 'processes', []);
        if (!Array.isArray(pids)) {
          throw new CliError(
            'BL_ERR_CLI_RPC',
            `erlang:processes/0 on ${full} answered ${format(pids)}`,
          );
        }
        const infos = await Promise.all(
          (pids as Term[])
            .filter((p): p is Pid => p instanceof Pid)
            .map(async (pid) => {
              const info = await rpc.call(full, 'erlang', 'process_info', [pid, ITEMS]);
              return rowOf(pid, info, full);
            }),
        );
        return infos.filter((r): r is ProcRow => r !== undefined && (!opts.named || r.name !== ''));
      });
      io.out(opts.json ? `${JSON.stringify(rows)}\n` : procTable(rows));
    },
  );
}

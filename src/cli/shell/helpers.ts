/**
 * What the shell puts in scope, with Elixir's names where they exist:
 *
 * | helper | Elixir / Erlang |
 * | --- | --- |
 * | `Node.self()`, `Node.list()`, `Node.connect(n)`, `Node.disconnect(n)`, `Node.ping(n)` | `Node.*` |
 * | `self()`, `send(dest, msg)`, `receive(pattern?, { timeout })`, `flush()` | the same |
 * | `monitorNodes(true)`, `net_kernel.monitor_nodes(true)` | `:net_kernel.monitor_nodes/1` |
 * | `rpc.call(node, 'Mod', 'fun', [args])`, `rpc.cast`, `rpc.multicall` | `:rpc.*` |
 * | `GenServer.call(dest, req, timeout?)`, `GenServer.cast`, `getState(dest)` | `GenServer.*`, `:sys.get_state/1` |
 * | `AgentFramework.AgentServer.remember(pid, k, v)` (any module, any function) | `AgentFramework.*` |
 * | `pid('0.115.0')`, `i(term)`, `processInfo(pid)`, `term('{:ok, [1]}')`, `atom('x')`, `tuple(...)` | `pid/1`, `i/1`, `Process.info/1` |
 *
 * Module names written `'Node'` or `'AgentFramework.X'` are Elixir modules (`Elixir.Node`),
 * as the iex shell reads them; `'erlang'` or `':lists'` are Erlang ones.
 *
 * @module
 */
import type { BeamNode } from '../../kernel/index.ts';
import { GenServer } from '../../otp/gen-server.ts';
import type { Dest } from '../../process/process.ts';
import type { Rpc } from '../../rpc/rpc.ts';
import { format } from '../../term/format.ts';
import { Atom, Pid, Tuple, atom, tuple, type Term } from '../../term/types.ts';
import { moduleAtom, parseLiteral } from '../literal.ts';
import { CliError } from '../errors.ts';
import { connectOrExplain } from '../node-setup.ts';
import { printValue } from './print.ts';
import type { ReceivePattern, ShellProcess } from './shell-process.ts';

const OK = atom('ok');

/** A module name as the shell reads it: `'Node'` → `Elixir.Node`, `'erlang'` as is. */
function mod(m: Atom | string): Atom {
  return typeof m === 'string' ? moduleAtom(m) : m;
}

/** A destination as the shell reads it: `'AgentFramework.X'` → `Elixir.AgentFramework.X`. */
function dest(d: unknown): Dest {
  if (typeof d === 'string') return mod(d);
  if (Array.isArray(d) && d.length === 2) {
    const [name, node] = d as [Atom | string, Atom | string];
    return [typeof name === 'string' ? mod(name) : name, node];
  }
  return d as Dest;
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * `pid('0.115.0')`, `pid('<0.115.0>')`, `pid('#PID<0.115.0>')` or `pid(0, 115, 0)`: a pid
 * of this node (node number 0); `pid('ts2@vm', 115, 0)` one of another node.
 */
function makePid(node: BeamNode, a: string | number, b?: number, c?: number): Pid {
  if (typeof a === 'string' && b !== undefined) {
    return new Pid(atom(a), b, c ?? 0, node.dist.nameAtom === atom(a) ? node.creation : 0);
  }
  const text = typeof a === 'number' ? `${a}.${b ?? 0}.${c ?? 0}` : a;
  const m = /^(?:#PID)?<?(\d+)\.(\d+)\.(\d+)>?$/.exec(text.trim());
  if (!m) throw new TypeError(`pid: expected "0.ID.SERIAL", got ${JSON.stringify(text)}`);
  if (m[1] !== '0') {
    throw new TypeError(
      `pid: only this node's pids (0.X.Y); for another node write pid('node@host', ${m[2]}, ${m[3]})`,
    );
  }
  return new Pid(node.node, Number(m[2]), Number(m[3]), node.creation);
}

/** A proxy where `X.Y.fn(...args)` calls `Elixir.X.Y:fn(args)` on `target` via rpc. */
function modulesProxy(rpc: Rpc, target: () => Atom | string, prefix: string): unknown {
  const fn = (...args: unknown[]) => {
    const parts = prefix.split('.');
    const f = parts.pop()!;
    return rpc.call(target(), mod(parts.join('.')), snake(f), args as Term[]);
  };
  return new Proxy(fn, {
    get(_t, key) {
      if (typeof key !== 'string' || key === 'then') return undefined;
      if (key === 'on' && prefix === 'AgentFramework') {
        return (n: Atom | string) => modulesProxy(rpc, () => n, prefix);
      }
      return modulesProxy(rpc, target, `${prefix}.${key}`);
    },
  });
}

/**
 * Options of {@link shellContext}.
 *
 * @example
 * ```ts
 * shellContext({ node, rpc, shell, print: (s) => process.stdout.write(s), colour: true });
 * ```
 */
export interface ShellContextOptions {
  readonly node: BeamNode;
  readonly rpc: Rpc;
  readonly shell: ShellProcess;
  readonly print: (text: string) => void;
  readonly colour: boolean;
  /** The port mapper port (to explain a failed `Node.connect`). */
  readonly epmdPort?: number;
}

/**
 * The helpers the REPL puts in scope.
 *
 * @example
 * ```ts
 * Object.assign(replServer.context, shellContext({ node, rpc, shell, print, colour: false }));
 * ```
 */
export function shellContext(o: ShellContextOptions): Record<string, unknown> {
  const { node, rpc, shell } = o;
  const caller = shell.process;
  const show = (t: unknown) => printValue(t, { colour: o.colour });
  const processInfo = async (p: Pid | Atom | string): Promise<Term | undefined> => {
    const pid = p instanceof Pid ? p : node.runtime.whereis(typeof p === 'string' ? mod(p) : p);
    if (pid === undefined) return null;
    if (pid.node === node.node) {
      const info = node.runtime.processInfo(pid);
      if (info === undefined) return null;
      return {
        registered_name: info.registeredName ?? [],
        status: atom(info.status),
        message_queue_len: info.messageQueueLength,
        links: info.links,
        monitored_by: info.monitoredBy,
        current_function: info.currentFunction ?? null,
        trap_exit: info.trapExit,
      };
    }
    return rpc.call(pid.node, 'erlang', 'process_info', [pid]);
  };
  const monitorNodes = (on: boolean) => shell.monitorNodes(on);
  return {
    node,
    atom,
    tuple,
    term: (source: string) => parseLiteral(source),
    Node: {
      self: () => node.node,
      list: (kind?: 'visible' | 'hidden' | 'connected') => node.nodes(kind),
      connect: async (n: Atom | string) => {
        // false, as in iex, but with what went wrong and how to fix it
        try {
          await connectOrExplain(node, typeof n === 'string' ? n : n.name, {
            epmdPort: o.epmdPort,
          });
          return true;
        } catch (e) {
          if (!(e instanceof CliError)) throw e;
          o.print(`** ${e.message}\n   how to fix: ${e.hint ?? ''}\n`);
          return false;
        }
      },
      disconnect: (n: Atom | string) => node.disconnect(n),
      ping: (n: Atom | string) => node.ping(n).then(atom),
      alive: () => true,
    },
    self: () => shell.pid,
    send: (d: unknown, message: Term) => {
      caller.send(dest(d), message);
      return message;
    },
    receive: (pattern?: ReceivePattern, options?: { timeout?: number }) =>
      shell.receive(pattern, options),
    flush: () => {
      for (const m of shell.drain()) o.print(`${show(m)}\n`);
      return OK;
    },
    monitorNodes,
    net_kernel: { monitor_nodes: monitorNodes },
    spawn: (fn: () => unknown) => node.spawn(async () => void (await fn())),
    rpc: {
      call: (
        n: Atom | string,
        m: Atom | string,
        f: Atom | string,
        args: Term[] = [],
        timeout?: number,
      ) => rpc.call(n, mod(m), f, args, timeout),
      cast: (n: Atom | string, m: Atom | string, f: Atom | string, args: Term[] = []) =>
        rpc.cast(n, mod(m), f, args),
      multicall: (ns: (Atom | string)[], m: Atom | string, f: Atom | string, args: Term[] = []) =>
        rpc.multicall(ns, mod(m), f, args),
    },
    GenServer: {
      call: (d: unknown, request: Term, timeout?: number) =>
        GenServer.call(caller, dest(d), request, timeout),
      cast: (d: unknown, request: Term) => {
        GenServer.cast(caller, dest(d), request);
        return OK;
      },
      getState: (d: unknown) => GenServer.getState(caller, dest(d)),
    },
    getState: (d: unknown) => GenServer.getState(caller, dest(d)),
    AgentFramework: modulesProxy(rpc, () => node.node, 'AgentFramework'),
    pid: (a: string | number, b?: number, c?: number) => makePid(node, a, b, c),
    processInfo,
    i: async (t: unknown) => {
      const lines = [`Term\n  ${show(t)}`];
      if (t instanceof Pid) {
        lines.push(
          `Data type\n  PID`,
          `Alive\n  ${t.node === node.node ? String(node.runtime.isAlive(t)) : 'remote'}`,
        );
        const info = await processInfo(t);
        if (info !== null && info !== undefined) lines.push(`Process info\n  ${show(info)}`);
      } else if (t instanceof Atom) lines.push('Data type\n  Atom');
      else if (t instanceof Tuple) lines.push(`Data type\n  Tuple\nSize\n  ${t.elements.length}`);
      else if (typeof t === 'string')
        lines.push(`Data type\n  BitString (a binary, ${Buffer.byteLength(t)} bytes)`);
      else if (typeof t === 'number' || typeof t === 'bigint')
        lines.push(`Data type\n  ${Number.isInteger(Number(t)) ? 'Integer' : 'Float'}`);
      else if (Array.isArray(t)) lines.push(`Data type\n  List\nLength\n  ${t.length}`);
      else
        lines.push(
          `Data type\n  ${typeof t === 'object' && t !== null ? (t.constructor?.name ?? 'Map') : typeof t}`,
        );
      o.print(`${lines.join('\n')}\n`);
      return OK;
    },
    inspect: (t: Term) => format(t),
    help: () => {
      o.print(HELP);
      return OK;
    },
  };
}

/** The names the completer offers besides the REPL's own. */
export const HELPER_NAMES = [
  'Node.self()',
  'Node.list()',
  'Node.connect(',
  'Node.disconnect(',
  'Node.ping(',
  'self()',
  'send(',
  'receive(',
  'flush()',
  'monitorNodes(',
  'net_kernel.monitor_nodes(',
  'spawn(',
  'rpc.call(',
  'rpc.cast(',
  'rpc.multicall(',
  'GenServer.call(',
  'GenServer.cast(',
  'GenServer.getState(',
  'getState(',
  'AgentFramework.',
  'pid(',
  'i(',
  'processInfo(',
  'term(',
  'atom(',
  'tuple(',
  'help()',
];

const HELP = `beamlink shell helpers (await works at the top level):
  Node.self() Node.list() await Node.connect('n@host') Node.disconnect(n) await Node.ping(n)
  self() send(dest, msg) await receive('nodedown', { timeout: 5000 }) flush()
  monitorNodes(true)             as :net_kernel.monitor_nodes(true)
  await rpc.call('n@host', 'Node', 'self', [])            Elixir module names as in iex
  await GenServer.call(pid, atom('get_state'))  await getState('AgentFramework.ClusterMonitor')
  await AgentFramework.AgentSupervisor.start_agent('Worker-1')    (this node)
  await AgentFramework.on('n@host').AgentServer.recall(pid, atom('origin'))
  pid('0.115.0') i(term) await processInfo(pid) term('{:ok, [1, "x"]}') atom('x') tuple(a, b)
`;

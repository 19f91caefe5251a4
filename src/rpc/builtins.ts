/**
 * The built-in modules every beamlink node answers, so that what BEAM peers commonly call
 * over rpc works against a TypeScript node as against a BEAM one:
 *
 * - `erlang`: `node/0,1`, `nodes/0,1`, `is_alive/0`, `self/0`, `processes/0`,
 *   `registered/0`, `whereis/1`, `is_process_alive/1`, `process_info/1,2`,
 *   `system_info/1` (common keys), `apply/2,3` (registered modules only),
 *   `throw/1`, `exit/1`, `error/1,2`, `list_to_tuple/1`, `tuple_to_list/1`, `length/1`,
 *   `make_ref/0`, `send/2`;
 * - `Elixir.Node`: `self/0`, `list/0,1`, `alive?/0`, `ping/1`, `connect/1`, `disconnect/1`;
 * - `Elixir.Process`: `whereis/1`, `alive?/1`, `info/1,2`, `list/0`, `registered/0`;
 * - `net_adm`: `ping/1`, `localhost/0`; `timer`: `sleep/1`.
 *
 * Bad arguments raise `badarg` with the stack `[{M, F, Args, []}]`, as the BIFs do.
 * `system_info(otp_release)` says `"25"`: the distribution protocol level beamlink
 * speaks; `version`, `machine` and `system_version` say beamlink.
 *
 * @module
 */
import { availableParallelism, hostname } from 'node:os';
import type { ProcessInfo } from '../process/process.ts';
import {
  ATOM_TABLE_LIMIT,
  Atom,
  ExportFun,
  Pid,
  Port,
  Ref,
  Tuple,
  type Term,
} from '../term/types.ts';
import { erlError, erlExit, ErlError, ErlExit, ErlThrow, erlThrow } from './errors.ts';
import { execute, type CallContext, type ModuleRegistry, type Outcome } from './modules.ts';

/**
 * The beamlink version `system_info(version)` reports.
 *
 * @example
 * ```ts
 * // erl> rpc:call('ts1@host', erlang, system_info, [version]).  %% "0.1.0"
 * ```
 */
export const BEAMLINK_VERSION = '0.1.0';
/**
 * The OTP release whose distribution protocol beamlink speaks (`system_info(otp_release)`).
 *
 * @example
 * ```ts
 * // iex> :rpc.call(:"ts1@host", :erlang, :system_info, [:otp_release])  #=> ~c"25"
 * ```
 */
export const OTP_RELEASE = '25';

const A = (name: string): Atom => Atom.of(name);
const UNDEFINED = A('undefined');
const BADARG = A('badarg');
const TRUE_ATOMS = { pong: A('pong'), pang: A('pang') };

/** A charlist (Erlang string) of `s`. */
function charlist(s: string): number[] {
  return [...s].map((c) => c.codePointAt(0)!);
}

function badarg(module: string, fn: string, args: readonly Term[]): never {
  return erlError(BADARG, [new Tuple([A(module), A(fn), [...args], []])]);
}

function asNodeAtom(module: string, fn: string, n: Term): Atom {
  if (n instanceof Atom) return n;
  return badarg(module, fn, [n]);
}

type NodeKind = 'visible' | 'hidden' | 'connected' | 'this' | 'known';
const KINDS = new Set<string>(['visible', 'hidden', 'connected', 'this', 'known']);

function nodesOf(ctx: CallContext, arg: Term, module: string, fn: string): Atom[] {
  const kinds = Array.isArray(arg) ? (arg as Term[]) : [arg];
  const out: Atom[] = [];
  const seen = new Set<Atom>();
  const add = (list: Atom[]): void => {
    for (const n of list) {
      if (!seen.has(n)) {
        seen.add(n);
        out.push(n);
      }
    }
  };
  for (const k of kinds) {
    if (!(k instanceof Atom) || !KINDS.has(k.name)) return badarg(module, fn, [arg]);
    const kind = k.name as NodeKind;
    if (kind === 'this') add([ctx.runtime.node]);
    else if (kind === 'known') add([ctx.runtime.node, ...ctx.host.nodes('connected')]);
    else add(ctx.host.nodes(kind));
  }
  return out;
}

function localPid(ctx: CallContext, module: string, fn: string, pid: Term): Pid {
  if (!(pid instanceof Pid) || pid.node !== ctx.runtime.node) return badarg(module, fn, [pid]);
  return pid;
}

const STATUS: Record<ProcessInfo['status'], string> = {
  starting: 'runnable',
  runnable: 'runnable',
  running: 'running',
  waiting: 'waiting',
  exiting: 'exiting',
};

/** One `process_info` item, or `undefined` for an unknown key. */
function infoItem(ctx: CallContext, info: ProcessInfo, key: string): Term | undefined {
  switch (key) {
    case 'registered_name':
      return info.registeredName ?? [];
    case 'status':
      return A(STATUS[info.status]);
    case 'message_queue_len':
      return info.messageQueueLength;
    case 'links':
      return info.links;
    case 'monitors':
      return info.monitors.map((m) => new Tuple([A('process'), m.object]));
    case 'monitored_by':
      return info.monitoredBy;
    case 'trap_exit':
      return info.trapExit;
    case 'group_leader':
      return info.groupLeader ?? ctx.runtime.systemPid;
    case 'current_function':
      return new Tuple([A('beamlink'), A(info.currentFunction ?? 'process'), 0]);
    case 'initial_call':
      return new Tuple([A('beamlink'), A('process'), 0]);
    case 'dictionary':
      return [];
    case 'priority':
      return A('normal');
    case 'reductions':
      return info.messagesHandled;
    default:
      return undefined;
  }
}

const ALL_INFO = [
  'current_function',
  'initial_call',
  'status',
  'message_queue_len',
  'links',
  'dictionary',
  'trap_exit',
  'priority',
  'group_leader',
  'reductions',
];

function processInfoAll(ctx: CallContext, pid: Pid): Term {
  const info = ctx.runtime.processInfo(pid);
  if (info === undefined) return UNDEFINED;
  const out: Term[] = [];
  if (info.registeredName !== undefined) {
    out.push(new Tuple([A('registered_name'), info.registeredName]));
  }
  for (const k of ALL_INFO) out.push(new Tuple([A(k), infoItem(ctx, info, k)!]));
  return out;
}

/** `erlang:process_info/2`: `{Key, Value}`, a list for a list of keys, `undefined` if dead. */
function processInfoKeys(ctx: CallContext, pid: Pid, spec: Term, fn: string): Term {
  const keys = Array.isArray(spec) ? (spec as Term[]) : [spec];
  for (const k of keys) if (!(k instanceof Atom)) return badarg('erlang', fn, [pid, spec]);
  const info = ctx.runtime.processInfo(pid);
  if (info === undefined) return UNDEFINED;
  const items: Term[] = [];
  for (const k of keys as Atom[]) {
    const v = infoItem(ctx, info, k.name);
    if (v === undefined) return badarg('erlang', fn, [pid, spec]);
    items.push(new Tuple([k, v]));
  }
  if (Array.isArray(spec)) return items;
  // process_info(Pid, registered_name) is [] (not a tuple) when the process has no name
  if (
    spec instanceof Atom &&
    spec.name === 'registered_name' &&
    info.registeredName === undefined
  ) {
    return [];
  }
  return items[0]!;
}

function systemInfo(ctx: CallContext, key: Term): Term {
  const name = key instanceof Atom ? key.name : '';
  switch (name) {
    case 'otp_release':
      return charlist(OTP_RELEASE);
    case 'version':
      return charlist(BEAMLINK_VERSION);
    case 'machine':
      return charlist('beamlink');
    case 'system_version':
      return charlist(
        `beamlink ${BEAMLINK_VERSION} (distribution protocol of Erlang/OTP ${OTP_RELEASE}) [Node.js ${process.version}]\n`,
      );
    case 'system_architecture':
      return charlist(`${process.arch}-node-${process.platform}`);
    case 'process_count':
      return ctx.runtime.processCount;
    case 'process_limit':
      return 1_048_576;
    case 'atom_count':
      return Atom.count();
    case 'atom_limit':
      return ATOM_TABLE_LIMIT;
    case 'port_count':
      return 0;
    case 'port_limit':
      return 65_536;
    case 'schedulers':
    case 'schedulers_online':
    case 'dirty_cpu_schedulers':
    case 'dirty_cpu_schedulers_online':
      return 1;
    case 'logical_processors':
    case 'logical_processors_available':
    case 'logical_processors_online':
      return availableParallelism();
    case 'wordsize':
      return 8;
    case 'thread_pool_size':
      return 0;
    case 'smp_support':
    case 'threads':
      return true;
    case 'creation':
      return ctx.runtime.creation;
    case 'nif_version':
      return charlist('2.16');
    default:
      return badarg('erlang', 'system_info', [key]);
  }
}

/** Re-raises an outcome inside a built-in (`erlang:apply/3` of a registered function). */
function raise(out: Outcome): Term {
  switch (out.kind) {
    case 'return':
      return out.value;
    case 'throw':
      throw new ErlThrow(out.value);
    case 'exit':
      throw new ErlExit(out.reason);
    case 'error':
      throw new ErlError(out.reason, out.stack);
  }
}

async function applyMfa(ctx: CallContext, m: Term, f: Term, a: Term): Promise<Term> {
  return raise(
    await execute(ctx.registry, ctx.host, ctx.self, {
      module: m,
      function: f,
      args: a,
      caller: ctx.caller,
    }),
  );
}

function sleep(ctx: CallContext, ms: Term): Promise<Term> | Term {
  const inf = ms instanceof Atom && ms.name === 'infinity';
  if (!inf && (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0)) {
    return badarg('timer', 'sleep', [ms]);
  }
  // a receive that matches nothing: the wait ends when the process is killed, too
  return ctx.self
    .receive(() => false, { timeout: inf ? Infinity : (ms as number) })
    .then(() => A('ok'));
}

/**
 * Defines the built-in modules in `registry` (replacing any earlier definition of them).
 *
 * @example
 * ```ts
 * const registry = new ModuleRegistry();
 * defineBuiltins(registry);
 * registry.lookup('Elixir.Node', 'self', 0); // a function
 * ```
 */
export function defineBuiltins(registry: ModuleRegistry): void {
  registry.defineBuiltin('erlang', {
    node: [
      {
        arity: 0,
        fn: function (this: CallContext) {
          return this.runtime.node;
        },
      },
      {
        arity: 1,
        fn: function (this: CallContext, x: Term) {
          if (x instanceof Pid || x instanceof Ref || x instanceof Port) return x.node;
          return badarg('erlang', 'node', [x]);
        },
      },
    ],
    nodes: [
      {
        arity: 0,
        fn: function (this: CallContext) {
          return this.host.nodes('visible');
        },
      },
      {
        arity: 1,
        fn: function (this: CallContext, k: Term) {
          return nodesOf(this, k, 'erlang', 'nodes');
        },
      },
    ],
    is_alive: function (this: CallContext) {
      return this.runtime.node.name !== 'nonode@nohost';
    },
    self: function (this: CallContext) {
      return this.self.pid;
    },
    processes: function (this: CallContext) {
      return this.runtime.processes();
    },
    registered: function (this: CallContext) {
      return this.runtime.registered();
    },
    whereis: function (this: CallContext, name: Term) {
      if (!(name instanceof Atom)) return badarg('erlang', 'whereis', [name]);
      return this.runtime.whereis(name) ?? UNDEFINED;
    },
    is_process_alive: function (this: CallContext, pid: Term) {
      return this.runtime.isAlive(localPid(this, 'erlang', 'is_process_alive', pid));
    },
    process_info: [
      {
        arity: 1,
        fn: function (this: CallContext, pid: Term) {
          return processInfoAll(this, localPid(this, 'erlang', 'process_info', pid));
        },
      },
      {
        arity: 2,
        fn: function (this: CallContext, pid: Term, spec: Term) {
          return processInfoKeys(
            this,
            localPid(this, 'erlang', 'process_info', pid),
            spec,
            'process_info',
          );
        },
      },
    ],
    system_info: function (this: CallContext, key: Term) {
      return systemInfo(this, key);
    },
    apply: [
      {
        arity: 2,
        fn: function (this: CallContext, fun: Term, args: Term) {
          if (fun instanceof ExportFun) return applyMfa(this, fun.module, fun.name, args);
          return erlError(new Tuple([A('badfun'), fun]), [
            new Tuple([A('erlang'), A('apply'), [fun, args], []]),
          ]);
        },
      },
      {
        arity: 3,
        fn: function (this: CallContext, m: Term, f: Term, a: Term) {
          return applyMfa(this, m, f, a);
        },
      },
    ],
    throw: (v: Term) => erlThrow(v),
    exit: (r: Term) => erlExit(r),
    error: [
      { arity: 1, fn: (r: Term) => erlError(r, [new Tuple([A('erlang'), A('error'), [r], []])]) },
      {
        arity: 2,
        fn: (r: Term, args: Term) =>
          erlError(r, [new Tuple([A('erlang'), A('error'), [r, args], []])]),
      },
    ],
    list_to_tuple: (l: Term) =>
      Array.isArray(l) ? new Tuple([...(l as Term[])]) : badarg('erlang', 'list_to_tuple', [l]),
    tuple_to_list: (t: Term) =>
      t instanceof Tuple ? [...t.elements] : badarg('erlang', 'tuple_to_list', [t]),
    length: (l: Term) => (Array.isArray(l) ? l.length : badarg('erlang', 'length', [l])),
    make_ref: function (this: CallContext) {
      return this.runtime.makeRef();
    },
    send: function (this: CallContext, dest: Term, msg: Term) {
      if (dest instanceof Pid || dest instanceof Ref || dest instanceof Atom) {
        try {
          this.self.send(dest, msg);
        } catch {
          return badarg('erlang', 'send', [dest, msg]);
        }
        return msg;
      }
      if (dest instanceof Tuple && dest.length === 2) {
        const [name, node] = dest.elements;
        if (name instanceof Atom && node instanceof Atom) {
          this.self.send([name, node], msg);
          return msg;
        }
      }
      return badarg('erlang', 'send', [dest, msg]);
    },
  });

  registry.defineBuiltin('Elixir.Node', {
    self: function (this: CallContext) {
      return this.runtime.node;
    },
    list: [
      {
        arity: 0,
        fn: function (this: CallContext) {
          return this.host.nodes('visible');
        },
      },
      {
        arity: 1,
        fn: function (this: CallContext, k: Term) {
          return nodesOf(this, k, 'Elixir.Node', 'list');
        },
      },
    ],
    'alive?': function (this: CallContext) {
      return this.runtime.node.name !== 'nonode@nohost';
    },
    ping: async function (this: CallContext, n: Term) {
      return TRUE_ATOMS[await this.host.ping(asNodeAtom('Elixir.Node', 'ping', n))];
    },
    connect: function (this: CallContext, n: Term) {
      return this.host.connect(asNodeAtom('Elixir.Node', 'connect', n));
    },
    disconnect: function (this: CallContext, n: Term) {
      return this.host.disconnect(asNodeAtom('Elixir.Node', 'disconnect', n));
    },
  });

  registry.defineBuiltin('Elixir.Process', {
    whereis: function (this: CallContext, name: Term) {
      if (!(name instanceof Atom)) return badarg('Elixir.Process', 'whereis', [name]);
      return this.runtime.whereis(name) ?? null;
    },
    'alive?': function (this: CallContext, pid: Term) {
      return this.runtime.isAlive(localPid(this, 'erlang', 'is_process_alive', pid));
    },
    info: [
      {
        arity: 1,
        fn: function (this: CallContext, pid: Term) {
          const r = processInfoAll(this, localPid(this, 'erlang', 'process_info', pid));
          return r === UNDEFINED ? null : r;
        },
      },
      {
        arity: 2,
        fn: function (this: CallContext, pid: Term, spec: Term) {
          const p = localPid(this, 'erlang', 'process_info', pid);
          const r = processInfoKeys(this, p, spec, 'process_info');
          if (r === UNDEFINED) return null;
          // Elixir: Process.info(pid, :registered_name) is {:registered_name, []} without a name
          if (spec instanceof Atom && spec.name === 'registered_name' && Array.isArray(r)) {
            return new Tuple([spec, []]);
          }
          return r;
        },
      },
    ],
    list: function (this: CallContext) {
      return this.runtime.processes();
    },
    registered: function (this: CallContext) {
      return this.runtime.registered();
    },
  });

  registry.defineBuiltin('net_adm', {
    ping: async function (this: CallContext, n: Term) {
      return TRUE_ATOMS[await this.host.ping(asNodeAtom('net_adm', 'ping', n))];
    },
    localhost: () => charlist(hostname()),
  });

  registry.defineBuiltin('timer', {
    sleep: function (this: CallContext, ms: Term) {
      return sleep(this, ms);
    },
  });
}

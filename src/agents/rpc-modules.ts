/**
 * The framework's functions under the lesson's Elixir module names, for `:rpc.call` and
 * `erpc:call` from any node (BEAM or beamlink). Each runs in the rpc process on this node,
 * which is also the caller of the GenServer calls it makes — as the Elixir functions
 * would run.
 *
 * | module | functions |
 * | --- | --- |
 * | `AgentFramework.AgentServer` | `start_link/1,2`, `start/1,2`, `get_state/1`, `get_status/1`, `remember/3`, `recall/2`, `forget_all/1`, `send_task/2,3`, `process_next/1`, `queue_length/1`, `stop/1` |
 * | `AgentFramework.AgentSupervisor` | `start_agent/1,2`, `stop_agent/1`, `list_agents/0`, `whereis/1`, `count_agents/0` |
 * | `AgentFramework.AgentDirectory` | `register/3`, `lookup/1`, `unregister/1`, `remove_node_agents/1`, `all/0` |
 * | `AgentFramework.ClusterDirectory` | `lookup/1`, `all/0`, `candidates/1` |
 * | `AgentFramework.ClusterMonitor` | `connected_nodes/0`, `cluster_info/0` |
 * | `AgentFramework.AgentRouter` | `find_agent/1`, `start_agent/1,2`, `send_task/3`, `process_next/1`, `place/2`, `members/0` |
 * | `AgentFramework.AgentEventLogger` | `recent/0,1` |
 *
 * `agent` arguments are a pid, a registered name, `{name, node}`, or an agent's name (a
 * binary, looked up on this node). Options are keyword lists (`[auto_process: true,
 * memory: %{...}]`). A strategy is `:local`, `:round_robin`, `:affinity` or
 * `{:affinity, key}`.
 *
 * @module
 */
import { DynamicSupervisor } from '../otp/dynamic-supervisor.ts';
import { GenServer } from '../otp/gen-server.ts';
import type { Dest } from '../process/process.ts';
import { erlError, erlExit } from '../rpc/errors.ts';
import type { CallContext, ModuleDefinition } from '../rpc/modules.ts';
import { Atom, Pid, Tuple, atom, type Term } from '../term/types.ts';
import type { AgentDirectory } from './agent-directory.ts';
import { AgentServer, agentCallbacks, type AgentOptions } from './agent-server.ts';
import { AgentSupervisor } from './agent-supervisor.ts';
import type { ClusterDirectory, ClusterEntry } from './cluster-directory.ts';
import type { AgentRouter, PlacementStrategy } from './router.ts';
import { MODULES, NOT_FOUND, OK, err, nameText, ok, option } from './terms.ts';

const FUNCTION_CLAUSE = atom('function_clause');
const NOPROC = atom('noproc');

/** What the modules reach on this node. */
export interface AgentModulesContext {
  readonly directory: AgentDirectory;
  readonly cluster: ClusterDirectory;
  readonly router: AgentRouter;
}

function agentDest(ctx: CallContext, t: Term): Dest {
  if (t instanceof Pid || t instanceof Atom) return t;
  if (
    t instanceof Tuple &&
    t.elements.length === 2 &&
    t.elements[0] instanceof Atom &&
    t.elements[1] instanceof Atom
  )
    return [t.elements[0], t.elements[1]];
  const name = nameText(t);
  const pid = name === undefined ? undefined : AgentSupervisor.whereis(ctx.runtime, name);
  if (pid === undefined) erlExit(NOPROC);
  return pid;
}

function name(t: Term): string {
  const n = typeof t === 'string' ? t : undefined;
  if (n === undefined) erlError(FUNCTION_CLAUSE);
  return n;
}

function agentOptions(opts: Term): AgentOptions {
  const auto = option(opts, 'auto_process');
  const memory = option(opts, 'memory');
  const out: { autoProcess?: boolean; memory?: Map<Term, Term> | Record<string, Term> } = {};
  if (auto === true) out.autoProcess = true;
  if (memory instanceof Map) out.memory = memory as Map<Term, Term>;
  else if (
    memory !== null &&
    typeof memory === 'object' &&
    Object.getPrototypeOf(memory) === Object.prototype
  )
    out.memory = memory as Record<string, Term>;
  return out;
}

function strategy(t: Term): PlacementStrategy {
  if (t === atom('local') || t === atom('round_robin') || t === atom('affinity'))
    return (t as Atom).name as PlacementStrategy;
  if (t instanceof Tuple && t.elements.length === 2 && t.elements[0] === atom('affinity')) {
    const key = nameText(t.elements[1]!);
    if (key !== undefined) return { affinity: key };
  }
  erlError(FUNCTION_CLAUSE);
}

function entryTerm(e: ClusterEntry): Term {
  return { name: e.name, node: atom(e.node), pid: e.pid, at: e.at };
}

/**
 * The module table: `{ moduleName: definition }`, for `rpc.modules.define`.
 *
 * @example
 * ```ts
 * for (const [m, def] of Object.entries(agentModules(ctx))) rpc.modules.define(m, def, { replace: true });
 * ```
 */
export function agentModules(c: AgentModulesContext): Record<string, ModuleDefinition> {
  const startWith = (link: boolean) =>
    async function (this: CallContext, n: Term, opts: Term = []): Promise<Term> {
      const cb = agentCallbacks(name(n), agentOptions(opts));
      try {
        const pid = link
          ? await GenServer.startLink(this.self, cb, null, { label: `AgentServer ${name(n)}` })
          : await GenServer.start(this.self, cb, null, { label: `AgentServer ${name(n)}` });
        return ok(pid);
      } catch (e) {
        if (e instanceof Error && 'reason' in e) return err((e as { reason: Term }).reason);
        throw e;
      }
    };
  const startLink = startWith(true);
  const start = startWith(false);
  return {
    [MODULES.AgentServer.name]: {
      start_link: [
        { arity: 1, fn: startLink },
        { arity: 2, fn: startLink },
      ],
      start: [
        { arity: 1, fn: start },
        { arity: 2, fn: start },
      ],
      get_state: function (this: CallContext, a: Term) {
        return AgentServer.getStateTerm(this.self, agentDest(this, a));
      },
      get_status: function (this: CallContext, a: Term) {
        return GenServer.call(this.self, agentDest(this, a), atom('get_status'));
      },
      remember: function (this: CallContext, a: Term, k: Term, v: Term) {
        return GenServer.call(this.self, agentDest(this, a), new Tuple([atom('remember'), k, v]));
      },
      recall: function (this: CallContext, a: Term, k: Term) {
        return AgentServer.recall(this.self, agentDest(this, a), k);
      },
      forget_all: function (this: CallContext, a: Term) {
        return GenServer.call(this.self, agentDest(this, a), atom('forget_all'));
      },
      send_task: [
        {
          arity: 2,
          fn: function (this: CallContext, a: Term, type: Term) {
            return GenServer.call(
              this.self,
              agentDest(this, a),
              new Tuple([atom('send_task'), type, new Map()]),
            );
          },
        },
        {
          arity: 3,
          fn: function (this: CallContext, a: Term, type: Term, payload: Term) {
            return GenServer.call(
              this.self,
              agentDest(this, a),
              new Tuple([atom('send_task'), type, payload]),
            );
          },
        },
      ],
      process_next: function (this: CallContext, a: Term) {
        return GenServer.call(this.self, agentDest(this, a), atom('process_next'));
      },
      queue_length: function (this: CallContext, a: Term) {
        return GenServer.call(this.self, agentDest(this, a), atom('queue_length'));
      },
      stop: async function (this: CallContext, a: Term) {
        await GenServer.stop(this.self, agentDest(this, a));
        return OK;
      },
    },
    [MODULES.AgentSupervisor.name]: {
      start_agent: [
        {
          arity: 1,
          fn: function (this: CallContext, n: Term) {
            return AgentSupervisor.startAgentTerm(this.self, name(n));
          },
        },
        {
          arity: 2,
          fn: function (this: CallContext, n: Term, opts: Term) {
            return AgentSupervisor.startAgentTerm(this.self, name(n), agentOptions(opts));
          },
        },
      ],
      stop_agent: function (this: CallContext, a: Term) {
        if (a instanceof Pid) return AgentSupervisor.stopAgentTerm(this.self, a);
        return AgentSupervisor.stopAgentTerm(this.self, name(a));
      },
      list_agents: function (this: CallContext) {
        return AgentSupervisor.listAgents(this.self);
      },
      whereis: function (this: CallContext, n: Term) {
        return AgentSupervisor.whereisTerm(this.runtime, name(n));
      },
      count_agents: async function (this: CallContext) {
        const c = await DynamicSupervisor.countChildren(this.self, MODULES.AgentSupervisor);
        return { specs: c.specs, active: c.active, supervisors: c.supervisors, workers: c.workers };
      },
    },
    [MODULES.AgentDirectory.name]: {
      register: (n: Term, node: Term, pid: Term) => c.directory.registerTerm(n, node, pid),
      lookup: (n: Term) => c.directory.lookupTerm(n),
      unregister: (n: Term) => {
        const s = nameText(n);
        if (s !== undefined) c.directory.unregister(s);
        return OK;
      },
      remove_node_agents: (node: Term) => {
        if (!(node instanceof Atom)) erlError(FUNCTION_CLAUSE);
        return c.directory.removeNodeAgents(node);
      },
      all: () => c.directory.allTerm(),
    },
    [MODULES.ClusterDirectory.name]: {
      lookup: (n: Term) => {
        const e = c.cluster.lookup(name(n));
        return e === undefined ? err(NOT_FOUND) : ok(new Tuple([atom(e.node), e.pid]));
      },
      all: () => c.cluster.all().map(entryTerm),
      candidates: (n: Term) => c.cluster.candidates(name(n)).map(entryTerm),
    },
    [MODULES.ClusterMonitor.name]: {
      connected_nodes: function (this: CallContext) {
        return GenServer.call(this.self, MODULES.ClusterMonitor, atom('connected_nodes'));
      },
      cluster_info: function (this: CallContext) {
        return GenServer.call(this.self, MODULES.ClusterMonitor, atom('cluster_info'));
      },
    },
    [MODULES.AgentRouter.name]: {
      find_agent: async (n: Term) => {
        const where = await c.router.findAgent(name(n));
        return where === undefined ? err(NOT_FOUND) : ok(new Tuple([atom(where.node), where.pid]));
      },
      start_agent: [
        {
          arity: 1,
          fn: async (n: Term) => {
            const r = await c.router.startAgent(name(n));
            return r.ok ? ok(r.pid) : err(r.reason);
          },
        },
        {
          arity: 2,
          fn: async (n: Term, s: Term) => {
            const r = await c.router.startAgent(name(n), strategy(s));
            return r.ok ? ok(r.pid) : err(r.reason);
          },
        },
      ],
      send_task: async (n: Term, type: Term, payload: Term) => {
        if (!(type instanceof Atom)) erlError(FUNCTION_CLAUSE);
        await c.router.sendTask(name(n), type, payload);
        return OK;
      },
      process_next: async (n: Term) => {
        const where = await c.router.findAgent(name(n));
        if (where === undefined) return err(NOT_FOUND);
        return c.router.call(name(n), atom('process_next'));
      },
      place: (n: Term, s: Term) => atom(c.router.placeAgent(name(n), strategy(s))),
      members: () => c.router.members().map((m) => atom(m)),
    },
    [MODULES.AgentEventLogger.name]: {
      recent: [
        {
          arity: 0,
          fn: function (this: CallContext) {
            return GenServer.call(this.self, MODULES.AgentEventLogger, atom('recent'));
          },
        },
        {
          arity: 1,
          fn: function (this: CallContext, k: Term) {
            return GenServer.call(
              this.self,
              MODULES.AgentEventLogger,
              new Tuple([atom('recent'), k]),
            );
          },
        },
      ],
    },
  };
}

/**
 * AgentSupervisor: a DynamicSupervisor registered as `AgentFramework.AgentSupervisor`
 * whose children are agents, one per name on a node (`{:error, {:already_started, pid}}`
 * for a name in use; the name table is agent-names.ts).
 *
 * From BEAM: `:rpc.call(node, AgentFramework.AgentSupervisor, :start_agent, ["W"])` →
 * `{:ok, pid}`; `start_agent/2` takes options (`[auto_process: true, memory: %{...}]`);
 * `stop_agent(name | pid)` → `:ok` | `{:error, :not_found}`; `list_agents()` → `[pid]`;
 * `whereis(name)` → `{:ok, pid}` | `{:error, :not_found}`. The supervisor itself answers
 * `DynamicSupervisor.which_children({AgentFramework.AgentSupervisor, node})`.
 *
 * Agents are `permanent`: one that crashes is restarted under the same name with empty
 * memory and queue (as the lesson's, whose state lives in the process).
 *
 * @module
 */
import { DynamicSupervisor } from '../otp/dynamic-supervisor.ts';
import { GenServer, type Caller } from '../otp/gen-server.ts';
import type { Dest, Process } from '../process/process.ts';
import { Runtime } from '../process/runtime.ts';
import { Pid, Tuple, type Term } from '../term/types.ts';
import { agentCallbacks, type AgentOptions } from './agent-server.ts';
import { agentEnv } from './env.ts';
import { MODULES, NOT_FOUND, OK, err, ok } from './terms.ts';

/**
 * `startAgent`'s result.
 *
 * @example
 * ```ts
 * const r: StartAgentResult = await AgentSupervisor.startAgent(rt, 'W');
 * if (r.ok) console.log(r.pid);
 * ```
 */
export type StartAgentResult =
  { readonly ok: true; readonly pid: Pid } | { readonly ok: false; readonly reason: Term };

/** Options of the supervisor (DynamicSupervisor's). */
export interface AgentSupervisorOptions {
  /** Restarts allowed per `period` (default 5, as the lesson's `max_restarts`). */
  readonly intensity?: number;
  /** Seconds (default 60). */
  readonly period?: number;
  readonly maxChildren?: number;
}

/**
 * The child spec of an agent named `name`.
 *
 * @example
 * ```ts
 * await DynamicSupervisor.startChild(self, sup, agentChildSpec('W'));
 * ```
 */
export function agentChildSpec(name: string, options: AgentOptions = {}) {
  return {
    id: name,
    start: (sup: Process) =>
      GenServer.startLink(sup, agentCallbacks(name, { ...options, register: true }), null, {
        label: `AgentServer ${name}`,
      }),
    restart: 'permanent' as const,
    shutdown: 5000,
    modules: [MODULES.AgentServer],
  };
}

/**
 * The supervisor's API.
 *
 * @example
 * ```ts
 * const { pid } = (await AgentSupervisor.startAgent(rt, 'Worker-1')) as { pid: Pid };
 * await AgentSupervisor.listAgents(rt); // [pid]
 * AgentSupervisor.whereis(rt, 'Worker-1'); // pid
 * await AgentSupervisor.stopAgent(rt, 'Worker-1');
 * ```
 */
export class AgentSupervisor {
  private constructor() {}

  /**
   * Starts the supervisor linked to `parent`, registered as `AgentFramework.AgentSupervisor`.
   *
   * @example
   * ```ts
   * const sup = await AgentSupervisor.startLink(self);
   * ```
   */
  static startLink(parent: Process, options: AgentSupervisorOptions = {}): Promise<Pid> {
    return DynamicSupervisor.startLink(parent, {
      name: MODULES.AgentSupervisor,
      intensity: options.intensity ?? 5,
      period: options.period ?? 60,
      ...(options.maxChildren !== undefined ? { maxChildren: options.maxChildren } : {}),
    });
  }

  /**
   * `start_agent(name)`: `{ ok: true, pid }`, or `{ ok: false, reason }` with reason
   * `{already_started, Pid}` for a name in use.
   *
   * @example
   * ```ts
   * await AgentSupervisor.startAgent(rt, 'Worker-2', { autoProcess: true });
   * ```
   */
  static async startAgent(
    caller: Caller,
    name: string,
    options: AgentOptions = {},
    sup: Dest = MODULES.AgentSupervisor,
  ): Promise<StartAgentResult> {
    const r = await DynamicSupervisor.startChild(caller, sup, agentChildSpec(name, options));
    if (r.ok && r.pid !== undefined) return { ok: true, pid: r.pid };
    return { ok: false, reason: r.ok ? err(NOT_FOUND) : r.reason };
  }

  /**
   * `stop_agent(name | pid)`: `true` when it was stopped, `false` when there was none.
   *
   * @example
   * ```ts
   * await AgentSupervisor.stopAgent(rt, 'Worker-1'); // true
   * ```
   */
  static async stopAgent(
    caller: Caller,
    agent: string | Pid,
    sup: Dest = MODULES.AgentSupervisor,
  ): Promise<boolean> {
    const pid =
      typeof agent === 'string' ? AgentSupervisor.whereis(runtimeOf(caller), agent) : agent;
    if (pid === undefined) return false;
    const r = await DynamicSupervisor.terminateChild(caller, sup, pid);
    return r.ok;
  }

  /**
   * `list_agents()`: the pids of the running agents.
   *
   * @example
   * ```ts
   * const pids = await AgentSupervisor.listAgents(rt);
   * ```
   */
  static async listAgents(caller: Caller, sup: Dest = MODULES.AgentSupervisor): Promise<Pid[]> {
    const children = await DynamicSupervisor.whichChildren(caller, sup);
    return children.map((c) => c.child).filter((p): p is Pid => p instanceof Pid);
  }

  /**
   * `whereis(name)` on this node.
   *
   * @example
   * ```ts
   * AgentSupervisor.whereis(rt, 'Worker-1'); // Pid | undefined
   * ```
   */
  static whereis(runtime: Runtime, name: string): Pid | undefined {
    const pid = agentEnv(runtime).names?.whereis(name);
    return pid !== undefined && runtime.isAlive(pid) ? pid : undefined;
  }

  /** `whereis/1` as BEAM sees it: `{:ok, pid}` or `{:error, :not_found}`. */
  static whereisTerm(runtime: Runtime, name: string): Tuple {
    const pid = AgentSupervisor.whereis(runtime, name);
    return pid === undefined ? err(NOT_FOUND) : ok(pid);
  }

  /** `start_agent` as BEAM sees it. */
  static async startAgentTerm(
    caller: Caller,
    name: string,
    options: AgentOptions = {},
  ): Promise<Tuple> {
    const r = await AgentSupervisor.startAgent(caller, name, options);
    return r.ok ? ok(r.pid) : err(r.reason);
  }

  /** `stop_agent` as BEAM sees it. */
  static async stopAgentTerm(caller: Caller, agent: string | Pid): Promise<Term> {
    return (await AgentSupervisor.stopAgent(caller, agent)) ? OK : err(NOT_FOUND);
  }
}

function runtimeOf(caller: Caller): Runtime {
  return caller instanceof Runtime ? caller : caller.runtime;
}

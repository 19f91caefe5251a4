/**
 * What the agents of one node share once the framework is installed there: the event
 * publisher, the task handlers, and the name table. An agent started on a runtime without
 * it still works (default handlers, no events, no names).
 *
 * @module
 */
import type { Runtime } from '../process/runtime.ts';
import { AgentEvents } from './events.ts';
import type { AgentNames } from './agent-names.ts';
import { TaskHandlers } from './task-handlers.ts';

/**
 * The per-node environment of agents.
 *
 * @example
 * ```ts
 * const env = agentEnv(node.runtime);
 * env.handlers.define('ping', () => atom('pong'));
 * ```
 */
export interface AgentEnv {
  readonly events: AgentEvents;
  readonly handlers: TaskHandlers;
  readonly names: AgentNames | null;
}

const envs = new WeakMap<Runtime, AgentEnv>();

/**
 * The environment of `runtime` (a bare one, without events or names, when the framework
 * is not installed there).
 *
 * @example
 * ```ts
 * agentEnv(rt).handlers.types(); // ['analyze', 'search', 'summarize']
 * ```
 */
export function agentEnv(runtime: Runtime): AgentEnv {
  let env = envs.get(runtime);
  if (env === undefined) {
    env = {
      events: new AgentEvents(runtime.node, null),
      handlers: new TaskHandlers(),
      names: null,
    };
    envs.set(runtime, env);
  }
  return env;
}

/**
 * Installs `env` for `runtime` (the service does this); `undefined` removes it.
 *
 * @example
 * ```ts
 * setAgentEnv(rt, { events, handlers, names });
 * ```
 */
export function setAgentEnv(runtime: Runtime, env: AgentEnv | undefined): void {
  if (env === undefined) envs.delete(runtime);
  else envs.set(runtime, env);
}

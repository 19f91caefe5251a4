/**
 * Agent lifecycle events, on the PubSub named `AgentFramework.PubSub`, topic `"agents"`:
 *
 * ```elixir
 * {:agent_event, %{type: type, agent: name, node: node, at: ms, ...}}
 * ```
 *
 * `type` is one of `:started`, `:stopped`, `:task_queued`, `:task_done`, `:task_failed`,
 * `:nodeup`, `:nodedown`, `:conflict`. `agent` is the agent's name (a binary; `nil` for
 * node events), `node` the node the agent lives on (for node events: the node that came
 * or went), `at` `System.system_time(:millisecond)` on the node that published it. Extra
 * keys: `pid`, `task_id`, `task_type`, `reason`, `result`, `by` (the node that observed a
 * node event: every node's monitor publishes its own, so a subscriber hears a nodedown
 * once per surviving node).
 *
 * {@link AgentEventLogger} is a process subscribed to the topic that logs every event
 * through the runtime's logger and keeps the last ones.
 *
 * @module
 */
import type { GenServerCallbacks } from '../otp/gen-server.ts';
import type { Process } from '../process/process.ts';
import type { PubSub } from '../pubsub/pubsub.ts';
import { formatTerm } from '../process/format.ts';
import { Atom, Pid, Tuple, atom, type Term } from '../term/types.ts';
import { field, isTagged, nameText } from './terms.ts';

/** The topic every agent event goes to. */
export const AGENTS_TOPIC = 'agents';
/** The PubSub the framework publishes on (`AgentFramework.PubSub`). */
export const AGENTS_PUBSUB = 'AgentFramework.PubSub';

const AGENT_EVENT = atom('agent_event');

/**
 * The kinds of event.
 *
 * @example
 * ```ts
 * const t: AgentEventType = 'task_done';
 * ```
 */
export type AgentEventType =
  | 'started'
  | 'stopped'
  | 'task_queued'
  | 'task_done'
  | 'task_failed'
  | 'nodeup'
  | 'nodedown'
  | 'conflict';

/**
 * One event, as TypeScript sees it.
 *
 * @example
 * ```ts
 * const e: AgentEvent = { type: 'started', agent: 'Worker-1', node: 'ts1@vm', at: Date.now() };
 * ```
 */
export interface AgentEvent {
  readonly type: AgentEventType;
  readonly agent: string | null;
  readonly node: string;
  readonly at: number;
  readonly pid?: Pid;
  readonly taskId?: string;
  readonly taskType?: string;
  readonly reason?: Term;
  readonly result?: Term;
  readonly by?: string;
}

/**
 * The event as it travels: `{:agent_event, %{type:, agent:, node:, at:, ...}}`.
 *
 * @example
 * ```ts
 * eventTerm({ type: 'started', agent: 'W', node: 'ts1@vm', at: 1 });
 * ```
 */
export function eventTerm(e: AgentEvent): Tuple {
  const m: Record<string, Term> = {
    type: atom(e.type),
    agent: e.agent,
    node: atom(e.node),
    at: e.at,
  };
  if (e.pid !== undefined) m.pid = e.pid;
  if (e.taskId !== undefined) m.task_id = e.taskId;
  if (e.taskType !== undefined) m.task_type = atom(e.taskType);
  if (e.reason !== undefined) m.reason = e.reason;
  if (e.result !== undefined) m.result = e.result;
  if (e.by !== undefined) m.by = atom(e.by);
  return new Tuple([AGENT_EVENT, m]);
}

/**
 * Reads an event term back (`undefined` when `t` is not one).
 *
 * @example
 * ```ts
 * const e = decodeEvent(message);
 * if (e?.type === 'task_done') console.log(e.agent);
 * ```
 */
export function decodeEvent(t: Term): AgentEvent | undefined {
  if (!isTagged(t, AGENT_EVENT, 2)) return undefined;
  const m = t.elements[1];
  const type = field(m, 'type');
  const node = field(m, 'node');
  const at = field(m, 'at');
  if (!(type instanceof Atom) || !(node instanceof Atom) || typeof at !== 'number')
    return undefined;
  const agent = field(m, 'agent');
  const opt = (k: string): Term | undefined => field(m, k);
  const pid = opt('pid');
  const taskId = opt('task_id');
  const taskType = opt('task_type');
  const by = opt('by');
  return {
    type: type.name as AgentEventType,
    agent: agent === null || agent === undefined ? null : (nameText(agent) ?? null),
    node: node.name,
    at,
    ...(pid instanceof Pid ? { pid } : {}),
    ...(typeof taskId === 'string' ? { taskId } : {}),
    ...(taskType instanceof Atom ? { taskType: taskType.name } : {}),
    ...(opt('reason') !== undefined ? { reason: opt('reason')! } : {}),
    ...(opt('result') !== undefined ? { result: opt('result')! } : {}),
    ...(by instanceof Atom ? { by: by.name } : {}),
  };
}

/**
 * Publishes events for one node (a no-op without a PubSub, so an agent works alone).
 *
 * @example
 * ```ts
 * const events = new AgentEvents(node.node, pubsub);
 * events.publish('started', 'Worker-1', { pid });
 * ```
 */
export class AgentEvents {
  readonly node: Atom;
  readonly pubsub: PubSub | null;
  /** Local listeners (the observer, tests): called for every event this node publishes. */
  readonly #listeners = new Set<(e: AgentEvent) => void>();

  constructor(node: Atom, pubsub: PubSub | null) {
    this.node = node;
    this.pubsub = pubsub;
  }

  /** Publishes an event about `agent` (on this node unless `extra.node` says otherwise). */
  publish(
    type: AgentEventType,
    agent: string | null,
    extra: Partial<Omit<AgentEvent, 'type' | 'agent' | 'at'>> = {},
  ): AgentEvent {
    const e: AgentEvent = { node: this.node.name, ...extra, type, agent, at: Date.now() };
    for (const l of this.#listeners) {
      try {
        l(e);
      } catch {
        // a listener's failure is its own
      }
    }
    try {
      this.pubsub?.broadcast(AGENTS_TOPIC, eventTerm(e));
    } catch {
      // a stopped PubSub: events are best effort, like Phoenix.PubSub.broadcast to nobody
    }
    return e;
  }

  /** Adds a local listener; returns the function that removes it. */
  listen(listener: (e: AgentEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** Options of {@link agentEventLogger}. */
export interface AgentEventLoggerOptions {
  /** How many recent events to keep (default 100). */
  readonly keep?: number;
  /** Log level (default `info`). */
  readonly level?: 'debug' | 'info' | 'warn';
}

/** The logger's state: the last events, newest last. */
export interface AgentEventLoggerState {
  readonly recent: AgentEvent[];
  readonly keep: number;
}

/**
 * The lesson's AgentEventLogger as GenServer callbacks: subscribes to `"agents"` on
 * `pubsub` and logs each event as `[agents] task_done Worker-1 on n1@vm`; answers the call
 * `:recent` with the kept event terms (newest last) and `{:recent, n}` with the last `n`.
 *
 * @example
 * ```ts
 * const pid = await GenServer.start(rt, agentEventLogger(pubsub), null, { name: 'Elixir.AgentFramework.AgentEventLogger' });
 * ```
 */
export function agentEventLogger(
  pubsub: PubSub,
  options: AgentEventLoggerOptions = {},
): GenServerCallbacks<AgentEventLoggerState> {
  const keep = options.keep ?? 100;
  const level = options.level ?? 'info';
  return {
    init(_arg: Term, self: Process) {
      pubsub.subscribe(self, AGENTS_TOPIC);
      return { ok: { recent: [], keep } };
    },
    handleInfo(message: Term, state: AgentEventLoggerState, self: Process) {
      const e = decodeEvent(message);
      if (e !== undefined) {
        state.recent.push(e);
        if (state.recent.length > state.keep) state.recent.shift();
        const who = e.agent ?? '-';
        const extra = e.reason !== undefined ? ` (${formatTerm(e.reason)})` : '';
        self.runtime.logger.log(level, `[agents] ${e.type} ${who} on ${e.node}${extra}`, {
          label: 'agent_event',
          event: e,
        });
      }
      return { noreply: true, state };
    },
    handleCall(request: Term, _from, state: AgentEventLoggerState) {
      let n = state.recent.length;
      if (request instanceof Tuple && request.elements[0] === atom('recent')) {
        const k = request.elements[1];
        if (typeof k === 'number') n = Math.max(0, Math.min(k, n));
      }
      return { reply: state.recent.slice(state.recent.length - n).map(eventTerm), state };
    },
    handleCast: (_req: Term, state: AgentEventLoggerState) => ({ noreply: true, state }),
    formatState: (state) => ({ keep: state.keep, recent: state.recent.map(eventTerm) }),
  };
}

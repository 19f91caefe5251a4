/**
 * Task handlers: the pluggable work an agent does, one async function per task type.
 *
 * A handler gets the task's payload and a context and returns the result term (or a
 * promise of one). The result is what `process_next` hands back as the third element of
 * `{:ok, task, result}`. The defaults follow the lesson: `:search` given `%{query: q}`
 * returns `{:ok, "Search results for: " <> q}`; `:analyze` (`%{data: d}`) and
 * `:summarize` (`%{text: t}`) answer in the same style. A type with no handler yields
 * `{:error, {:unknown_task_type, type}}`; a handler that throws yields
 * `{:error, {:task_failed, reason}}`. Neither harms the agent.
 *
 * @module
 */
import type { Process } from '../process/process.ts';
import type { Runtime } from '../process/runtime.ts';
import { Atom, Tuple, atom, type Term } from '../term/types.ts';
import { err, field, ok } from './terms.ts';

/**
 * A queued task, as agents hold and return it: the Elixir map
 * `%{id: "…", type: :search, payload: %{…}, queued_at: ms}`.
 *
 * @example
 * ```ts
 * const t: AgentTask = { id: 'a1b2', type: atom('search'), payload: { query: 'x' }, queued_at: Date.now() };
 * ```
 */
export interface AgentTask {
  /** 16 hex digits, unique per agent. */
  readonly id: string;
  /** The task type (an atom, as Elixir sends `:search`). */
  readonly type: Atom;
  /** Whatever the sender passed (usually a map). */
  readonly payload: Term;
  /** `System.system_time(:millisecond)` when it was queued. */
  readonly queued_at: number;
}

/**
 * What a handler sees besides the payload.
 *
 * @example
 * ```ts
 * const h: TaskHandler = (payload, ctx) => tuple(atom('ok'), `${ctx.agent} saw ${String(payload)}`);
 * ```
 */
export interface TaskContext {
  /** The agent's name. */
  readonly agent: string;
  readonly task: AgentTask;
  /** The agent's process (to read its pid; do not receive on it). */
  readonly self: Process;
  /** The node's runtime: a caller for `GenServer.call` and friends. */
  readonly runtime: Runtime;
  /** Reads the agent's memory (as `recall`). */
  recall(key: Term): Term;
}

/**
 * A task handler: payload in, result term out (a promise is awaited).
 *
 * @example
 * ```ts
 * const echo: TaskHandler = async (payload) => tuple(atom('ok'), payload);
 * ```
 */
export type TaskHandler = (payload: Term, context: TaskContext) => Term | Promise<Term>;

const UNKNOWN_TASK_TYPE = atom('unknown_task_type');

function text(t: Term | undefined): string {
  if (typeof t === 'string') return t;
  if (t === undefined || t === null) return '';
  if (t instanceof Atom) return t.name;
  return String(t);
}

/**
 * The default handlers: `search`, `analyze`, `summarize`.
 *
 * @example
 * ```ts
 * await DEFAULT_HANDLERS.search!({ query: 'distributed' }, ctx); // {:ok, "Search results for: distributed"}
 * ```
 */
export const DEFAULT_HANDLERS: Readonly<Record<string, TaskHandler>> = {
  search: (payload) => ok(`Search results for: ${text(field(payload, 'query'))}`),
  analyze: (payload) => ok(`Analysis of: ${text(field(payload, 'data'))}`),
  summarize: (payload) => {
    const t = text(field(payload, 'text'));
    return ok(`Summary: ${t.length > 50 ? `${t.slice(0, 50)}...` : t}`);
  },
};

/**
 * The handlers of one node (or one agent), keyed by task type name.
 *
 * @example
 * ```ts
 * const handlers = new TaskHandlers().define('translate', async (p) => tuple(atom('ok'), 'hola'));
 * handlers.lookup(atom('translate')); // the function
 * ```
 */
export class TaskHandlers {
  readonly #handlers = new Map<string, TaskHandler>();

  /** Starts with {@link DEFAULT_HANDLERS} unless `defaults` is false. */
  constructor(handlers?: Readonly<Record<string, TaskHandler>>, defaults = true) {
    if (defaults) for (const [k, h] of Object.entries(DEFAULT_HANDLERS)) this.#handlers.set(k, h);
    for (const [k, h] of Object.entries(handlers ?? {})) this.#handlers.set(k, h);
  }

  /** Adds or replaces the handler of `type`; returns `this`. */
  define(type: Atom | string, handler: TaskHandler): this {
    this.#handlers.set(typeof type === 'string' ? type : type.name, handler);
    return this;
  }

  /** Removes the handler of `type`. */
  remove(type: Atom | string): boolean {
    return this.#handlers.delete(typeof type === 'string' ? type : type.name);
  }

  /** The handler of `type`, if any. */
  lookup(type: Atom | string): TaskHandler | undefined {
    return this.#handlers.get(typeof type === 'string' ? type : type.name);
  }

  /** The task types handled. */
  types(): string[] {
    return [...this.#handlers.keys()].sort();
  }
}

/** `{:error, {:unknown_task_type, type}}`. */
export function unknownTaskType(type: Atom): Tuple {
  return err(new Tuple([UNKNOWN_TASK_TYPE, type]));
}

/** The result is an `{:error, _}` tuple (the task counts as failed). */
export function isErrorResult(result: Term): boolean {
  return result instanceof Tuple && result.elements[0] === atom('error');
}

/**
 * AgentServer: the lesson's agent, a GenServer holding
 *
 * ```elixir
 * %{name: "Worker-1", status: :idle | :busy, memory: %{}, task_queue: [task],
 *   current_task: task | nil, processed_count: 0, failed_count: 0,
 *   auto_process: false, node: :"n1@host"}
 * ```
 *
 * where a task is `%{id: "16 hex digits", type: :search, payload: %{...}, queued_at: ms}`.
 *
 * ## Messages (what `GenServer.call(pid, ...)` from any node sends)
 *
 * | request | reply |
 * | --- | --- |
 * | `:get_state` | the map above |
 * | `:get_status` | `:idle` / `:busy` |
 * | `{:remember, key, value}` (call or cast) | `:ok` |
 * | `{:recall, key}` | the value, or `nil` |
 * | `:forget_all` (call or cast) | `:ok` |
 * | `{:send_task, type, payload}` (call or cast; `{:send_task, type}` = empty payload) | `:ok` |
 * | `:process_next` | `{:ok, task, result}`, or `{:error, :empty}` |
 * | `:queue_length` (also `:inbox_count`) | an integer |
 *
 * `process_next` takes the oldest task and runs its handler (see task-handlers.ts). The
 * handler runs beside the server, so `get_state` during a slow task answers at once with
 * `status: :busy`; a second `process_next` meanwhile waits for the next task. The result
 * also goes to `memory[:last_result]`, as the lesson's agent does. An unknown type or a
 * throwing handler gives an `{:error, ...}` result and a `:task_failed` event; the agent
 * lives on. With `auto_process: true` the agent works through its queue by itself.
 *
 * @module
 */
import { GenServer, type From, type GenServerCallbacks, type Caller } from '../otp/gen-server.ts';
import { crashReason } from '../process/crash.ts';
import type { Dest, Process } from '../process/process.ts';
import { termKey } from '../pg/term-key.ts';
import { Atom, Pid, Tuple, atom, type Term } from '../term/types.ts';
import { BeamlinkError } from '../errors.ts';
import { agentEnv } from './env.ts';
import {
  TaskHandlers,
  isErrorResult,
  unknownTaskType,
  type AgentTask,
  type TaskHandler,
} from './task-handlers.ts';
import { ALREADY_STARTED, BUSY, EMPTY, IDLE, OK, err, field, isTagged } from './terms.ts';

const GET_STATE = atom('get_state');
const GET_STATUS = atom('get_status');
const REMEMBER = atom('remember');
const RECALL = atom('recall');
const FORGET_ALL = atom('forget_all');
const SEND_TASK = atom('send_task');
const PROCESS_NEXT = atom('process_next');
const QUEUE_LENGTH = atom('queue_length');
const INBOX_COUNT = atom('inbox_count');
const TASK_DONE = atom('$agent_task_done');
const AGENT_CONFLICT = atom('agent_conflict');
const LAST_RESULT = atom('last_result');
const TASK_FAILED = atom('task_failed');
const UNKNOWN_REQUEST = atom('unknown_request');

/**
 * Options of an agent.
 *
 * @example
 * ```ts
 * const opts: AgentOptions = { autoProcess: true, memory: { role: 'researcher' } };
 * ```
 */
export interface AgentOptions {
  /** Initial memory: a `Map` of terms, or a plain object (keys become atoms). */
  readonly memory?: ReadonlyMap<Term, Term> | Readonly<Record<string, Term>>;
  /** Work through the queue without `process_next` calls (default false). */
  readonly autoProcess?: boolean;
  /** Handlers for this agent only (default: the node's, see `agentEnv`). */
  readonly handlers?: TaskHandlers | Readonly<Record<string, TaskHandler>>;
  /** Claim the name in the node's agent name table (the supervisor does; default false). */
  readonly register?: boolean;
}

/**
 * The agent's state as TypeScript reads it (from `getState`).
 *
 * @example
 * ```ts
 * const s: AgentState = await AgentServer.getState(rt, pid);
 * s.status; // 'idle'
 * ```
 */
export interface AgentState {
  readonly name: string;
  readonly status: 'idle' | 'busy';
  /** Memory entries (keys and values as terms). */
  readonly memory: Map<Term, Term>;
  readonly taskQueue: AgentTask[];
  readonly currentTask: AgentTask | null;
  readonly processedCount: number;
  readonly failedCount: number;
  readonly autoProcess: boolean;
  readonly node: string;
}

/**
 * What `processNext` gives: the task and its result, or `empty`.
 *
 * @example
 * ```ts
 * const r = await AgentServer.processNext(rt, pid);
 * if (r.ok) console.log(r.task.type.name, r.result);
 * ```
 */
export type ProcessNextResult =
  | { readonly ok: true; readonly task: AgentTask; readonly result: Term }
  | { readonly ok: false; readonly reason: 'empty' };

/**
 * A reply that was not what the agent protocol promises.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof AgentReplyError) console.log(e.reply) }
 * ```
 */
export class AgentReplyError extends BeamlinkError {
  readonly reply: Term;
  constructor(what: string, reply: Term) {
    super('BL_ERR_AGENT_REPLY', `unexpected reply to ${what}`);
    this.reply = reply;
  }
}

interface AgentData {
  readonly name: string;
  readonly node: Atom;
  status: 'idle' | 'busy';
  readonly memory: Map<string, [Term, Term]>;
  readonly queue: AgentTask[];
  current: AgentTask | null;
  /** Who asked for the task running now (null: auto). */
  currentFrom: From | null;
  /** `process_next` callers waiting for the running task to finish. */
  readonly waiting: From[];
  processed: number;
  failed: number;
  readonly auto: boolean;
  readonly handlers: TaskHandlers | null;
  seq: number;
}

/** A task as the Elixir map. */
export function taskTerm(t: AgentTask): Record<string, Term> {
  return { id: t.id, type: t.type, payload: t.payload, queued_at: t.queued_at };
}

/** Reads a task map back. */
export function decodeTask(t: Term): AgentTask | undefined {
  const id = field(t, 'id');
  const type = field(t, 'type');
  const at = field(t, 'queued_at');
  if (typeof id !== 'string' || !(type instanceof Atom) || typeof at !== 'number') return undefined;
  return { id, type, payload: field(t, 'payload') ?? null, queued_at: at };
}

function memoryTerm(d: AgentData): Map<Term, Term> {
  return new Map([...d.memory.values()]);
}

function stateTerm(d: AgentData): Record<string, Term> {
  return {
    name: d.name,
    status: d.status === 'idle' ? IDLE : BUSY,
    memory: memoryTerm(d),
    task_queue: d.queue.map(taskTerm),
    current_task: d.current === null ? null : taskTerm(d.current),
    processed_count: d.processed,
    failed_count: d.failed,
    auto_process: d.auto,
    node: d.node,
  };
}

/**
 * Reads the `get_state` map.
 *
 * @example
 * ```ts
 * decodeState(await GenServer.call(rt, pid, atom('get_state'))).name;
 * ```
 */
export function decodeState(t: Term): AgentState {
  const mem = field(t, 'memory');
  const memory = new Map<Term, Term>();
  if (mem instanceof Map) for (const [k, v] of mem as Map<Term, Term>) memory.set(k, v);
  else if (mem !== null && typeof mem === 'object')
    for (const [k, v] of Object.entries(mem as Record<string, Term>)) memory.set(atom(k), v);
  const queue = field(t, 'task_queue');
  const name = field(t, 'name');
  const node = field(t, 'node');
  const current = field(t, 'current_task');
  if (typeof name !== 'string') throw new AgentReplyError('get_state', t);
  return {
    name,
    status: field(t, 'status') === BUSY ? 'busy' : 'idle',
    memory,
    taskQueue: Array.isArray(queue) ? queue.map(decodeTask).filter((x) => x !== undefined) : [],
    currentTask: current === null || current === undefined ? null : (decodeTask(current) ?? null),
    processedCount: Number(field(t, 'processed_count') ?? 0),
    failedCount: Number(field(t, 'failed_count') ?? 0),
    autoProcess: field(t, 'auto_process') === true,
    node: node instanceof Atom ? node.name : '',
  };
}

function initialMemory(m: AgentOptions['memory']): Map<string, [Term, Term]> {
  const out = new Map<string, [Term, Term]>();
  if (m === undefined) return out;
  const entries: [Term, Term][] =
    m instanceof Map
      ? [...(m as ReadonlyMap<Term, Term>)]
      : Object.entries(m as Record<string, Term>).map(([k, v]) => [atom(k), v]);
  for (const [k, v] of entries) out.set(termKey(k), [k, v]);
  return out;
}

function taskId(d: AgentData): string {
  d.seq++;
  const r = Math.floor(Math.random() * 0x100000000);
  return (r.toString(16).padStart(8, '0') + d.seq.toString(16).padStart(8, '0')).slice(-16);
}

/**
 * The GenServer callbacks of one agent named `name`.
 *
 * @example
 * ```ts
 * const pid = await GenServer.start(rt, agentCallbacks('Worker-1'));
 * ```
 */
export function agentCallbacks(
  name: string,
  options: AgentOptions = {},
): GenServerCallbacks<AgentData> {
  const handlers =
    options.handlers === undefined
      ? null
      : options.handlers instanceof TaskHandlers
        ? options.handlers
        : new TaskHandlers(options.handlers);

  function start(d: AgentData, self: Process, from: From | null): void {
    const task = d.queue.shift()!;
    d.current = task;
    d.currentFrom = from;
    d.status = 'busy';
    const env = agentEnv(self.runtime);
    const handler = (d.handlers ?? env.handlers).lookup(task.type);
    const pid = self.pid;
    const runtime = self.runtime;
    const finish = (kind: 'ok' | 'crash', value: Term): void => {
      runtime.send(pid, new Tuple([TASK_DONE, task.id, atom(kind), value]));
    };
    if (handler === undefined) {
      finish('ok', unknownTaskType(task.type));
      return;
    }
    const context = {
      agent: d.name,
      task,
      self,
      runtime,
      recall: (key: Term): Term => d.memory.get(termKey(key))?.[1] ?? null,
    };
    Promise.resolve()
      .then(() => handler(task.payload, context))
      .then(
        (result) => finish('ok', result === undefined ? OK : result),
        (e: unknown) => finish('crash', crashReason(e)),
      );
  }

  function done(d: AgentData, self: Process, id: string, kind: Term, value: Term): void {
    const task = d.current;
    if (task === null || task.id !== id) return;
    const failedBy = kind === atom('crash') ? value : undefined;
    const result = failedBy !== undefined ? err(new Tuple([TASK_FAILED, failedBy])) : value;
    const failed = failedBy !== undefined || isErrorResult(result);
    d.current = null;
    d.status = 'idle';
    d.processed++;
    if (failed) d.failed++;
    d.memory.set(termKey(LAST_RESULT), [LAST_RESULT, result]);
    const from = d.currentFrom;
    d.currentFrom = null;
    if (from !== null) GenServer.reply(from, new Tuple([OK, taskTerm(task), result]));
    agentEnv(self.runtime).events.publish(failed ? 'task_failed' : 'task_done', d.name, {
      pid: self.pid,
      taskId: task.id,
      taskType: task.type.name,
      ...(failed ? { reason: result } : { result }),
    });
    next(d, self);
  }

  /** Starts the next task for a waiting caller, or by itself in auto mode. */
  function next(d: AgentData, self: Process): void {
    if (d.status !== 'idle') return;
    while (d.waiting.length > 0 && d.queue.length === 0) {
      GenServer.reply(d.waiting.shift()!, err(EMPTY));
    }
    if (d.queue.length === 0) return;
    if (d.waiting.length > 0) start(d, self, d.waiting.shift()!);
    else if (d.auto) start(d, self, null);
  }

  function enqueue(d: AgentData, self: Process, type: Term, payload: Term): Term {
    const t = typeof type === 'string' ? atom(type) : type;
    if (!(t instanceof Atom)) return err(new Tuple([atom('invalid_task_type'), type]));
    const task: AgentTask = { id: taskId(d), type: t, payload, queued_at: Date.now() };
    d.queue.push(task);
    agentEnv(self.runtime).events.publish('task_queued', d.name, {
      pid: self.pid,
      taskId: task.id,
      taskType: t.name,
    });
    next(d, self);
    return OK;
  }

  /** Requests that both calls and casts carry; `undefined` when not one of them. */
  function mutate(d: AgentData, self: Process, req: Term): Term | undefined {
    if (isTagged(req, REMEMBER, 3)) {
      const [, k, v] = req.elements as [Term, Term, Term];
      d.memory.set(termKey(k), [k, v]);
      return OK;
    }
    if (req === FORGET_ALL) {
      d.memory.clear();
      return OK;
    }
    if (isTagged(req, SEND_TASK, 3)) return enqueue(d, self, req.elements[1]!, req.elements[2]!);
    if (isTagged(req, SEND_TASK, 2)) return enqueue(d, self, req.elements[1]!, new Map());
    return undefined;
  }

  return {
    init(_arg: Term, self: Process) {
      const env = agentEnv(self.runtime);
      if (options.register === true && env.names !== null) {
        const held = env.names.claim(name, self.pid);
        if (held !== undefined) return { stop: new Tuple([ALREADY_STARTED, held]) };
      }
      const d: AgentData = {
        name,
        node: self.runtime.node,
        status: 'idle',
        memory: initialMemory(options.memory),
        queue: [],
        current: null,
        currentFrom: null,
        waiting: [],
        processed: 0,
        failed: 0,
        auto: options.autoProcess === true,
        handlers,
        seq: 0,
      };
      env.events.publish('started', name, { pid: self.pid });
      return { ok: d };
    },
    handleCall(req: Term, from: From, d: AgentData, self: Process) {
      if (req === GET_STATE) return { reply: stateTerm(d), state: d };
      if (req === GET_STATUS) return { reply: d.status === 'idle' ? IDLE : BUSY, state: d };
      if (isTagged(req, RECALL, 2))
        return { reply: d.memory.get(termKey(req.elements[1]!))?.[1] ?? null, state: d };
      if (req === QUEUE_LENGTH || req === INBOX_COUNT) return { reply: d.queue.length, state: d };
      if (req === PROCESS_NEXT) {
        if (d.status === 'busy') {
          d.waiting.push(from);
          return { noreply: true, state: d };
        }
        if (d.queue.length === 0) return { reply: err(EMPTY), state: d };
        start(d, self, from);
        return { noreply: true, state: d };
      }
      const r = mutate(d, self, req);
      if (r !== undefined) return { reply: r, state: d };
      return { reply: err(new Tuple([UNKNOWN_REQUEST, req])), state: d };
    },
    handleCast(req: Term, d: AgentData, self: Process) {
      if (mutate(d, self, req) === undefined) {
        self.runtime.logger.log('warn', `[AgentServer ${d.name}] unexpected cast`, { req });
      }
      return { noreply: true, state: d };
    },
    handleInfo(msg: Term, d: AgentData, self: Process) {
      if (isTagged(msg, TASK_DONE, 4)) {
        const [, id, kind, value] = msg.elements as [Term, Term, Term, Term];
        if (typeof id === 'string') done(d, self, id, kind, value);
      } else if (isTagged(msg, AGENT_CONFLICT)) {
        self.runtime.logger.log('warn', `[AgentServer ${d.name}] lost a name conflict`, { msg });
      } else {
        self.runtime.logger.log('warn', `[AgentServer ${d.name}] unexpected message`, { msg });
      }
      return { noreply: true, state: d };
    },
    terminate(reason: Term, d: AgentData, self: Process) {
      // Callers still waiting get what a dead server gives them: their monitor's DOWN.
      d.waiting.length = 0;
      // A named agent's stop is published by the name table, which sees every death.
      if (options.register !== true || agentEnv(self.runtime).names === null)
        agentEnv(self.runtime).events.publish('stopped', d.name, { pid: self.pid, reason });
    },
    formatState: stateTerm,
  };
}

function expectOk(what: string, reply: Term): void {
  if (reply !== OK) throw new AgentReplyError(what, reply);
}

/**
 * The client API. `caller` is a process, or the runtime outside any process; `agent` is a
 * pid (local or on any node), a registered name, or `[name, node]`.
 *
 * @example
 * ```ts
 * const w1 = await AgentServer.start(rt, 'Worker-1');
 * await AgentServer.remember(rt, w1, atom('origin'), 'node1');
 * await AgentServer.sendTask(rt, w1, 'search', { query: 'distributed' });
 * const r = await AgentServer.processNext(rt, w1); // { ok: true, task, result: {:ok, "Search results for: distributed"} }
 * ```
 */
export class AgentServer {
  private constructor() {}

  /**
   * `AgentServer.start_link(name)`: an agent linked to `self`.
   *
   * @example
   * ```ts
   * const pid = await AgentServer.startLink(self, 'Worker-1', { autoProcess: true });
   * ```
   */
  static startLink(self: Process, name: string, options: AgentOptions = {}): Promise<Pid> {
    return GenServer.startLink(self, agentCallbacks(name, options), null, {
      label: `AgentServer ${name}`,
    });
  }

  /**
   * An agent linked to nothing.
   *
   * @example
   * ```ts
   * const pid = await AgentServer.start(rt, 'Worker-1');
   * ```
   */
  static start(caller: Caller, name: string, options: AgentOptions = {}): Promise<Pid> {
    return GenServer.start(caller, agentCallbacks(name, options), null, {
      label: `AgentServer ${name}`,
    });
  }

  /**
   * The raw state map (`GenServer.call(agent, :get_state)`).
   *
   * @example
   * ```ts
   * const m = await AgentServer.getStateTerm(rt, pid); // %{name: "Worker-1", ...}
   * ```
   */
  static getStateTerm(caller: Caller, agent: Dest, timeout = 5000): Promise<Term> {
    return GenServer.call(caller, agent, GET_STATE, timeout);
  }

  /**
   * The state, decoded.
   *
   * @example
   * ```ts
   * (await AgentServer.getState(rt, pid)).status; // 'idle'
   * ```
   */
  static async getState(caller: Caller, agent: Dest, timeout = 5000): Promise<AgentState> {
    return decodeState(await AgentServer.getStateTerm(caller, agent, timeout));
  }

  /**
   * Stores `value` under `key` (a call: done once it resolves).
   *
   * @example
   * ```ts
   * await AgentServer.remember(rt, pid, atom('origin'), 'node1');
   * ```
   */
  static async remember(caller: Caller, agent: Dest, key: Term, value: Term): Promise<void> {
    expectOk('remember', await GenServer.call(caller, agent, new Tuple([REMEMBER, key, value])));
  }

  /**
   * The value under `key`, or `null` (Elixir's `nil`).
   *
   * @example
   * ```ts
   * await AgentServer.recall(rt, pid, atom('origin')); // 'node1'
   * ```
   */
  static recall(caller: Caller, agent: Dest, key: Term): Promise<Term> {
    return GenServer.call(caller, agent, new Tuple([RECALL, key]));
  }

  /**
   * Queues a task (resolves once it is queued).
   *
   * @example
   * ```ts
   * await AgentServer.sendTask(rt, pid, 'search', { query: 'OTP' });
   * ```
   */
  static async sendTask(
    caller: Caller,
    agent: Dest,
    type: Atom | string,
    payload: Term = new Map(),
  ): Promise<void> {
    const t = typeof type === 'string' ? atom(type) : type;
    expectOk('send_task', await GenServer.call(caller, agent, new Tuple([SEND_TASK, t, payload])));
  }

  /**
   * Runs the oldest task and returns it with its result.
   *
   * @example
   * ```ts
   * const r = await AgentServer.processNext(rt, pid);
   * ```
   */
  static async processNext(
    caller: Caller,
    agent: Dest,
    timeout = 5000,
  ): Promise<ProcessNextResult> {
    const reply = await GenServer.call(caller, agent, PROCESS_NEXT, timeout);
    if (isTagged(reply, OK, 3)) {
      const task = decodeTask(reply.elements[1]!);
      if (task !== undefined) return { ok: true, task, result: reply.elements[2]! };
    }
    if (isTagged(reply, atom('error'), 2) && reply.elements[1] === EMPTY)
      return { ok: false, reason: 'empty' };
    throw new AgentReplyError('process_next', reply);
  }

  /**
   * Tasks waiting in the queue.
   *
   * @example
   * ```ts
   * await AgentServer.queueLength(rt, pid); // 0
   * ```
   */
  static async queueLength(caller: Caller, agent: Dest): Promise<number> {
    return Number(await GenServer.call(caller, agent, QUEUE_LENGTH));
  }

  /**
   * Stops the agent (`GenServer.stop(agent, :normal)`); a supervised agent should be
   * stopped through its supervisor instead, or it is restarted.
   *
   * @example
   * ```ts
   * await AgentServer.stop(rt, pid);
   * ```
   */
  static stop(caller: Caller, agent: Dest): Promise<void> {
    return GenServer.stop(caller, agent);
  }
}

/**
 * The local subscriber registry of one PubSub: what Phoenix.PubSub keeps in an Elixir
 * `Registry` with `keys: :duplicate` — topic → `{pid, metadata}` entries, for this node's
 * processes only.
 *
 * As in Registry: a process may subscribe to a topic several times (it is then listed,
 * and messaged, once per subscription); `unregister` drops every subscription of that
 * process to the topic; a process's subscriptions go when it dies. The registry process
 * (registered under the PubSub's name, as Registry is) monitors each subscriber once.
 *
 * @module
 */
import type { Process } from '../process/process.ts';
import type { Runtime } from '../process/runtime.ts';
import { Pid, Ref, Tuple, atom, type Atom, type Term } from '../term/types.ts';

/**
 * One subscription, as Registry's `{pid, value}` entries.
 *
 * @example
 * ```ts
 * for (const s of registry.lookup('room:1')) runtime.send(s.pid, message);
 * ```
 */
export interface Subscription {
  readonly pid: Pid;
  /** The `:metadata` given to subscribe (`null` when none, as `nil`). */
  readonly metadata: Term;
}

interface TopicRow {
  readonly byPid: Map<string, Subscription[]>;
  view: readonly Subscription[] | null;
}

interface Subscriber {
  readonly pid: Pid;
  readonly mref: Ref;
  readonly topics: Set<string>;
}

const DOWN = atom('DOWN');
const NONE: readonly Subscription[] = Object.freeze([]);

/**
 * Topic → subscriptions, for local processes.
 *
 * @example
 * ```ts
 * const reg = await SubscriberRegistry.start(runtime, atom('Elixir.MyApp.PubSub'));
 * reg.register(pid, 'room:1', null);
 * reg.lookup('room:1'); // [{ pid, metadata: null }]
 * ```
 */
export class SubscriberRegistry {
  readonly name: Atom;
  private readonly self: Process;
  private readonly topics = new Map<string, TopicRow>();
  private readonly subscribers = new Map<string, Subscriber>();

  private constructor(name: Atom, self: Process) {
    this.name = name;
    this.self = self;
  }

  /** Starts the registry process under `name`. Throws `NameError` when the name is taken. */
  static start(runtime: Runtime, name: Atom): Promise<SubscriberRegistry> {
    return new Promise((resolve) => {
      runtime.spawn(
        (self: Process) => {
          const reg = new SubscriberRegistry(name, self);
          self.handle((m) => reg.handle(m));
          resolve(reg);
        },
        { name, label: `Registry ${name.name}` },
      );
    });
  }

  /** The registry process. */
  get pid(): Pid {
    return this.self.pid;
  }

  /** Whether the registry process still runs. */
  get alive(): boolean {
    return this.self.alive;
  }

  /** Adds one subscription of `pid` (a live local process) to `topic`. */
  register(pid: Pid, topic: string, metadata: Term): void {
    let sub = this.subscribers.get(pid.key);
    if (sub === undefined) {
      sub = { pid, mref: this.self.monitor(pid), topics: new Set() };
      this.subscribers.set(pid.key, sub);
    }
    sub.topics.add(topic);
    let row = this.topics.get(topic);
    if (row === undefined) this.topics.set(topic, (row = { byPid: new Map(), view: null }));
    const list = row.byPid.get(pid.key);
    if (list === undefined) row.byPid.set(pid.key, [{ pid, metadata }]);
    else list.push({ pid, metadata });
    row.view = null;
  }

  /** Drops every subscription of `pid` to `topic`. */
  unregister(pid: Pid, topic: string): void {
    const sub = this.subscribers.get(pid.key);
    if (sub === undefined || !sub.topics.delete(topic)) return;
    this.dropRow(pid, topic);
    if (sub.topics.size === 0) {
      this.subscribers.delete(pid.key);
      this.self.demonitor(sub.mref, { flush: true });
    }
  }

  /** The subscriptions to `topic` (a cached, frozen array: do not mutate it). */
  lookup(topic: string): readonly Subscription[] {
    const row = this.topics.get(topic);
    if (row === undefined) return NONE;
    if (row.view === null) {
      const all: Subscription[] = [];
      for (const list of row.byPid.values()) for (const s of list) all.push(s);
      row.view = Object.freeze(all);
    }
    return row.view;
  }

  /** The topics `pid` is subscribed to (`Registry.keys/2`). */
  keys(pid: Pid): string[] {
    return [...(this.subscribers.get(pid.key)?.topics ?? [])];
  }

  /** Plain JSON for the dashboard. */
  inspect(): { topics: number; subscribers: number } {
    return { topics: this.topics.size, subscribers: this.subscribers.size };
  }

  private dropRow(pid: Pid, topic: string): void {
    const row = this.topics.get(topic);
    if (row === undefined) return;
    row.byPid.delete(pid.key);
    row.view = null;
    if (row.byPid.size === 0) this.topics.delete(topic);
  }

  private handle(m: Term): void {
    if (!(m instanceof Tuple) || m.elements[0] !== DOWN || m.elements.length !== 5) return;
    const pid = m.elements[3];
    const ref = m.elements[1];
    if (!(pid instanceof Pid) || !(ref instanceof Ref)) return;
    const sub = this.subscribers.get(pid.key);
    if (sub === undefined || sub.mref.key !== ref.key) return;
    this.subscribers.delete(pid.key);
    for (const topic of sub.topics) this.dropRow(pid, topic);
  }
}

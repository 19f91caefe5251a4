/**
 * PubSub: Phoenix.PubSub's API and wire behaviour on a beamlink node. A `PubSub` named
 * `MyApp.PubSub` here and an Elixir `{Phoenix.PubSub, name: MyApp.PubSub}` on a BEAM node
 * of the same cluster exchange broadcasts both ways (see pg-adapter.ts for the wire).
 *
 * ## Example
 *
 * ```ts
 * type Events = { [room: `room:${string}`]: Tuple; lobby: string };
 * const ps = await PubSub.start<Events>(node, { name: 'MyApp.PubSub' });
 * node.spawn(async (self) => {
 *   ps.subscribe(self, 'room:1');
 *   console.log(await self.receive()); //=> {:new_msg, "hi"}
 * });
 * ps.broadcast('room:1', tuple(atom('new_msg'), 'hi'));
 * // iex> Phoenix.PubSub.broadcast(MyApp.PubSub, "room:1", {:new_msg, "hi"}) reaches it too
 * ```
 *
 * ## Semantics (as Phoenix.PubSub 2.x)
 *
 * - `subscribe` registers a local process under a topic (duplicates allowed, each delivers
 *   once); `unsubscribe` drops all of that process's subscriptions to the topic; a dead
 *   process's subscriptions go by themselves.
 * - `broadcast` forwards through the adapter to the other nodes, then dispatches locally;
 *   `broadcastFrom` skips `from` locally; `localBroadcast(From)` stays on this node;
 *   `directBroadcast` reaches one node's subscribers.
 * - A dispatcher decides who gets what. On the wire it is a module name (an atom); the
 *   default is `Elixir.Phoenix.PubSub`, which sends the message to every subscriber but
 *   `from`. Custom dispatchers must be registered, under the same name, on every beamlink
 *   node that receives them; a message naming an unknown dispatcher is logged and dropped.
 *
 * @module
 */
import type { BeamNode, NodeService } from '../kernel/start-node.ts';
import type { PgHost } from '../pg/scope.ts';
import type { Process } from '../process/process.ts';
import type { Runtime } from '../process/runtime.ts';
import { Atom, Pid, atom, type Term } from '../term/types.ts';
import type { AdapterFactory, PubSubAdapter } from './adapter.ts';
import { PubSubError } from './errors.ts';
import { pgAdapter } from './pg-adapter.ts';
import { SubscriberRegistry, type Subscription } from './registry.ts';

/**
 * Topics to message types. Use a `type` alias (interfaces lack an index signature).
 *
 * @example
 * ```ts
 * type Rooms = { 'room:1': string; 'room:2': Tuple };
 * const ps = await PubSub.start<Rooms>(node, { name: 'MyApp.PubSub' });
 * ```
 */
export type TopicMap = Record<string, Term>;

/**
 * A topic of `E`.
 *
 * @example
 * ```ts
 * function join<E extends TopicMap>(ps: PubSub<E>, self: Process, topic: TopicOf<E>): void {
 *   ps.subscribe(self, topic);
 * }
 * ```
 */
export type TopicOf<E extends TopicMap> = keyof E & string;

/**
 * A dispatcher (`{Module, :dispatch, [from, message]}` in Phoenix): given a topic's
 * subscriptions, delivers the message.
 *
 * @example
 * ```ts
 * // Only subscribers whose metadata is `'admin'` get the message.
 * const admins: Dispatcher = {
 *   name: 'Elixir.MyApp.AdminDispatcher',
 *   dispatch(entries, from, message, runtime) {
 *     for (const s of entries) if (s.metadata === 'admin' && s.pid !== from) runtime.send(s.pid, message);
 *   },
 * };
 * ```
 */
export interface Dispatcher {
  /** The module name that travels on the wire (`Elixir.Phoenix.PubSub` for the default). */
  readonly name: Atom | string;
  /** Delivers `message` to `entries`; `from` is the broadcasting pid to skip, or null. */
  dispatch(
    entries: readonly Subscription[],
    from: Pid | null,
    message: Term,
    runtime: Runtime,
  ): void;
}

/**
 * Phoenix.PubSub's own dispatcher: every subscriber but `from`.
 *
 * @example
 * ```ts
 * ps.broadcast('room:1', 'hi', phoenixDispatcher); // the same as leaving it out
 * ```
 */
export const phoenixDispatcher: Dispatcher = {
  name: atom('Elixir.Phoenix.PubSub'),
  dispatch(entries, from, message, runtime) {
    if (from === null) {
      for (const s of entries) runtime.send(s.pid, message);
    } else {
      const skip = from.key;
      for (const s of entries) if (s.pid.key !== skip) runtime.send(s.pid, message);
    }
  },
};

/**
 * Options of {@link PubSub.start}.
 *
 * @example
 * ```ts
 * const ps = await PubSub.start(node, { name: 'MyApp.PubSub', poolSize: 2 });
 * ```
 */
export interface PubSubOptions {
  /**
   * The PubSub's name as Elixir writes it (`MyApp.PubSub`, which becomes the atom
   * `Elixir.MyApp.PubSub`), or an `Atom` used as is.
   */
  readonly name: Atom | string;
  /** Listener shards per node (Phoenix's `:pool_size`; default 1, as the PG2 adapter's). */
  readonly poolSize?: number;
  /** Shards a broadcast picks from (`:broadcast_pool_size`; default `poolSize`). */
  readonly broadcastPoolSize?: number;
  /** The adapter (default {@link pgAdapter}, Phoenix's PG2). */
  readonly adapter?: AdapterFactory;
  /** Custom dispatchers that remote broadcasts may name. */
  readonly dispatchers?: readonly Dispatcher[];
}

/**
 * Options of `subscribe`.
 *
 * @example
 * ```ts
 * ps.subscribe(self, 'room:1', { metadata: atom('admin') });
 * ```
 */
export interface SubscribeOptions {
  /** Attached to the subscription, for custom dispatchers (`:metadata`). */
  readonly metadata?: Term;
}

const ELIXIR = 'Elixir.';

/**
 * The atom Elixir uses for a module name: `MyApp.PubSub` → `Elixir.MyApp.PubSub`.
 *
 * @example
 * ```ts
 * elixirModule('MyApp.PubSub').name; // 'Elixir.MyApp.PubSub'
 * ```
 */
export function elixirModule(name: Atom | string): Atom {
  if (name instanceof Atom) return name;
  return atom(/^[A-Z]/.test(name) ? `${ELIXIR}${name}` : name);
}

function pidOf(p: Pid | Process): Pid {
  return p instanceof Pid ? p : p.pid;
}

/**
 * One PubSub on one node.
 *
 * @example
 * ```ts
 * const ps = await PubSub.start(node, { name: 'MyApp.PubSub' });
 * ps.subscribe(pid, 'user:123');
 * ps.broadcast('user:123', tuple(atom('user_update'), { id: 123 }));
 * ```
 */
export class PubSub<E extends TopicMap = TopicMap> {
  /** `Elixir.MyApp.PubSub`. */
  readonly name: Atom;
  /** `Elixir.MyApp.PubSub.Adapter`. */
  readonly adapterName: Atom;
  readonly runtime: Runtime;

  private readonly registry: SubscriberRegistry;
  private readonly dispatchers = new Map<Atom, Dispatcher>();
  private adapter: PubSubAdapter | null = null;

  private constructor(runtime: Runtime, name: Atom, registry: SubscriberRegistry) {
    this.runtime = runtime;
    this.name = name;
    this.adapterName = atom(`${name.name.startsWith(ELIXIR) ? '' : ELIXIR}${name.name}.Adapter`);
    this.registry = registry;
    this.registerDispatcher(phoenixDispatcher);
  }

  /**
   * Starts a PubSub on `host` (`{Phoenix.PubSub, name: ...}` in a supervision tree):
   * the local registry under `name` and the adapter's processes.
   *
   * @example
   * ```ts
   * const ps = await PubSub.start(node, { name: 'MyApp.PubSub', poolSize: 2 });
   * ```
   */
  static async start<E extends TopicMap = TopicMap>(
    host: PgHost,
    options: PubSubOptions,
  ): Promise<PubSub<E>> {
    const name = elixirModule(options.name);
    const poolSize = options.poolSize ?? 1;
    const broadcastPoolSize = options.broadcastPoolSize ?? poolSize;
    if (!Number.isInteger(poolSize) || poolSize < 1 || !Number.isInteger(broadcastPoolSize)) {
      throw new PubSubError(name, 'poolSize and broadcastPoolSize must be positive integers');
    }
    if (broadcastPoolSize < 1 || broadcastPoolSize > poolSize) {
      throw new PubSubError(
        name,
        'the poolSize must be greater than or equal to the broadcastPoolSize',
      );
    }
    let registry: SubscriberRegistry;
    try {
      registry = await SubscriberRegistry.start(host.runtime, name);
    } catch (e) {
      throw new PubSubError(name, 'already started (the name is taken)', { cause: e });
    }
    const ps = new PubSub<E>(host.runtime, name, registry);
    for (const d of options.dispatchers ?? []) ps.registerDispatcher(d);
    try {
      ps.adapter = await (options.adapter ?? pgAdapter)({
        host,
        name,
        adapterName: ps.adapterName,
        poolSize,
        broadcastPoolSize,
        localDispatch: (topic, message, dispatcher) =>
          ps.remoteDispatch(topic, message, dispatcher),
      });
    } catch (e) {
      host.runtime.exit(registry.pid, atom('shutdown'));
      throw e;
    }
    return ps;
  }

  /**
   * Subscribes a local process to `topic` (`Phoenix.PubSub.subscribe/3`).
   *
   * @example
   * ```ts
   * ps.subscribe(self, 'room:1', { metadata: 'admin' });
   * ```
   */
  subscribe<T extends TopicOf<E>>(
    subscriber: Pid | Process,
    topic: T,
    options?: SubscribeOptions,
  ): void {
    const pid = pidOf(subscriber);
    this.check(topic);
    this.running();
    if (pid.node !== this.runtime.node) {
      throw new PubSubError(
        this.name,
        `only local processes may subscribe (got a pid of ${pid.node.name})`,
      );
    }
    this.registry.register(pid, topic, options?.metadata ?? null);
  }

  /**
   * Drops every subscription of the process to `topic` (`Phoenix.PubSub.unsubscribe/2`).
   *
   * @example
   * ```ts
   * ps.unsubscribe(self, 'room:1');
   * ```
   */
  unsubscribe<T extends TopicOf<E>>(subscriber: Pid | Process, topic: T): void {
    this.check(topic);
    this.registry.unregister(pidOf(subscriber), topic);
  }

  /**
   * To every subscriber of `topic` on every node (`Phoenix.PubSub.broadcast/4`).
   *
   * @example
   * ```ts
   * ps.broadcast('room:1', tuple(atom('new_msg'), 'hi'));
   * ```
   */
  broadcast<T extends TopicOf<E>>(topic: T, message: E[T], dispatcher?: Dispatcher): void {
    this.broadcastFrom(null, topic, message, dispatcher);
  }

  /**
   * As `broadcast`, skipping `from` (`Phoenix.PubSub.broadcast_from/5`); null skips nobody.
   *
   * @example
   * ```ts
   * ps.broadcastFrom(self, 'room:1', 'left');
   * ```
   */
  broadcastFrom<T extends TopicOf<E>>(
    from: Pid | Process | null,
    topic: T,
    message: E[T],
    dispatcher: Dispatcher = phoenixDispatcher,
  ): void {
    const d = this.use(dispatcher);
    const fromPid = from === null ? null : pidOf(from);
    this.running().broadcast(this.check(topic), message, d, fromPid);
    dispatcher.dispatch(this.registry.lookup(topic), fromPid, message, this.runtime);
  }

  /**
   * To the subscribers on this node only (`Phoenix.PubSub.local_broadcast/4`).
   *
   * @example
   * ```ts
   * ps.localBroadcast('room:1', 'local news');
   * ```
   */
  localBroadcast<T extends TopicOf<E>>(topic: T, message: E[T], dispatcher?: Dispatcher): void {
    this.localBroadcastFrom(null, topic, message, dispatcher);
  }

  /**
   * As `localBroadcast`, skipping `from` (`Phoenix.PubSub.local_broadcast_from/5`).
   *
   * @example
   * ```ts
   * ps.localBroadcastFrom(self, 'room:1', 'local news');
   * ```
   */
  localBroadcastFrom<T extends TopicOf<E>>(
    from: Pid | Process | null,
    topic: T,
    message: E[T],
    dispatcher: Dispatcher = phoenixDispatcher,
  ): void {
    this.check(topic);
    this.use(dispatcher);
    dispatcher.dispatch(
      this.registry.lookup(topic),
      from === null ? null : pidOf(from),
      message,
      this.runtime,
    );
  }

  /**
   * To the subscribers on `node` only (`Phoenix.PubSub.direct_broadcast/5`); always through
   * the adapter, even for this node.
   *
   * @example
   * ```ts
   * ps.directBroadcast('app@host', 'room:1', 'just you');
   * ```
   */
  directBroadcast<T extends TopicOf<E>>(
    node: Atom | string,
    topic: T,
    message: E[T],
    dispatcher: Dispatcher = phoenixDispatcher,
  ): void {
    const d = this.use(dispatcher);
    this.running().directBroadcast(
      typeof node === 'string' ? atom(node) : node,
      this.check(topic),
      message,
      d,
    );
  }

  /**
   * The local subscriptions to `topic` (`Registry.lookup/2`).
   *
   * @example
   * ```ts
   * ps.subscribers('room:1').map((s) => s.pid);
   * ```
   */
  subscribers<T extends TopicOf<E>>(topic: T): readonly Subscription[] {
    return this.registry.lookup(topic);
  }

  /**
   * The topics a local process is subscribed to.
   *
   * @example
   * ```ts
   * ps.topicsOf(self.pid); // ['room:1']
   * ```
   */
  topicsOf(subscriber: Pid | Process): string[] {
    return this.registry.keys(pidOf(subscriber));
  }

  /**
   * The node name the adapter knows this node by (`Phoenix.PubSub.node_name/1`).
   *
   * @example
   * ```ts
   * ps.nodeName().name; // 'ts1@host'
   * ```
   */
  nodeName(): Atom {
    return this.running().nodeName();
  }

  /**
   * Makes a custom dispatcher known, so broadcasts from other nodes that name it are
   * delivered. Broadcasting with a dispatcher registers it too.
   *
   * @example
   * ```ts
   * ps.registerDispatcher(admins);
   * ```
   */
  registerDispatcher(d: Dispatcher): Atom {
    const name = elixirModule(d.name);
    const known = this.dispatchers.get(name);
    if (known !== undefined && known !== d) {
      throw new PubSubError(this.name, `another dispatcher is registered as ${name.name}`);
    }
    this.dispatchers.set(name, d);
    return name;
  }

  /**
   * Stops the adapter and the registry.
   *
   * @example
   * ```ts
   * ps.stop();
   * ```
   */
  stop(): void {
    this.adapter?.stop();
    this.adapter = null;
    this.runtime.exit(this.registry.pid, atom('shutdown'));
  }

  /**
   * Plain JSON for the REPL and the dashboard.
   *
   * @example
   * ```ts
   * console.log(ps.inspect());
   * ```
   */
  inspect(): Record<string, unknown> {
    return {
      name: this.name.name,
      adapterName: this.adapterName.name,
      registry: this.registry.inspect(),
      dispatchers: [...this.dispatchers.keys()].map((a) => a.name),
      adapter: this.adapter?.inspect?.() ?? null,
    };
  }

  /** A `{forward_to_local, Topic, Message, Dispatcher}` that arrived from another node. */
  private remoteDispatch(topic: Term, message: Term, dispatcher: Term): void {
    const d = dispatcher instanceof Atom ? this.dispatchers.get(dispatcher) : undefined;
    if (typeof topic !== 'string' || d === undefined) {
      this.runtime.logger.log(
        'warn',
        `pubsub ${this.name.name}: dropped a broadcast (${typeof topic !== 'string' ? 'topic is not a UTF-8 binary' : `unknown dispatcher ${String(dispatcher)}`})`,
        { topic, dispatcher },
      );
      return;
    }
    d.dispatch(this.registry.lookup(topic), null, message, this.runtime);
  }

  private use(d: Dispatcher): Atom {
    const name = elixirModule(d.name);
    return this.dispatchers.get(name) === d ? name : this.registerDispatcher(d);
  }

  private check(topic: unknown): string {
    if (typeof topic !== 'string') throw new PubSubError(this.name, 'a topic must be a string');
    return topic;
  }

  private running(): PubSubAdapter {
    if (this.adapter === null || !this.registry.alive) {
      throw new PubSubError(this.name, 'the PubSub is not running');
    }
    return this.adapter;
  }
}

/**
 * A node service that starts a PubSub with the node and stops it before the node stops.
 * The PubSub is handed to `ready` (keep it; there is no global lookup).
 *
 * @example
 * ```ts
 * let ps!: PubSub;
 * const node = await startNode({ sname: 'ts1', services: [pubsubService({ name: 'MyApp.PubSub' }, (p) => (ps = p))] });
 * ```
 */
export function pubsubService(
  options: PubSubOptions,
  ready?: (pubsub: PubSub) => void,
): NodeService {
  return async (node: BeamNode) => {
    const ps = await PubSub.start(node, options);
    node.onStop(() => ps.stop());
    ready?.(ps);
  };
}

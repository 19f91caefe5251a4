/**
 * Node life-cycle events (`net_kernel:monitor_nodes/2`) as a discriminated union, and
 * the listener set that delivers them.
 *
 * As in erl, `nodeup` is emitted once a connection is fully set up and `nodedown` only
 * for a node that was up: a connection attempt that fails emits nothing here (its
 * queued signals become `noconnection` through the local handler instead).
 *
 * @module
 */
import type { Atom } from '../term/types.ts';

/**
 * `visible` (published) or `hidden` (`-hidden`, or a handshake without PUBLISHED).
 *
 * @example
 * ```ts
 * node.monitorNodes((e) => e.nodeType === 'hidden' && console.log('hidden peer', e.node.name));
 * ```
 */
export type NodeType = 'visible' | 'hidden';

/**
 * Why a connection went down. The first three are net_kernel's; `connection_setup_failed`
 * never reaches a `nodedown` event (only the local handler), and others come through as
 * the connection reported them.
 *
 * @example
 * ```ts
 * node.monitorNodes((e) => e.type === 'nodedown' && e.reason === 'net_tick_timeout' && alarm());
 * ```
 */
export type NodeDownReason =
  | 'connection_closed'
  | 'net_tick_timeout'
  | 'disconnect'
  | 'node_stopped'
  | 'connection_replaced'
  | (string & {});

/**
 * A node came up or went down.
 *
 * @example
 * ```ts
 * const e: NodeEvent = { type: 'nodeup', node: atom('erl@vm'), nodeType: 'visible' };
 * ```
 */
export type NodeEvent =
  | {
      readonly type: 'nodeup';
      readonly node: Atom;
      readonly nodeType: NodeType;
      /**
       * Which side set the connection up: `'outgoing'` when this node connected,
       * `'incoming'` when the peer did (absent on events not made by a node's connections).
       */
      readonly direction?: 'outgoing' | 'incoming';
    }
  | {
      readonly type: 'nodedown';
      readonly node: Atom;
      readonly nodeType: NodeType;
      readonly reason: NodeDownReason;
    };

/**
 * Options of `monitorNodes` (net_kernel's `node_type` and `nodedown_reason`).
 *
 * @example
 * ```ts
 * node.monitorNodes(listener, { nodeType: 'all', nodedownReason: true });
 * ```
 */
export interface MonitorNodesOptions {
  /** Which nodes to report; default `visible`, as `net_kernel:monitor_nodes(true)`. */
  readonly nodeType?: NodeType | 'all';
  /** Keep `reason` on `nodedown` events (default true; false drops it, as erl's default). */
  readonly nodedownReason?: boolean;
}

/**
 * A subscriber to node events.
 *
 * @example
 * ```ts
 * const listener: NodeEventListener = (e) => console.log(e.type, e.node.name);
 * ```
 */
export type NodeEventListener = (event: NodeEvent) => void;

interface Subscription {
  readonly listener: NodeEventListener;
  readonly nodeType: NodeType | 'all';
  readonly nodedownReason: boolean;
}

/**
 * The set of node-event listeners of one node.
 *
 * @example
 * ```ts
 * const events = new NodeEvents();
 * const off = events.subscribe((e) => console.log(e.type, e.node.name), { nodeType: 'all' });
 * events.emit({ type: 'nodeup', node: atom('b@vm'), nodeType: 'hidden' });
 * off();
 * ```
 */
export class NodeEvents {
  private readonly subs = new Set<Subscription>();
  private readonly onListenerError: (error: unknown) => void;

  /** `onListenerError` hears about listeners that throw (they never stop the others). */
  constructor(onListenerError: (error: unknown) => void = () => {}) {
    this.onListenerError = onListenerError;
  }

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: NodeEventListener, options: MonitorNodesOptions = {}): () => void {
    const sub: Subscription = {
      listener,
      nodeType: options.nodeType ?? 'visible',
      nodedownReason: options.nodedownReason ?? true,
    };
    this.subs.add(sub);
    return () => {
      this.subs.delete(sub);
    };
  }

  /** Delivers an event to every listener that asked for its node type. */
  emit(event: NodeEvent): void {
    for (const sub of [...this.subs]) {
      if (sub.nodeType !== 'all' && sub.nodeType !== event.nodeType) continue;
      const delivered: NodeEvent =
        event.type === 'nodedown' && !sub.nodedownReason ? { ...event, reason: '' } : event;
      try {
        sub.listener(delivered);
      } catch (e) {
        // A listener's bug must not stop the others or the node.
        this.onListenerError(e);
      }
    }
  }

  /** How many listeners there are. */
  get size(): number {
    return this.subs.size;
  }
}

/**
 * Several runtimes wired together in memory, standing in for the distribution layer.
 *
 * `MemoryNetwork.connect(rtA, rtB, ...)` attaches a distribution to each runtime whose
 * `sendControl` delivers the control message to the destination runtime's
 * `handleControl` in a later microtask, in order, after copying every pid, ref and
 * container (as a real wire would: the receiver never shares objects with the sender).
 * Sending to a node that is not in the network, or that was `disconnect`ed, drops the
 * message and reports `nodeDown` to the sender (a failed connection attempt).
 *
 * ```ts
 * const net = new MemoryNetwork();
 * const a = net.add(new Runtime({ node: 'a@mem' }));
 * const b = net.add(new Runtime({ node: 'b@mem' }));
 * net.disconnect('a@mem', 'b@mem'); // both sides see nodeDown
 * ```
 */
import type { ControlMessage } from '../../src/dist/control-message.ts';
import type { Runtime } from '../../src/process/index.ts';
import { Atom, Float, ImproperList, Pid, Ref, Tuple, type Term } from '../../src/term/types.ts';

/** A deep copy with fresh Pid/Ref/Tuple objects, as decoding a wire message gives. */
export function copyTerm(t: Term): Term {
  if (t === null || typeof t !== 'object') return t;
  if (t instanceof Atom) return t;
  if (t instanceof Pid) return new Pid(t.node, t.id, t.serial, t.creation);
  if (t instanceof Ref) return new Ref(t.node, t.creation, [...t.ids]);
  if (t instanceof Tuple) return new Tuple(t.elements.map(copyTerm));
  if (Array.isArray(t)) return t.map(copyTerm);
  if (t instanceof ImproperList)
    return new ImproperList(t.elements.map(copyTerm), copyTerm(t.tail));
  if (t instanceof Float) return new Float(t.value);
  if (t instanceof Uint8Array) return Uint8Array.from(t);
  if (t instanceof Map) {
    const m = new Map<Term, Term>();
    for (const [k, v] of t) m.set(copyTerm(k), copyTerm(v));
    return m;
  }
  if (Object.getPrototypeOf(t) === Object.prototype) {
    const o: Record<string, Term> = {};
    for (const [k, v] of Object.entries(t as Record<string, Term>)) o[k] = copyTerm(v);
    return o;
  }
  return t;
}

function copyControl(m: ControlMessage): ControlMessage {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m)) {
    if (k === 'op' || typeof v === 'bigint' || typeof v === 'number' || typeof v === 'string')
      out[k] = v;
    else if (k === 'options' || k === 'args') out[k] = (v as Term[]).map(copyTerm);
    else out[k] = copyTerm(v as Term);
  }
  return out as unknown as ControlMessage;
}

/** Memory-wired runtimes. */
export class MemoryNetwork {
  private readonly nodes = new Map<Atom, Runtime>();
  private readonly cut = new Set<string>();
  /** Every control message sent, in order (for protocol assertions). */
  readonly trace: { from: string; to: string; message: ControlMessage }[] = [];
  /** When set, messages are held here instead of delivered (see `release`). */
  hold: ((from: Atom, to: Atom, m: ControlMessage) => boolean) | null = null;
  private readonly held: [Atom, Atom, ControlMessage][] = [];

  /** Adds a runtime to the network and attaches its distribution. */
  add(rt: Runtime): Runtime {
    this.nodes.set(rt.node, rt);
    rt.attachDistribution({ sendControl: (node, message) => this.send(rt.node, node, message) });
    return rt;
  }

  private pair(a: Atom, b: Atom): string {
    return a.name < b.name ? `${a.name}|${b.name}` : `${b.name}|${a.name}`;
  }

  private send(from: Atom, to: Atom, message: ControlMessage): void {
    this.trace.push({ from: from.name, to: to.name, message });
    const target = this.nodes.get(to);
    const sender = this.nodes.get(from)!;
    if (target === undefined || this.cut.has(this.pair(from, to))) {
      queueMicrotask(() => sender.nodeDown(to));
      return;
    }
    if (this.hold?.(from, to, message)) {
      this.held.push([from, to, message]);
      return;
    }
    const copy = copyControl(message);
    queueMicrotask(() => {
      if (!this.cut.has(this.pair(from, to))) target.handleControl(from, copy);
    });
  }

  /** Delivers the held messages (in order) and stops holding. */
  release(): void {
    this.hold = null;
    for (const [from, to, m] of this.held.splice(0)) {
      const copy = copyControl(m);
      queueMicrotask(() => this.nodes.get(to)!.handleControl(from, copy));
    }
  }

  /** Cuts the connection between two nodes: both see `nodeDown`. */
  disconnect(a: Atom | string, b: Atom | string): void {
    const an = typeof a === 'string' ? Atom.of(a) : a;
    const bn = typeof b === 'string' ? Atom.of(b) : b;
    this.cut.add(this.pair(an, bn));
    this.nodes.get(an)?.nodeDown(bn);
    this.nodes.get(bn)?.nodeDown(an);
  }

  /** Lets two disconnected nodes talk again. */
  reconnect(a: Atom | string, b: Atom | string): void {
    const an = typeof a === 'string' ? Atom.of(a) : a;
    const bn = typeof b === 'string' ? Atom.of(b) : b;
    this.cut.delete(this.pair(an, bn));
  }
}

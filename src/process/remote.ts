/**
 * Control messages in from other nodes, and node-down handling.
 *
 * One handler per op (postgres.js `handle()` style). Pids, refs and aliases of this node
 * with another creation (an old incarnation) are dropped, as BEAM drops them.
 *
 * @module
 */
import type { ControlMessage, SpawnRequestMessage } from '../dist/control-message.ts';
import { Atom, Pid, Tuple, type Term } from '../term/types.ts';
import { LINK, MONITOR, NOCONNECTION, NOPROC, UNDEF } from './atoms.ts';
import { fireMonitor, receiveExitSignal } from './signals.ts';
import type { Process, ProcessBody } from './process.ts';
import type { Runtime } from './runtime.ts';
import { SmallMap } from './small-map.ts';
import { Watchers } from './watchers.ts';

/**
 * A spawned function that may finish before it needs a process (erpc's `execute_call`
 * of a function that answers at once). `run` gets `self`, which makes the process on
 * first use, and returns either the exit reason (the process ended there) or a body the
 * process continues with (it is made then if it was not yet).
 *
 * For a request with options `[monitor]` the runtime calls `run` at once, inside the
 * request's handling, and makes no process unless `self` is called or a body comes back;
 * the wire is the same as for a process (SPAWN_REPLY with a fresh pid, then
 * MONITOR_P_EXIT from that pid with the reason). Otherwise it runs as an ordinary body.
 *
 * @example
 * ```ts
 * const instant: InstantSpawn = { run: () => tuple(res, atom('return'), 42) };
 * ```
 */
export interface InstantSpawn {
  /** The process's label, set when it is made. */
  readonly label?: string;
  readonly run: (self: () => Process) => Term | ProcessBody;
}

/**
 * Chooses the body for an incoming SPAWN_REQUEST; `undefined` = unknown function (undef).
 *
 * @example
 * ```ts
 * const handler: SpawnHandler = (req) => (req.module.name === 'm' ? async () => {} : undefined);
 * ```
 */
export type SpawnHandler = (
  request: SpawnRequestMessage,
  fromNode: Atom,
) => ProcessBody | InstantSpawn | undefined;

function target(rt: Runtime, to: Pid | Atom): Process | undefined {
  return to instanceof Pid ? rt.local(to) : rt.registry.whereis(to);
}

/** Handles one control message from `fromNode`. */
export function handleControl(rt: Runtime, fromNode: Atom, m: ControlMessage): void {
  switch (m.op) {
    case 'SEND': {
      // SEND 2 / SEND_SENDER 22
      const p = rt.local(m.to);
      if (p !== undefined) rt.deliver(p, m.message);
      return;
    }
    case 'REG_SEND': {
      // REG_SEND 6: unknown names drop silently
      const p = rt.registry.whereis(m.to);
      if (p !== undefined) rt.deliver(p, m.message);
      return;
    }
    case 'ALIAS_SEND': {
      // ALIAS_SEND 33
      const key = rt.ids.refNumber(m.alias);
      if (key !== -1) rt.deliverAlias(key, m.message);
      return;
    }
    case 'LINK': {
      // LINK 1: a dead target answers EXIT noproc; a LINK meeting our unlink is ignored
      const p = rt.local(m.to);
      if (p === undefined) {
        void rt.dist?.sendControl(fromNode, { op: 'EXIT', from: m.to, to: m.from, reason: NOPROC });
        return;
      }
      const links = (p.links ??= new Map());
      const key = m.from.key;
      if (!links.has(key)) {
        links.set(key, { pid: m.from, unlinkId: 0n });
        rt.trackRemote(p, m.from.node);
      }
      return;
    }
    case 'UNLINK': {
      // UNLINK 4 (pre-OTP 26 peers)
      rt.local(m.to)?.links?.delete(m.from.key);
      return;
    }
    case 'UNLINK_ID': {
      // UNLINK_ID 35: acknowledge first, before any other signal to the unlinker
      void rt.dist?.sendControl(fromNode, {
        op: 'UNLINK_ID_ACK',
        id: m.id,
        from: m.to,
        to: m.from,
      });
      const links = rt.local(m.to)?.links;
      const st = links?.get(m.from.key);
      if (st !== undefined && st.unlinkId === 0n) links!.delete(m.from.key);
      return;
    }
    case 'UNLINK_ID_ACK': {
      // UNLINK_ID_ACK 36: only the ack of our latest unlink removes the state
      const links = rt.local(m.to)?.links;
      const st = links?.get(m.from.key);
      if (st !== undefined && st.unlinkId === m.id) links!.delete(m.from.key);
      return;
    }
    case 'EXIT': {
      // EXIT 3 / PAYLOAD_EXIT 24: a link broke; ignored without an active link
      const p = rt.local(m.to);
      const st = p?.links?.get(m.from.key);
      if (p === undefined || st === undefined) return;
      p.links!.delete(m.from.key);
      if (st.unlinkId !== 0n) return;
      rt.signalQueue.push([p, m.from, m.reason, true]);
      return;
    }
    case 'EXIT2': {
      // EXIT2 8 / PAYLOAD_EXIT2 26: exit/2
      const p = rt.local(m.to);
      if (p !== undefined) receiveExitSignal(rt, p, m.from, m.reason, false);
      return;
    }
    case 'MONITOR_P': {
      // MONITOR_P 19: by pid or by name; a missing target answers MONITOR_P_EXIT noproc
      const p = target(rt, m.to);
      if (p === undefined) {
        void rt.dist?.sendControl(fromNode, {
          op: 'MONITOR_P_EXIT',
          from: m.to,
          to: m.from,
          ref: m.ref,
          reason: NOPROC,
        });
        return;
      }
      (p.watchers ??= new Watchers()).setRemote({
        ref: m.ref,
        watcher: m.from,
        name: m.to instanceof Atom ? m.to : null,
      });
      rt.trackRemote(p, m.from.node);
      return;
    }
    case 'DEMONITOR_P': {
      // DEMONITOR_P 20
      target(rt, m.to)?.watchers?.deleteRemote(m.ref);
      return;
    }
    case 'MONITOR_P_EXIT': {
      // MONITOR_P_EXIT 21 / PAYLOAD_MONITOR_P_EXIT 28
      const p = rt.local(m.to);
      if (p === undefined) return;
      const key = rt.ids.refNumber(m.ref);
      if (key !== -1) fireMonitor(rt, p, key, m.reason);
      return;
    }
    case 'SPAWN_REQUEST':
      spawnRequest(rt, fromNode, m);
      return;
    case 'SPAWN_REPLY': {
      // SPAWN_REPLY 31: delivered as {spawn_reply, ReqId, ok | error, PidOrReason}
      spawnReply(rt, m);
      return;
    }
    case 'GROUP_LEADER': {
      // GROUP_LEADER 7: `from` becomes the group leader of `to`
      const p = rt.local(m.to);
      if (p !== undefined) p.groupLeader = m.from;
      return;
    }
    case 'NODE_LINK':
      return;
  }
}

function undefBody(m: SpawnRequestMessage): ProcessBody {
  const reason = new Tuple([UNDEF, [new Tuple([m.module, m.function, [...m.args], []])]]);
  return (self) => self.exit(reason);
}

/** Ends `self` with `reason`, as an exit signal to itself (no stack trace). */
function exitSelf(self: Process, reason: Term): void {
  self.runtime.exit(self.pid, reason);
  if (self.alive) self.exit(reason);
}

/** An InstantSpawn as a plain body (any request but `[monitor]`). */
function instantBody(instant: InstantSpawn): ProcessBody {
  return (self) => {
    if (instant.label !== undefined) self.setLabel(instant.label);
    const r = instant.run(() => self);
    if (typeof r === 'function') return r(self);
    exitSelf(self, r);
  };
}

/**
 * A `[monitor]` request with an InstantSpawn: SPAWN_REPLY with a fresh pid, then the
 * function runs here; if it ended without needing its process, MONITOR_P_EXIT goes out as
 * the process's exit would send it, and no process was ever made.
 */
function spawnInstant(
  rt: Runtime,
  fromNode: Atom,
  m: SpawnRequestMessage,
  instant: InstantSpawn,
): void {
  const num = rt.ids.nextPidNumber(rt.pidInUse);
  const pid = rt.ids.pidFor(num);
  rt.spawned++;
  void rt.dist?.sendControl(fromNode, {
    op: 'SPAWN_REPLY',
    reqId: m.reqId,
    to: m.from,
    flags: 2,
    result: pid,
  });
  let p: Process | null = null;
  const self = (): Process => {
    if (p === null) {
      p = rt.adopt(num, pid);
      p.groupLeader = m.groupLeader;
      if (instant.label !== undefined) p.label = instant.label;
      (p.watchers = new Watchers()).setRemote({
        ref: m.reqId,
        watcher: m.from,
        name: null,
      });
      rt.trackRemote(p, m.from.node);
    }
    return p;
  };
  let r: Term | ProcessBody;
  try {
    r = instant.run(self);
  } catch (e) {
    // as a body that threw: the process crashes (logged) and the caller gets its DOWN
    r = () => {
      throw e;
    };
  }
  if (p === null && typeof r !== 'function') {
    rt.exited++;
    void rt.dist?.sendControl(fromNode, {
      op: 'MONITOR_P_EXIT',
      from: pid,
      to: m.from,
      ref: m.reqId,
      reason: r,
    });
    return;
  }
  const proc = self();
  if (proc.exitReason !== undefined) return;
  proc.body = typeof r === 'function' ? r : (s) => exitSelf(s, r);
  rt.sched.enqueue(proc);
}

function spawnRequest(rt: Runtime, fromNode: Atom, m: SpawnRequestMessage): void {
  let body: ProcessBody | InstantSpawn | undefined;
  try {
    body = rt.spawnHandler?.(m, fromNode);
  } catch (e) {
    rt.logger.log(
      'error',
      `spawn handler failed for ${m.module.name}:${m.function.name}/${m.arity}`,
      {
        error: e,
      },
    );
  }
  if (body !== undefined && typeof body !== 'function') {
    const opts = m.options;
    if (opts.length === 1 && opts[0] === MONITOR) return spawnInstant(rt, fromNode, m, body);
    body = instantBody(body);
  }
  const [p] = rt.create(null, undefined, null);
  p.groupLeader = m.groupLeader;
  let flags = 0;
  if (m.options.includes(LINK)) {
    (p.links ??= new Map()).set(m.from.key, { pid: m.from, unlinkId: 0n });
    flags |= 1;
  }
  if (m.options.includes(MONITOR)) {
    (p.watchers ??= new Watchers()).setRemote({ ref: m.reqId, watcher: m.from, name: null });
    flags |= 2;
  }
  if (flags !== 0) rt.trackRemote(p, m.from.node);
  void rt.dist?.sendControl(fromNode, {
    op: 'SPAWN_REPLY',
    reqId: m.reqId,
    to: m.from,
    flags,
    result: p.pid,
  });
  p.body = body ?? undefBody(m);
  rt.sched.enqueue(p);
}

const SPAWN_REPLY_ATOM = Atom.of('spawn_reply');
const OK = Atom.of('ok');
const ERROR = Atom.of('error');

function spawnReply(rt: Runtime, m: ControlMessage & { op: 'SPAWN_REPLY' }): void {
  const p = rt.local(m.to);
  if (p === undefined) return;
  const pending = p.spawnRequests?.get(rt.ids.refNumber(m.reqId));
  if (pending === undefined) return;
  const key = rt.ids.refNumber(m.reqId);
  p.spawnRequests!.delete(key);
  const ref = pending.ref;
  if (m.result instanceof Pid) {
    if (m.flags & 1) {
      (p.links ??= new Map()).set(m.result.key, { pid: m.result, unlinkId: 0n });
    }
    if (m.flags & 2) {
      (p.monitors ??= new SmallMap()).set(key, {
        ref,
        target: m.result,
        name: null,
        node: m.result.node,
        aliasMode: null,
      });
    }
    rt.trackRemote(p, m.result.node);
    rt.deliver(p, new Tuple([SPAWN_REPLY_ATOM, ref, OK, m.result]));
  } else {
    rt.deliver(p, new Tuple([SPAWN_REPLY_ATOM, ref, ERROR, m.result as Term]));
  }
}

/** The connection to `node` is gone: noconnection for links and monitors towards it. */
export function nodeDown(rt: Runtime, node: Atom): void {
  const set = rt.remoteRelations.get(node);
  if (set === undefined) return;
  rt.remoteRelations.delete(node);
  for (const p of set) {
    if (p.trackedNode === node) p.trackedNode = null;
    if (p.exitReason !== undefined) continue;
    if (p.links !== null) {
      for (const [key, st] of p.links) {
        if (st.pid.node !== node) continue;
        p.links.delete(key);
        if (st.unlinkId === 0n) rt.signalQueue.push([p, st.pid, NOCONNECTION, true]);
      }
    }
    if (p.watchers !== null) {
      p.watchers.deleteWhere((w) => w.watcher.node === node);
    }
    if (p.monitors !== null) {
      for (const [key, entry] of p.monitors) {
        if (entry.node === node) fireMonitor(rt, p, key, NOCONNECTION);
      }
    }
    if (p.spawnRequests !== null) {
      for (const [key, req] of p.spawnRequests) {
        if (req.node !== node) continue;
        p.spawnRequests.delete(key);
        rt.deliver(p, new Tuple([SPAWN_REPLY_ATOM, req.ref, ERROR, NOCONNECTION]));
      }
    }
  }
}

/**
 * Links, monitors and exit signals, as the Erlang reference manual ("Processes", "Exit
 * signals") and `erlang:exit/2`, `link/1`, `monitor/2` document them — and as a real OTP
 * 25/27 node behaves (test/interop/process/exit-signals.test.ts compares them):
 *
 * | signal                 | receiver not trapping                  | receiver trapping        |
 * | ---------------------- | -------------------------------------- | ------------------------ |
 * | link, `normal`         | ignored                                | `{'EXIT', From, normal}` |
 * | link, `kill`           | dies with `kill` (a link's kill is ordinary) | `{'EXIT', From, kill}` |
 * | link, other R          | dies with R                            | `{'EXIT', From, R}`      |
 * | exit/2, `normal`       | ignored, unless From is the receiver: dies `normal` | `{'EXIT', From, normal}` |
 * | exit/2, `kill`         | dies with `killed` (untrappable)       | dies with `killed`       |
 * | exit/2, other R        | dies with R                            | `{'EXIT', From, R}`      |
 *
 * A process killed by `kill` exits with `killed`, and that is what its links and monitors
 * see. Monitors deliver `{'DOWN', Ref, process, Object, Reason}` once; Object is the pid,
 * or `{Name, Node}` when monitored by name; Reason is `noproc` at once when the target
 * does not exist, `noconnection` when its node goes down.
 *
 * Remote links follow the OTP 26 link protocol (erl_dist_protocol, "Link Protocol"): each
 * side keeps `{pid, unlinkId}`; `unlink` sets an id and sends UNLINK_ID; the peer removes
 * its state and answers UNLINK_ID_ACK; exit signals and LINKs that meet an unlink in
 * flight are ignored.
 *
 * Exit signals are queued on the runtime and run by `Runtime.flushSignals`, so a chain
 * of a million links unwinds without recursion.
 *
 * @module
 */
import { Atom, Pid, Ref, Tuple, type Term } from '../term/types.ts';
import { DOWN, EXIT, KILL, KILLED, NOCONNECTION, NOPROC, NORMAL, PROCESS } from './atoms.ts';
import { NoProcError, ProcessExitedError } from './errors.ts';
import { pidKey, refKey, samePid, sameRef } from './pid.ts';
import type { AliasMode, MonitorEntry, Process } from './process.ts';
import { toAtom } from './registry.ts';
import type { Runtime } from './runtime.ts';
import { SmallMap } from './small-map.ts';
import { Watchers } from './watchers.ts';

/** Links two live local processes. */
export function linkLocal(a: Process, b: Process): void {
  (a.links ??= new Map()).set(b.num, { pid: b.pid, unlinkId: 0n });
  (b.links ??= new Map()).set(a.num, { pid: a.pid, unlinkId: 0n });
}

/** `link/1` from live process `p`. */
export function link(rt: Runtime, p: Process, pid: Pid): void {
  if (samePid(pid, p.pid)) return;
  if (pid.node === rt.node) {
    const target = rt.local(pid);
    if (target !== undefined) {
      linkLocal(p, target);
      return;
    }
    if (!p.trapping) throw new NoProcError(pid, 'link');
    rt.signalQueue.push([p, pid, NOPROC, true]);
    return;
  }
  const key = pid.key;
  const links = (p.links ??= new Map());
  const st = links.get(key);
  if (st !== undefined && st.unlinkId === 0n) return;
  if (st !== undefined) st.unlinkId = 0n;
  else links.set(key, { pid, unlinkId: 0n });
  rt.trackRemote(p, pid.node);
  if (rt.dist === null) {
    links.delete(key);
    rt.signalQueue.push([p, pid, NOCONNECTION, true]);
    return;
  }
  void rt.dist.sendControl(pid.node, { op: 'LINK', from: p.pid, to: pid });
}

/** `unlink/1` from live process `p`. */
export function unlink(rt: Runtime, p: Process, pid: Pid): void {
  const links = p.links;
  if (links === null) return;
  const key = pidKey(rt.ids, pid);
  if (typeof key === 'number') {
    links.delete(key);
    rt.table.get(key)?.links?.delete(p.num);
    return;
  }
  if (pid.node === rt.node) {
    links.delete(key);
    return;
  }
  const st = links.get(key);
  if (st === undefined || st.unlinkId !== 0n) return;
  const id = rt.newUnlinkId();
  st.unlinkId = id;
  void rt.dist?.sendControl(pid.node, { op: 'UNLINK_ID', id, from: p.pid, to: pid });
}

function downMessage(ref: Ref, object: Term, reason: Term): Tuple {
  return new Tuple([DOWN, ref, PROCESS, object, reason]);
}

/** What a monitor's DOWN names: the pid, or `{Name, Node}` for a monitor by name. */
export function monitorObject(entry: MonitorEntry): Term {
  return entry.name !== null ? new Tuple([entry.name, entry.node]) : entry.target!;
}

/** Whether a monitor's alias is deactivated with the monitor (so found through it). */
function diesWithMonitor(mode: AliasMode): boolean {
  return mode === 'demonitor' || mode === 'reply_demonitor';
}

/** A local monitor from `watcher` on `target`; returns its ref. */
export function monitorLocal(
  rt: Runtime,
  watcher: Process,
  target: Process,
  name: Atom | null,
  alias: AliasMode | null,
): Ref {
  const ref = rt.makeRef();
  const key = rt.ids.refNumber(ref);
  (watcher.monitors ??= new SmallMap()).set(key, {
    ref,
    target: target.pid,
    name,
    node: rt.node,
    aliasMode: alias,
  });
  (target.watchers ??= new Watchers()).setLocal(key, { ref, watcher: watcher.pid, name });
  if (alias !== null) rt.registry.addAlias(key, watcher, alias, diesWithMonitor(alias));
  return ref;
}

/** `monitor(process, Target)` from live process `p`. */
export function monitor(
  rt: Runtime,
  p: Process,
  target: Pid | Atom | string | readonly [Atom | string, Atom | string],
  alias: AliasMode | null,
): Ref {
  let pid: Pid | null = null;
  let name: Atom | null = null;
  let node: Atom;
  if (target instanceof Pid) {
    pid = target;
    node = target.node;
  } else if (typeof target === 'string' || target instanceof Atom) {
    name = toAtom(target);
    node = rt.node;
  } else {
    name = toAtom(target[0]);
    node = toAtom(target[1]);
  }
  if (node === rt.node) {
    const proc = pid !== null ? rt.local(pid) : rt.registry.whereis(name!);
    if (proc !== undefined) return monitorLocal(rt, p, proc, name, alias);
    const ref = rt.makeRef();
    const object: Term = pid ?? new Tuple([name!, rt.node]);
    rt.deliver(p, downMessage(ref, object, NOPROC));
    return ref;
  }
  const ref = rt.makeRef();
  const key = rt.ids.refNumber(ref);
  if (rt.dist === null) {
    rt.deliver(p, downMessage(ref, pid ?? new Tuple([name!, node]), NOCONNECTION));
    return ref;
  }
  (p.monitors ??= new SmallMap()).set(key, {
    ref,
    target: pid,
    name,
    node,
    aliasMode: alias,
  });
  if (alias !== null) rt.registry.addAlias(key, p, alias, diesWithMonitor(alias));
  rt.trackRemote(p, node);
  void rt.dist.sendControl(node, { op: 'MONITOR_P', from: p.pid, to: pid ?? name!, ref });
  return ref;
}

function removeMonitor(rt: Runtime, p: Process, key: number | string, entry: MonitorEntry): void {
  p.monitors!.delete(key);
  if (entry.aliasMode === 'demonitor' || entry.aliasMode === 'reply_demonitor') {
    if (typeof key === 'number') rt.registry.removeAlias(key);
  }
}

/** `demonitor/2` from live process `p`. */
export function demonitor(rt: Runtime, p: Process, ref: Ref, flush: boolean): boolean {
  const key = refKey(rt.ids, ref);
  const entry = p.monitors?.get(key);
  if (entry !== undefined) {
    removeMonitor(rt, p, key, entry);
    if (entry.node === rt.node) {
      if (entry.target !== null && typeof key === 'number')
        rt.local(entry.target)?.watchers?.deleteLocal(key);
    } else {
      void rt.dist?.sendControl(entry.node, {
        op: 'DEMONITOR_P',
        from: p.pid,
        to: entry.target ?? entry.name!,
        ref,
      });
    }
  }
  if (flush && p.mailbox !== null && p.mailbox.length > 0) {
    p.mailbox.removeAll(
      (m) =>
        m instanceof Tuple &&
        m.elements.length === 5 &&
        m.elements[0] === DOWN &&
        m.elements[1] instanceof Ref &&
        sameRef(m.elements[1], ref),
    );
  }
  return entry !== undefined;
}

/** Removes the monitor whose ref has local key `key` (an alias with `reply_demonitor`). */
export function dropMonitorByKey(rt: Runtime, p: Process, key: number): void {
  const entry = p.monitors?.get(key);
  if (entry !== undefined) demonitor(rt, p, entry.ref, false);
}

/** A monitor held by `p` fired with `reason` (local death, MONITOR_P_EXIT, nodedown). */
export function fireMonitor(rt: Runtime, p: Process, key: number | string, reason: Term): void {
  const entry = p.monitors?.get(key);
  if (entry === undefined) return;
  removeMonitor(rt, p, key, entry);
  rt.deliver(p, downMessage(entry.ref, monitorObject(entry), reason));
}

/** An exit signal reaches live process `target` (the link, if any, is already removed). */
export function receiveExitSignal(
  rt: Runtime,
  target: Process,
  from: Pid,
  reason: Term,
  isLink: boolean,
): void {
  if (target.exitReason !== undefined) return;
  if (!isLink && reason === KILL) {
    terminate(rt, target, KILLED);
    return;
  }
  if (target.trapping) {
    rt.deliver(target, new Tuple([EXIT, from, reason]));
    return;
  }
  if (reason === NORMAL) {
    if (!isLink && samePid(from, target.pid)) terminate(rt, target, NORMAL);
    return;
  }
  terminate(rt, target, reason);
}

/** Ends live process `p` with `reason`: its links, monitors, names and aliases go. */
export function terminate(rt: Runtime, p: Process, reason: Term): void {
  if (p.exitReason !== undefined) return;
  p.exitReason = reason;
  rt.exited++;
  const resolve = p.waitResolve;
  if (p.waitTimer !== -1) rt.timeouts.cancel(p, p.waitTimer);
  p.waitMatch = null;
  p.waitResolve = null;
  p.waitTimer = -1;
  p.mailbox = null;
  p.handler = null;
  p.body = null;
  rt.table.delete(p.num);
  rt.registry.release(p);
  const links = p.links;
  if (links !== null) {
    p.links = null;
    for (const [key, st] of links) {
      if (st.unlinkId !== 0n) continue;
      if (typeof key === 'number') {
        const other = rt.table.get(key);
        if (other === undefined) continue;
        other.links?.delete(p.num);
        rt.signalQueue.push([other, p.pid, reason, true]);
      } else if (st.pid.node !== rt.node) {
        void rt.dist?.sendControl(st.pid.node, { op: 'EXIT', from: p.pid, to: st.pid, reason });
      }
    }
  }
  const monitors = p.monitors;
  if (monitors !== null) {
    p.monitors = null;
    monitors.forEach((entry, key) => {
      if (entry.node === rt.node) {
        if (entry.target !== null && typeof key === 'number')
          rt.local(entry.target)?.watchers?.deleteLocal(key);
      } else {
        void rt.dist?.sendControl(entry.node, {
          op: 'DEMONITOR_P',
          from: p.pid,
          to: entry.target ?? entry.name!,
          ref: entry.ref,
        });
      }
    });
  }
  const watchers = p.watchers;
  if (watchers !== null) {
    p.watchers = null;
    watchers.forEach((w, key) => {
      if (w.watcher.node === rt.node) {
        const wp = rt.local(w.watcher);
        if (wp !== undefined && key !== -1) fireMonitor(rt, wp, key, reason);
      } else {
        void rt.dist?.sendControl(w.watcher.node, {
          op: 'MONITOR_P_EXIT',
          from: w.name ?? p.pid,
          to: w.watcher,
          ref: w.ref,
          reason,
        });
      }
    });
  }
  if (rt.remoteRelations.size > 0) {
    for (const set of rt.remoteRelations.values()) set.delete(p);
    p.trackedNode = null;
  }
  if (resolve !== null) {
    // No stack: it would be the killer's, and killing a million processes must stay cheap.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    const error = new ProcessExitedError(p.pid, reason);
    Error.stackTraceLimit = limit;
    // A thenable that rejects: no intermediate rejected promise for Node to track as
    // unhandled (which costs more than the kill itself).
    const rejecting: PromiseLike<never> = {
      then: (_ok, fail) => {
        fail?.(error);
        return rejecting as never;
      },
    };
    resolve(rejecting);
  }
}

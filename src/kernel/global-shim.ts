/**
 * A minimal `global_name_server`, so BEAM's `global` is satisfied with a published
 * beamlink node without beamlink running global's name protocol.
 *
 * What BEAM's global (protocol vsn 8, OTP 25–27) does with a new visible peer, and what
 * this shim answers (PROTOCOL-OTP25.md §4):
 *
 * - It casts `{init_connect, {Vsn, Tag}, Node, {locker, _, Known, LockerPid}}` to
 *   `{global_name_server, Peer}`. Without an answer the peer is never "synced", and
 *   `global:sync()` hangs on every BEAM node connected to us for as long as we stay
 *   connected. The shim casts back `{in_sync, OurNode, true}`: BEAM then counts us as
 *   synced (`global:sync()` returns `ok`), does not add us to its `known` nodes, and
 *   shares no names with us. BEAM never disconnects a node for this.
 * - `global:trans/2,3` and `set_lock/1,2` default to `[node() | nodes()]`, so they do a
 *   `gen_server:multi_call` to us too: `{set_lock, {ResourceId, RequesterId}}` and
 *   `{del_lock, Lock}`. The shim keeps a lock table as global does (a resource is held by
 *   one requester id, any number of its pids) and answers `true` / `false`, so locks taken
 *   across a mixed cluster stay mutually exclusive.
 * - `register`, `register_ext`, `unregister` calls (sent only to nodes in `known`, which
 *   we never are) get `yes` / `ok` replies anyway; other calls get no reply, as global.
 *
 * Hidden nodes get no `init_connect` and run this shim only for local use.
 *
 * @module
 */
import type { Runtime } from '../process/runtime.ts';
import { Atom, atom, Pid, tuple, type Term } from '../term/types.ts';
import { tupleOf } from './terms.ts';

/** One held lock: the requester id and the pids holding it. */
interface HeldLock {
  readonly requester: Term;
  readonly pids: Map<string, Pid>;
}

/**
 * Spawns and registers `global_name_server` on `runtime`.
 *
 * @example
 * ```ts
 * startGlobalShim(runtime);
 * // on erl, while connected to us: global:sync() -> ok
 * ```
 */
export function startGlobalShim(runtime: Runtime): Pid {
  const locks = new Map<string, HeldLock>();
  const keyOf = (t: Term): string =>
    JSON.stringify(t, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  const watched = new Set<string>();
  /** A holder died: it holds nothing any more (global monitors lock holders too). */
  const release = (pid: Pid): void => {
    watched.delete(pid.key);
    for (const [resource, held] of locks) {
      held.pids.delete(pid.key);
      if (held.pids.size === 0) locks.delete(resource);
    }
  };
  return runtime.spawn(
    (self) => {
      self.handle((message: Term) => {
        const down = tupleOf(message, 5, 'DOWN');
        if (down) {
          if (down[3] instanceof Pid) release(down[3]);
          return;
        }
        const cast = tupleOf(message, 2, '$gen_cast');
        if (cast) {
          const init = tupleOf(cast[1], 4, 'init_connect');
          if (init && init[2] instanceof Atom) {
            const peer = init[2];
            self.send(
              [atom('global_name_server'), peer],
              tuple(atom('$gen_cast'), tuple(atom('in_sync'), runtime.node, true)),
            );
          }
          return;
        }
        const call = tupleOf(message, 3, '$gen_call');
        if (!call) return;
        const from = tupleOf(call[1], 2);
        // No reply to a From that is not {Pid, Tag}: sending to it would throw and take
        // global_name_server down with it.
        if (!from || !(from[0] instanceof Pid)) return;
        const [caller, tag] = from as [Pid, Term];
        const reply = (value: Term): void => self.send(caller, tuple(tag, value));
        const request = call[2];
        const setLock = tupleOf(request, 2, 'set_lock');
        const delLock = tupleOf(request, 2, 'del_lock');
        if (setLock || delLock) {
          const lock = tupleOf((setLock ?? delLock)![1], 2);
          if (!lock) return reply(false);
          const resource = keyOf(lock[0]!);
          const held = locks.get(resource);
          if (setLock) {
            if (held && keyOf(held.requester) !== keyOf(lock[1]!)) return reply(false);
            const entry = held ?? { requester: lock[1]!, pids: new Map<string, Pid>() };
            entry.pids.set(caller.key, caller);
            locks.set(resource, entry);
            if (!watched.has(caller.key)) {
              watched.add(caller.key);
              self.monitor(caller);
            }
            return reply(true);
          }
          if (held && keyOf(held.requester) === keyOf(lock[1]!)) {
            held.pids.delete(caller.key);
            if (held.pids.size === 0) locks.delete(resource);
          }
          return reply(true);
        }
        if (tupleOf(request, 4, 'register') || tupleOf(request, 5, 'register_ext')) {
          return reply(atom('yes'));
        }
        if (tupleOf(request, 2, 'unregister')) return reply(atom('ok'));
        if (request instanceof Atom && request.name === 'get_known') return reply([]);
      });
    },
    { name: 'global_name_server' },
  );
}

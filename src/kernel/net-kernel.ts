/**
 * The `net_kernel` process a BEAM peer talks to.
 *
 * BEAM's `net_adm:ping/1` is `gen:call({net_kernel, Node}, '$gen_call', {is_auth, node()},
 * infinity)`: it answers `pong` on the reply `yes` and `pang` on anything else (after
 * `erlang:disconnect_node/1`). With no `net_kernel` at all the call would hang for ever
 * (PROTOCOL-OTP25.md §6), so every beamlink node runs this process. Like BEAM's
 * net_kernel it replies with a plain send to the caller's pid (`{Tag, yes}`), which
 * reaches a caller whatever tag form it used (`Ref` or `[alias | Ref]`).
 *
 * {@link ping} is `net_adm:ping/1` from the TypeScript side: the same gen call to
 * `{net_kernel, Node}`, so it works against BEAM and beamlink nodes alike.
 *
 * @module
 */
import type { Runtime } from '../process/runtime.ts';
import { atom, Pid, Ref, tuple, type Atom, type Term } from '../term/types.ts';
import { isAtom, tupleOf } from './terms.ts';

/**
 * Spawns and registers `net_kernel` on `runtime`. It answers `{is_auth, Node}` calls with
 * `yes`; other requests get no reply, as BEAM's net_kernel ignores what it does not know.
 *
 * @example
 * ```ts
 * const pid = startNetKernel(runtime);
 * // on erl: net_adm:ping('ts1@vm') -> pong
 * ```
 */
export function startNetKernel(runtime: Runtime): Pid {
  return runtime.spawn(
    (self) => {
      self.handle((message: Term) => {
        const call = tupleOf(message, 3, '$gen_call');
        if (!call) return;
        const from = tupleOf(call[1], 2);
        // A From that is not {Pid, Tag} gets no reply (gen:reply/2 ignores a bad To);
        // sending to it would throw and take net_kernel down with it.
        if (!from || !(from[0] instanceof Pid)) return;
        const [caller, tag] = from as [Pid, Term];
        const request = call[2];
        if (tupleOf(request, 2, 'is_auth')) {
          self.send(caller, tuple(tag, atom('yes')));
        }
      });
    },
    { name: 'net_kernel' },
  );
}

/**
 * Options of {@link ping}.
 *
 * @example
 * ```ts
 * await ping(runtime, 'erl@vm', { timeoutMs: 5_000 });
 * ```
 */
export interface PingOptions {
  /** Give up (→ `pang`) after this many ms; default: wait as long as the connection lives. */
  readonly timeoutMs?: number;
  /** Called on `pang`, as net_adm calls `erlang:disconnect_node/1`. */
  readonly disconnect?: (node: Atom) => void;
}

/**
 * `net_adm:ping/1`: `pong` when `node` answers `{is_auth, _}` with `yes`, else `pang`.
 * Connects first if needed; a node that cannot be reached gives `pang` once the
 * connection attempt fails.
 *
 * @example
 * ```ts
 * await ping(runtime, atom('erl@vm')); // 'pong'
 * ```
 */
export function ping(
  runtime: Runtime,
  node: Atom | string,
  options: PingOptions = {},
): Promise<'pong' | 'pang'> {
  const target = typeof node === 'string' ? atom(node) : node;
  return new Promise((resolve) => {
    runtime.spawn(async (self) => {
      const dest = [atom('net_kernel'), target] as const;
      const mref = self.monitor(dest);
      self.send(
        dest,
        tuple(atom('$gen_call'), tuple(self.pid, mref), tuple(atom('is_auth'), runtime.node)),
      );
      const isOurs = (r: Term | undefined): boolean => r instanceof Ref && r.key === mref.key;
      const reply = await self.receive(
        (m) => {
          const r = tupleOf(m, 2);
          if (r && isOurs(r[0])) return true;
          const down = tupleOf(m, 5, 'DOWN');
          return down !== undefined && isOurs(down[1]);
        },
        { timeout: options.timeoutMs ?? Infinity },
      );
      self.demonitor(mref, { flush: true });
      const answer = tupleOf(reply, 2);
      if (answer && isOurs(answer[0]) && isAtom(answer[1], 'yes')) {
        resolve('pong');
      } else {
        options.disconnect?.(target);
        resolve('pang');
      }
    });
  });
}

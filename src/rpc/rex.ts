/**
 * `rex`, the registered rpc server, for callers that still talk to it: `rpc:block_call`,
 * ei / jinterface C and Java nodes, OTP before 23, and BEAM's rpc nodes observer.
 *
 * What it answers (OTP 25 `rpc.erl`, PROTOCOL-OTP25.md §1.3):
 *
 * | message                                                        | answer                                   |
 * | -------------------------------------------------------------- | ---------------------------------------- |
 * | `{'$gen_call', {Pid, Tag}, {call, M, F, A, GL}}`                 | `{Tag, Reply}` from a worker process     |
 * | `{'$gen_call', {Pid, Tag}, {block_call, M, F, A, GL}}`           | `{Tag, Reply}`                           |
 * | `{'$gen_cast', {cast, M, F, A, GL}}`                             | none (runs `M:F(A)`)                     |
 * | `{Pid, {call, M, F, A, GL}}` (hidden C nodes)                    | `Pid ! {rex, Reply}`                     |
 * | `{Pid, {sbcast, Name, Msg}}`                                   | `Name ! Msg`, `Pid ! {rex, node(), node()}` or `{rex, node(), {nonexisting_name, Name}}` |
 * | `{Pid, {send, Name, Msg}}`                                     | `Name ! {Pid, Msg}` (or the nonexisting_name reply) |
 * | `{Pid, features_request}`                                      | `Pid ! {features_reply, node(), [erpc]}` |
 *
 * `Reply` is rex's mapping: the value; a thrown value itself; `{badrpc, {'EXIT', R}}`
 * for an exit; `{badrpc, {'EXIT', {R, Stack}}}` for an error. A tag `[alias | Ref]`
 * (OTP 24+ gen calls) is answered through the alias, as `gen_server:reply/2` does.
 * Anything else is ignored, as rex ignores it.
 *
 * @module
 */
import type { Process } from '../process/process.ts';
import { Atom, ImproperList, Pid, Ref, Tuple, type Term } from '../term/types.ts';
import { tupleOf } from '../kernel/terms.ts';
import { badRpc } from './errors.ts';
import { execute, type ModuleRegistry, type Outcome, type RpcHost } from './modules.ts';

const REX = Atom.of('rex');
const EXIT_ATOM = Atom.of('EXIT');
const ALIAS = Atom.of('alias');
const FEATURES_REPLY = Atom.of('features_reply');
const ERPC = Atom.of('erpc');
const NONEXISTING_NAME = Atom.of('nonexisting_name');

/**
 * What rex replies for an outcome (rpc.erl `execute_call/3`).
 *
 * @example
 * ```ts
 * rexReply({ kind: 'exit', reason: atom('boom') }); // {badrpc, {'EXIT', boom}}
 * ```
 */
export function rexReply(out: Outcome): Term {
  switch (out.kind) {
    case 'return':
    case 'throw':
      return out.value;
    case 'exit':
      return badRpc(new Tuple([EXIT_ATOM, out.reason]));
    case 'error':
      return badRpc(new Tuple([EXIT_ATOM, new Tuple([out.reason, [...out.stack]])]));
  }
}

/** `gen_server:reply({Pid, Tag}, Reply)`: through the alias for `[alias | Ref]` tags. */
function genReply(self: Process, from: Term, reply: Term): void {
  const f = tupleOf(from, 2);
  if (!f || !(f[0] instanceof Pid)) return;
  const tag = f[1]!;
  if (
    tag instanceof ImproperList &&
    tag.elements.length === 1 &&
    tag.elements[0] === ALIAS &&
    tag.tail instanceof Ref
  ) {
    self.send(tag.tail, new Tuple([tag, reply]));
  } else {
    self.send(f[0], new Tuple([tag, reply]));
  }
}

/**
 * Spawns and registers `rex` on `host.runtime`.
 *
 * @example
 * ```ts
 * startRex(registry, node);
 * // on erl: gen_server:call({rex, 'ts1@vm'}, {call, erlang, node, [], user}) -> 'ts1@vm'
 * ```
 */
export function startRex(registry: ModuleRegistry, host: RpcHost): Pid {
  const rt = host.runtime;
  const run = (
    caller: Pid | undefined,
    m: Term,
    f: Term,
    a: Term,
    done: (worker: Process, reply: Term) => void,
  ): void => {
    rt.spawn(
      async (worker) => {
        const out = await execute(registry, host, worker, {
          module: m,
          function: f,
          args: a,
          caller,
        });
        // the worker replies, as rex's workers do
        done(worker, rexReply(out));
      },
      { label: 'rpc worker' },
    );
  };
  return rt.spawn(
    (self) => {
      self.setLabel('rex');
      self.handle((message: Term) => {
        const call = tupleOf(message, 3, '$gen_call');
        if (call) {
          const req = tupleOf(call[2], 5);
          const kind = req?.[0];
          if (req && kind instanceof Atom && (kind.name === 'call' || kind.name === 'block_call')) {
            const caller = tupleOf(call[1], 2)?.[0];
            run(caller instanceof Pid ? caller : undefined, req[1]!, req[2]!, req[3]!, (w, r) =>
              genReply(w, call[1]!, r),
            );
          }
          return;
        }
        const cast = tupleOf(message, 2, '$gen_cast');
        if (cast) {
          const req = tupleOf(cast[1], 5, 'cast');
          if (req) run(undefined, req[1]!, req[2]!, req[3]!, () => {});
          return;
        }
        const plain = tupleOf(message, 2);
        if (!plain || !(plain[0] instanceof Pid)) return;
        const from = plain[0];
        const body = plain[1]!;
        if (body instanceof Atom && body.name === 'features_request') {
          self.send(from, new Tuple([FEATURES_REPLY, rt.node, [ERPC]]));
          return;
        }
        const c = tupleOf(body, 5, 'call');
        if (c) {
          run(from, c[1]!, c[2]!, c[3]!, (w, r) => w.send(from, new Tuple([REX, r])));
          return;
        }
        const sb = tupleOf(body, 3, 'sbcast') ?? tupleOf(body, 3, 'send');
        if (sb && sb[1] instanceof Atom) {
          const name = sb[1];
          const isSend = (sb[0] as Atom).name === 'send';
          if (rt.whereis(name) === undefined) {
            self.send(from, new Tuple([REX, rt.node, new Tuple([NONEXISTING_NAME, name])]));
            return;
          }
          self.send(name, isSend ? new Tuple([from, sb[2]!]) : sb[2]!);
          if (!isSend) self.send(from, new Tuple([REX, rt.node, rt.node]));
        }
      });
    },
    { name: 'rex' },
  );
}

/**
 * The server every GenServer contract run talks to, written once in TypeScript (and once
 * in Erlang: erl/contract_server.erl, for runs against a real node). Its protocol:
 *
 * | request                        | answer                                             |
 * | ------------------------------ | -------------------------------------------------- |
 * | call `ping`                    | `pong`                                             |
 * | call `{echo, X}`               | `X`                                                |
 * | call `get`                     | the counter (the state)                            |
 * | cast `{add, N}` / info `{add, N}` | counter += N                                    |
 * | call `{defer, X, Ms}`          | no reply now; `X` after Ms via `reply/2`           |
 * | call `{sleep, Ms}`             | `slept` after Ms, the server busy meanwhile        |
 * | call `{stop, Reason}`          | `ok`, then the server stops with Reason            |
 * | call `{die, Reason}`           | no reply; the server stops with Reason             |
 * | call `{whoami}`                | the caller's pid as the server saw it (`From`)     |
 *
 * The state is the counter, so `sys:get_state` returns it.
 */
import type { Process } from '../../src/process/index.ts';
import {
  GenServer,
  type CallResult,
  type From,
  type InitResult,
  type NoReplyResult,
} from '../../src/otp/index.ts';
import { atom, Tuple, type Term } from '../../src/term/types.ts';

const is = (m: Term, tag: string, arity: number): m is Tuple =>
  m instanceof Tuple && m.elements.length === arity && m.elements[0] === atom(tag);

export class ContractServer extends GenServer<number> {
  init(arg: Term): InitResult<number> {
    return { ok: typeof arg === 'number' ? arg : 0 };
  }

  handleCall(
    req: Term,
    from: From,
    n: number,
    self: Process,
  ): CallResult<number, Term> | Promise<CallResult<number, Term>> {
    if (req === atom('ping')) return { reply: atom('pong'), state: n };
    if (req === atom('get')) return { reply: n, state: n };
    if (is(req, 'echo', 2)) return { reply: req.elements[1]!, state: n };
    if (is(req, 'whoami', 1)) return { reply: from.pid, state: n };
    if (is(req, 'defer', 3)) {
      setTimeout(() => GenServer.reply(from, req.elements[1]!), req.elements[2] as number);
      return { noreply: true, state: n };
    }
    if (is(req, 'sleep', 2)) {
      return new Promise((resolve) =>
        setTimeout(() => resolve({ reply: atom('slept'), state: n }), req.elements[1] as number),
      );
    }
    if (is(req, 'stop', 2)) return { stop: req.elements[1]!, reply: atom('ok'), state: n };
    if (is(req, 'die', 2)) return { stop: req.elements[1]!, state: n };
    void self;
    return { reply: new Tuple([atom('unknown'), req]), state: n };
  }

  handleCast(req: Term, n: number): NoReplyResult<number> {
    if (is(req, 'add', 2)) return { noreply: true, state: n + (req.elements[1] as number) };
    return { noreply: true, state: n };
  }

  handleInfo(msg: Term, n: number): NoReplyResult<number> {
    if (is(msg, 'add', 2)) return { noreply: true, state: n + (msg.elements[1] as number) };
    return { noreply: true, state: n };
  }
}

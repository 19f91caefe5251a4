/**
 * A group leader for the processes rpc spawns on other nodes, so that a BEAM function
 * called from TypeScript can print (`io:format`, `IO.puts`, `IO.inspect`).
 *
 * On BEAM the spawned erpc process inherits the caller's group leader, and all its output
 * travels back to the caller's node as I/O requests (the Erlang I/O protocol,
 * `{io_request, From, ReplyAs, Request}` → `{io_reply, ReplyAs, Reply}`). Without a live
 * group leader on our side, `io:format` on the remote node fails with `terminated`.
 *
 * What this one answers:
 *
 * | request                                          | reply                         |
 * | ------------------------------------------------ | ----------------------------- |
 * | `{put_chars, Enc, Chars}`                        | `ok` (the text goes to output) |
 * | `{put_chars, Enc, M, F, A}` (`io:format`)        | `ok`; `M:F(A...)` is evaluated by an erpc call back to the requester's node, which has `io_lib` |
 * | `{requests, [R...]}`                             | each in turn; the last reply   |
 * | `{setopts, _}` / `getopts`                       | `ok` / `[{binary, false}, {encoding, unicode}]` |
 * | input (`get_line`, `get_chars`, `get_until`, …)  | `eof` (there is no terminal)   |
 * | anything else                                    | `{error, request}`             |
 *
 * @module
 */
import type { Runtime } from '../process/runtime.ts';
import { Atom, Pid, Tuple, type Term } from '../term/types.ts';
import type { Erpc } from './erpc.ts';

const IO_REQUEST = Atom.of('io_request');
const IO_REPLY = Atom.of('io_reply');
const OK = Atom.of('ok');
const EOF = Atom.of('eof');
const ERROR = Atom.of('error');
const REQUEST = Atom.of('request');
const INPUT = new Set(['get_chars', 'get_line', 'get_until', 'get_password']);
const utf8 = new TextDecoder();

/**
 * Chardata (binaries, code points, nested lists) as text; `undefined` if malformed.
 *
 * @example
 * ```ts
 * chardataText(['ab', [99], Uint8Array.of(100)]); // 'abcd'
 * ```
 */
export function chardataText(t: Term, depth = 0): string | undefined {
  if (typeof t === 'string') return t;
  if (t instanceof Uint8Array) return utf8.decode(t);
  if (typeof t === 'number' && Number.isInteger(t) && t >= 0 && t <= 0x10ffff) {
    return String.fromCodePoint(t);
  }
  if (Array.isArray(t) && depth < 100) {
    let out = '';
    for (const x of t as Term[]) {
      const s = chardataText(x, depth + 1);
      if (s === undefined) return undefined;
      out += s;
    }
    return out;
  }
  return undefined;
}

/**
 * Spawns the group leader. `output` receives every piece of text.
 *
 * @example
 * ```ts
 * const gl = startGroupLeader(runtime, erpc, (s) => process.stdout.write(s));
 * ```
 */
export function startGroupLeader(
  runtime: Runtime,
  erpc: Erpc,
  output: (text: string) => void,
): Pid {
  const handle = async (from: Pid, req: Term): Promise<Term> => {
    if (!(req instanceof Tuple) && !(req instanceof Atom)) return new Tuple([ERROR, REQUEST]);
    const tag = req instanceof Atom ? req : req.elements[0];
    if (!(tag instanceof Atom)) return new Tuple([ERROR, REQUEST]);
    const e = req instanceof Tuple ? req.elements : [req];
    switch (tag.name) {
      case 'put_chars': {
        let chars: Term | undefined;
        if (e.length === 3 || e.length === 2) {
          chars = e[e.length - 1];
        } else if (e.length === 5 || e.length === 4) {
          const [m, f, a] = e.slice(-3) as [Term, Term, Term];
          if (!(m instanceof Atom) || !(f instanceof Atom) || !Array.isArray(a)) break;
          const r = await erpc.settled(from.node, m, f, a as Term[], 30_000);
          if (!r.ok) return new Tuple([ERROR, r.error.reason]);
          chars = r.value;
        }
        const s = chars === undefined ? undefined : chardataText(chars);
        if (s === undefined) break;
        output(s);
        return OK;
      }
      case 'requests': {
        let last: Term = OK;
        for (const r of Array.isArray(e[1]) ? (e[1] as Term[]) : []) last = await handle(from, r);
        return last;
      }
      case 'setopts':
        return OK;
      case 'getopts':
        return [
          new Tuple([Atom.of('binary'), false]),
          new Tuple([Atom.of('encoding'), Atom.of('unicode')]),
        ];
      default:
        if (INPUT.has(tag.name)) return EOF;
    }
    return new Tuple([ERROR, REQUEST]);
  };
  return runtime.spawn(
    (self) => {
      self.setLabel('rpc group leader');
      self.handle(async (m: Term) => {
        if (!(m instanceof Tuple) || m.elements.length !== 4 || m.elements[0] !== IO_REQUEST)
          return;
        const [, from, replyAs, req] = m.elements as [Term, Term, Term, Term];
        if (!(from instanceof Pid)) return;
        let reply: Term;
        try {
          reply = await handle(from, req);
        } catch {
          reply = new Tuple([ERROR, REQUEST]);
        }
        self.send(from, new Tuple([IO_REPLY, replyAs, reply]));
      });
    },
    { label: 'rpc group leader' },
  );
}

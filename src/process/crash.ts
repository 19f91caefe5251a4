/**
 * The exit reason of a process whose body threw something other than an exit.
 *
 * Erlang's shape for a crash is `{Reason, Stacktrace}`; ours is
 * `{{js_error, Name, Message}, [{Module, Function, 0, [{file, File}, {line, Line}]}]}`
 * (Name and Message are binaries, at most 10 frames parsed from the V8 stack). BEAM and
 * Elixir print it as they print any crash (`** (ErlangError) Erlang error: {:js_error,
 * "TypeError", "x is not a function"}` followed by the frames). Locally the thrown value
 * stays reachable as `reason.error`.
 *
 * @module
 */
import { Atom, Tuple, type Term } from '../term/types.ts';
import { FILE, JS_ERROR, LINE } from './atoms.ts';

const MAX_FRAMES = 10;
const FRAME = /^\s*at (?:(.+?) \()?(.+?):(\d+):\d+\)?$/;

/**
 * A crash exit reason; a {@link Tuple} (so it travels as a term) that also keeps the
 * original thrown value.
 *
 * @example
 * ```ts
 * const r = crashReason(new TypeError('bad'));
 * r.elements[0]; // {js_error, <<"TypeError">>, <<"bad">>}
 * r.error;       // the TypeError
 * ```
 */
export class CrashReason extends Tuple {
  readonly error: unknown;

  constructor(elements: readonly Term[], error: unknown) {
    super(elements);
    this.error = error;
  }
}

function frames(stack: string | undefined): Term[] {
  if (stack === undefined) return [];
  const out: Term[] = [];
  for (const line of stack.split('\n')) {
    if (out.length >= MAX_FRAMES) break;
    const m = FRAME.exec(line);
    if (m === null) continue;
    const fn = (m[1] ?? 'anonymous').slice(0, 200);
    const file = m[2]!;
    const base = file.slice(file.lastIndexOf('/') + 1).slice(0, 200);
    out.push(
      new Tuple([
        Atom.of(base),
        Atom.of(fn),
        0,
        [new Tuple([FILE, file]), new Tuple([LINE, Number(m[3])])],
      ]),
    );
  }
  return out;
}

/**
 * The exit reason for a thrown value (see the module comment for the shape).
 *
 * @example
 * ```ts
 * crashReason(new Error('boom')); // {{js_error, <<"Error">>, <<"boom">>}, [...]}
 * ```
 */
export function crashReason(error: unknown): CrashReason {
  let name: string;
  let message: string;
  let stack: string | undefined;
  if (error instanceof Error) {
    name = error.name;
    message = error.message;
    stack = error.stack;
  } else {
    name = 'throw';
    message = String(error);
  }
  return new CrashReason([new Tuple([JS_ERROR, name, message]), frames(stack)], error);
}

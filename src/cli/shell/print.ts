/**
 * How the shell prints a result: terms as iex prints them (the codec's `format`), in
 * colour on a terminal; anything else (a JS object, a function) as `util.inspect` does.
 *
 * @module
 */
import { inspect } from 'node:util';
import { format } from '../../term/format.ts';
import {
  Atom,
  BitBinary,
  ExportFun,
  Float,
  Fun,
  ImproperList,
  Pid,
  Port,
  Ref,
  Tuple,
} from '../../term/types.ts';

/**
 * Whether `v` is a term the codec can print (and send).
 *
 * @example
 * ```ts
 * isTerm(tuple(atom('ok'), 1)); // true
 * isTerm(() => 1);              // false
 * ```
 */
export function isTerm(v: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (v === null || typeof v === 'boolean' || typeof v === 'string' || typeof v === 'bigint')
    return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v !== 'object') return false;
  if (
    v instanceof Atom ||
    v instanceof Pid ||
    v instanceof Ref ||
    v instanceof Port ||
    v instanceof Float ||
    v instanceof Uint8Array ||
    v instanceof BitBinary ||
    v instanceof ExportFun ||
    v instanceof Fun
  )
    return true;
  if (v instanceof Tuple) return v.elements.every((e) => isTerm(e, depth + 1));
  if (v instanceof ImproperList)
    return v.elements.every((e) => isTerm(e, depth + 1)) && isTerm(v.tail, depth + 1);
  if (Array.isArray(v)) return v.every((e) => isTerm(e, depth + 1));
  if (v instanceof Map) {
    for (const [k, x] of v) if (!isTerm(k, depth + 1) || !isTerm(x, depth + 1)) return false;
    return true;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(v).every((x) => isTerm(x, depth + 1));
}

const C = {
  atom: '\x1b[36m',
  number: '\x1b[33m',
  string: '\x1b[32m',
  special: '\x1b[35m',
  reset: '\x1b[0m',
};

/**
 * Colours printed Elixir terms as iex does (atoms cyan, numbers yellow, strings green,
 * pids/refs magenta).
 *
 * @example
 * ```ts
 * colourTerm('{:ok, 1}'); // '{\x1b[36m:ok\x1b[0m, \x1b[33m1\x1b[0m}'
 * ```
 */
export function colourTerm(text: string): string {
  const re =
    /("(?:[^"\\]|\\.)*")|(#(?:PID|Reference|Port)<[^>]*>)|(:"(?:[^"\\]|\\.)*"|:[A-Za-z_][\w@.]*[?!]?|\b(?:true|false|nil)\b|\b[a-z_]\w*:(?=\s))|(-?\b\d[\d_]*(?:\.\d+)?(?:e[-+]?\d+)?\b)/g;
  return text.replace(re, (m, str, special, at, num) => {
    const colour = str ? C.string : special ? C.special : at ? C.atom : num ? C.number : '';
    return colour ? `${colour}${m}${C.reset}` : m;
  });
}

/**
 * The shell's writer: a term as iex prints it, other values as Node's REPL does.
 *
 * @example
 * ```ts
 * printValue(tuple(atom('ok'), 1), { colour: false }); // '{:ok, 1}'
 * ```
 */
export function printValue(v: unknown, options: { colour: boolean }): string {
  if (v === undefined) return options.colour ? '\x1b[90mundefined\x1b[0m' : 'undefined';
  if (isTerm(v)) {
    const text = format(v as never);
    return options.colour ? colourTerm(text) : text;
  }
  return inspect(v, { colors: options.colour, depth: 4 });
}

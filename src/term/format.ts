/**
 * Printing terms as Elixir's `inspect` does (`{:ok, 1}`, `%{a: 1}`, `#PID<0.113.0>`) or
 * as Erlang's `~p` does (`{ok,1}`, `#{a => 1}`, `<0.113.0>`), and the `util.inspect` hook
 * that makes `console.log` show terms that way.
 *
 * Erlang-style output of plain data (no pids, refs, ports or closures) is valid Erlang
 * source that evaluates to the same term; the interop tests rely on that.
 *
 * @module
 */
import { atomText, mapEntries } from './compare.ts';
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
  type Term,
} from './types.ts';

/**
 * Options of {@link format}.
 *
 * @example
 * ```ts
 * format(pid, { style: 'erlang', localNode: 'ts1@host' }); // '<0.113.0>'
 * ```
 */
export interface FormatOptions {
  /** `'elixir'` (default) as `inspect/1`, `'erlang'` as `io:format("~p")`. */
  style?: 'elixir' | 'erlang';
  /**
   * The node whose pids print as `0.ID.SERIAL`; overrides
   * {@link setLocalNodeForPrinting}. Other nodes get small stable numbers.
   */
  localNode?: string;
  /**
   * Elixir style only: how a list of printable ASCII codes prints. `'sigil'` (default)
   * `~c"abc"` as Elixir 1.15+; `'quoted'` `'abc'` as Elixir 1.14; `'list'` `[97, 98, 99]`.
   */
  charlists?: 'sigil' | 'quoted' | 'list';
}

let localNodeForPrinting: string | undefined;
const nodeNumbers = new Map<string, number>();

/**
 * Sets the node whose pids, refs and ports print with node number 0 (as BEAM prints its
 * own). Every other node gets a small number, stable for the life of the process, in the
 * order nodes are first printed. `undefined` resets to `nonode@nohost`.
 *
 * @example
 * ```ts
 * setLocalNodeForPrinting('ts1@host');
 * format(new Pid(atom('ts1@host'), 113, 0, 1)); // '#PID<0.113.0>'
 * format(new Pid(atom('erl@host'), 90, 0, 1));  // '#PID<1.90.0>'
 * ```
 */
export function setLocalNodeForPrinting(name: string | undefined): void {
  localNodeForPrinting = name;
}

function nodeNumber(node: Atom, options: FormatOptions | undefined): number {
  const local = options?.localNode ?? localNodeForPrinting ?? 'nonode@nohost';
  if (node.name === local) return 0;
  let n = nodeNumbers.get(node.name);
  if (n === undefined) {
    n = nodeNumbers.size + 1;
    nodeNumbers.set(node.name, n);
  }
  return n;
}

// ---- numbers ----------------------------------------------------------------------

function floatParts(x: number): { sign: string; digits: string; exp: number } {
  const s = Math.abs(x).toExponential(); // shortest round-trip digits
  const [mant, e] = s.split('e') as [string, string];
  return {
    sign: x < 0 || Object.is(x, -0) ? '-' : '',
    digits: mant.replace('.', ''),
    exp: Number(e),
  };
}

function fixedForm(digits: string, exp: number): string {
  if (exp < 0) return `0.${'0'.repeat(-exp - 1)}${digits}`;
  const int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${int}.${frac || '0'}`;
}

function sciForm(digits: string, exp: number): string {
  return `${digits[0]}.${digits.slice(1) || '0'}e${exp}`;
}

/**
 * A float as Elixir (fixed from 1.0e-4 to below 1.0e16, else scientific) or Erlang
 * (`float_to_list(F, [short])`: the shorter form, fixed on a tie, scientific past 2^53)
 * prints it.
 */
function formatFloat(x: number, erlang: boolean): string {
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const { sign, digits, exp } = floatParts(x);
  const a = Math.abs(x);
  if (erlang) {
    const f = fixedForm(digits, exp);
    const e = sciForm(digits, exp);
    return sign + (a >= 2 ** 53 || e.length < f.length ? e : f);
  }
  return sign + (a >= 1e-4 && a < 1e16 ? fixedForm(digits, exp) : sciForm(digits, exp));
}

// ---- text -------------------------------------------------------------------------

const ELIXIR_ESCAPES: Record<number, string> = {
  0x22: '\\"',
  0x5c: '\\\\',
  0x0a: '\\n',
  0x09: '\\t',
  0x0d: '\\r',
  0x0b: '\\v',
  0x08: '\\b',
  0x0c: '\\f',
  0x1b: '\\e',
  0x07: '\\a',
};
const ERLANG_ESCAPES: Record<number, string> = { ...ELIXIR_ESCAPES, 0x07: '\\^G' };

function isPrintableCodePoint(c: number): boolean {
  return (c >= 0x20 && c < 0x7f) || (c >= 0xa0 && c !== 0xfffd && (c < 0xd800 || c > 0xdfff));
}

/** Whether a string prints as a quoted string (every character printable or escapable). */
function printableText(s: string, escapes: Record<number, string>): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (!isPrintableCodePoint(c) && escapes[c] === undefined) return false;
  }
  return true;
}

function quote(s: string, q: string, escapes: Record<number, string>): string {
  let out = q;
  for (const ch of s) out += ch === q ? `\\${q}` : (escapes[ch.codePointAt(0)!] ?? ch);
  if (escapes === ELIXIR_ESCAPES && q === '"') out = out.replace(/#\{/g, '\\#{');
  return out + q;
}

const ELIXIR_OPERATORS = new Set(
  '+ - * / ++ -- == != === !== < > <= >= && || ! <> |> .. ... => -> <- \\\\ ~~~ &&& ||| <<< >>> ^^^ ** :: @ & % {} <<>> ^ | . []'.split(
    ' ',
  ),
);
const ERLANG_RESERVED = new Set(
  'after and andalso band begin bnot bor bsl bsr bxor case catch cond div else end fun if let maybe not of or orelse receive rem try when xor'.split(
    ' ',
  ),
);

function elixirAtom(name: string): string {
  if (name === 'nil' || name === 'true' || name === 'false') return name;
  if (/^Elixir(\.[A-Z][a-zA-Z0-9_]*)+$/.test(name)) return name.slice(7);
  if (/^[\p{L}_][\p{L}\p{N}_@]*[?!]?$/u.test(name) || ELIXIR_OPERATORS.has(name)) return `:${name}`;
  return `:${quote(name, '"', ELIXIR_ESCAPES)}`;
}

function elixirKey(name: string): string {
  if (/^[\p{L}_][\p{L}\p{N}_@]*[?!]?$/u.test(name)) return `${name}:`;
  return `${quote(name, '"', ELIXIR_ESCAPES)}:`;
}

function erlangAtom(name: string): string {
  if (/^[a-z][a-zA-Z0-9_@]*$/.test(name) && !ERLANG_RESERVED.has(name)) return name;
  return quote(name, "'", ERLANG_ESCAPES);
}

// ---- the printer ------------------------------------------------------------------

function bytesOf(v: string | Uint8Array): Uint8Array {
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
}

function binaryText(v: string | Uint8Array): string | undefined {
  if (typeof v === 'string') return v;
  const s = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8');
  return Buffer.byteLength(s) === v.length && !s.includes('\ufffd') ? s : undefined;
}

function isCharlist(list: readonly Term[], erlang: boolean): boolean {
  if (list.length === 0) return false;
  for (const x of list) {
    if (typeof x !== 'number' || !Number.isInteger(x)) return false;
    const ok =
      (x >= 32 && x <= 126) || (x >= 7 && x <= 13) || x === 27 || (erlang && x >= 160 && x <= 255);
    if (!ok || (erlang && x === 7)) return false;
  }
  return true;
}

class Printer {
  readonly erlang: boolean;
  readonly options: FormatOptions | undefined;

  constructor(options: FormatOptions | undefined) {
    this.erlang = options?.style === 'erlang';
    this.options = options;
  }

  get sep(): string {
    return this.erlang ? ',' : ', ';
  }

  print(v: Term): string {
    switch (typeof v) {
      case 'number':
        return Number.isSafeInteger(v) ? String(v) : formatFloat(v, this.erlang);
      case 'bigint':
        return v.toString();
      case 'string':
        return this.binary(v);
      case 'boolean':
        return String(v);
      case 'object':
        return this.object(v);
      default:
        return `#NotATerm<${String(typeof v)}>`;
    }
  }

  atom(v: Term): string {
    const name = atomText(v);
    return this.erlang ? erlangAtom(name) : elixirAtom(name);
  }

  binary(v: string | Uint8Array): string {
    const text = binaryText(v);
    if (this.erlang) {
      if (text !== undefined && printableText(text, ERLANG_ESCAPES)) {
        const ascii = Buffer.byteLength(text) === text.length;
        return `<<${quote(text, '"', ERLANG_ESCAPES)}${ascii ? '' : '/utf8'}>>`;
      }
      return `<<${[...bytesOf(v)].join(',')}>>`;
    }
    if (text !== undefined && printableText(text, ELIXIR_ESCAPES))
      return quote(text, '"', ELIXIR_ESCAPES);
    return `<<${[...bytesOf(v)].join(', ')}>>`;
  }

  list(list: readonly Term[], tail: Term | undefined): string {
    if (tail === undefined && isCharlist(list, this.erlang)) {
      const text = String.fromCharCode(...(list as number[]));
      if (this.erlang) return quote(text, '"', ERLANG_ESCAPES);
      const mode = this.options?.charlists ?? 'sigil';
      if (mode === 'sigil') return `~c${quote(text, '"', ELIXIR_ESCAPES)}`;
      if (mode === 'quoted') return quote(text, "'", ELIXIR_ESCAPES);
    }
    if (!this.erlang && tail === undefined && this.isKeywordList(list)) {
      return `[${list.map((t) => this.keywordPair(t as Tuple)).join(', ')}]`;
    }
    const items = list.map((x) => this.print(x)).join(this.sep);
    if (tail === undefined) return `[${items}]`;
    return `[${items}${this.erlang ? '|' : ' | '}${this.print(tail)}]`;
  }

  isKeywordList(list: readonly Term[]): boolean {
    return (
      list.length > 0 &&
      list.every(
        (t) =>
          t instanceof Tuple &&
          t.elements.length === 2 &&
          (t.elements[0] instanceof Atom ||
            typeof t.elements[0] === 'boolean' ||
            t.elements[0] === null),
      )
    );
  }

  keywordPair(t: Tuple): string {
    return `${elixirKey(atomText(t.elements[0]!))} ${this.print(t.elements[1]!)}`;
  }

  map(v: Term): string {
    const entries = mapEntries(v);
    if (this.erlang) {
      return `#{${entries.map(([k, x]) => `${this.print(k)} => ${this.print(x)}`).join(',')}}`;
    }
    if (entries.length === 0) return '%{}';
    const atomKeys = entries.every(
      ([k]) => k instanceof Atom || typeof k === 'boolean' || k === null,
    );
    const body = atomKeys
      ? entries.map(([k, x]) => `${elixirKey(atomText(k))} ${this.print(x)}`)
      : entries.map(([k, x]) => `${this.print(k)} => ${this.print(x)}`);
    return `%{${body.join(', ')}}`;
  }

  object(v: object | null): string {
    if (v === null || v instanceof Atom) return this.atom(v as Term);
    if (Array.isArray(v)) return this.list(v as Term[], undefined);
    if (v instanceof Tuple) return `{${v.elements.map((x) => this.print(x)).join(this.sep)}}`;
    if (v instanceof Float) return formatFloat(v.value, this.erlang);
    if (v instanceof Uint8Array) return this.binary(v);
    if (v instanceof ImproperList) return this.list(v.elements, v.tail);
    if (v instanceof Pid) {
      const id = `${nodeNumber(v.node, this.options)}.${v.id}.${v.serial}`;
      return this.erlang ? `<${id}>` : `#PID<${id}>`;
    }
    if (v instanceof Ref) {
      const ids = [...v.ids].reverse().join('.');
      return `${this.erlang ? '#Ref' : '#Reference'}<${nodeNumber(v.node, this.options)}.${ids}>`;
    }
    if (v instanceof Port) return `#Port<${nodeNumber(v.node, this.options)}.${v.id}>`;
    if (v instanceof BitBinary) return this.bits(v);
    if (v instanceof ExportFun) {
      if (this.erlang)
        return `fun ${erlangAtom(v.module.name)}:${erlangAtom(v.name.name)}/${v.arity}`;
      const mod = elixirAtom(v.module.name);
      const name = /^[\p{L}_][\p{L}\p{N}_@]*[?!]?$/u.test(v.name.name)
        ? v.name.name
        : quote(v.name.name, '"', ELIXIR_ESCAPES);
      return `&${mod}.${name}/${v.arity}`;
    }
    if (v instanceof Fun) {
      if (this.erlang) return `#Fun<${v.module.name}.${v.index}.${v.oldUniq}>`;
      return `#Function<${v.index}.${v.oldUniq}/${v.arity} in ${elixirAtom(v.module.name).replace(/^:/, '')}>`;
    }
    if (v instanceof Map) return this.map(v as Map<Term, Term>);
    return this.map(v as Term);
  }

  bits(v: BitBinary): string {
    const full = [...v.bytes.subarray(0, v.bytes.length - 1)];
    const last = v.bytes[v.bytes.length - 1]! >> (8 - v.bits);
    const tail = this.erlang ? `${last}:${v.bits}` : `${last}::size(${v.bits})`;
    return `<<${[...full.map(String), tail].join(this.sep)}>>`;
  }
}

/**
 * Prints a term as Elixir's `inspect/1` does (default) or as Erlang's `~p` does.
 *
 * @example
 * ```ts
 * format(tuple(atom('ok'), 1));                       // '{:ok, 1}'
 * format({ a: 1 });                                   // '%{a: 1}'
 * format(new Map([['k', 1]]));                        // '%{"k" => 1}'
 * format(tuple(atom('ok'), 1), { style: 'erlang' });  // '{ok,1}'
 * ```
 */
export function format(term: Term, options?: FormatOptions): string {
  return new Printer(options).print(term);
}

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

function hook(this: Term): string {
  return format(this);
}

for (const cls of [Atom, Tuple, Pid, Ref, Port, Float, ImproperList, BitBinary, ExportFun, Fun]) {
  Object.defineProperty(cls.prototype, inspectSymbol, {
    value: hook,
    writable: true,
    configurable: true,
    enumerable: false,
  });
}

/**
 * Elixir-like literals on the command line (`beamlink rpc NODE M F ARGS...`): numbers,
 * atoms (`:ok`, `:"with space"`, `true`, `false`, `nil`, `Elixir.Mod` / `Mod`), strings
 * (`"text"` → a binary), charlists (`'abc'` / `~c"abc"`), lists `[1, 2]`, tuples `{:ok, 1}`
 * and maps (`%{a: 1, "k" => 2}`). Nothing is evaluated: a literal is data only.
 *
 * @module
 */
import { BeamlinkError } from '../errors.ts';
import { Atom, Float, Tuple, atom, type Term } from '../term/types.ts';

/**
 * A literal that does not parse; `offset` is where in the source.
 *
 * @example
 * ```ts
 * try { parseLiteral('{1,'); } catch (e) { if (e instanceof LiteralSyntaxError) console.log(e.offset); }
 * ```
 */
export class LiteralSyntaxError extends BeamlinkError {
  readonly offset: number;
  constructor(message: string, source: string, offset: number) {
    super('BL_ERR_CLI_LITERAL', `${message} at offset ${offset} in ${JSON.stringify(source)}`);
    this.offset = offset;
  }
}

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  '"': '"',
  "'": "'",
  e: '\x1b',
  s: ' ',
  '0': '\0',
};

class Parser {
  private i = 0;
  private readonly src: string;
  constructor(src: string) {
    this.src = src;
  }

  fail(message: string): never {
    throw new LiteralSyntaxError(message, this.src, this.i);
  }

  ws(): void {
    while (this.i < this.src.length && /\s/.test(this.src[this.i]!)) this.i++;
  }

  peek(): string | undefined {
    return this.src[this.i];
  }

  eat(s: string): boolean {
    if (this.src.startsWith(s, this.i)) {
      this.i += s.length;
      return true;
    }
    return false;
  }

  expect(s: string): void {
    this.ws();
    if (!this.eat(s)) this.fail(`expected ${JSON.stringify(s)}`);
  }

  done(): boolean {
    this.ws();
    return this.i >= this.src.length;
  }

  quoted(q: string): string {
    let out = '';
    for (;;) {
      const c = this.src[this.i];
      if (c === undefined) this.fail(`unterminated ${q}`);
      this.i++;
      if (c === q) return out;
      if (c === '\\') {
        const e = this.src[this.i++];
        if (e === undefined) this.fail('unterminated escape');
        out += ESCAPES[e] ?? e;
      } else out += c;
    }
  }

  value(): Term {
    this.ws();
    const c = this.peek();
    if (c === undefined) this.fail('expected a value');
    if (c === '[') return this.seq('[', ']');
    if (c === '{') return new Tuple(this.seq('{', '}'));
    if (this.eat('%{')) return this.map();
    if (c === '"') {
      this.i++;
      return this.quoted('"');
    }
    if (c === "'") {
      this.i++;
      return [...this.quoted("'")].map((ch) => ch.codePointAt(0)!);
    }
    if (this.eat('~c"')) return [...this.quoted('"')].map((ch) => ch.codePointAt(0)!);
    if (c === ':') {
      this.i++;
      if (this.eat('"')) return atom(this.quoted('"'));
      const m = /^[A-Za-z_][A-Za-z0-9_@.]*[?!]?/.exec(this.src.slice(this.i));
      if (!m) this.fail('expected an atom name after ":"');
      this.i += m[0].length;
      return atom(m[0]);
    }
    const num =
      /^[-+]?(?:0x[0-9a-fA-F_]+|0b[01_]+|0o[0-7_]+|\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][-+]?\d+)?)/.exec(
        this.src.slice(this.i),
      );
    if (num) {
      this.i += num[0].length;
      return number(num[0]);
    }
    const word = /^[A-Za-z_][A-Za-z0-9_.]*[?!]?/.exec(this.src.slice(this.i));
    if (word) {
      this.i += word[0].length;
      const w = word[0];
      if (w === 'true') return true;
      if (w === 'false') return false;
      if (w === 'nil') return null;
      if (/^[A-Z]/.test(w)) return moduleAtom(w);
      this.i -= w.length;
      this.fail(`bare word ${JSON.stringify(w)} (write an atom as :${w} or a string as "${w}")`);
    }
    return this.fail(`unexpected ${JSON.stringify(c)}`);
  }

  seq(open: string, close: string): Term[] {
    this.expect(open);
    const out: Term[] = [];
    this.ws();
    if (this.eat(close)) return out;
    for (;;) {
      this.ws();
      const k = open === '[' ? this.keyword() : undefined;
      out.push(k !== undefined ? new Tuple([atom(k), this.value()]) : this.value());
      this.ws();
      if (this.eat(close)) return out;
      if (!this.eat(',')) this.fail(`expected "," or "${close}"`);
    }
  }

  keyword(): string | undefined {
    const m = /^([A-Za-z_][A-Za-z0-9_]*[?!]?):(?!:)\s/.exec(this.src.slice(this.i));
    if (!m) return undefined;
    this.i += m[1]!.length + 1;
    return m[1];
  }

  map(): Term {
    const entries: [Term, Term][] = [];
    this.ws();
    if (!this.eat('}')) {
      for (;;) {
        this.ws();
        const k = this.keyword();
        if (k !== undefined) entries.push([atom(k), this.value()]);
        else {
          const key = this.value();
          this.expect('=>');
          entries.push([key, this.value()]);
        }
        this.ws();
        if (this.eat('}')) break;
        if (!this.eat(',')) this.fail('expected "," or "}"');
      }
    }
    if (entries.every(([k]) => isAtom(k))) {
      const obj: Record<string, Term> = {};
      for (const [k, v] of entries) obj[(k as Atom).name] = v;
      return obj;
    }
    return new Map(entries);
  }
}

function isAtom(t: Term): t is Atom {
  return t instanceof Atom;
}

function number(text: string): Term {
  const t = text.replace(/_/g, '');
  if (/^[-+]?\d+$/.test(t)) {
    const b = BigInt(t);
    return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(b)
      : b;
  }
  if (/^[-+]?0[xbo]/.test(t)) {
    const neg = t.startsWith('-');
    const b = BigInt(t.replace(/^[-+]/, ''));
    const v = neg ? -b : b;
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(v)
      : v;
  }
  const f = Number(t);
  return Number.isInteger(f) ? new Float(f) : f;
}

/**
 * The atom for a module written as on the command line: `Node` and `AgentFramework.X`
 * are Elixir modules (`Elixir.Node`), `:erlang`, `erlang` and `Elixir.Node` are taken as
 * written.
 *
 * @example
 * ```ts
 * moduleAtom('Node').name;   // 'Elixir.Node'
 * moduleAtom(':rpc').name;   // 'rpc'
 * ```
 */
export function moduleAtom(text: string): Atom {
  if (text.startsWith(':')) return atom(text.slice(1));
  if (/^[A-Z]/.test(text) && !text.startsWith('Elixir.')) return atom(`Elixir.${text}`);
  return atom(text);
}

/**
 * Parses one Elixir-like literal (the whole string).
 *
 * @example
 * ```ts
 * parseLiteral('{:ok, [1, 2.5, "x"], %{a: 1}}'); // tuple(atom('ok'), [1, 2.5, 'x'], { a: 1 })
 * ```
 */
export function parseLiteral(source: string): Term {
  const p = new Parser(source);
  const v = p.value();
  if (!p.done()) p.fail('unexpected text after the value');
  return v;
}

/**
 * Parses the argument list of an rpc: either one literal list (`"[1, :a]"`) or one
 * literal per command-line word (`1 :a`).
 *
 * @example
 * ```ts
 * parseArgs(['[1, 2]']); // [1, 2]
 * parseArgs(['1', ':a']); // [1, atom('a')]
 * ```
 */
export function parseArgs(words: readonly string[]): Term[] {
  if (words.length === 1 && words[0]!.trim().startsWith('[')) {
    const v = parseLiteral(words[0]!);
    if (Array.isArray(v)) return v as Term[];
  }
  return words.map((w) => parseLiteral(w));
}

/**
 * The JavaScript side of Erlang's values.
 *
 * | Erlang            | JavaScript                                                     |
 * | ----------------- | -------------------------------------------------------------- |
 * | atom              | {@link Atom} (interned); `true`/`false` ⇄ boolean; `nil` ⇄ null |
 * | integer           | `number` when it is a safe integer, else `bigint`              |
 * | float             | `number`; {@link Float} for a float with an integral value     |
 * | binary            | `string` (UTF-8 text) or `Uint8Array` (other bytes)             |
 * | bitstring         | {@link BitBinary}                                              |
 * | list              | `Array`; {@link ImproperList} when the tail is not `[]`        |
 * | tuple             | {@link Tuple}                                                  |
 * | map               | plain object when every key is an atom, else `Map`             |
 * | pid / ref / port  | {@link Pid} / {@link Ref} / {@link Port}                       |
 * | fun               | {@link ExportFun} (`fun m:f/a`) or {@link Fun} (opaque)        |
 *
 * These classes hold data only; encoding, decoding, equality and printing live in
 * their own modules.
 *
 * @module
 */
import { pidSlot, refSlot } from './encoded-slot.ts';

/**
 * Any value that can travel as an Erlang term.
 *
 * @example
 * ```ts
 * const t: Term = tuple(atom('ok'), [1, 2n, 'text', { name: 'x' }]);
 * ```
 */
export type Term =
  | number
  | bigint
  | string
  | boolean
  | null
  | Atom
  | Tuple
  | Pid
  | Ref
  | Port
  | Float
  | Uint8Array
  | BitBinary
  | ImproperList
  | ExportFun
  | Fun
  | readonly Term[]
  | ReadonlyMap<Term, Term>
  | TermObject;

/** A map whose keys are all atoms, written as a plain object (`%{a: 1}` ⇄ `{ a: 1 }`). */
export interface TermObject {
  readonly [key: string]: Term;
}

/** The most atoms the process-wide table holds (BEAM's default limit). */
export const ATOM_TABLE_LIMIT = 1_048_576;

/** The longest atom Erlang accepts, in characters. */
export const MAX_ATOM_LENGTH = 255;

const atomTable = new Map<string, Atom>();

/**
 * An Erlang atom. Atoms are interned: `atom('ok') === atom('ok')`, so `===` compares them
 * and they work as `Map` keys.
 *
 * The table is process-wide (as `Symbol.for` is) and bounded by {@link ATOM_TABLE_LIMIT};
 * decoding never grows it past that bound, and code that handles untrusted names (the
 * handshake, the port mapper) keeps them as strings instead of atoms.
 *
 * @example
 * ```ts
 * const ok = atom('ok');
 * ok.name; // 'ok'
 * ok === Atom.of('ok'); // true
 * ```
 */
export class Atom {
  /** The atom's text. */
  readonly name: string;

  /** Use {@link atom} or {@link Atom.of}; the constructor is for the table only. */
  private constructor(name: string) {
    this.name = name;
  }

  /**
   * The interned atom for `name`. Throws `RangeError` when `name` is longer than 255
   * characters or the table is full.
   */
  static of(name: string): Atom {
    const found = atomTable.get(name);
    if (found !== undefined) return found;
    if (name.length > MAX_ATOM_LENGTH && [...name].length > MAX_ATOM_LENGTH) {
      throw new RangeError(`atom too long (${[...name].length} characters, at most 255)`);
    }
    if (atomTable.size >= ATOM_TABLE_LIMIT) {
      throw new RangeError(`atom table full (${ATOM_TABLE_LIMIT} atoms)`);
    }
    const created = new Atom(name);
    atomTable.set(name, created);
    return created;
  }

  /** The interned atom for `name` when it already exists, else `undefined`. */
  static existing(name: string): Atom | undefined {
    return atomTable.get(name);
  }

  /** How many atoms the process-wide table holds. */
  static count(): number {
    return atomTable.size;
  }

  toString(): string {
    return this.name;
  }

  toJSON(): string {
    return this.name;
  }
}

/**
 * The interned atom for `name`.
 *
 * @example
 * ```ts
 * send(pid, tuple(atom('hello'), 1));
 * ```
 */
export function atom(name: string): Atom {
  return Atom.of(name);
}

/**
 * An Erlang tuple. Its elements are read with `t.elements[i]`, by destructuring
 * (`const [tag, value] = t`), or with `t.at(i)`.
 *
 * @example
 * ```ts
 * const t = tuple(atom('ok'), 42);
 * t.length;      // 2
 * const [tag, n] = t;
 * ```
 */
export class Tuple implements Iterable<Term> {
  readonly elements: readonly Term[];

  constructor(elements: readonly Term[]) {
    this.elements = elements;
  }

  get length(): number {
    return this.elements.length;
  }

  /** The element at `index` (0-based; negative counts from the end). */
  at(index: number): Term | undefined {
    return this.elements.at(index);
  }

  [Symbol.iterator](): Iterator<Term> {
    return this.elements[Symbol.iterator]();
  }
}

/**
 * Makes a tuple of its arguments.
 *
 * @example
 * ```ts
 * tuple(atom('error'), atom('not_found')); // {:error, :not_found}
 * ```
 */
export function tuple(...elements: Term[]): Tuple {
  return new Tuple(elements);
}

/**
 * A process identifier: the node it lives on, its number and serial, and the node's
 * creation (which incarnation of the node it belongs to).
 *
 * @example
 * ```ts
 * const p = new Pid(atom('a@host'), 113, 0, 1);
 * p.node.name; // 'a@host'
 * ```
 */
export class Pid {
  readonly node: Atom;
  readonly id: number;
  readonly serial: number;
  readonly creation: number;

  constructor(node: Atom, id: number, serial: number, creation: number) {
    this.node = node;
    this.id = id;
    this.serial = serial;
    this.creation = creation;
  }

  #key: string | undefined = undefined;
  /** The encoder's cache (see encoded-slot.ts). */
  #etf: unknown = undefined;

  static {
    pidSlot.get = (p) => p.#etf;
    pidSlot.set = (p, v) => {
      p.#etf = v;
    };
  }

  /** A string that is the same for equal pids: usable as a `Map` key (made once per pid). */
  get key(): string {
    return (this.#key ??= `${this.node.name}|${this.id}|${this.serial}|${this.creation}`);
  }
}

/**
 * A reference: `make_ref()`, monitor references and aliases. `ids` holds up to five
 * 32-bit words (three on OTP 25 and earlier, five with V4_NC).
 *
 * @example
 * ```ts
 * const r = new Ref(atom('a@host'), 1, [1, 2, 3]);
 * ```
 */
export class Ref {
  readonly node: Atom;
  readonly creation: number;
  readonly ids: readonly number[];

  constructor(node: Atom, creation: number, ids: readonly number[]) {
    this.node = node;
    this.creation = creation;
    this.ids = ids;
  }

  #key: string | undefined = undefined;
  /** The encoder's cache (see encoded-slot.ts). */
  #etf: unknown = undefined;

  static {
    refSlot.get = (r) => r.#etf;
    refSlot.set = (r, v) => {
      r.#etf = v;
    };
  }

  /**
   * A string that is the same for equal references: usable as a `Map` key (made once per
   * ref). Not for display: the creation and ids are in it as 16-bit character codes (no
   * number formatting: a remote process's monitor is looked up by it per DEMONITOR_P).
   */
  get key(): string {
    let k = this.#key;
    if (k === undefined) {
      const { creation, ids } = this;
      let s =
        creation >>> 0 === creation ? String.fromCharCode(creation >>> 16, creation & 0xffff) : '';
      for (let i = 0; i < ids.length && s !== ''; i++) {
        const id = ids[i]!;
        s = id >>> 0 === id ? s + String.fromCharCode(id >>> 16, id & 0xffff) : '';
      }
      // Words that are not 32-bit (a ref made by hand) keep their digits, after a `#`.
      k = this.#key =
        s !== '' ? `${this.node.name}|${s}` : `${this.node.name}#${creation}|${ids.join('.')}`;
    }
    return k;
  }
}

/**
 * A port identifier. `id` is a `bigint` because V4_PORT_EXT carries 64 bits.
 *
 * @example
 * ```ts
 * const p = new Port(atom('a@host'), 8n, 1);
 * ```
 */
export class Port {
  readonly node: Atom;
  readonly id: bigint;
  readonly creation: number;

  constructor(node: Atom, id: bigint, creation: number) {
    this.node = node;
    this.id = id;
    this.creation = creation;
  }

  /** A string that is the same for equal ports: usable as a `Map` key. */
  get key(): string {
    return `${this.node.name}|${this.id}|${this.creation}`;
  }
}

/**
 * A float whose value is integral (`1.0`), which a plain `number` cannot tell apart from
 * the integer `1`. Decoding gives a `Float` for every integral float; encoding a `Float`
 * always writes a float.
 *
 * @example
 * ```ts
 * encode(new Float(1)); // NEW_FLOAT_EXT 1.0, where encode(1) is the integer 1
 * ```
 */
export class Float {
  readonly value: number;

  constructor(value: number) {
    this.value = value;
  }

  valueOf(): number {
    return this.value;
  }
}

/**
 * A list whose tail is not the empty list, such as `[1 | 2]` or `[alias | Ref]`.
 * `elements` holds at least one element.
 *
 * @example
 * ```ts
 * new ImproperList([atom('alias')], ref); // [:alias | ref]
 * ```
 */
export class ImproperList {
  readonly elements: readonly Term[];
  readonly tail: Term;

  constructor(elements: readonly Term[], tail: Term) {
    if (elements.length === 0) throw new RangeError('an improper list needs at least one element');
    this.elements = elements;
    this.tail = tail;
  }
}

/**
 * A bitstring whose length is not a whole number of bytes. `bits` is how many bits of the
 * last byte are used (1 to 8), counted from its most significant bit.
 *
 * @example
 * ```ts
 * new BitBinary(Uint8Array.of(0b1010_0000), 3); // <<5::size(3)>>
 * ```
 */
export class BitBinary {
  readonly bytes: Uint8Array;
  readonly bits: number;

  constructor(bytes: Uint8Array, bits: number) {
    if (!Number.isInteger(bits) || bits < 1 || bits > 8) {
      throw new RangeError(`bits must be 1..8, got ${bits}`);
    }
    if (bytes.length === 0) throw new RangeError('a bit binary needs at least one byte');
    this.bytes = bytes;
    this.bits = bits;
  }
}

/**
 * An external fun, `fun Module:Name/Arity` (EXPORT_EXT).
 *
 * @example
 * ```ts
 * new ExportFun(atom('erlang'), atom('node'), 0); // &:erlang.node/0
 * ```
 */
export class ExportFun {
  readonly module: Atom;
  readonly name: Atom;
  readonly arity: number;

  constructor(module: Atom, name: Atom, arity: number) {
    this.module = module;
    this.name = name;
    this.arity = arity;
  }
}

/**
 * A closure from BEAM (NEW_FUN_EXT), carried opaquely: TypeScript cannot run it, but it
 * decodes, prints and encodes back unchanged so it can be passed along.
 *
 * @example
 * ```ts
 * if (value instanceof Fun) console.log(`a fun of arity ${value.arity} from ${value.module.name}`);
 * ```
 */
export class Fun {
  readonly arity: number;
  /** 16 bytes of MD5 of the module's code. */
  readonly uniq: Uint8Array;
  readonly index: number;
  readonly module: Atom;
  readonly oldIndex: number;
  readonly oldUniq: number;
  readonly pid: Pid;
  readonly freeVars: readonly Term[];

  constructor(fields: {
    arity: number;
    uniq: Uint8Array;
    index: number;
    module: Atom;
    oldIndex: number;
    oldUniq: number;
    pid: Pid;
    freeVars: readonly Term[];
  }) {
    this.arity = fields.arity;
    this.uniq = fields.uniq;
    this.index = fields.index;
    this.module = fields.module;
    this.oldIndex = fields.oldIndex;
    this.oldUniq = fields.oldUniq;
    this.pid = fields.pid;
    this.freeVars = fields.freeVars;
  }
}

/**
 * Decoded maps with atom keys become plain objects. Built key by key (`obj[name] = v`),
 * each object walks V8's hidden-class transitions one store at a time (a keyed store per
 * key, the most expensive part of decoding a small map). A key set seen a few times gets a
 * factory instead: a function returning an object literal, whose objects are made whole,
 * with their final hidden class, in one allocation. Internal to the decoder.
 *
 * The factories are made with `new Function` from the key names, each written as a
 * `JSON.stringify` string literal (so no name can be anything but a property name), and
 * never for `__proto__` (which in a literal sets the prototype). Where code generation is
 * disabled (`--disallow-code-generation-from-strings`), the decoder keeps building objects
 * key by key.
 *
 * @module
 */
import type { Atom, Term } from './types.ts';

/** Makes the object of a map's `items` (key, value, key, value...). */
type Factory = (items: readonly Term[]) => Record<string, Term>;

export interface Shape {
  /** The keys (atoms, booleans or null), compared by identity. */
  readonly keys: readonly Term[];
  /** How often the key set was seen before it got a factory. */
  seen: number;
  make: Factory | undefined;
  readonly next: Shape | undefined;
}

/** A key set gets its factory on this sighting: a one-off map costs no compilation. */
const FACTORY_AFTER = 4;
/** At most this many keys per map (flatmaps; larger maps are built key by key). */
export const MAX_SHAPE_KEYS = 32;
const MAX_SHAPES = 512;
const MAX_PER_FIRST_KEY = 8;

const shapes = new Map<Term, Shape>();
let canGenerate = true;

/**
 * The shape of the key set of `items` (keys at even indexes, values at odd ones) if it
 * was seen before ({@link recordShape}); its `make` is set once it was seen
 * often enough (and unless code generation is off). A shape is recorded only for keys
 * that were checked to be distinct, so a shape found means no key repeats.
 *
 * @example
 * ```ts
 * const s = findShape(items);
 * if (s?.make !== undefined) return s.make(items);
 * ```
 */
export function findShape(items: readonly Term[]): Shape | undefined {
  const count = items.length >> 1;
  for (let s = shapes.get(items[0]!); s !== undefined; s = s.next) {
    const k = s.keys;
    if (k.length === count) {
      let i = 1;
      while (i < count && k[i] === items[2 * i]) i++;
      if (i === count) {
        if (s.make === undefined && ++s.seen >= FACTORY_AFTER && canGenerate) {
          s.make = generate(k);
        }
        return s;
      }
    }
  }
  return undefined;
}

/**
 * Remembers the key set of `items` (atoms, booleans or null, checked to be distinct;
 * not found by {@link findShape}).
 *
 * @example
 * ```ts
 * if (shape === undefined) recordShape(items);
 * ```
 */
export function recordShape(items: readonly Term[]): void {
  if (!canGenerate || items.length > 2 * MAX_SHAPE_KEYS) return;
  const keys: Term[] = [];
  for (let i = 0; i < items.length; i += 2) {
    if (keyName(items[i]!) === '__proto__') return;
    keys.push(items[i]!);
  }
  const first = keys[0]!;
  const head = shapes.get(first);
  let chain = 0;
  for (let s = head; s !== undefined; s = s.next) chain++;
  if (shapes.size >= MAX_SHAPES) shapes.clear();
  shapes.set(first, {
    keys,
    seen: 1,
    make: undefined,
    next: chain < MAX_PER_FIRST_KEY ? head : undefined,
  });
}

/**
 * The property name of a map key that is an atom, a boolean or null.
 *
 * @example
 * ```ts
 * keyName(atom('id')); // 'id'
 * keyName(null); // 'nil'
 * ```
 */
export function keyName(k: Term): string {
  return k === null ? 'nil' : typeof k === 'boolean' ? String(k) : (k as Atom).name;
}

function generate(keys: readonly Term[]): Factory | undefined {
  const fields: string[] = [];
  for (let i = 0; i < keys.length; i++) {
    fields.push(`${JSON.stringify(keyName(keys[i]!))}: v[${2 * i + 1}]`);
  }
  try {
    return new Function('v', `return { ${fields.join(', ')} };`) as Factory;
  } catch {
    canGenerate = false;
    return undefined;
  }
}

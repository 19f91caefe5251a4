/**
 * Atoms and small term helpers shared by the agent framework: the Elixir module names the
 * services answer under, and readers for the maps and keyword lists BEAM callers send.
 *
 * @module
 */
import { Atom, Tuple, atom, type Term } from '../term/types.ts';

/** `Elixir.AgentFramework.<Name>`: the module atom Elixir writes as `AgentFramework.<Name>`. */
export function frameworkModule(name: string): Atom {
  return atom(`Elixir.AgentFramework.${name}`);
}

export const OK = atom('ok');
export const ERROR = atom('error');
export const NOT_FOUND = atom('not_found');
export const EMPTY = atom('empty');
export const IDLE = atom('idle');
export const BUSY = atom('busy');
export const NORMAL = atom('normal');
export const SHUTDOWN = atom('shutdown');
export const ALREADY_STARTED = atom('already_started');

/** The module names of the services (what `:rpc.call` and `GenServer.call` name). */
export const MODULES = {
  AgentServer: frameworkModule('AgentServer'),
  AgentSupervisor: frameworkModule('AgentSupervisor'),
  AgentDirectory: frameworkModule('AgentDirectory'),
  ClusterDirectory: frameworkModule('ClusterDirectory'),
  ClusterMonitor: frameworkModule('ClusterMonitor'),
  AgentRouter: frameworkModule('AgentRouter'),
  AgentEventLogger: frameworkModule('AgentEventLogger'),
  Registry: frameworkModule('Registry'),
  Supervisor: frameworkModule('Supervisor'),
  PubSub: frameworkModule('PubSub'),
} as const;

/** `{:ok, value}`. */
export function ok(value: Term): Tuple {
  return new Tuple([OK, value]);
}

/** `{:error, reason}`. */
export function err(reason: Term): Tuple {
  return new Tuple([ERROR, reason]);
}

/** Whether `t` is a tuple whose first element is the atom `tag` (and of `size`, if given). */
export function isTagged(t: Term | undefined, tag: Atom, size?: number): t is Tuple {
  return (
    t instanceof Tuple &&
    t.elements[0] === tag &&
    (size === undefined || t.elements.length === size)
  );
}

/**
 * Reads `key` of an Elixir map however it decoded: a plain object (atom keys) or a `Map`
 * (keys of any kind; an atom or a binary `key` matches).
 */
export function field(map: Term | undefined, key: string): Term | undefined {
  if (map instanceof Map) {
    for (const [k, v] of map as Map<Term, Term>) {
      if ((k instanceof Atom && k.name === key) || k === key) return v;
    }
    return undefined;
  }
  if (map !== null && typeof map === 'object' && Object.getPrototypeOf(map) === Object.prototype) {
    return (map as Record<string, Term>)[key];
  }
  return undefined;
}

/** Reads `key` from a keyword list (`[auto_process: true]`) or a map. */
export function option(opts: Term | undefined, key: string): Term | undefined {
  if (Array.isArray(opts)) {
    for (const item of opts) {
      if (item instanceof Tuple && item.elements.length === 2) {
        const k = item.elements[0];
        if (k instanceof Atom && k.name === key) return item.elements[1];
      }
    }
    return undefined;
  }
  return field(opts, key);
}

/** A node name as an atom. */
export function nodeAtom(n: Atom | string): Atom {
  return typeof n === 'string' ? atom(n) : n;
}

/** A task type or event type as an atom (`'search'` → `:search`). */
export function asAtom(x: Atom | string): Atom {
  return typeof x === 'string' ? atom(x) : x;
}

/** The text of an agent name: a binary (string) as the lesson uses, or an atom's name. */
export function nameText(t: Term): string | undefined {
  if (typeof t === 'string') return t;
  if (t instanceof Atom) return t.name;
  if (t instanceof Uint8Array) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(t);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Typed results of supervisor calls, decoded from the terms supervisor.erl (and our own
 * supervisors, which speak the same protocol) reply with. Decoding from terms means the
 * same client functions work against a BEAM supervisor on another node.
 *
 * @module
 */
import { Atom, atom, Pid, Tuple, tuple, type Term } from '../term/types.ts';
import type { ChildType } from './child-spec.ts';

/**
 * One entry of `which_children`: `{Id, Child, Type, Modules}`.
 *
 * @example
 * ```ts
 * const c: ChildInfo = { id: 'w', child: pid, type: 'worker', modules: [atom('w')] };
 * ```
 */
export interface ChildInfo {
  /** The child id (`undefined` atom for dynamic supervisors' children). */
  readonly id: Term;
  /** The running pid, `'restarting'`, or `'undefined'` (not running). */
  readonly child: Pid | 'restarting' | 'undefined';
  readonly type: ChildType;
  readonly modules: readonly Atom[] | 'dynamic';
}

/**
 * `count_children`: child specs, running children, and specs by type.
 *
 * @example
 * ```ts
 * const c: ChildCounts = { specs: 2, active: 2, supervisors: 0, workers: 2 };
 * ```
 */
export interface ChildCounts {
  readonly specs: number;
  readonly active: number;
  readonly supervisors: number;
  readonly workers: number;
}

/**
 * `start_child` / `restart_child`: `{ok, Pid}` (`pid` undefined when the start function
 * returned `ignore`), `{ok, Pid, Info}`, or `{error, Reason}`.
 *
 * @example
 * ```ts
 * const r: StartChildResult = { ok: false, reason: tuple(atom('already_started'), pid) };
 * ```
 */
export type StartChildResult =
  | { readonly ok: true; readonly pid: Pid | undefined; readonly info?: Term }
  | { readonly ok: false; readonly reason: Term };

/**
 * `ok` or `{error, Reason}` (terminate_child, delete_child).
 *
 * @example
 * ```ts
 * const r: OkResult = { ok: false, reason: atom('not_found') };
 * ```
 */
export type OkResult = { readonly ok: true } | { readonly ok: false; readonly reason: Term };

const OK = atom('ok');
const ERROR = atom('error');

function unexpected(what: string, t: Term): never {
  throw new TypeError(`unexpected ${what} reply: ${String(t)}`);
}

/** Decodes a `which_children` reply. */
export function decodeChildInfo(reply: Term): ChildInfo[] {
  if (!Array.isArray(reply)) unexpected('which_children', reply);
  return (reply as readonly Term[]).map((e) => {
    if (!(e instanceof Tuple) || e.length !== 4) unexpected('which_children', e);
    const [id, child, type, modules] = e.elements;
    const c: ChildInfo['child'] =
      child instanceof Pid ? child : child === atom('restarting') ? 'restarting' : 'undefined';
    const mods: ChildInfo['modules'] = Array.isArray(modules)
      ? (modules as readonly Term[]).filter((m): m is Atom => m instanceof Atom)
      : 'dynamic';
    return {
      id: id!,
      child: c,
      type: type === atom('supervisor') ? 'supervisor' : 'worker',
      modules: mods,
    };
  });
}

/**
 * The `count_children` reply a supervisor sends: `[{specs, N}, {active, N},
 * {supervisors, N}, {workers, N}]` for `children`, counting those `isActive` says are
 * running (the inverse of {@link decodeCounts}).
 *
 * @example
 * ```ts
 * countChildrenReply(children, (c) => !c.restarting); // [{specs, 2}, {active, 2}, ...]
 * ```
 */
export function countChildrenReply<C extends { readonly spec: { readonly type: ChildType } }>(
  children: Iterable<C>,
  isActive: (child: C) => boolean,
): Term {
  let specs = 0;
  let active = 0;
  let supervisors = 0;
  for (const c of children) {
    specs++;
    if (isActive(c)) active++;
    if (c.spec.type === 'supervisor') supervisors++;
  }
  return [
    tuple(atom('specs'), specs),
    tuple(atom('active'), active),
    tuple(atom('supervisors'), supervisors),
    tuple(atom('workers'), specs - supervisors),
  ];
}

/** Decodes a `count_children` reply (a proplist, or a map as Elixir returns it). */
export function decodeCounts(reply: Term): ChildCounts {
  const out = { specs: 0, active: 0, supervisors: 0, workers: 0 };
  if (Array.isArray(reply)) {
    for (const e of reply as readonly Term[]) {
      if (e instanceof Tuple && e.length === 2 && e.elements[0] instanceof Atom) {
        const k = e.elements[0].name;
        if (k in out && typeof e.elements[1] === 'number') {
          out[k as keyof typeof out] = e.elements[1];
        }
      }
    }
    return out;
  }
  if (reply !== null && typeof reply === 'object' && !(reply instanceof Tuple)) {
    const o = reply as Record<string, Term>;
    for (const k of Object.keys(out) as (keyof typeof out)[]) {
      if (typeof o[k] === 'number') out[k] = o[k];
    }
    return out;
  }
  unexpected('count_children', reply);
}

/** Decodes `{ok, Pid}` / `{ok, Pid, Info}` / `{error, Reason}`. */
export function decodeStartResult(reply: Term): StartChildResult {
  if (reply instanceof Tuple) {
    const [tag, a, b] = reply.elements;
    if (tag === OK && reply.length === 2)
      return { ok: true, pid: a instanceof Pid ? a : undefined };
    if (tag === OK && reply.length === 3) {
      return { ok: true, pid: a instanceof Pid ? a : undefined, info: b! };
    }
    if (tag === ERROR && reply.length === 2) return { ok: false, reason: a! };
  }
  if (reply === atom('ignore')) return { ok: true, pid: undefined };
  unexpected('start_child', reply);
}

/** Decodes `ok` / `{error, Reason}`. */
export function decodeOk(reply: Term): OkResult {
  if (reply === OK) return { ok: true };
  if (reply instanceof Tuple && reply.length === 2 && reply.elements[0] === ERROR) {
    return { ok: false, reason: reply.elements[1]! };
  }
  unexpected('ok/error', reply);
}

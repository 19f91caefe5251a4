/**
 * Child specs that arrive as Erlang terms, from a BEAM node calling
 * `supervisor:start_child({Name, Node}, Spec)` or Elixir's
 * `DynamicSupervisor.start_child({Name, Node}, Spec)`.
 *
 * A TypeScript supervisor cannot run an Erlang `{M, F, A}`; a {@link StartResolver} given
 * to the supervisor maps it to a start function (for example a table of services the
 * node offers under their Erlang/Elixir module names). Without one, or when it returns
 * `undefined`, the start fails as OTP's does for a module that is not loaded:
 * `{'EXIT', {undef, [{M, F, A, []}]}}`.
 *
 * Accepted forms (supervisor.erl `check_childspec/2`, Elixir's wire form):
 * - `#{id := Id, start := {M, F, A}, restart => R, shutdown => S, type => T, modules => Ms}`
 * - `{Id, {M, F, A}, Restart, Shutdown, Type, Modules}`
 * - (DynamicSupervisor) `{{M, F, A}, Restart, Shutdown, Type, Modules}`
 *
 * @module
 */
import { Atom, atom, Tuple, tuple, type Term, type TermObject } from '../term/types.ts';
import {
  checkChildSpec,
  type ChildSpec,
  type NormalizedChildSpec,
  type StartFunction,
} from './child-spec.ts';
import { ChildSpecError } from './errors.ts';

/**
 * Maps an Erlang `{Module, Function, Args}` to a start function, or `undefined` when this
 * node does not provide it.
 *
 * @example
 * ```ts
 * const resolveStart: StartResolver = (m, f, args) =>
 *   m.name === 'Elixir.Worker' && f.name === 'start_link' ? (sup) => GenServer.startLink(sup, Worker, args[0] ?? null) : undefined;
 * ```
 */
export type StartResolver = (
  module: Atom,
  fun: Atom,
  args: readonly Term[],
) => StartFunction | undefined;

function optionName(value: Term | undefined): string | undefined {
  return value instanceof Atom ? value.name : undefined;
}

function resolveMfa(
  mfa: Term,
  resolve: StartResolver | undefined,
): { start: StartFunction; mfa: Tuple } {
  if (
    !(mfa instanceof Tuple) ||
    mfa.length !== 3 ||
    !(mfa.elements[0] instanceof Atom) ||
    !(mfa.elements[1] instanceof Atom) ||
    !Array.isArray(mfa.elements[2])
  ) {
    throw new ChildSpecError(tuple(atom('invalid_mfa'), mfa), 'start must be {M, F, A}');
  }
  const [m, f, a] = mfa.elements as [Atom, Atom, readonly Term[]];
  const found = resolve?.(m, f, a);
  const start: StartFunction =
    found ??
    (() => tuple(atom('error'), tuple(atom('EXIT'), tuple(atom('undef'), [tuple(m, f, a, [])]))));
  return { start, mfa: mfa };
}

function finish(spec: ChildSpec, mfa: Tuple, modules: Term | undefined): NormalizedChildSpec {
  const n = checkChildSpec({ ...spec, modules: undefined });
  let mods: NormalizedChildSpec['modules'] = [mfa.elements[0] as Atom];
  if (modules === atom('dynamic')) mods = 'dynamic';
  else if (Array.isArray(modules)) {
    mods = (modules as readonly Term[]).map((x) => {
      if (!(x instanceof Atom))
        throw new ChildSpecError(tuple(atom('invalid_module'), x), 'module');
      return x;
    });
  } else if (modules !== undefined) {
    throw new ChildSpecError(tuple(atom('invalid_modules'), modules), 'modules');
  }
  return { ...n, mfargs: mfa, modules: mods };
}

function shutdownOf(v: Term | undefined): ChildSpec['shutdown'] {
  if (v === undefined || typeof v === 'number') return v;
  return (optionName(v) ?? v) as ChildSpec['shutdown'];
}

/**
 * A static supervisor's child spec from an Erlang term (map or 6-tuple).
 *
 * @example
 * ```ts
 * childSpecFromTerm({ id: atom('w'), start: tuple(atom('m'), atom('start_link'), []) }, resolve);
 * ```
 */
export function childSpecFromTerm(
  term: Term,
  resolve: StartResolver | undefined,
): NormalizedChildSpec {
  let fields: Record<string, Term | undefined>;
  if (term instanceof Tuple && term.length === 6) {
    const [id, start, restart, shutdown, type, modules] = term.elements;
    fields = { id, start, restart, shutdown, type, modules };
  } else if (
    term !== null &&
    typeof term === 'object' &&
    Object.getPrototypeOf(term) === Object.prototype
  ) {
    fields = term as TermObject;
  } else {
    throw new ChildSpecError(tuple(atom('invalid_child_spec'), term), 'not a child spec');
  }
  if (fields.id === undefined) throw new ChildSpecError(atom('missing_id'), 'missing id');
  if (fields.start === undefined) throw new ChildSpecError(atom('missing_start'), 'missing start');
  const { start, mfa } = resolveMfa(fields.start, resolve);
  return finish(
    {
      id: fields.id,
      start,
      restart: (optionName(fields.restart) ?? fields.restart) as ChildSpec['restart'],
      shutdown: shutdownOf(fields.shutdown),
      type: (optionName(fields.type) ?? fields.type) as ChildSpec['type'],
    },
    mfa,
    fields.modules,
  );
}

/**
 * A DynamicSupervisor child from Elixir's wire form `{{M, F, A}, Restart, Shutdown, Type,
 * Modules}`.
 *
 * @example
 * ```ts
 * dynamicSpecFromTerm(tuple(mfa, atom('temporary'), 5000, atom('worker'), [m]), resolve);
 * ```
 */
export function dynamicSpecFromTerm(
  term: Term,
  resolve: StartResolver | undefined,
): NormalizedChildSpec {
  if (!(term instanceof Tuple) || term.length !== 5) {
    throw new ChildSpecError(tuple(atom('invalid_child_spec'), term), 'not a child spec');
  }
  const [mfaTerm, restart, shutdown, type, modules] = term.elements;
  const { start, mfa } = resolveMfa(mfaTerm!, resolve);
  return finish(
    {
      id: atom('undefined'),
      start,
      restart: (optionName(restart) ?? restart) as ChildSpec['restart'],
      shutdown: shutdownOf(shutdown),
      type: (optionName(type) ?? type) as ChildSpec['type'],
    },
    mfa,
    modules,
  );
}

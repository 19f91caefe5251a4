/**
 * Errors of the rpc layer, and the three signals a TypeScript function uses to end a call
 * the way an Erlang function would (`throw/1`, `exit/1`, `error/1,2`).
 *
 * Two kinds of failure, as everywhere in beamlink (STYLE.md §3.4):
 *
 * - {@link ErpcError} is what `erpc.call` rejects with: its `kind` and `reason` are the
 *   class and reason `erpc:call/5` raises on BEAM (`error {exception, R, Stack}`,
 *   `exit {exception, R}`, `exit {signal, R}`, `error {erpc, timeout}`, …), so code ported
 *   from Erlang matches on the same terms. `rpc.call` never rejects: it resolves with the
 *   result or `{badrpc, Reason}` as a term.
 * - {@link ErlThrow}, {@link ErlExit} and {@link ErlError} are thrown *by* functions
 *   exposed to the cluster ({@link erlThrow}, {@link erlExit}, {@link erlError}) to pick
 *   the result shape BEAM's caller sees.
 *
 * @module
 */
import { BeamlinkError } from '../errors.ts';
import { Atom, Tuple, type Term } from '../term/types.ts';

/**
 * The class of an Erlang exception.
 *
 * @example
 * ```ts
 * const kind: ErlClass = 'throw';
 * ```
 */
export type ErlClass = 'throw' | 'exit' | 'error';

/**
 * `erpc:call/5` failed. `kind` and `reason` are the class and reason erpc raises on BEAM:
 *
 * | what happened                       | kind    | reason                          |
 * | ----------------------------------- | ------- | ------------------------------- |
 * | the function threw `V`              | `throw` | `V`                             |
 * | the function exited with `R`        | `exit`  | `{exception, R}`                |
 * | the function raised error `R`       | `error` | `{exception, R, Stack}`         |
 * | the process died otherwise (`R`)    | `exit`  | `{signal, R}`                   |
 * | no answer in time                   | `error` | `{erpc, timeout}`               |
 * | the node is down / went down        | `error` | `{erpc, noconnection}`          |
 * | the spawn was refused (`R`)         | `error` | `{erpc, R}` (`notsup`, `badarg`) |
 *
 * @example
 * ```ts
 * try { await node.erpc.call('erl@vm', 'erlang', 'error', [atom('boom')]) }
 * catch (e) { if (e instanceof ErpcError) console.log(e.kind, formatTerm(e.reason)) }
 * // error {exception,boom,[{erlang,error,[boom],[]}]}
 * ```
 */
export class ErpcError extends BeamlinkError {
  readonly kind: ErlClass;
  readonly reason: Term;
  /** The target node. */
  readonly node: string;

  constructor(kind: ErlClass, reason: Term, node: string, message: string) {
    super('BL_ERR_ERPC', message);
    this.kind = kind;
    this.reason = reason;
    this.node = node;
  }
}

/**
 * Thrown by an exposed function to end the call with `throw(Value)`: `rpc:call` returns
 * the value itself, `erpc:call` throws it.
 *
 * @example
 * ```ts
 * modules.define('kv', { get: (k: string) => { throw new ErlThrow(tuple(atom('not_found'), k)) } });
 * ```
 */
export class ErlThrow extends BeamlinkError {
  readonly value: Term;

  constructor(value: Term) {
    super('BL_ERR_ERL_THROW', 'erlang throw');
    this.value = value;
  }
}

/**
 * Thrown by an exposed function to end the call with `exit(Reason)`: `rpc:call` returns
 * `{badrpc, {'EXIT', Reason}}`, `erpc:call` exits with `{exception, Reason}`.
 *
 * @example
 * ```ts
 * modules.define('svc', { stop: () => { throw new ErlExit(atom('shutdown')) } });
 * ```
 */
export class ErlExit extends BeamlinkError {
  readonly reason: Term;

  constructor(reason: Term) {
    super('BL_ERR_ERL_EXIT', 'erlang exit');
    this.reason = reason;
  }
}

/**
 * Thrown by an exposed function to end the call with `error(Reason)` and a stack (default
 * `[]`; the caller then sees `[{M, F, Args, []}]`, as erpc trims a stack to the called
 * function). Any other thrown `Error` becomes error `{js_error, Name, Message}` with
 * the V8 frames as the stack.
 *
 * @example
 * ```ts
 * modules.define('math', { div: (a: number, b: number) => { if (b === 0) throw new ErlError(atom('badarith')); return a / b } });
 * ```
 */
export class ErlError extends BeamlinkError {
  readonly reason: Term;
  /** The Erlang stack (`[{M, F, ArityOrArgs, Location}]`), when given. */
  readonly erlStack: readonly Term[] | undefined;

  constructor(reason: Term, stack?: readonly Term[]) {
    super('BL_ERR_ERL_ERROR', 'erlang error');
    this.reason = reason;
    this.erlStack = stack;
  }
}

/**
 * Ends the running exposed function with `throw(value)`.
 *
 * @example
 * ```ts
 * modules.define('m', { f: () => erlThrow(atom('nope')) });
 * ```
 */
export function erlThrow(value: Term): never {
  throw new ErlThrow(value);
}

/**
 * Ends the running exposed function with `exit(reason)`.
 *
 * @example
 * ```ts
 * modules.define('m', { f: () => erlExit(atom('normal')) });
 * ```
 */
export function erlExit(reason: Term): never {
  throw new ErlExit(reason);
}

/**
 * Ends the running exposed function with `error(reason)` (optionally with a stack).
 *
 * @example
 * ```ts
 * modules.define('m', { f: (x: Term) => erlError(tuple(atom('badarg'), x)) });
 * ```
 */
export function erlError(reason: Term, stack?: readonly Term[]): never {
  throw new ErlError(reason, stack);
}

/**
 * A module definition was refused: a bad name, an arity that does not match, or a module
 * that is already defined (and `replace` was not asked for).
 *
 * @example
 * ```ts
 * try { modules.define('erlang', {}) } catch (e) { if (e instanceof ModuleDefinitionError) console.log(e.module) }
 * ```
 */
export class ModuleDefinitionError extends BeamlinkError {
  readonly module: string;

  constructor(module: string, message: string) {
    super('BL_ERR_RPC_MODULE', message);
    this.module = module;
  }
}

/**
 * `{badrpc, Reason}` as rpc returns it.
 *
 * @example
 * ```ts
 * badRpc(atom('nodedown')); // {badrpc, nodedown}
 * ```
 */
export function badRpc(reason: Term): Tuple {
  return new Tuple([BADRPC, reason]);
}

/**
 * Whether `value` is `{badrpc, Reason}`, what `rpc.call` resolves with on failure.
 *
 * @example
 * ```ts
 * const r = await node.rpc.call('erl@vm', 'erlang', 'node', []);
 * if (isBadRpc(r)) console.log('failed:', formatTerm(r.elements[1]));
 * ```
 */
export function isBadRpc(value: unknown): value is Tuple {
  return value instanceof Tuple && value.elements.length === 2 && value.elements[0] === BADRPC;
}

const BADRPC = Atom.of('badrpc');

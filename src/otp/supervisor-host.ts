/**
 * The process around a supervisor: start-up handshake, gen_server's call protocol, `sys`
 * termination, the parent's exit, and the client side of calls.
 *
 * Supervisors in OTP are gen_servers, and BEAM peers talk to them as such
 * (`supervisor:which_children({Name, Node})` sends `{'$gen_call', {From, Tag}, which_children}`),
 * so this host speaks exactly that protocol:
 *
 * - `{'$gen_call', {From, Tag}, Request}` → the reply goes back as `{Tag, Reply}`, to the
 *   alias when `Tag` is `[alias | Ref]` (OTP 24+ callers) and to `From` otherwise;
 * - `{'$gen_cast', Request}` → handled, no reply;
 * - `{system, From, {terminate, Reason}}` (`proc_lib:stop/3`, `gen_server:stop/3`) → stop
 *   with `Reason`; `{system, From, get_state}` → the state term; other system requests
 *   are answered with `{error, {unknown_system_msg, Req}}`-like replies;
 * - `{'EXIT', Parent, Reason}` from the process that started it → stop with `Reason`;
 * - anything else → `handleInfo`.
 *
 * Stopping runs `terminate(Reason)` (which stops the children) and exits with `Reason`.
 *
 * @module
 */
import type { Process } from '../process/process.ts';
import type { Runtime } from '../process/runtime.ts';
import { ExitError, NameError, ProcessExitedError } from '../process/errors.ts';
import { Atom, atom, ImproperList, Pid, Ref, Tuple, tuple, type Term } from '../term/types.ts';
import type { Dest } from '../process/process.ts';
import { reasonOfThrown } from './child-lifecycle.ts';
import { childIdKey, type ChildSpecInput } from './child-spec.ts';
import { ChildSpecError, SupervisorStartError } from './errors.ts';

const GEN_CALL = atom('$gen_call');
const GEN_CAST = atom('$gen_cast');
const SYSTEM = atom('system');
const EXIT = atom('EXIT');
const DOWN = atom('DOWN');
const ALIAS = atom('alias');

/** What a host's callbacks return when the server must stop. */
export interface Stop {
  readonly stop: Term;
}

/**
 * The callbacks of a supervisor-like server.
 *
 * @example
 * ```ts
 * const cb: HostCallbacks = { init, handleCall, handleCast, handleInfo, terminate, state };
 * ```
 */
export interface HostCallbacks {
  /** Runs in the new process before `startLink` returns; throw {@link InitStop} to fail. */
  init(): Promise<void>;
  handleCall(request: Term, from: Term): Promise<Term | { reply: Term; stop: Term }>;
  handleCast(request: Term): Promise<void | Stop>;
  handleInfo(message: Term): Promise<void | Stop>;
  terminate(reason: Term): Promise<void>;
  /** The state for `sys:get_state/1` and introspection. */
  state(): Term;
}

/**
 * Thrown from `init` to make the start fail with `reason` (gen_server's `{stop, Reason}`).
 *
 * @example
 * ```ts
 * throw new InitStop(tuple(atom('shutdown'), tuple(atom('failed_to_start_child'), id, why)));
 * ```
 */
export class InitStop {
  readonly reason: Term;
  constructor(reason: Term) {
    this.reason = reason;
  }
}

/** Options of {@link startHost}. */
export interface HostOptions {
  readonly name?: Atom | string;
  readonly label: string;
}

function isProcess(x: Process | Runtime): x is Process {
  return (x as Process).pid instanceof Pid && (x as Process).runtime !== undefined;
}

/**
 * Sends `reply` to a gen_server caller `{Pid, Tag}` as gen:reply/2 does.
 *
 * @example
 * ```ts
 * replyTo(self, from, atom('ok'));
 * ```
 */
export function replyTo(self: Process, from: Term, reply: Term): void {
  if (!(from instanceof Tuple) || from.length !== 2) return;
  const [pid, tag] = from.elements;
  if (tag instanceof ImproperList) {
    const head = tag.elements[0];
    if (head === ALIAS && tag.tail instanceof Ref) return self.send(tag.tail, tuple(tag, reply));
    if (head instanceof ImproperList && head.elements[0] === ALIAS && head.tail instanceof Ref) {
      return self.send(head.tail, tuple(tag, reply));
    }
  }
  if (pid instanceof Pid) self.send(pid, tuple(tag!, reply));
}

/**
 * Spawns the server (linked to `starter` when it is a process), runs `init` inside it, and
 * resolves with its pid once `init` is done; rejects with {@link SupervisorStartError}
 * (`reason` as `start_link` returns it in `{error, Reason}`) when it fails. As in OTP 25,
 * a failed start also exits the new process with that reason, so a linked starter that
 * does not trap exits dies with it.
 */
export function startHost(
  starter: Process | Runtime,
  options: HostOptions,
  make: (self: Process) => HostCallbacks,
): Promise<Pid> {
  const runtime = isProcess(starter) ? starter.runtime : starter;
  const parent = isProcess(starter) ? starter.pid : undefined;
  if (options.name !== undefined) {
    const existing = runtime.whereis(options.name);
    if (existing) {
      return Promise.reject(
        new SupervisorStartError(
          tuple(atom('already_started'), existing),
          `a process is already registered as ${String(options.name)}`,
        ),
      );
    }
  }
  return new Promise<Pid>((resolve, reject) => {
    const body = async (self: Process): Promise<void> => {
      let cb: HostCallbacks;
      try {
        cb = make(self);
        await cb.init();
      } catch (e) {
        const reason = e instanceof InitStop ? e.reason : reasonOfThrown(e);
        if (options.name !== undefined && runtime.whereis(options.name)?.key === self.pid.key) {
          runtime.unregister(options.name);
        }
        reject(new SupervisorStartError(reason, `supervisor failed to start`));
        throw e instanceof ProcessExitedError ? e : new ExitError(reason);
      }
      resolve(self.pid);
      self.handle((m) => dispatch(self, cb, parent, m));
    };
    const spawnOptions = { trapExit: true, label: options.label, name: options.name };
    if (isProcess(starter)) starter.spawnLink(body, spawnOptions);
    else runtime.spawn(body, spawnOptions);
  });
}

async function stopWith(cb: HostCallbacks, reason: Term): Promise<never> {
  await cb.terminate(reason);
  throw new ExitError(reason);
}

async function dispatch(
  self: Process,
  cb: HostCallbacks,
  parent: Pid | undefined,
  m: Term,
): Promise<void> {
  if (m instanceof Tuple) {
    const tag = m.elements[0];
    if (tag === GEN_CALL && m.length === 3) {
      const from = m.elements[1]!;
      const r = await cb.handleCall(m.elements[2]!, from);
      if (r !== null && typeof r === 'object' && 'stop' in r && 'reply' in r) {
        replyTo(self, from, r.reply);
        return stopWith(cb, r.stop);
      }
      replyTo(self, from, r as Term);
      return;
    }
    if (tag === GEN_CAST && m.length === 2) {
      const r = await cb.handleCast(m.elements[1]!);
      if (r) return stopWith(cb, r.stop);
      return;
    }
    if (tag === SYSTEM && m.length === 3) return system(self, cb, m.elements[1]!, m.elements[2]!);
    if (tag === EXIT && m.length === 3 && parent && m.elements[1] instanceof Pid) {
      if (m.elements[1].key === parent.key) return stopWith(cb, m.elements[2]!);
    }
  }
  const r = await cb.handleInfo(m);
  if (r) return stopWith(cb, r.stop);
}

async function system(self: Process, cb: HostCallbacks, from: Term, req: Term): Promise<void> {
  if (req instanceof Tuple && req.length === 2 && req.elements[0] === atom('terminate')) {
    // sys.erl replies `ok` first, then terminates (sys:terminate/3 waits for the reply).
    replyTo(self, from, atom('ok'));
    return stopWith(cb, req.elements[1]!);
  }
  if (req === atom('get_state')) return replyTo(self, from, cb.state());
  if (req === atom('suspend') || req === atom('resume')) return replyTo(self, from, atom('ok'));
  replyTo(self, from, tuple(atom('error'), tuple(atom('unknown_system_msg'), req)));
}

/**
 * gen_server:call/3 from `caller` (a process, or a runtime: then a short-lived process
 * makes the call). Resolves with the reply; rejects with an {@link ExitError} whose
 * reason is `{Reason, {gen_server, call, [Dest, Request, Timeout]}}` as gen_server exits
 * (`noproc`, `timeout`, the server's exit reason, `{nodedown, Node}`).
 *
 * @example
 * ```ts
 * const children = await callServer(self, sup, atom('which_children'));
 * ```
 */
export async function callServer(
  caller: Process | Runtime,
  dest: Dest,
  request: Term,
  timeout = Infinity,
): Promise<Term> {
  if (!isProcess(caller)) {
    return new Promise<Term>((resolve, reject) => {
      caller.spawn(
        async (self) => {
          try {
            resolve(await callServer(self, dest, request, timeout));
          } catch (e) {
            reject(e);
          }
        },
        { label: 'gen_server:call' },
      );
    });
  }
  const self = caller;
  const target = dest instanceof Ref ? undefined : dest;
  const mref = target === undefined ? self.makeRef() : self.monitor(target);
  const callTerm = (reason: Term): Term =>
    tuple(
      reason,
      tuple(atom('gen_server'), atom('call'), [
        destTerm(dest),
        request,
        timeout === Infinity ? atom('infinity') : timeout,
      ]),
    );
  try {
    self.send(dest, tuple(GEN_CALL, tuple(self.pid, mref), request));
  } catch (e) {
    // An unregistered local name: the monitor's DOWN (noproc) answers below. Anything
    // else (a request that cannot be encoded for a remote node) is the caller's mistake.
    if (!(e instanceof NameError)) {
      self.demonitor(mref, { flush: true });
      throw e;
    }
  }
  const m = await self.receive(
    (x) =>
      x instanceof Tuple &&
      ((x.length === 2 && x.elements[0] instanceof Ref && x.elements[0].key === mref.key) ||
        (x.length === 5 &&
          x.elements[0] === DOWN &&
          x.elements[1] instanceof Ref &&
          x.elements[1].key === mref.key)),
    { timeout },
  );
  if (m === undefined) {
    self.demonitor(mref, { flush: true });
    throw new ExitError(callTerm(atom('timeout')), 'gen_server call timed out');
  }
  const t = m as Tuple;
  if (t.length === 2) {
    self.demonitor(mref, { flush: true });
    return t.elements[1]!;
  }
  let reason = t.elements[4]!;
  const object = t.elements[3];
  if (reason === atom('noconnection')) {
    const node =
      object instanceof Pid
        ? object.node
        : object instanceof Tuple
          ? object.elements[1]!
          : atom('nonode@nohost');
    reason = tuple(atom('nodedown'), node);
  }
  throw new ExitError(callTerm(reason), 'gen_server call failed');
}

function destTerm(dest: Dest): Term {
  if (typeof dest === 'string') return atom(dest);
  if (Array.isArray(dest)) {
    const [n, node] = dest as readonly [Atom | string, Atom | string];
    return tuple(typeof n === 'string' ? atom(n) : n, typeof node === 'string' ? atom(node) : node);
  }
  return dest as Term;
}

/**
 * gen_server:cast/2: `{'$gen_cast', Request}`, never fails.
 *
 * @example
 * ```ts
 * castServer(self, sup, tuple(atom('try_again_restart'), id));
 * ```
 */
export function castServer(caller: Process | Runtime, dest: Dest, request: Term): void {
  const msg = tuple(GEN_CAST, request);
  try {
    if (isProcess(caller)) caller.send(dest, msg);
    else caller.send(dest, msg);
  } catch {
    // gen_server:cast never fails, even for an unregistered name.
  }
}

/**
 * Stops a server with `reason` and waits until it is gone (gen_server:stop/3): resolves
 * when it exited with `reason`, rejects with an ExitError otherwise (`noproc` if it was
 * not running).
 *
 * @example
 * ```ts
 * await stopServer(self, sup, atom('normal'));
 * ```
 */
export async function stopServer(
  caller: Process | Runtime,
  dest: Dest,
  reason: Term,
  timeout = Infinity,
): Promise<void> {
  if (!isProcess(caller)) {
    return new Promise<void>((resolve, reject) => {
      caller.spawn(async (self) => {
        try {
          await stopServer(self, dest, reason, timeout);
          resolve();
        } catch (e) {
          reject(e);
        }
      });
    });
  }
  const self = caller;
  const target = dest instanceof Ref ? undefined : dest;
  if (target === undefined) throw new ExitError(atom('noproc'), 'cannot stop an alias');
  const mref = self.monitor(target);
  try {
    self.send(dest, tuple(SYSTEM, tuple(self.pid, mref), tuple(atom('terminate'), reason)));
  } catch (e) {
    // An unregistered local name: the monitor's DOWN (noproc) answers below.
    if (!(e instanceof NameError)) {
      self.demonitor(mref, { flush: true });
      throw e;
    }
  }
  const isDown = (x: Term): boolean =>
    x instanceof Tuple &&
    x.length === 5 &&
    x.elements[0] === DOWN &&
    x.elements[1] instanceof Ref &&
    x.elements[1].key === mref.key;
  const isReply = (x: Term): boolean =>
    x instanceof Tuple &&
    x.length === 2 &&
    x.elements[0] instanceof Ref &&
    x.elements[0].key === mref.key;
  // sys replies `ok` and then exits: wait for the DOWN, and drop the reply if it came.
  const m = await self.receive(isDown, { timeout });
  self.poll(isReply);
  if (m === undefined) {
    self.demonitor(mref, { flush: true });
    throw new ExitError(atom('timeout'), 'stop timed out');
  }
  const got = (m as Tuple).elements[4]!;
  if (childIdKey(got) === childIdKey(reason)) return;
  throw new ExitError(got, 'server stopped with another reason');
}

/**
 * Whether `dest` names a process on another node than `caller`'s runtime.
 *
 * @example
 * ```ts
 * isRemoteDest(self, ['sup', 'erl@host']); // true unless this node is erl@host
 * ```
 */
export function isRemoteDest(caller: Process | Runtime, dest: Dest): boolean {
  const node = isProcess(caller) ? caller.runtime.node : caller.node;
  if (dest instanceof Pid || dest instanceof Ref) return dest.node !== node;
  if (Array.isArray(dest)) {
    const n = (dest as readonly [Atom | string, Atom | string])[1];
    return (typeof n === 'string' ? n : n.name) !== node.name;
  }
  return false;
}

/**
 * A child spec travelling inside a local `{start_child, Spec}` call to a Supervisor or a
 * DynamicSupervisor: TypeScript functions cannot be terms, so the spec rides in this
 * wrapper (local calls only; {@link assertLocalSpec} refuses remote ones).
 *
 * @example
 * ```ts
 * const arg = new LocalSpec({ id: 'w', start: () => worker() }) as unknown as Term;
 * ```
 */
export class LocalSpec {
  readonly input: ChildSpecInput;
  constructor(input: ChildSpecInput) {
    this.input = input;
  }
}

/** Rejects sending a TypeScript child spec (functions) to another node. */
export function assertLocalSpec(caller: Process | Runtime, dest: Dest): void {
  if (isRemoteDest(caller, dest)) {
    throw new ChildSpecError(
      tuple(atom('invalid_child_spec'), atom('not_local')),
      'a TypeScript child spec cannot be sent to another node; pass an Erlang child-spec term',
    );
  }
}

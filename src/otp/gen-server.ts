/**
 * GenServer: gen_server's own message protocol on a beamlink process, so BEAM processes
 * can call a TypeScript server and the other way round.
 *
 * ## Example
 *
 * ```ts
 * class Counter extends GenServer<number, 'get' | 'inc', number, 'reset'> {
 *   init(start: Term) { return { ok: Number(start) } }
 *   handleCall(req: 'get' | 'inc', _from: From, n: number) {
 *     return req === 'inc' ? { reply: n + 1, state: n + 1 } : { reply: n, state: n };
 *   }
 *   handleCast(_req: 'reset', _n: number) { return { noreply: true, state: 0 } as const }
 * }
 * const pid = await GenServer.start(rt, new Counter(), 0, { name: 'counter' });
 * await GenServer.call(rt, 'counter', 'inc'); //=> 1
 * ```
 *
 * ## Client / server
 *
 * Every client function takes the caller first: a `Process` (inside a process body or
 * callback) or the `Runtime` (outside any process: a transient process makes the call).
 * `call(caller, dest, request, timeout = 5000)` sends `{'$gen_call', {Pid, Tag}, Request}`
 * with `Tag = [alias | Mref]` (OTP 24+: the monitor ref is also an alias, deactivated on
 * demonitor, so a reply after a timeout is dropped, never left in the mailbox) and waits
 * for `{Tag, Reply}` or the monitor's DOWN. Failures reject with an `ExitError` whose
 * `reason` is BEAM's: `{noproc | timeout | {nodedown, Node} | Reason, {gen_server, call,
 * [Dest, Request, Timeout]}}`. `cast` sends `{'$gen_cast', Request}` and never fails.
 *
 * The server side runs as a callback process (no promise per message): `init` once, then
 * `handleCall`, `handleCast`, `handleInfo` per message, each returning a plain result
 * object or a promise of one; while a promise is pending the server is busy and queues
 * messages, like a gen_server inside a callback.
 *
 * ## Names, timeouts, sys
 *
 * `name` registers locally, atomically (`{already_started, Pid}` when taken). Results may
 * carry `timeout` (a `timeout` atom arrives in `handleInfo` when no message came first)
 * and `continue` (`handleContinue` runs before the next message). The server answers
 * `sys`'s system messages: `get_state`, `replace_state`, `get_status`, `suspend`,
 * `resume`, `terminate` (what `GenServer.stop` uses).
 *
 * ## When not to use
 *
 * For a single reply, `Task`; for plain state no one else calls, a JS object.
 *
 * @module
 */
import {
  ExitError,
  type Process,
  formatTerm,
  Runtime,
  type Dest,
  crashReason,
  sameRef,
  samePid,
} from '../process/index.ts';
import { Atom, ImproperList, Pid, Ref, Tuple, type Term } from '../term/types.ts';
import { BeamlinkError } from '../errors.ts';

const GEN_CALL = Atom.of('$gen_call');
const GEN_CAST = Atom.of('$gen_cast');
const SYSTEM = Atom.of('system');
const SYS = Atom.of('sys');
const ALIAS = Atom.of('alias');
const DOWN = Atom.of('DOWN');
const EXIT = Atom.of('EXIT');
const NORMAL = Atom.of('normal');
const SHUTDOWN = Atom.of('shutdown');
const NOPROC = Atom.of('noproc');
const NOCONNECTION = Atom.of('noconnection');
const NODEDOWN = Atom.of('nodedown');
const TIMEOUT = Atom.of('timeout');
const CALLING_SELF = Atom.of('calling_self');
const ALIAS_DEMONITOR = { alias: 'demonitor' } as const;
const FIVE_SECONDS = { timeout: 5000 } as const;
const FLUSH = { flush: true } as const;
const INFINITY = Atom.of('infinity');
const GEN_SERVER = Atom.of('gen_server');
const CALL = Atom.of('call');
const OK = Atom.of('ok');
const ERROR = Atom.of('error');
const IGNORE = Atom.of('ignore');
const ALREADY_STARTED = Atom.of('already_started');
const GET_STATE = Atom.of('get_state');
const REPLACE_STATE = Atom.of('replace_state');
const GET_STATUS = Atom.of('get_status');
const SUSPEND = Atom.of('suspend');
const RESUME = Atom.of('resume');
const TERMINATE = Atom.of('terminate');
const STATUS = Atom.of('status');
const MODULE = Atom.of('module');
const RUNNING = Atom.of('running');
const SUSPENDED = Atom.of('suspended');
const HEADER = Atom.of('header');
const DATA = Atom.of('data');
const UNKNOWN_SYSTEM_MSG = Atom.of('unknown_system_msg');
const CALLBACK_FAILED = Atom.of('callback_failed');
const BADFUN = Atom.of('badfun');
const BAD_CALL = Atom.of('bad_call');
const BAD_CAST = Atom.of('bad_cast');

/**
 * Where a call came from: the `{Pid, Tag}` tuple gen_server passes to `handle_call`, which
 * also remembers the server so that {@link GenServer.reply} can answer later.
 *
 * @example
 * ```ts
 * handleCall(req, from, state) { pending.push(from); return { noreply: true, state } }
 * // later: GenServer.reply(pending.shift()!, 'done');
 * ```
 */
export class From extends Tuple {
  /** The server process that received the call. */
  readonly server: Process | null;

  constructor(pid: Pid, tag: Term, server: Process | null) {
    super([pid, tag]);
    this.server = server;
  }

  /** The caller's pid. */
  get pid(): Pid {
    return this.elements[0] as Pid;
  }

  /** The call's tag (a ref, or `[alias | Ref]`). */
  get tag(): Term {
    return this.elements[1]!;
  }
}

/** A JS function carried in a `replace_state` system message (local callers only). */
export class StateFun extends Tuple {
  readonly fn: (state: unknown) => unknown;

  constructor(fn: (state: unknown) => unknown) {
    super([Atom.of('beamlink_state_fun')]);
    this.fn = fn;
  }
}

/** `init`'s result. */
export type InitResult<S> =
  | { readonly ok: S; readonly timeout?: number; readonly continue?: Term }
  | { readonly stop: Term }
  | { readonly ignore: true };

/** A result that keeps running without replying. */
export interface NoReply<S> {
  readonly noreply: true;
  readonly state: S;
  readonly timeout?: number;
  readonly continue?: Term;
  readonly hibernate?: boolean;
}

/** A result that stops the server (`reply` answers the caller first). */
export interface Stop<S, R = Term> {
  readonly stop: Term;
  readonly reply?: R;
  readonly state: S;
}

/** `handleCall`'s result. */
export type CallResult<S, R> =
  | {
      readonly reply: R;
      readonly state: S;
      readonly timeout?: number;
      readonly continue?: Term;
      readonly hibernate?: boolean;
    }
  | NoReply<S>
  | Stop<S, R>;

/** `handleCast` / `handleInfo` / `handleContinue` result. */
export type NoReplyResult<S> = NoReply<S> | Stop<S>;

type MaybePromise<T> = T | Promise<T>;

/**
 * The callbacks of a server: all optional but `init`. `Req`, `Rep`, `Cast` type the
 * requests, replies and casts end to end.
 *
 * @example
 * ```ts
 * const echo: GenServerCallbacks<null> = {
 *   init: () => ({ ok: null }),
 *   handleCall: (req, _from, state) => ({ reply: req, state }),
 * };
 * ```
 */
export interface GenServerCallbacks<
  S,
  Req extends Term = Term,
  Rep extends Term = Term,
  Cast extends Term = Term,
> {
  init(arg: Term, self: Process): MaybePromise<InitResult<S>>;
  handleCall?(request: Req, from: From, state: S, self: Process): MaybePromise<CallResult<S, Rep>>;
  handleCast?(request: Cast, state: S, self: Process): MaybePromise<NoReplyResult<S>>;
  handleInfo?(message: Term, state: S, self: Process): MaybePromise<NoReplyResult<S>>;
  handleContinue?(arg: Term, state: S, self: Process): MaybePromise<NoReplyResult<S>>;
  terminate?(reason: Term, state: S, self: Process): unknown;
  /** The state as `sys:get_status` and crash reports show it (default: the state, when a Term). */
  formatState?(state: S): Term;
}

/** Options of `start` / `startLink`. */
export interface StartOptions {
  /** Register the server under this local name. */
  readonly name?: Atom | string;
  /** Milliseconds `init` may take (default: Infinity); then the server is killed. */
  readonly timeout?: number;
  /** What `processInfo` shows (default `GenServer <class name>`). */
  readonly label?: string;
  /** Trap exits from the start (a server that wants `terminate` on its parent's exit). */
  readonly trapExit?: boolean;
}

/**
 * `start`/`startLink` failed: `reason` is what gen_server's `{error, Reason}` holds
 * (`{already_started, Pid}`, init's stop reason, a crash), or the atom `ignore`.
 *
 * @example
 * ```ts
 * try { await GenServer.start(rt, impl, arg, { name: 'x' }) }
 * catch (e) { if (e instanceof StartError) console.log(formatTerm(e.reason)) }
 * ```
 */
export class StartError extends BeamlinkError {
  readonly reason: Term;

  constructor(reason: Term) {
    super('BL_ERR_START', `server did not start: ${formatTerm(reason)}`);
    this.reason = reason;
  }

  /** Whether `init` returned `ignore`. */
  get ignored(): boolean {
    return this.reason === IGNORE;
  }
}

/** The caller of a client function: a process, or the runtime (outside any process). */
export type Caller = Process | Runtime;

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function'
  );
}

function destTerm(dest: Dest): Term {
  if (typeof dest === 'string') return Atom.of(dest);
  if (Array.isArray(dest)) {
    const [n, node] = dest as readonly [Atom | string, Atom | string];
    return new Tuple([
      typeof n === 'string' ? Atom.of(n) : n,
      typeof node === 'string' ? Atom.of(node) : node,
    ]);
  }
  return dest as Term;
}

function isNormalExit(reason: Term): boolean {
  return (
    reason === NORMAL ||
    reason === SHUTDOWN ||
    (reason instanceof Tuple && reason.elements.length === 2 && reason.elements[0] === SHUTDOWN)
  );
}

/** Runs `fn` in a transient process when the caller is the runtime. */
function inProcess<T>(
  caller: Caller,
  label: string,
  fn: (self: Process) => Promise<T>,
): Promise<T> {
  if (!(caller instanceof Runtime)) return fn(caller);
  return new Promise<T>((resolve, reject) => {
    caller.spawn(
      async (self) => {
        try {
          resolve(await fn(self));
        } catch (e) {
          reject(e);
        }
      },
      { label },
    );
  });
}

/** Whether `t` is the call's tag `[alias | Mref]` (the same object, or a decoded copy). */
function isCallTag(t: Term | undefined, tag: ImproperList, mref: Ref): boolean {
  return (
    t === tag ||
    (t instanceof ImproperList &&
      t.elements.length === 1 &&
      t.elements[0] === ALIAS &&
      t.tail instanceof Ref &&
      sameRef(t.tail, mref))
  );
}

/**
 * `gen:call/4`: sends `{Label, {Self, [alias|Mref]}, Request}` and waits. Rejects with the
 * bare exit reason (`noproc`, `timeout`, `{nodedown, N}`, the server's exit reason).
 */
function genCall(
  self: Process,
  dest: Dest,
  label: Atom,
  request: Term,
  timeout: number,
  fail: (reason: Term) => ExitError,
): Promise<Term> {
  // not an async function: one `then` per call is cheaper than an async frame
  if (dest instanceof Ref) return Promise.reject(fail(Atom.of('badarg')));
  const target =
    typeof dest === 'string' || dest instanceof Atom || dest instanceof Pid
      ? dest
      : (dest as readonly [Atom | string, Atom | string]);
  // gen:do_call: a process calling itself would wait for ever
  let resolved: Pid | undefined;
  if (target instanceof Pid) resolved = target;
  else if (typeof target === 'string' || target instanceof Atom)
    resolved = self.runtime.whereis(target);
  else {
    const node = typeof target[1] === 'string' ? Atom.of(target[1]) : target[1];
    if (node === self.runtime.node) resolved = self.runtime.whereis(target[0]);
  }
  if (resolved !== undefined && samePid(resolved, self.pid)) {
    return Promise.reject(fail(CALLING_SELF));
  }
  let mref: Ref;
  try {
    mref = self.monitor(target, ALIAS_DEMONITOR);
  } catch (e) {
    return Promise.reject(e);
  }
  const tag = new ImproperList([ALIAS], mref);
  try {
    self.send(dest, new Tuple([label, new Tuple([self.pid, tag]), request]));
  } catch {
    // an unregistered local name: the monitor already queued DOWN noproc
  }
  // one closure per call: the reply {Tag, Reply} or the monitor's DOWN
  const match = (m: Term): boolean => {
    if (!(m instanceof Tuple)) return false;
    const el = m.elements;
    if (el.length === 2) return isCallTag(el[0], tag, mref);
    return el.length === 5 && el[0] === DOWN && el[1] instanceof Ref && sameRef(el[1], mref);
  };
  const received = self.receive(match, timeout === 5000 ? FIVE_SECONDS : { timeout });
  return received.then((r) => {
    const m = r as Tuple | undefined;
    if (m === undefined) {
      self.demonitor(mref, FLUSH);
      const late = self.poll(
        (x) => x instanceof Tuple && x.elements.length === 2 && isCallTag(x.elements[0], tag, mref),
      ) as Tuple | undefined;
      if (late !== undefined) return late.elements[1]!;
      throw fail(TIMEOUT);
    }
    if (m.elements.length === 2) {
      self.demonitor(mref, FLUSH);
      return m.elements[1]!;
    }
    const reason = m.elements[4]!;
    if (reason === NOCONNECTION) {
      const node =
        target instanceof Pid
          ? target.node
          : Array.isArray(target)
            ? destTerm(target as Dest)
            : self.runtime.node;
      throw fail(new Tuple([NODEDOWN, node instanceof Tuple ? node.elements[1]! : node]));
    }
    throw fail(reason);
  });
}

/** Sends `{Tag, Reply}` to the caller of `from` (via its alias when the tag is one). */
function sendReply(via: Process | Runtime, from: Tuple, value: Term): void {
  const pid = from.elements[0];
  const tag = from.elements[1]!;
  let alias: Ref | undefined;
  if (tag instanceof ImproperList) {
    const head = tag.elements[0];
    if (head === ALIAS && tag.tail instanceof Ref) alias = tag.tail;
    else if (
      head instanceof ImproperList &&
      head.elements[0] === ALIAS &&
      head.tail instanceof Ref
    ) {
      alias = head.tail;
    }
    if (alias === undefined) return;
  } else if (!(pid instanceof Pid)) return;
  const reply = new Tuple([tag, value]);
  try {
    // the alias straight to the runtime: no destination type tests per reply
    if (alias === undefined) via.send(pid as Pid, reply);
    else if (via instanceof Runtime) void via.sendAlias(undefined, alias, reply);
    else if (via.alive) void via.runtime.sendAlias(via.pid, alias, reply);
  } catch {
    // gen:reply ignores failures
  }
}

/**
 * Whether a `sys` caller expects `{ok, State}` (OTP 27's sys.erl; OTP 25's expects the bare
 * State and OTP 27's crashes with case_clause on it). Nothing in the handshake tells the
 * releases apart (both advertise the same flags), but their call tags do: OTP 26+ makes
 * alias refs of 5 words, OTP 25 of 3. Local callers (our own client, which unwraps
 * either form) get the newer form.
 */
function wrapsSysState(from: Tuple, self: Process): boolean {
  const pid = from.elements[0];
  if (pid instanceof Pid && pid.node === self.runtime.node) return true;
  const tag = from.elements[1];
  const ref = tag instanceof ImproperList ? tag.tail : tag;
  return ref instanceof Ref && ref.ids.length >= 5;
}

/** `{ok, State}` → State; `{error, Reason}` → an ExitError; anything else as is. */
function unwrapSysState(reply: Term): Term {
  if (reply instanceof Tuple && reply.elements.length === 2) {
    if (reply.elements[0] === OK) return reply.elements[1]!;
    if (reply.elements[0] === ERROR) {
      throw new ExitError(
        reply.elements[1]!,
        `sys request failed: ${formatTerm(reply.elements[1]!)}`,
      );
    }
  }
  return reply;
}

const TIMEOUT_MARK = new Tuple([Atom.of('$beamlink_gen_server_timeout')]);

/** The server loop's state, per process. */
class ServerLoop<S> {
  readonly cb: GenServerCallbacks<S, Term, Term, Term>;
  readonly self: Process;
  readonly parent: Pid;
  state!: S;
  suspended = false;
  deferred: Term[] = [];
  lastMessage: Term = null;
  timer: ReturnType<typeof setTimeout> | null = null;
  timerGen = 0;
  stopping = false;
  readonly name: Term;

  constructor(cb: GenServerCallbacks<S, Term, Term, Term>, self: Process, parent: Pid, name: Term) {
    this.cb = cb;
    this.self = self;
    this.parent = parent;
    this.name = name;
  }

  readonly handle = (m: Term): unknown => {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (m === TIMEOUT_MARK) {
      if (this.timerGen !== -1) return undefined;
      this.timerGen = 0;
      m = TIMEOUT;
    } else {
      this.timerGen = 0;
    }
    if (
      this.suspended &&
      !(m instanceof Tuple && m.elements[0] === SYSTEM && m.elements.length === 3)
    ) {
      if (
        m instanceof Tuple &&
        m.elements.length === 3 &&
        m.elements[0] === EXIT &&
        this.isParent(m.elements[1]!)
      ) {
        return this.terminate(m.elements[2]!, m);
      }
      this.deferred.push(m);
      return undefined;
    }
    return this.dispatch(m);
  };

  private isParent(p: Term): boolean {
    return p instanceof Pid && p.key === this.parent.key && p !== this.self.pid;
  }

  dispatch(m: Term): unknown {
    this.lastMessage = m;
    const cb = this.cb;
    let r: unknown;
    try {
      if (m instanceof Tuple) {
        const el = m.elements;
        const tag = el[0];
        if (
          tag === GEN_CALL &&
          el.length === 3 &&
          el[1] instanceof Tuple &&
          el[1].elements.length === 2 &&
          el[1].elements[0] instanceof Pid
        ) {
          const from = new From(el[1].elements[0], el[1].elements[1]!, this.self);
          if (cb.handleCall === undefined)
            r = { stop: new Tuple([BAD_CALL, el[2]!]), state: this.state };
          else r = cb.handleCall(el[2]!, from, this.state, this.self);
          return isThenable(r)
            ? r.then(
                (x) => this.afterCall(x as CallResult<S, Term>, from),
                (e: unknown) => this.crash(e),
              )
            : this.afterCall(r as CallResult<S, Term>, from);
        }
        if (tag === GEN_CAST && el.length === 2) {
          if (cb.handleCast === undefined)
            r = { stop: new Tuple([BAD_CAST, el[1]!]), state: this.state };
          else r = cb.handleCast(el[1]!, this.state, this.self);
          return isThenable(r)
            ? r.then(
                (x) => this.after(x as NoReplyResult<S>),
                (e: unknown) => this.crash(e),
              )
            : this.after(r as NoReplyResult<S>);
        }
        if (
          tag === SYSTEM &&
          el.length === 3 &&
          el[1] instanceof Tuple &&
          el[1].elements.length === 2
        ) {
          return this.system(el[1], el[2]!);
        }
        if (tag === EXIT && el.length === 3 && this.isParent(el[1]!)) {
          return this.terminate(el[2]!, m);
        }
      }
      if (cb.handleInfo === undefined) {
        this.self.runtime.logger.log(
          'warn',
          `${formatTerm(this.name)} received unexpected message in handleInfo: ${formatTerm(m)}`,
        );
        return undefined;
      }
      r = cb.handleInfo(m, this.state, this.self);
      return isThenable(r)
        ? r.then(
            (x) => this.after(x as NoReplyResult<S>),
            (e: unknown) => this.crash(e),
          )
        : this.after(r as NoReplyResult<S>);
    } catch (e) {
      return this.crash(e);
    }
  }

  private afterCall(r: CallResult<S, Term>, from: From): unknown {
    if (r !== null && typeof r === 'object' && 'reply' in r && !('stop' in r)) {
      this.state = r.state;
      sendReply(this.self, from, r.reply);
      return this.next(r.timeout, r.continue);
    }
    if (r !== null && typeof r === 'object' && 'stop' in r && r.reply !== undefined) {
      sendReply(this.self, from, r.reply);
    }
    return this.after(r as NoReplyResult<S>);
  }

  after(r: NoReplyResult<S>): unknown {
    if (r === null || typeof r !== 'object') {
      return this.terminate(
        new Tuple([Atom.of('bad_return_value'), (r ?? null) as Term]),
        this.lastMessage,
      );
    }
    if ('stop' in r) {
      this.state = r.state;
      return this.terminate(r.stop, this.lastMessage);
    }
    if ('noreply' in r) {
      this.state = r.state;
      return this.next(r.timeout, r.continue);
    }
    return this.terminate(
      new Tuple([Atom.of('bad_return_value'), formatTerm(r as unknown as Term)]),
      this.lastMessage,
    );
  }

  next(timeout: number | undefined, cont: Term | undefined): unknown {
    if (cont !== undefined && this.cb.handleContinue !== undefined) {
      try {
        const r = this.cb.handleContinue(cont, this.state, this.self);
        return isThenable(r)
          ? r.then(
              (x) => this.after(x as NoReplyResult<S>),
              (e: unknown) => this.crash(e),
            )
          : this.after(r);
      } catch (e) {
        return this.crash(e);
      }
    }
    if (timeout !== undefined && timeout !== Infinity) {
      if (this.self.mailboxLength > 0) {
        return undefined;
      }
      this.timerGen = -1;
      this.timer = setTimeout(
        () => {
          this.timer = null;
          this.self.runtime.send(this.self.pid, TIMEOUT_MARK);
        },
        Math.max(0, timeout),
      );
    }
    return undefined;
  }

  private system(from: Tuple, req: Term): unknown {
    const reply = (v: Term): void => sendReply(this.self, from, v);
    // sys.erl of OTP 27 expects {ok, State} from get_state / replace_state, OTP 25 the
    // bare State: answer in the caller's form (see wrapsSysState).
    const wrap = wrapsSysState(from, this.self);
    const stateReply = (v: Term): Term => (wrap ? new Tuple([OK, v]) : v);
    if (req === GET_STATE) reply(stateReply(this.termState()));
    else if (req === SUSPEND) {
      this.suspended = true;
      reply(OK);
    } else if (req === RESUME) {
      this.suspended = false;
      reply(OK);
      return this.replay();
    } else if (req === GET_STATUS) reply(this.status());
    else if (
      req instanceof Tuple &&
      req.elements.length === 2 &&
      req.elements[0] === REPLACE_STATE
    ) {
      const fn = req.elements[1];
      if (fn instanceof StateFun) {
        try {
          this.state = fn.fn(this.state) as S;
          reply(stateReply(this.termState()));
        } catch (e) {
          reply(
            new Tuple([
              ERROR,
              new Tuple([CALLBACK_FAILED, fn, new Tuple([ERROR, crashReason(e)])]),
            ]),
          );
        }
      } else {
        reply(
          new Tuple([ERROR, new Tuple([CALLBACK_FAILED, fn ?? null, new Tuple([ERROR, BADFUN])])]),
        );
      }
    } else if (req instanceof Tuple && req.elements.length === 2 && req.elements[0] === TERMINATE) {
      reply(OK);
      return this.terminate(req.elements[1]!, this.lastMessage);
    } else reply(new Tuple([ERROR, new Tuple([UNKNOWN_SYSTEM_MSG, req])]));
    return undefined;
  }

  private replay(): unknown {
    const queued = this.deferred;
    this.deferred = [];
    const step = (i: number): unknown => {
      for (; i < queued.length; i++) {
        if (this.suspended) {
          this.deferred.push(...queued.slice(i));
          return undefined;
        }
        const r = this.dispatch(queued[i]!);
        if (isThenable(r)) return r.then(() => step(i + 1));
      }
      return undefined;
    };
    return step(0);
  }

  termState(): Term {
    if (this.cb.formatState !== undefined) return this.cb.formatState(this.state);
    return this.state as unknown as Term;
  }

  private status(): Term {
    const sys = this.suspended ? SUSPENDED : RUNNING;
    const misc: Term = [
      new Tuple([HEADER, `Status for generic server ${formatTerm(this.name)}`]),
      new Tuple([
        DATA,
        [
          new Tuple(['Status', sys]),
          new Tuple(['Parent', this.parent]),
          new Tuple(['Logged events', []]),
        ],
      ]),
      new Tuple([DATA, [new Tuple(['State', this.termState()])]]),
    ];
    return new Tuple([
      STATUS,
      this.self.pid,
      new Tuple([MODULE, GEN_SERVER]),
      [[], sys, this.parent, [], misc],
    ]);
  }

  crash(e: unknown): unknown {
    if (this.stopping) throw e;
    const reason = e instanceof ExitError ? e.reason : crashReason(e);
    return this.terminate(reason, this.lastMessage);
  }

  /** Runs `terminate`, logs the crash report unless the reason is normal, exits. */
  terminate(reason: Term, last: Term): unknown {
    this.stopping = true;
    if (this.timer !== null) clearTimeout(this.timer);
    const finish = (): never => {
      if (!isNormalExit(reason)) this.report(reason, last);
      throw new ExitError(reason, 'gen_server terminating');
    };
    if (this.cb.terminate === undefined) return finish();
    let r: unknown;
    try {
      r = this.cb.terminate(reason, this.state, this.self);
    } catch (e) {
      reason = e instanceof ExitError ? e.reason : crashReason(e);
      return finish();
    }
    if (isThenable(r)) {
      return r.then(finish, (e: unknown) => {
        reason = e instanceof ExitError ? e.reason : crashReason(e);
        return finish();
      });
    }
    return finish();
  }

  private report(reason: Term, last: Term): void {
    let state: string;
    try {
      state = formatTerm(this.termState());
    } catch {
      state = '(unprintable)';
    }
    this.self.runtime.logger.log(
      'error',
      `** Generic server ${formatTerm(this.name)} terminating \n` +
        `** Last message in was ${formatTerm(last)}\n` +
        `** When Server state == ${state}\n` +
        `** Reason for termination ==\n** ${formatTerm(reason)}`,
      { pid: this.self.pid, reason, lastMessage: last },
    );
  }
}

function labelOf(cb: object): string {
  const ctor = (cb as { constructor?: { name?: string } }).constructor;
  return `GenServer ${ctor !== undefined && ctor.name !== 'Object' ? ctor.name : 'anonymous'}`;
}

function doStart<S>(
  caller: Caller,
  cb: GenServerCallbacks<S, Term, Term, Term>,
  arg: Term,
  options: StartOptions | undefined,
  link: boolean,
): Promise<Pid> {
  const rt = caller instanceof Runtime ? caller : caller.runtime;
  const name =
    options?.name === undefined
      ? undefined
      : typeof options.name === 'string'
        ? Atom.of(options.name)
        : options.name;
  if (name !== undefined) {
    const holder = rt.whereis(name);
    if (holder !== undefined)
      return Promise.reject(new StartError(new Tuple([ALREADY_STARTED, holder])));
  }
  return new Promise<Pid>((resolve, reject) => {
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const ack = (err: Term | null, pid?: Pid): void => {
      if (settled) return;
      settled = true;
      if (timer !== null) clearTimeout(timer);
      if (err === null) resolve(pid!);
      else reject(new StartError(err));
    };
    const body = async (self: Process): Promise<void> => {
      const parent = link && !(caller instanceof Runtime) ? caller.pid : self.pid;
      const loop = new ServerLoop<S>(cb, self, parent, name ?? self.pid);
      let init: InitResult<S>;
      try {
        const r = cb.init(arg, self);
        init = isThenable(r) ? await r : r;
      } catch (e) {
        const reason = e instanceof ExitError ? e.reason : crashReason(e);
        if (!(e instanceof ExitError)) {
          rt.logger.log(
            'error',
            `GenServer ${formatTerm(name ?? self.pid)} failed in init: ${formatTerm(reason)}`,
            { error: e },
          );
        }
        ack(reason);
        throw new ExitError(reason);
      }
      if (init !== null && typeof init === 'object' && 'ok' in init) {
        loop.state = init.ok;
        self.handle(loop.handle);
        ack(null, self.pid);
        const n = loop.next(init.timeout, init.continue);
        if (isThenable(n)) await n;
        return;
      }
      if (init !== null && typeof init === 'object' && 'ignore' in init) {
        ack(IGNORE);
        return;
      }
      const reason: Term =
        init !== null && typeof init === 'object' && 'stop' in init
          ? init.stop
          : new Tuple([Atom.of('bad_return_value'), formatTerm(init as unknown as Term)]);
      ack(reason);
      throw new ExitError(reason);
    };
    let pid: Pid;
    try {
      const opts = {
        label: options?.label ?? labelOf(cb),
        ...(name === undefined ? {} : { name }),
        ...(options?.trapExit === true ? { trapExit: true } : {}),
      };
      pid =
        link && !(caller instanceof Runtime) ? caller.spawnLink(body, opts) : rt.spawn(body, opts);
    } catch (e) {
      const holder = name === undefined ? undefined : rt.whereis(name);
      reject(holder !== undefined ? new StartError(new Tuple([ALREADY_STARTED, holder])) : e);
      return;
    }
    const t = options?.timeout;
    if (t !== undefined && t !== Infinity) {
      timer = setTimeout(() => {
        if (settled) return;
        rt.exit(pid, Atom.of('kill'));
        ack(TIMEOUT);
      }, t);
    }
  });
}

/**
 * Base class for typed servers: extend it, implement `init` and the callbacks you need,
 * and use the static client functions.
 *
 * @example
 * ```ts
 * class Stack extends GenServer<Term[], 'pop', Term, Term> {
 *   init() { return { ok: [] as Term[] } }
 *   handleCall(_r: 'pop', _f: From, s: Term[]) { return { reply: s[0] ?? null, state: s.slice(1) } }
 *   handleCast(x: Term, s: Term[]) { return { noreply: true as const, state: [x, ...s] } }
 * }
 * ```
 */
export abstract class GenServer<
  S,
  Req extends Term = Term,
  Rep extends Term = Term,
  Cast extends Term = Term,
> implements GenServerCallbacks<S, Req, Rep, Cast> {
  abstract init(arg: Term, self: Process): MaybePromise<InitResult<S>>;

  /**
   * Starts a server (not linked) and waits for `init`. Rejects with {@link StartError}.
   *
   * @example
   * ```ts
   * const pid = await GenServer.start(rt, new Counter(), 0, { name: 'counter' });
   * ```
   */
  static start<S, Rq extends Term, Rp extends Term, C extends Term>(
    caller: Caller,
    callbacks: GenServerCallbacks<S, Rq, Rp, C>,
    arg: Term = null,
    options?: StartOptions,
  ): Promise<Pid> {
    return doStart(
      caller,
      callbacks as unknown as GenServerCallbacks<S, Term, Term, Term>,
      arg,
      options,
      false,
    );
  }

  /**
   * Starts a server linked to the calling process (a supervisor) and waits for `init`.
   *
   * @example
   * ```ts
   * const pid = await GenServer.startLink(sup, new Counter(), 0);
   * ```
   */
  static startLink<S, Rq extends Term, Rp extends Term, C extends Term>(
    caller: Process,
    callbacks: GenServerCallbacks<S, Rq, Rp, C>,
    arg: Term = null,
    options?: StartOptions,
  ): Promise<Pid> {
    return doStart(
      caller,
      callbacks as unknown as GenServerCallbacks<S, Term, Term, Term>,
      arg,
      options,
      true,
    );
  }

  /**
   * `gen_server:call/3`. Rejects with an `ExitError` whose reason is
   * `{Reason, {gen_server, call, [Dest, Request, Timeout]}}`.
   *
   * @example
   * ```ts
   * const n = await GenServer.call(self, ['counter', 'b@host'], 'get', 1000);
   * ```
   */
  static call<R extends Term = Term>(
    caller: Caller,
    dest: Dest,
    request: Term,
    timeout: number = 5000,
  ): Promise<R> {
    const fail = (reason: Term): ExitError => {
      const d = destTerm(dest);
      const t: Term = timeout === Infinity ? INFINITY : timeout;
      return new ExitError(
        new Tuple([reason, new Tuple([GEN_SERVER, CALL, [d, request, t]])]),
        `GenServer.call to ${formatTerm(d)} failed: ${formatTerm(reason)}`,
      );
    };
    if (!(caller instanceof Runtime)) {
      return genCall(caller, dest, GEN_CALL, request, timeout, fail) as Promise<R>;
    }
    return inProcess(
      caller,
      'GenServer.call',
      (self) => genCall(self, dest, GEN_CALL, request, timeout, fail) as Promise<R>,
    );
  }

  /**
   * `gen_server:cast/2`: fire and forget (never fails, even for an unknown name).
   *
   * @example
   * ```ts
   * GenServer.cast(rt, 'counter', 'reset');
   * ```
   */
  static cast(caller: Caller, dest: Dest, request: Term): void {
    try {
      caller.send(dest, new Tuple([GEN_CAST, request]));
    } catch {
      // gen_server:cast ignores unknown names
    }
  }

  /**
   * `gen_server:reply/2`: answers a call whose `from` came to `handleCall` (usually after
   * returning `noreply`). `via` is needed only for a `from` tuple that did not come from a
   * beamlink server.
   *
   * @example
   * ```ts
   * GenServer.reply(from, atom('ok'));
   * ```
   */
  static reply(from: Tuple, value: Term, via?: Caller): void {
    const sender = via ?? (from instanceof From ? from.server : null);
    if (sender === null)
      throw new TypeError('GenServer.reply: pass `via` for a from tuple not given by a server');
    sendReply(sender, from, value);
  }

  /**
   * `gen_server:stop/3`: asks the server to terminate with `reason` (its `terminate` runs)
   * and waits until it is gone. Rejects with `ExitError` `noproc`, `timeout`, or the other
   * reason it exited with.
   *
   * @example
   * ```ts
   * await GenServer.stop(rt, 'counter');
   * ```
   */
  static stop(
    caller: Caller,
    dest: Dest,
    reason: Term = NORMAL,
    timeout: number = Infinity,
  ): Promise<void> {
    return inProcess(caller, 'GenServer.stop', async (self) => {
      if (dest instanceof Ref) throw new ExitError(Atom.of('badarg'));
      const target = dest as Pid | Atom | string | readonly [Atom | string, Atom | string];
      const mref = self.monitor(target);
      const isDown = (m: Term): boolean =>
        m instanceof Tuple &&
        m.elements.length === 5 &&
        m.elements[0] === DOWN &&
        m.elements[1] instanceof Ref &&
        sameRef(m.elements[1], mref);
      const early = self.poll(isDown) as Tuple | undefined;
      if (early !== undefined)
        throw new ExitError(early.elements[4] === NOCONNECTION ? NOPROC : early.elements[4]!);
      const tag = self.makeRef();
      try {
        self.send(
          dest,
          new Tuple([SYSTEM, new Tuple([self.pid, tag]), new Tuple([TERMINATE, reason])]),
        );
      } catch {
        // the DOWN noproc is on its way
      }
      const down = (await self.receive(isDown, { timeout })) as Tuple | undefined;
      self.poll(
        (m) =>
          m instanceof Tuple &&
          m.elements.length === 2 &&
          m.elements[0] instanceof Ref &&
          sameRef(m.elements[0], tag),
      );
      if (down === undefined) {
        self.demonitor(mref, FLUSH);
        throw new ExitError(TIMEOUT);
      }
      const r = down.elements[4]!;
      if (r === reason || formatTerm(r) === formatTerm(reason)) return;
      throw new ExitError(r);
    });
  }

  /**
   * `sys:get_state/2`. Accepts both reply forms (OTP 27's `{ok, State}`, OTP 25's bare
   * State; so an OTP 25 server whose state is itself `{ok, X}` reads as X).
   *
   * @example
   * ```ts
   * const state = await GenServer.getState(rt, 'counter');
   * ```
   */
  static getState<T extends Term = Term>(
    caller: Caller,
    dest: Dest,
    timeout: number = 5000,
  ): Promise<T> {
    return GenServer.system(caller, dest, GET_STATE, timeout).then(unwrapSysState) as Promise<T>;
  }

  /**
   * `sys:replace_state/2` with a JS function (local servers only).
   *
   * @example
   * ```ts
   * await GenServer.replaceState(rt, 'counter', (n) => (n as number) + 10);
   * ```
   */
  static replaceState<T extends Term = Term>(
    caller: Caller,
    dest: Dest,
    fn: (state: unknown) => unknown,
    timeout: number = 5000,
  ): Promise<T> {
    return GenServer.system(
      caller,
      dest,
      new Tuple([REPLACE_STATE, new StateFun(fn)]),
      timeout,
    ).then(unwrapSysState) as Promise<T>;
  }

  /**
   * Sends a `sys` request (`get_state`, `get_status`, `suspend`, `resume`, ...) and returns
   * the reply; rejects with the exit reason as `sys` does.
   *
   * @example
   * ```ts
   * await GenServer.system(rt, 'counter', atom('suspend'));
   * ```
   */
  static system(caller: Caller, dest: Dest, request: Term, timeout: number = 5000): Promise<Term> {
    const fail = (reason: Term): ExitError => {
      // sys:send_system_msg/2: exit({Reason, {sys, Fun, [Name | Args]}})
      const d = destTerm(dest);
      let mfa: Tuple;
      if (request instanceof Tuple && request.elements[0] === TERMINATE) {
        mfa = new Tuple([SYS, TERMINATE, [d, request.elements[1]!]]);
      } else if (request instanceof Atom) {
        mfa = new Tuple([SYS, request, [d]]);
      } else {
        const fn =
          request instanceof Tuple && request.elements[0] instanceof Atom
            ? request.elements[0]
            : SYSTEM;
        mfa = new Tuple([SYS, fn, [d]]);
      }
      return new ExitError(
        new Tuple([reason, mfa]),
        `sys request to ${formatTerm(d)} failed: ${formatTerm(reason)}`,
      );
    };
    if (!(caller instanceof Runtime)) return genCall(caller, dest, SYSTEM, request, timeout, fail);
    return inProcess(caller, 'sys', (self) => genCall(self, dest, SYSTEM, request, timeout, fail));
  }
}

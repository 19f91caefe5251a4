// ../src/term/types.ts
var ATOM_TABLE_LIMIT = 1048576;
var MAX_ATOM_LENGTH = 255;
var atomTable = /* @__PURE__ */ new Map();
var Atom = class _Atom {
  /** The atom's text. */
  name;
  /** Use {@link atom} or {@link Atom.of}; the constructor is for the table only. */
  constructor(name) {
    this.name = name;
  }
  /**
   * The interned atom for `name`. Throws `RangeError` when `name` is longer than 255
   * characters or the table is full.
   */
  static of(name) {
    const found = atomTable.get(name);
    if (found !== void 0) return found;
    if (name.length > MAX_ATOM_LENGTH && [...name].length > MAX_ATOM_LENGTH) {
      throw new RangeError(`atom too long (${[...name].length} characters, at most 255)`);
    }
    if (atomTable.size >= ATOM_TABLE_LIMIT) {
      throw new RangeError(`atom table full (${ATOM_TABLE_LIMIT} atoms)`);
    }
    const created = new _Atom(name);
    atomTable.set(name, created);
    return created;
  }
  /** The interned atom for `name` when it already exists, else `undefined`. */
  static existing(name) {
    return atomTable.get(name);
  }
  /** How many atoms the process-wide table holds. */
  static count() {
    return atomTable.size;
  }
  toString() {
    return this.name;
  }
  toJSON() {
    return this.name;
  }
};
function atom(name) {
  return Atom.of(name);
}
var Tuple = class {
  elements;
  constructor(elements) {
    this.elements = elements;
  }
  get length() {
    return this.elements.length;
  }
  /** The element at `index` (0-based; negative counts from the end). */
  at(index) {
    return this.elements.at(index);
  }
  [Symbol.iterator]() {
    return this.elements[Symbol.iterator]();
  }
};
function tuple(...elements) {
  return new Tuple(elements);
}
var Pid = class {
  node;
  id;
  serial;
  creation;
  constructor(node, id, serial, creation) {
    this.node = node;
    this.id = id;
    this.serial = serial;
    this.creation = creation;
  }
  /** A string that is the same for equal pids: usable as a `Map` key. */
  get key() {
    return `${this.node.name}|${this.id}|${this.serial}|${this.creation}`;
  }
};
var Ref = class {
  node;
  creation;
  ids;
  constructor(node, creation, ids) {
    this.node = node;
    this.creation = creation;
    this.ids = ids;
  }
  /** A string that is the same for equal references: usable as a `Map` key. */
  get key() {
    return `${this.node.name}|${this.creation}|${this.ids.join(".")}`;
  }
};
var Port = class {
  node;
  id;
  creation;
  constructor(node, id, creation) {
    this.node = node;
    this.id = id;
    this.creation = creation;
  }
  /** A string that is the same for equal ports: usable as a `Map` key. */
  get key() {
    return `${this.node.name}|${this.id}|${this.creation}`;
  }
};
var Float = class {
  value;
  constructor(value) {
    this.value = value;
  }
  valueOf() {
    return this.value;
  }
};
var ImproperList = class {
  elements;
  tail;
  constructor(elements, tail) {
    if (elements.length === 0) throw new RangeError("an improper list needs at least one element");
    this.elements = elements;
    this.tail = tail;
  }
};
var BitBinary = class {
  bytes;
  bits;
  constructor(bytes, bits) {
    if (!Number.isInteger(bits) || bits < 1 || bits > 8) {
      throw new RangeError(`bits must be 1..8, got ${bits}`);
    }
    if (bytes.length === 0) throw new RangeError("a bit binary needs at least one byte");
    this.bytes = bytes;
    this.bits = bits;
  }
};
var ExportFun = class {
  module;
  name;
  arity;
  constructor(module, name, arity) {
    this.module = module;
    this.name = name;
    this.arity = arity;
  }
};
var Fun = class {
  arity;
  /** 16 bytes of MD5 of the module's code. */
  uniq;
  index;
  module;
  oldIndex;
  oldUniq;
  pid;
  freeVars;
  constructor(fields) {
    this.arity = fields.arity;
    this.uniq = fields.uniq;
    this.index = fields.index;
    this.module = fields.module;
    this.oldIndex = fields.oldIndex;
    this.oldUniq = fields.oldUniq;
    this.pid = fields.pid;
    this.freeVars = fields.freeVars;
  }
};

// ../src/process/atoms.ts
var EXIT = Atom.of("EXIT");
var DOWN = Atom.of("DOWN");
var PROCESS = Atom.of("process");
var NORMAL = Atom.of("normal");
var KILL = Atom.of("kill");
var KILLED = Atom.of("killed");
var NOPROC = Atom.of("noproc");
var NOCONNECTION = Atom.of("noconnection");
var UNDEF = Atom.of("undef");
var LINK = Atom.of("link");
var MONITOR = Atom.of("monitor");
var SHUTDOWN = Atom.of("shutdown");
var SPAWN_REPLY = Atom.of("spawn_reply");
var OK = Atom.of("ok");
var ERROR = Atom.of("error");
var JS_ERROR = Atom.of("js_error");
var FILE = Atom.of("file");
var LINE = Atom.of("line");
var NONODE = Atom.of("nonode@nohost");

// ../src/process/crash.ts
var MAX_FRAMES = 10;
var FRAME = /^\s*at (?:(.+?) \()?(.+?):(\d+):\d+\)?$/;
var CrashReason = class extends Tuple {
  error;
  constructor(elements, error) {
    super(elements);
    this.error = error;
  }
};
function frames(stack) {
  if (stack === void 0) return [];
  const out = [];
  for (const line of stack.split("\n")) {
    if (out.length >= MAX_FRAMES) break;
    const m = FRAME.exec(line);
    if (m === null) continue;
    const fn = (m[1] ?? "anonymous").slice(0, 200);
    const file = m[2];
    const base = file.slice(file.lastIndexOf("/") + 1).slice(0, 200);
    out.push(
      new Tuple([
        Atom.of(base),
        Atom.of(fn),
        0,
        [new Tuple([FILE, file]), new Tuple([LINE, Number(m[3])])]
      ])
    );
  }
  return out;
}
function crashReason(error) {
  let name;
  let message;
  let stack;
  if (error instanceof Error) {
    name = error.name;
    message = error.message;
    stack = error.stack;
  } else {
    name = "throw";
    message = String(error);
  }
  return new CrashReason([new Tuple([JS_ERROR, name, message]), frames(stack)], error);
}

// ../src/errors.ts
var brand = /* @__PURE__ */ Symbol.for("beamlink.error");
var BeamlinkError = class _BeamlinkError extends Error {
  code;
  constructor(code, message, options) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
  static [Symbol.hasInstance](value) {
    if (this === _BeamlinkError) {
      return typeof value === "object" && value !== null && value[brand] === true;
    }
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }
  get [brand]() {
    return true;
  }
};

// ../src/process/errors.ts
var ExitError = class extends BeamlinkError {
  reason;
  constructor(reason, message, options) {
    super("BL_ERR_EXIT", message ?? "process exit", options);
    this.reason = reason;
  }
};
var ProcessExitedError = class extends BeamlinkError {
  pid;
  reason;
  constructor(pid, reason) {
    super("BL_ERR_PROCESS_EXITED", `process ${pidText(pid)} has exited`);
    this.pid = pid;
    this.reason = reason;
  }
};
var NoProcError = class extends BeamlinkError {
  pid;
  constructor(pid, action) {
    super("BL_ERR_NOPROC", `${action}: no process ${pidText(pid)}`);
    this.pid = pid;
  }
};
var NameError = class extends BeamlinkError {
  registeredName;
  constructor(name, message) {
    super("BL_ERR_NAME", message);
    this.registeredName = name;
  }
};
var ProcessUsageError = class extends BeamlinkError {
  pid;
  constructor(pid, message) {
    super("BL_ERR_PROCESS_USAGE", `${pidText(pid)}: ${message}`);
    this.pid = pid;
  }
};
function pidText(pid) {
  return `<${pid.node.name}.${pid.id}.${pid.serial}>`;
}

// ../src/process/format.ts
var MAX_DEPTH = 8;
var MAX_ITEMS = 50;
function atomText(a) {
  return /^[a-z][a-zA-Z0-9_@]*$/.test(a.name) ? a.name : `'${a.name.replace(/'/g, "\\'")}'`;
}
function items(list, depth) {
  const shown = list.slice(0, MAX_ITEMS).map((t) => formatTerm(t, depth + 1));
  if (list.length > MAX_ITEMS) shown.push("...");
  return shown.join(",");
}
function formatTerm(t, depth = 0) {
  if (depth > MAX_DEPTH) return "...";
  switch (typeof t) {
    case "number":
      return Number.isInteger(t) ? String(t) : String(t);
    case "bigint":
      return t.toString();
    case "string":
      return `<<${JSON.stringify(t)}>>`;
    case "boolean":
      return String(t);
    default:
      break;
  }
  if (t === null) return "nil";
  if (t instanceof Atom) return atomText(t);
  if (t instanceof Tuple) return `{${items(t.elements, depth)}}`;
  if (Array.isArray(t)) return `[${items(t, depth)}]`;
  if (t instanceof Pid) return `<${t.node.name}.${t.id}.${t.serial}>`;
  if (t instanceof Ref) return `#Ref<${t.node.name}.${t.ids.join(".")}>`;
  if (t instanceof Port) return `#Port<${t.node.name}.${t.id}>`;
  if (t instanceof Float) return t.value.toFixed(1);
  if (t instanceof ImproperList) {
    return `[${items(t.elements, depth)}|${formatTerm(t.tail, depth + 1)}]`;
  }
  if (t instanceof Uint8Array) return `<<${[...t.subarray(0, MAX_ITEMS)].join(",")}>>`;
  if (t instanceof BitBinary) return `<<...:${(t.bytes.length - 1) * 8 + t.bits}>>`;
  if (t instanceof ExportFun) return `fun ${t.module.name}:${t.name.name}/${t.arity}`;
  if (t instanceof Fun) return `#Fun<${t.module.name}.${t.index}>`;
  if (t instanceof Map) {
    const parts2 = [];
    for (const [k, v] of t) {
      if (parts2.length >= MAX_ITEMS) {
        parts2.push("...");
        break;
      }
      parts2.push(`${formatTerm(k, depth + 1)} => ${formatTerm(v, depth + 1)}`);
    }
    return `#{${parts2.join(",")}}`;
  }
  const obj = t;
  const parts = Object.keys(obj).slice(0, MAX_ITEMS).map((k) => `${k} => ${formatTerm(obj[k], depth + 1)}`);
  return `#{${parts.join(",")}}`;
}

// ../src/process/logger.ts
var RANK = { debug: 0, info: 1, warn: 2, error: 3 };
function consoleLogger(level = "info") {
  const min = RANK[level];
  return {
    log(l, message) {
      if (RANK[l] < min) return;
      if (l === "error") console.error(message);
      else if (l === "warn") console.warn(message);
      else console.log(message);
    }
  };
}
function memoryLogger() {
  const entries = [];
  return {
    entries,
    log(level, message, meta) {
      entries.push(meta === void 0 ? { level, message } : { level, message, meta });
    }
  };
}

// ../src/process/mailbox.ts
var HOLE = /* @__PURE__ */ Symbol("hole");
var INITIAL_CAPACITY = 8;
var Mailbox = class {
  buf = new Array(INITIAL_CAPACITY);
  mask = INITIAL_CAPACITY - 1;
  head = 0;
  /** Slots in use, holes included. */
  used = 0;
  holes = 0;
  /** How many messages are queued. */
  get length() {
    return this.used - this.holes;
  }
  /** Appends a message. */
  push(message) {
    if (this.used > this.mask) this.grow();
    this.buf[this.head + this.used & this.mask] = message;
    this.used++;
  }
  /** Removes and returns the oldest message, or `undefined` when empty. */
  shift() {
    while (this.used > 0) {
      const i = this.head;
      const m = this.buf[i];
      this.buf[i] = void 0;
      this.head = i + 1 & this.mask;
      this.used--;
      if (m === HOLE) {
        this.holes--;
        continue;
      }
      return m;
    }
    return void 0;
  }
  /**
   * Removes and returns the oldest message `match` accepts, or `undefined`. A predicate
   * that throws counts as no match.
   */
  take(match) {
    const { buf, mask, head, used } = this;
    for (let k = 0; k < used; k++) {
      const i = head + k & mask;
      const m = buf[i];
      if (m === HOLE || m === void 0) continue;
      let ok;
      try {
        ok = match(m);
      } catch {
        ok = false;
      }
      if (!ok) continue;
      if (k === 0) return this.shift();
      if (k === used - 1) {
        buf[i] = void 0;
        this.used--;
        this.trimTail();
      } else {
        buf[i] = HOLE;
        this.holes++;
        if (this.holes > 16 && this.holes * 2 > this.used) this.compact();
      }
      return m;
    }
    return void 0;
  }
  /** Removes every message `match` accepts; returns how many. */
  removeAll(match) {
    let n = 0;
    while (this.take(match) !== void 0) n++;
    return n;
  }
  /** The queued messages, oldest first (a copy, for introspection). */
  toArray() {
    const out = [];
    for (let k = 0; k < this.used; k++) {
      const m = this.buf[this.head + k & this.mask];
      if (m !== HOLE && m !== void 0) out.push(m);
    }
    return out;
  }
  /** Drops every message. */
  clear() {
    this.buf = new Array(INITIAL_CAPACITY);
    this.mask = INITIAL_CAPACITY - 1;
    this.head = 0;
    this.used = 0;
    this.holes = 0;
  }
  trimTail() {
    while (this.used > 0) {
      const i = this.head + this.used - 1 & this.mask;
      if (this.buf[i] !== HOLE) return;
      this.buf[i] = void 0;
      this.used--;
      this.holes--;
    }
  }
  grow() {
    const old = this.buf;
    const cap = (this.mask + 1) * 2;
    const next = new Array(cap);
    for (let k = 0; k < this.used; k++) next[k] = old[this.head + k & this.mask];
    this.buf = next;
    this.mask = cap - 1;
    this.head = 0;
  }
  compact() {
    const { buf, mask, head, used } = this;
    const next = new Array(mask + 1);
    let j = 0;
    for (let k = 0; k < used; k++) {
      const m = buf[head + k & mask];
      if (m !== HOLE && m !== void 0) next[j++] = m;
    }
    this.buf = next;
    this.head = 0;
    this.used = j;
    this.holes = 0;
  }
};

// ../src/process/pid.ts
var PID_NUMBER_LIMIT = 2 ** 28;
var ID_BITS = 15;
var ID_MASK = (1 << ID_BITS) - 1;
var REF_LOW = 2 ** 18;
var IdAllocator = class {
  node;
  creation;
  nextPid = 1;
  nextRef = 1;
  salt;
  constructor(node, creation) {
    this.node = node;
    this.creation = creation;
    this.salt = Math.random() * 4294967296 >>> 0;
  }
  /** The pid with number `n`. */
  pidFor(n) {
    return new Pid(this.node, n & ID_MASK, n >>> ID_BITS, this.creation);
  }
  /** The next free pid number (skipping those `inUse` says are taken after wrapping). */
  nextPidNumber(inUse) {
    for (let tries = 0; tries < PID_NUMBER_LIMIT; tries++) {
      const n = this.nextPid;
      this.nextPid = n + 1 >= PID_NUMBER_LIMIT ? 1 : n + 1;
      if (!inUse(n)) return n;
    }
    throw new RangeError("process table full");
  }
  /** The table key of a pid of this incarnation, else -1. */
  localNumber(pid) {
    if (pid.node !== this.node || pid.creation !== this.creation) return -1;
    return pid.id + (pid.serial << ID_BITS);
  }
  /** A fresh reference. */
  ref() {
    const n = this.nextRef++;
    return new Ref(this.node, this.creation, [n % REF_LOW, Math.floor(n / REF_LOW), this.salt]);
  }
  /** The numeric key of a reference this allocator made, else -1. */
  refNumber(ref) {
    const ids = ref.ids;
    if (ref.node !== this.node || ref.creation !== this.creation) return -1;
    if (ids.length !== 3 || ids[2] !== this.salt) return -1;
    return ids[0] + ids[1] * REF_LOW;
  }
  /** Whether `ref` was made here. */
  isLocalRef(ref) {
    return this.refNumber(ref) !== -1;
  }
};
function refKey(ids, ref) {
  const n = ids.refNumber(ref);
  return n === -1 ? ref.key : n;
}
function pidKey(ids, pid) {
  const n = ids.localNumber(pid);
  return n === -1 ? pid.key : n;
}
function samePid(a, b) {
  return a === b || a.id === b.id && a.serial === b.serial && a.node === b.node && a.creation === b.creation;
}
function sameRef(a, b) {
  if (a === b) return true;
  if (a.node !== b.node || a.creation !== b.creation || a.ids.length !== b.ids.length) return false;
  for (let i = 0; i < a.ids.length; i++) if (a.ids[i] !== b.ids[i]) return false;
  return true;
}

// ../src/process/process.ts
var BUSY = 1;
var QUEUED = 2;
var TRAPPING = 4;
var ProcessExtra = class {
  links = null;
  monitors = null;
  watchers = null;
  aliases = null;
  name = null;
  label = void 0;
  groupLeader = null;
  spawnRequests = null;
};
var Process = class {
  pid;
  runtime;
  /** @internal */
  body;
  /** @internal */
  mailbox = null;
  /** @internal */
  waitMatch = null;
  /** @internal resolves the pending receive (with a rejected promise when killed) */
  waitResolve = null;
  /** @internal the timeout bucket of the pending receive (see timeouts.ts), or -1 */
  waitTimer = -1;
  /** @internal */
  handler = null;
  /** @internal set once the process is dead */
  exitReason = void 0;
  /** @internal */
  handled = 0;
  /** @internal busy | queued | trapping bits */
  flags = 0;
  /** @internal rarely used state, created on first use (keeps idle processes small) */
  ext = null;
  /** @internal Created by the runtime only. */
  constructor(runtime, pid, body) {
    this.runtime = runtime;
    this.pid = pid;
    this.body = body;
  }
  /** @internal the process-table key */
  get num() {
    return this.pid.id + (this.pid.serial << 15);
  }
  /** @internal */
  get busy() {
    return (this.flags & BUSY) !== 0;
  }
  set busy(v) {
    this.flags = v ? this.flags | BUSY : this.flags & ~BUSY;
  }
  /** @internal owned by the scheduler */
  get queued() {
    return (this.flags & QUEUED) !== 0;
  }
  set queued(v) {
    this.flags = v ? this.flags | QUEUED : this.flags & ~QUEUED;
  }
  /** @internal */
  get trapping() {
    return (this.flags & TRAPPING) !== 0;
  }
  set trapping(v) {
    this.flags = v ? this.flags | TRAPPING : this.flags & ~TRAPPING;
  }
  extra() {
    return this.ext ??= new ProcessExtra();
  }
  /** @internal */
  get links() {
    return this.ext === null ? null : this.ext.links;
  }
  set links(v) {
    if (v !== null || this.ext !== null) this.extra().links = v;
  }
  /** @internal monitors this process holds */
  get monitors() {
    return this.ext === null ? null : this.ext.monitors;
  }
  set monitors(v) {
    if (v !== null || this.ext !== null) this.extra().monitors = v;
  }
  /** @internal monitors on this process */
  get watchers() {
    return this.ext === null ? null : this.ext.watchers;
  }
  set watchers(v) {
    if (v !== null || this.ext !== null) this.extra().watchers = v;
  }
  /** @internal alias keys owned by this process */
  get aliases() {
    return this.ext === null ? null : this.ext.aliases;
  }
  set aliases(v) {
    if (v !== null || this.ext !== null) this.extra().aliases = v;
  }
  /** @internal */
  get name() {
    return this.ext === null ? null : this.ext.name;
  }
  set name(v) {
    if (v !== null || this.ext !== null) this.extra().name = v;
  }
  /** @internal */
  get label() {
    return this.ext === null ? void 0 : this.ext.label;
  }
  set label(v) {
    if (v !== void 0 || this.ext !== null) this.extra().label = v;
  }
  /** @internal */
  get groupLeader() {
    return this.ext === null ? null : this.ext.groupLeader;
  }
  set groupLeader(v) {
    if (v !== null || this.ext !== null) this.extra().groupLeader = v;
  }
  /** @internal outstanding spawn requests (erpc) by ref key */
  get spawnRequests() {
    return this.ext === null ? null : this.ext.spawnRequests;
  }
  set spawnRequests(v) {
    if (v !== null || this.ext !== null) this.extra().spawnRequests = v;
  }
  /** How many messages wait in the mailbox. */
  get mailboxLength() {
    return this.mailbox === null ? 0 : this.mailbox.length;
  }
  /** Whether the process is still alive. */
  get alive() {
    return this.exitReason === void 0;
  }
  /**
   * Selective receive: removes and returns the oldest message `match` accepts (any message
   * when omitted). Resolves `undefined` after `timeout` ms (0 polls). Rejects with
   * {@link ProcessExitedError} if the process dies meanwhile.
   *
   * @example
   * ```ts
   * const reply = await self.receive((m) => m instanceof Tuple && m.elements[0] === ref, { timeout: 1000 });
   * ```
   */
  receive(match, options) {
    return this.runtime.receiveFor(this, match ?? null, options?.timeout ?? Infinity);
  }
  /**
   * Takes the oldest matching message now, without waiting: `undefined` when none. The
   * cheapest way to drain a busy mailbox from an async body.
   *
   * @example
   * ```ts
   * let m; while ((m = self.poll()) !== undefined) handle(m);
   * ```
   */
  poll(match) {
    const box = this.mailbox;
    if (box === null || this.exitReason !== void 0) return void 0;
    const m = match === void 0 ? box.shift() : box.take(match);
    if (m !== void 0) this.handled++;
    return m;
  }
  /**
   * Sends `message` to `dest` (dropped silently when this process is dead, or the pid or
   * remote name does not exist; an unregistered local atom name throws `NameError`).
   *
   * @example
   * ```ts
   * self.send(['logger', 'b@host'], tuple(atom('log'), 'hi'));
   * ```
   */
  send(dest, message) {
    if (this.exitReason !== void 0) return;
    this.runtime.sendFrom(this.pid, dest, message);
  }
  /**
   * Switches this process to callback mode: once the body returns, `handler` runs once per
   * message. Call it from the body (usually last).
   *
   * @example
   * ```ts
   * rt.spawn((self) => { let n = 0; self.handle((m) => { if (m === 'inc') n++ }) });
   * ```
   */
  handle(handler) {
    this.handler = handler;
  }
  /**
   * Spawns an unlinked process.
   *
   * @example
   * ```ts
   * const child = self.spawn(async (c) => c.send(self.pid, 'hi'));
   * ```
   */
  spawn(body, options) {
    return this.runtime.spawn(body, options);
  }
  /**
   * Spawns a process linked to this one, atomically.
   *
   * @example
   * ```ts
   * self.trapExit(true);
   * const child = self.spawnLink(async () => { throw new Error('boom') });
   * await self.receive(); // {'EXIT', child, CrashReason}
   * ```
   */
  spawnLink(body, options) {
    this.assertAlive("spawnLink");
    return this.runtime.spawn(body, { ...options, link: this.pid });
  }
  /**
   * Spawns a process monitored by this one, atomically: `[pid, monitorRef]`.
   *
   * @example
   * ```ts
   * const [pid, ref] = self.spawnMonitor(async () => 'done');
   * ```
   */
  spawnMonitor(body, options) {
    this.assertAlive("spawnMonitor");
    return this.runtime.spawnMonitor(body, this.pid, options);
  }
  /**
   * Links to `pid` (local or remote). Linking to a dead local process throws `NoProcError`
   * unless this process traps exits, in which case `{'EXIT', Pid, noproc}` arrives (as
   * BEAM does).
   *
   * @example
   * ```ts
   * self.link(otherPid);
   * ```
   */
  link(pid) {
    this.assertAlive("link");
    this.runtime.link(this, pid);
  }
  /**
   * Removes the link to `pid`, if any (the OTP 26 UNLINK_ID protocol for remote links).
   *
   * @example
   * ```ts
   * self.unlink(otherPid);
   * ```
   */
  unlink(pid) {
    if (this.exitReason !== void 0) return;
    this.runtime.unlink(this, pid);
  }
  /**
   * Monitors a pid, a local name, or `[name, node]`. The DOWN message is
   * `{'DOWN', Ref, process, PidOrNameTuple, Reason}` (`noproc` at once when the target
   * does not exist; `{Name, Node}` as the object when monitored by name).
   *
   * @example
   * ```ts
   * const ref = self.monitor(['db', 'b@host'], { alias: 'demonitor' });
   * ```
   */
  monitor(target2, options) {
    this.assertAlive("monitor");
    return this.runtime.monitor(this, target2, options?.alias ?? null);
  }
  /**
   * Removes a monitor; `flush` also removes its DOWN message if it already arrived.
   * Returns whether the monitor was still active.
   *
   * @example
   * ```ts
   * self.demonitor(ref, { flush: true });
   * ```
   */
  demonitor(ref, options) {
    if (this.exitReason !== void 0) return false;
    return this.runtime.demonitor(this, ref, options?.flush === true);
  }
  /**
   * Sets whether exit signals become `{'EXIT', From, Reason}` messages; returns the old
   * value.
   *
   * @example
   * ```ts
   * self.trapExit(true);
   * ```
   */
  trapExit(on) {
    const old = this.trapping;
    this.trapping = on;
    return old;
  }
  /**
   * Ends this process with `reason` by throwing an {@link ExitError} that unwinds the body
   * (do not catch it).
   *
   * @example
   * ```ts
   * if (bad) self.exit(tuple(atom('shutdown'), 'bad input'));
   * ```
   */
  exit(reason) {
    throw new ExitError(reason, "process exit");
  }
  /**
   * `exit/2`: sends an exit signal with `reason` to `pid` (see the exit-signal rules in
   * docs/process.md). When the signal kills this very process, this throws an
   * {@link ExitError} to unwind the body.
   *
   * @example
   * ```ts
   * self.exitProcess(worker, atom('shutdown'));
   * ```
   */
  exitProcess(pid, reason) {
    if (this.exitReason !== void 0) return;
    this.runtime.exitFrom(this.pid, pid, reason);
    if (this.exitReason !== void 0) throw new ExitError(this.exitReason, "process exit");
  }
  /**
   * Registers this process under `name`.
   *
   * @example
   * ```ts
   * self.register('db');
   * ```
   */
  register(name) {
    this.runtime.register(name, this.pid);
  }
  /**
   * Creates an alias (OTP 24): messages sent to the returned ref reach this process while
   * it is active. `explicitUnalias`: only `unalias` deactivates it; `reply`: the first
   * message through it deactivates it.
   *
   * @example
   * ```ts
   * const a = self.alias({ reply: true });
   * other.send(a, 'once');
   * ```
   */
  alias(options) {
    this.assertAlive("alias");
    const mode = options?.reply ? "reply" : options?.explicitUnalias ? "explicit_unalias" : "explicit_unalias";
    return this.runtime.createAlias(this, this.runtime.makeRef(), mode);
  }
  /**
   * Deactivates an alias of this process; false when it was not active.
   *
   * @example
   * ```ts
   * self.unalias(a);
   * ```
   */
  unalias(ref) {
    return this.runtime.removeAlias(this, ref);
  }
  /**
   * A new unique reference.
   *
   * @example
   * ```ts
   * const tag = self.makeRef();
   * ```
   */
  makeRef() {
    return this.runtime.makeRef();
  }
  /**
   * `erlang:spawn_request/5`: asks `node` to spawn `module:fn(...args)`. The answer arrives
   * as a message `{spawn_reply, ReqId, ok, Pid}` or `{spawn_reply, ReqId, error, Reason}`
   * (`noconnection` when the node goes down first). With `monitor`, the monitor's ref is
   * ReqId; with `link`, the new process is linked.
   *
   * @example
   * ```ts
   * const req = self.spawnRequest('b@host', 'erpc', 'execute_call', [ref, m, f, a], { monitor: true });
   * ```
   */
  spawnRequest(node, module, fn, args, options) {
    this.assertAlive("spawnRequest");
    return this.runtime.spawnRequest(this, node, module, fn, args, options);
  }
  /**
   * Sets the "current function / behaviour" shown by `processInfo`.
   *
   * @example
   * ```ts
   * self.setLabel('GenServer Counter');
   * ```
   */
  setLabel(label) {
    this.label = label;
  }
  assertAlive(action) {
    if (this.exitReason !== void 0) {
      throw new ProcessExitedError(this.pid, this.exitReason);
    }
    if (action === "") throw new ProcessUsageError(this.pid, action);
  }
};

// ../src/process/registry.ts
var UNDEFINED = Atom.of("undefined");
function toAtom(name) {
  return typeof name === "string" ? Atom.of(name) : name;
}
var Registry = class {
  names = /* @__PURE__ */ new Map();
  aliasTable = /* @__PURE__ */ new Map();
  /** Registers `proc` under `name`; throws {@link NameError} as `register/2`'s badarg. */
  register(name, proc) {
    if (name === UNDEFINED) throw new NameError(name, "the name 'undefined' cannot be registered");
    const holder = this.names.get(name);
    if (holder !== void 0) {
      throw new NameError(name, `name ${name.name} is already registered to ${pidStr(holder.pid)}`);
    }
    if (proc.name !== null) {
      throw new NameError(name, `${pidStr(proc.pid)} is already registered as ${proc.name.name}`);
    }
    this.names.set(name, proc);
    proc.name = name;
  }
  /** Removes `name`; false when nobody held it. */
  unregister(name) {
    const proc = this.names.get(name);
    if (proc === void 0) return false;
    this.names.delete(name);
    proc.name = null;
    return true;
  }
  /** The process holding `name`. */
  whereis(name) {
    return this.names.get(name);
  }
  /** Every registered name. */
  registered() {
    return [...this.names.keys()];
  }
  /** Activates alias `key` for `proc`. */
  addAlias(key, proc, mode) {
    this.aliasTable.set(key, { proc, mode });
    (proc.aliases ??= /* @__PURE__ */ new Set()).add(key);
  }
  /** The active alias `key`. */
  alias(key) {
    return this.aliasTable.get(key);
  }
  /** Deactivates alias `key`; false when it was not active. */
  removeAlias(key) {
    const entry = this.aliasTable.get(key);
    if (entry === void 0) return false;
    this.aliasTable.delete(key);
    entry.proc.aliases?.delete(key);
    return true;
  }
  /** Drops everything a dead process held. */
  release(proc) {
    if (proc.name !== null) {
      this.names.delete(proc.name);
    }
    if (proc.aliases !== null) {
      for (const key of proc.aliases) this.aliasTable.delete(key);
      proc.aliases = null;
    }
  }
  /** How many aliases are active (introspection). */
  get aliasCount() {
    return this.aliasTable.size;
  }
};
function pidStr(pid) {
  return `<${pid.node.name}.${pid.id}.${pid.serial}>`;
}

// ../src/process/signals.ts
function linkLocal(a, b) {
  (a.links ??= /* @__PURE__ */ new Map()).set(b.num, { pid: b.pid, unlinkId: 0n });
  (b.links ??= /* @__PURE__ */ new Map()).set(a.num, { pid: a.pid, unlinkId: 0n });
}
function link(rt, p, pid) {
  if (samePid(pid, p.pid)) return;
  if (pid.node === rt.node) {
    const target2 = rt.local(pid);
    if (target2 !== void 0) {
      linkLocal(p, target2);
      return;
    }
    if (!p.trapping) throw new NoProcError(pid, "link");
    rt.signalQueue.push([p, pid, NOPROC, true]);
    return;
  }
  const key = pid.key;
  const links = p.links ??= /* @__PURE__ */ new Map();
  const st = links.get(key);
  if (st !== void 0 && st.unlinkId === 0n) return;
  if (st !== void 0) st.unlinkId = 0n;
  else links.set(key, { pid, unlinkId: 0n });
  rt.trackRemote(p, pid.node);
  if (rt.dist === null) {
    links.delete(key);
    rt.signalQueue.push([p, pid, NOCONNECTION, true]);
    return;
  }
  rt.dist.sendControl(pid.node, { op: "LINK", from: p.pid, to: pid });
}
function unlink(rt, p, pid) {
  const links = p.links;
  if (links === null) return;
  const key = pidKey(rt.ids, pid);
  if (typeof key === "number") {
    links.delete(key);
    rt.table.get(key)?.links?.delete(p.num);
    return;
  }
  if (pid.node === rt.node) {
    links.delete(key);
    return;
  }
  const st = links.get(key);
  if (st === void 0 || st.unlinkId !== 0n) return;
  const id = rt.newUnlinkId();
  st.unlinkId = id;
  rt.dist?.sendControl(pid.node, { op: "UNLINK_ID", id, from: p.pid, to: pid });
}
function downMessage(ref, object, reason) {
  return new Tuple([DOWN, ref, PROCESS, object, reason]);
}
function monitorLocal(rt, watcher, target2, name, alias) {
  const ref = rt.makeRef();
  const key = rt.ids.refNumber(ref);
  const object = name === null ? target2.pid : new Tuple([name, rt.node]);
  (watcher.monitors ??= /* @__PURE__ */ new Map()).set(key, {
    ref,
    target: target2.pid,
    name,
    node: rt.node,
    object,
    aliasMode: alias
  });
  (target2.watchers ??= /* @__PURE__ */ new Map()).set(key, { ref, watcher: watcher.pid, name });
  if (alias !== null) rt.registry.addAlias(key, watcher, alias);
  return ref;
}
function monitor(rt, p, target2, alias) {
  let pid = null;
  let name = null;
  let node;
  if (target2 instanceof Pid) {
    pid = target2;
    node = target2.node;
  } else if (typeof target2 === "string" || target2 instanceof Atom) {
    name = toAtom(target2);
    node = rt.node;
  } else {
    name = toAtom(target2[0]);
    node = toAtom(target2[1]);
  }
  if (node === rt.node) {
    const proc = pid !== null ? rt.local(pid) : rt.registry.whereis(name);
    if (proc !== void 0) return monitorLocal(rt, p, proc, name, alias);
    const ref2 = rt.makeRef();
    const object2 = pid ?? new Tuple([name, rt.node]);
    rt.deliver(p, downMessage(ref2, object2, NOPROC));
    return ref2;
  }
  const ref = rt.makeRef();
  const key = rt.ids.refNumber(ref);
  const object = pid ?? new Tuple([name, node]);
  if (rt.dist === null) {
    rt.deliver(p, downMessage(ref, object, NOCONNECTION));
    return ref;
  }
  (p.monitors ??= /* @__PURE__ */ new Map()).set(key, { ref, target: pid, name, node, object, aliasMode: alias });
  if (alias !== null) rt.registry.addAlias(key, p, alias);
  rt.trackRemote(p, node);
  rt.dist.sendControl(node, { op: "MONITOR_P", from: p.pid, to: pid ?? name, ref });
  return ref;
}
function removeMonitor(rt, p, key, entry) {
  p.monitors.delete(key);
  if (entry.aliasMode === "demonitor" || entry.aliasMode === "reply_demonitor") {
    if (typeof key === "number") rt.registry.removeAlias(key);
  }
}
function demonitor(rt, p, ref, flush) {
  const key = refKey(rt.ids, ref);
  const entry = p.monitors?.get(key);
  if (entry !== void 0) {
    removeMonitor(rt, p, key, entry);
    if (entry.node === rt.node) {
      if (entry.target !== null) rt.local(entry.target)?.watchers?.delete(key);
    } else {
      rt.dist?.sendControl(entry.node, {
        op: "DEMONITOR_P",
        from: p.pid,
        to: entry.target ?? entry.name,
        ref
      });
    }
  }
  if (flush && p.mailbox !== null) {
    p.mailbox.removeAll(
      (m) => m instanceof Tuple && m.elements.length === 5 && m.elements[0] === DOWN && m.elements[1] instanceof Ref && sameRef(m.elements[1], ref)
    );
  }
  return entry !== void 0;
}
function dropMonitorByKey(rt, p, key) {
  const entry = p.monitors?.get(key);
  if (entry !== void 0) demonitor(rt, p, entry.ref, false);
}
function fireMonitor(rt, p, key, reason) {
  const entry = p.monitors?.get(key);
  if (entry === void 0) return;
  removeMonitor(rt, p, key, entry);
  rt.deliver(p, downMessage(entry.ref, entry.object, reason));
}
function receiveExitSignal(rt, target2, from, reason, isLink) {
  if (target2.exitReason !== void 0) return;
  if (!isLink && reason === KILL) {
    terminate(rt, target2, KILLED);
    return;
  }
  if (target2.trapping) {
    rt.deliver(target2, new Tuple([EXIT, from, reason]));
    return;
  }
  if (reason === NORMAL) {
    if (!isLink && samePid(from, target2.pid)) terminate(rt, target2, NORMAL);
    return;
  }
  terminate(rt, target2, reason);
}
function terminate(rt, p, reason) {
  if (p.exitReason !== void 0) return;
  p.exitReason = reason;
  rt.exited++;
  const resolve = p.waitResolve;
  if (p.waitTimer !== -1) rt.timeouts.cancel(p, p.waitTimer);
  p.waitMatch = null;
  p.waitResolve = null;
  p.waitTimer = -1;
  p.mailbox = null;
  p.handler = null;
  p.body = null;
  rt.table.delete(p.num);
  rt.registry.release(p);
  const links = p.links;
  if (links !== null) {
    p.links = null;
    for (const [key, st] of links) {
      if (st.unlinkId !== 0n) continue;
      if (typeof key === "number") {
        const other = rt.table.get(key);
        if (other === void 0) continue;
        other.links?.delete(p.num);
        rt.signalQueue.push([other, p.pid, reason, true]);
      } else if (st.pid.node !== rt.node) {
        rt.dist?.sendControl(st.pid.node, { op: "EXIT", from: p.pid, to: st.pid, reason });
      }
    }
  }
  const monitors = p.monitors;
  if (monitors !== null) {
    p.monitors = null;
    for (const [key, entry] of monitors) {
      if (entry.node === rt.node) {
        if (entry.target !== null) rt.local(entry.target)?.watchers?.delete(key);
      } else {
        rt.dist?.sendControl(entry.node, {
          op: "DEMONITOR_P",
          from: p.pid,
          to: entry.target ?? entry.name,
          ref: entry.ref
        });
      }
    }
  }
  const watchers = p.watchers;
  if (watchers !== null) {
    p.watchers = null;
    for (const [key, w] of watchers) {
      if (w.watcher.node === rt.node) {
        const wp = rt.local(w.watcher);
        if (wp !== void 0) fireMonitor(rt, wp, key, reason);
      } else {
        rt.dist?.sendControl(w.watcher.node, {
          op: "MONITOR_P_EXIT",
          from: w.name ?? p.pid,
          to: w.watcher,
          ref: w.ref,
          reason
        });
      }
    }
  }
  if (rt.remoteRelations.size > 0) {
    for (const set of rt.remoteRelations.values()) set.delete(p);
  }
  if (resolve !== null) resolve(Promise.reject(new ProcessExitedError(p.pid, reason)));
}

// ../src/process/remote.ts
function target(rt, to) {
  return to instanceof Pid ? rt.local(to) : rt.registry.whereis(to);
}
function handleControl(rt, fromNode, m) {
  switch (m.op) {
    case "SEND": {
      const p = rt.local(m.to);
      if (p !== void 0) rt.deliver(p, m.message);
      return;
    }
    case "REG_SEND": {
      const p = rt.registry.whereis(m.to);
      if (p !== void 0) rt.deliver(p, m.message);
      return;
    }
    case "ALIAS_SEND": {
      const key = rt.ids.refNumber(m.alias);
      if (key !== -1) rt.deliverAlias(key, m.message);
      return;
    }
    case "LINK": {
      const p = rt.local(m.to);
      if (p === void 0) {
        rt.dist?.sendControl(fromNode, { op: "EXIT", from: m.to, to: m.from, reason: NOPROC });
        return;
      }
      const links = p.links ??= /* @__PURE__ */ new Map();
      const key = m.from.key;
      if (!links.has(key)) {
        links.set(key, { pid: m.from, unlinkId: 0n });
        rt.trackRemote(p, m.from.node);
      }
      return;
    }
    case "UNLINK": {
      rt.local(m.to)?.links?.delete(m.from.key);
      return;
    }
    case "UNLINK_ID": {
      rt.dist?.sendControl(fromNode, { op: "UNLINK_ID_ACK", id: m.id, from: m.to, to: m.from });
      const links = rt.local(m.to)?.links;
      const st = links?.get(m.from.key);
      if (st !== void 0 && st.unlinkId === 0n) links.delete(m.from.key);
      return;
    }
    case "UNLINK_ID_ACK": {
      const links = rt.local(m.to)?.links;
      const st = links?.get(m.from.key);
      if (st !== void 0 && st.unlinkId === m.id) links.delete(m.from.key);
      return;
    }
    case "EXIT": {
      const p = rt.local(m.to);
      const st = p?.links?.get(m.from.key);
      if (p === void 0 || st === void 0) return;
      p.links.delete(m.from.key);
      if (st.unlinkId !== 0n) return;
      rt.signalQueue.push([p, m.from, m.reason, true]);
      return;
    }
    case "EXIT2": {
      const p = rt.local(m.to);
      if (p !== void 0) receiveExitSignal(rt, p, m.from, m.reason, false);
      return;
    }
    case "MONITOR_P": {
      const p = target(rt, m.to);
      if (p === void 0) {
        rt.dist?.sendControl(fromNode, {
          op: "MONITOR_P_EXIT",
          from: m.to,
          to: m.from,
          ref: m.ref,
          reason: NOPROC
        });
        return;
      }
      (p.watchers ??= /* @__PURE__ */ new Map()).set(m.ref.key, {
        ref: m.ref,
        watcher: m.from,
        name: m.to instanceof Atom ? m.to : null
      });
      rt.trackRemote(p, m.from.node);
      return;
    }
    case "DEMONITOR_P": {
      target(rt, m.to)?.watchers?.delete(m.ref.key);
      return;
    }
    case "MONITOR_P_EXIT": {
      const p = rt.local(m.to);
      if (p === void 0) return;
      const key = rt.ids.refNumber(m.ref);
      if (key !== -1) fireMonitor(rt, p, key, m.reason);
      return;
    }
    case "SPAWN_REQUEST":
      spawnRequest(rt, fromNode, m);
      return;
    case "SPAWN_REPLY": {
      spawnReply(rt, m);
      return;
    }
    case "GROUP_LEADER": {
      const p = rt.local(m.to);
      if (p !== void 0) p.groupLeader = m.from;
      return;
    }
    case "NODE_LINK":
      return;
  }
}
function undefBody(m) {
  const reason = new Tuple([UNDEF, [new Tuple([m.module, m.function, [...m.args], []])]]);
  return (self) => self.exit(reason);
}
function spawnRequest(rt, fromNode, m) {
  let body;
  try {
    body = rt.spawnHandler?.(m, fromNode);
  } catch (e) {
    rt.logger.log(
      "error",
      `spawn handler failed for ${m.module.name}:${m.function.name}/${m.arity}`,
      {
        error: e
      }
    );
  }
  const [p] = rt.create(null, void 0, null);
  p.groupLeader = m.groupLeader;
  let flags = 0;
  if (m.options.includes(LINK)) {
    (p.links ??= /* @__PURE__ */ new Map()).set(m.from.key, { pid: m.from, unlinkId: 0n });
    flags |= 1;
  }
  if (m.options.includes(MONITOR)) {
    (p.watchers ??= /* @__PURE__ */ new Map()).set(m.reqId.key, { ref: m.reqId, watcher: m.from, name: null });
    flags |= 2;
  }
  if (flags !== 0) rt.trackRemote(p, m.from.node);
  rt.dist?.sendControl(fromNode, {
    op: "SPAWN_REPLY",
    reqId: m.reqId,
    to: m.from,
    flags,
    result: p.pid
  });
  p.body = body ?? undefBody(m);
  rt.sched.enqueue(p);
}
var SPAWN_REPLY_ATOM = Atom.of("spawn_reply");
var OK2 = Atom.of("ok");
var ERROR2 = Atom.of("error");
function spawnReply(rt, m) {
  const p = rt.local(m.to);
  if (p === void 0) return;
  const pending = p.spawnRequests?.get(rt.ids.refNumber(m.reqId));
  if (pending === void 0) return;
  const key = rt.ids.refNumber(m.reqId);
  p.spawnRequests.delete(key);
  const ref = pending.ref;
  if (m.result instanceof Pid) {
    if (m.flags & 1) {
      (p.links ??= /* @__PURE__ */ new Map()).set(m.result.key, { pid: m.result, unlinkId: 0n });
    }
    if (m.flags & 2) {
      (p.monitors ??= /* @__PURE__ */ new Map()).set(key, {
        ref,
        target: m.result,
        name: null,
        node: m.result.node,
        object: m.result,
        aliasMode: null
      });
    }
    rt.trackRemote(p, m.result.node);
    rt.deliver(p, new Tuple([SPAWN_REPLY_ATOM, ref, OK2, m.result]));
  } else {
    rt.deliver(p, new Tuple([SPAWN_REPLY_ATOM, ref, ERROR2, m.result]));
  }
}
function nodeDown(rt, node) {
  const set = rt.remoteRelations.get(node);
  if (set === void 0) return;
  rt.remoteRelations.delete(node);
  for (const p of set) {
    if (p.exitReason !== void 0) continue;
    if (p.links !== null) {
      for (const [key, st] of p.links) {
        if (st.pid.node !== node) continue;
        p.links.delete(key);
        if (st.unlinkId === 0n) rt.signalQueue.push([p, st.pid, NOCONNECTION, true]);
      }
    }
    if (p.watchers !== null) {
      for (const [key, w] of p.watchers) if (w.watcher.node === node) p.watchers.delete(key);
    }
    if (p.monitors !== null) {
      for (const [key, entry] of p.monitors) {
        if (entry.node === node) fireMonitor(rt, p, key, NOCONNECTION);
      }
    }
    if (p.spawnRequests !== null) {
      for (const [key, req] of p.spawnRequests) {
        if (req.node !== node) continue;
        p.spawnRequests.delete(key);
        rt.deliver(p, new Tuple([SPAWN_REPLY_ATOM, req.ref, ERROR2, NOCONNECTION]));
      }
    }
  }
}

// ../src/process/scheduler.ts
var DEFAULT_BUDGET = 4096;
var Scheduler = class {
  budget;
  used = 0;
  queue = [];
  head = 0;
  pending = 0;
  // nothing, microtask, immediate
  run;
  drainMicro = () => this.drain();
  drainMacro = () => {
    this.used = 0;
    this.drain();
  };
  constructor(run, budget = DEFAULT_BUDGET) {
    this.run = run;
    this.budget = budget;
  }
  /** Processes waiting to run. */
  get length() {
    return this.queue.length - this.head;
  }
  /** Counts one unit of work; false when the turn's budget is spent (then yield). */
  take() {
    if (this.used < this.budget) {
      this.used++;
      return true;
    }
    return false;
  }
  /** Counts `n` units done outside `take` (a callback process's batch). */
  spend(n) {
    this.used += n;
  }
  /** Units left in this turn. */
  get remaining() {
    return this.budget - this.used;
  }
  /** Runs `p` soon, once, in queue order. */
  enqueue(p) {
    if (p.queued) return;
    p.queued = true;
    this.queue.push(p);
    this.schedule();
  }
  schedule() {
    if (this.pending !== 0) return;
    if (this.used < this.budget) {
      this.pending = 1;
      queueMicrotask(this.drainMicro);
    } else {
      this.pending = 2;
      setImmediate(this.drainMacro);
    }
  }
  drain() {
    this.pending = 1;
    const q = this.queue;
    while (this.head < q.length) {
      if (this.used >= this.budget) {
        this.pending = 2;
        setImmediate(this.drainMacro);
        break;
      }
      const p = q[this.head];
      q[this.head++] = void 0;
      p.queued = false;
      this.used++;
      this.run(p);
    }
    if (this.pending === 1) this.pending = 0;
    if (this.head >= q.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > q.length) {
      this.queue = q.slice(this.head);
      this.head = 0;
    }
  }
};

// ../src/process/timeouts.ts
var Timeouts = class {
  buckets = /* @__PURE__ */ new Map();
  fire;
  armed = 0;
  keepAlive = null;
  held = false;
  checkPending = false;
  expire = (at) => {
    const b = this.buckets.get(at);
    if (b === void 0) return;
    this.buckets.delete(at);
    this.armed -= b.size;
    for (const p of b) this.fire(p);
    this.scheduleCheck();
  };
  check = () => {
    this.checkPending = false;
    if (this.armed === 0 && this.held) {
      this.keepAlive.unref();
      this.held = false;
    }
  };
  constructor(fire) {
    this.fire = fire;
  }
  /** Arms a timeout of `ms` for `p`; returns the key `cancel` needs. */
  add(p, ms) {
    const now = performance.now();
    const at = Math.ceil(now + ms);
    let b = this.buckets.get(at);
    if (b === void 0) {
      b = /* @__PURE__ */ new Set();
      this.buckets.set(at, b);
      setTimeout(this.expire, at - now, at).unref();
    }
    b.add(p);
    this.armed++;
    if (!this.held) {
      if (this.keepAlive === null) this.keepAlive = setInterval(() => void 0, 2 ** 30);
      else this.keepAlive.ref();
      this.held = true;
    }
    return at;
  }
  /** Disarms `p`'s timeout armed under `key`. */
  cancel(p, key) {
    const b = this.buckets.get(key);
    if (b === void 0 || !b.delete(p)) return;
    this.armed--;
    if (this.armed === 0) this.scheduleCheck();
  }
  scheduleCheck() {
    if (this.checkPending || !this.held) return;
    this.checkPending = true;
    setImmediate(this.check);
  }
  /** Timeouts armed and not cancelled (introspection). */
  get size() {
    return this.armed;
  }
};

// ../src/process/runtime.ts
var BADARG = Atom.of("badarg");
var ANY = () => true;
var MAX_TIMEOUT = 2147483647;
var HANDLER_BATCH = 64;
function isThenable(v) {
  return v !== null && (typeof v === "object" || typeof v === "function") && typeof v.then === "function";
}
var Runtime = class {
  node;
  creation;
  logger;
  /** The pid that stands for "outside any process" (REG_SEND's sender, exit/2's from). */
  systemPid;
  /** @internal */
  ids;
  /** @internal */
  table = /* @__PURE__ */ new Map();
  /** @internal */
  registry = new Registry();
  /** @internal */
  sched;
  /** @internal */
  dist = null;
  /** @internal processes with links or monitors towards each remote node */
  remoteRelations = /* @__PURE__ */ new Map();
  /** @internal */
  spawnHandler = null;
  /** @internal receive timeouts */
  timeouts;
  /** @internal */
  signalQueue = [];
  /** @internal */
  flushing = false;
  /** @internal */
  nextUnlinkId = 1n;
  /** @internal */
  spawned = 0;
  /** @internal */
  exited = 0;
  onTimeout = (p) => {
    const resolve = p.waitResolve;
    if (resolve === null) return;
    p.waitMatch = null;
    p.waitResolve = null;
    p.waitTimer = -1;
    resolve(void 0);
  };
  constructor(options) {
    this.node = options?.node === void 0 ? NONODE : toAtom(options.node);
    this.creation = options?.creation ?? 0;
    this.logger = options?.logger ?? consoleLogger();
    this.ids = new IdAllocator(this.node, this.creation);
    this.systemPid = this.ids.pidFor(0);
    this.sched = new Scheduler((p) => this.run(p), options?.budget);
    this.timeouts = new Timeouts(this.onTimeout);
  }
  // ---- processes ---------------------------------------------------------------
  /**
   * Spawns a process running `body`. It starts soon (not inside this call), in a
   * microtask. `link`, `monitor`, `name` and `trapExit` apply atomically.
   *
   * @example
   * ```ts
   * const pid = rt.spawn(async (self) => { await self.receive() }, { name: 'idle' });
   * ```
   */
  spawn(body, options) {
    return this.create(body, options, null)[0].pid;
  }
  /**
   * Spawns a process monitored by `watcher` (a live local pid): `[pid, ref]`.
   *
   * @example
   * ```ts
   * const [pid, ref] = rt.spawnMonitor(async () => 1, watcherPid);
   * ```
   */
  spawnMonitor(body, watcher, options) {
    const [p, ref] = this.create(body, options, watcher);
    return [p.pid, ref];
  }
  /** @internal */
  create(body, options, watcher) {
    const num = this.ids.nextPidNumber((n) => this.table.has(n));
    const p = new Process(this, this.ids.pidFor(num), body);
    let ref;
    if (options !== void 0) {
      if (options.trapExit === true) p.trapping = true;
      if (options.label !== void 0) p.label = options.label;
      const linker = options.link === void 0 ? void 0 : this.liveLocal(options.link, "spawn_link");
      const w = options.monitor ?? watcher ?? void 0;
      const watcherProc = w === void 0 ? void 0 : this.liveLocal(w, "spawn_monitor");
      if (options.name !== void 0) this.registry.register(toAtom(options.name), p);
      if (linker !== void 0) linkLocal(linker, p);
      if (watcherProc !== void 0) ref = monitorLocal(this, watcherProc, p, null, null);
    } else if (watcher !== null) {
      ref = monitorLocal(this, this.liveLocal(watcher, "spawn_monitor"), p, null, null);
    }
    this.table.set(num, p);
    this.spawned++;
    if (body !== null) this.sched.enqueue(p);
    return [p, ref];
  }
  /** @internal a live local process or a NoProcError */
  liveLocal(pid, action) {
    const p = this.local(pid);
    if (p === void 0) throw new NoProcError(pid, action);
    return p;
  }
  /** @internal the live local process `pid` names */
  local(pid) {
    const n = this.ids.localNumber(pid);
    return n === -1 ? void 0 : this.table.get(n);
  }
  /** Whether `pid` is a live process of this runtime. */
  isAlive(pid) {
    return this.local(pid) !== void 0;
  }
  /** The pids of every live process. */
  processes() {
    const out = [];
    for (const p of this.table.values()) out.push(p.pid);
    return out;
  }
  /** How many processes are alive. */
  get processCount() {
    return this.table.size;
  }
  /**
   * Introspection of a live local process (plain data), or `undefined`.
   *
   * @example
   * ```ts
   * rt.processInfo(pid)?.messageQueueLength;
   * ```
   */
  processInfo(pid) {
    const p = this.local(pid);
    if (p === void 0) return void 0;
    const status = p.body !== null ? "starting" : p.queued ? "runnable" : p.waitMatch !== null || p.handler !== null && !p.busy ? "waiting" : "running";
    return {
      pid: p.pid,
      status,
      messageQueueLength: p.mailboxLength,
      links: p.links === null ? [] : [...p.links.values()].filter((l) => l.unlinkId === 0n).map((l) => l.pid),
      monitors: p.monitors === null ? [] : [...p.monitors.values()].map((m) => ({ ref: m.ref, object: m.object })),
      monitoredBy: p.watchers === null ? [] : [...p.watchers.values()].map((w) => w.watcher),
      registeredName: p.name ?? void 0,
      messagesHandled: p.handled,
      currentFunction: p.label,
      trapExit: p.trapping,
      groupLeader: p.groupLeader ?? void 0
    };
  }
  /**
   * A summary of the runtime as plain JSON (for the REPL and the dashboard).
   *
   * @example
   * ```ts
   * console.log(JSON.stringify(rt.inspect()));
   * ```
   */
  inspect() {
    const registered = {};
    for (const name of this.registry.registered()) {
      const p = this.registry.whereis(name);
      registered[name.name] = formatTerm(p.pid);
    }
    return {
      node: this.node.name,
      creation: this.creation,
      processes: this.table.size,
      spawned: this.spawned,
      exited: this.exited,
      registered,
      aliases: this.registry.aliasCount,
      runQueue: this.sched.length,
      remoteNodes: [...this.remoteRelations.keys()].map((a) => a.name)
    };
  }
  // ---- names -------------------------------------------------------------------
  /**
   * The pid registered under `name`, if any.
   *
   * @example
   * ```ts
   * rt.whereis('db');
   * ```
   */
  whereis(name) {
    return this.registry.whereis(toAtom(name))?.pid;
  }
  /**
   * Registers a live local process under `name` (NameError when taken, NoProcError when
   * the pid is dead).
   *
   * @example
   * ```ts
   * rt.register('db', pid);
   * ```
   */
  register(name, pid) {
    this.registry.register(toAtom(name), this.liveLocal(pid, "register"));
  }
  /**
   * Removes a name (NameError when not registered, as `unregister/1`'s badarg).
   *
   * @example
   * ```ts
   * rt.unregister('db');
   * ```
   */
  unregister(name) {
    const a = toAtom(name);
    if (!this.registry.unregister(a)) throw new NameError(a, `${a.name} is not registered`);
  }
  /**
   * Every registered name.
   *
   * @example
   * ```ts
   * rt.registered().map((a) => a.name);
   * ```
   */
  registered() {
    return this.registry.registered();
  }
  /**
   * A new reference, unique in this runtime.
   *
   * @example
   * ```ts
   * const ref = rt.makeRef();
   * ```
   */
  makeRef() {
    return this.ids.ref();
  }
  // ---- messages ----------------------------------------------------------------
  /**
   * Sends from outside any process (no sender; REG_SEND and ALIAS_SEND name the runtime's
   * `systemPid`). Throws `NameError` for an unregistered local atom name, like `!`.
   *
   * @example
   * ```ts
   * rt.send('logger', 'hello');
   * rt.send(['logger', 'b@host'], 'hello');
   * ```
   */
  send(dest, message) {
    this.sendFrom(void 0, dest, message);
  }
  /** @internal */
  sendFrom(from, dest, message) {
    if (dest instanceof Pid) {
      const n = this.ids.localNumber(dest);
      if (n !== -1) {
        const p = this.table.get(n);
        if (p !== void 0) this.deliver(p, message);
      } else if (dest.node !== this.node) {
        this.dist?.sendControl(
          dest.node,
          from === void 0 ? { op: "SEND", to: dest, message } : { op: "SEND", to: dest, from, message }
        );
      }
      return;
    }
    if (typeof dest === "string" || dest instanceof Atom) {
      const name2 = toAtom(dest);
      const p = this.registry.whereis(name2);
      if (p === void 0) throw new NameError(name2, `send: ${name2.name} is not registered`);
      this.deliver(p, message);
      return;
    }
    if (dest instanceof Ref) {
      const key = this.ids.refNumber(dest);
      if (key !== -1) {
        this.deliverAlias(key, message);
      } else if (dest.node !== this.node) {
        this.dist?.sendControl(dest.node, {
          op: "ALIAS_SEND",
          from: from ?? this.systemPid,
          alias: dest,
          message
        });
      }
      return;
    }
    const name = toAtom(dest[0]);
    const node = toAtom(dest[1]);
    if (node === this.node) {
      const p = this.registry.whereis(name);
      if (p !== void 0) this.deliver(p, message);
      return;
    }
    this.dist?.sendControl(node, {
      op: "REG_SEND",
      from: from ?? this.systemPid,
      to: name,
      message
    });
  }
  /** @internal a message through local alias `key` */
  deliverAlias(key, message) {
    const entry = this.registry.alias(key);
    if (entry === void 0) return;
    const p = entry.proc;
    if (entry.mode === "reply" || entry.mode === "reply_demonitor") {
      this.registry.removeAlias(key);
      if (entry.mode === "reply_demonitor") dropMonitorByKey(this, p, key);
    }
    this.deliver(p, message);
  }
  /** @internal puts a message in a live process's mailbox, or resumes its receive */
  deliver(p, message) {
    if (p.exitReason !== void 0) return;
    const match = p.waitMatch;
    if (match !== null) {
      let ok;
      if (match === ANY) ok = true;
      else {
        try {
          ok = match(message);
        } catch {
          ok = false;
        }
      }
      if (ok && !p.queued && this.sched.take()) {
        this.resolveWaiter(p, message);
        return;
      }
      (p.mailbox ??= new Mailbox()).push(message);
      if (ok) this.sched.enqueue(p);
      return;
    }
    (p.mailbox ??= new Mailbox()).push(message);
    if (p.handler !== null && !p.busy) this.sched.enqueue(p);
  }
  resolveWaiter(p, message) {
    const resolve = p.waitResolve;
    p.waitMatch = null;
    p.waitResolve = null;
    if (p.waitTimer !== -1) {
      this.timeouts.cancel(p, p.waitTimer);
      p.waitTimer = -1;
    }
    p.handled++;
    resolve(message);
  }
  /** @internal the body of `Process.receive` */
  receiveFor(p, match, timeout) {
    if (p.exitReason !== void 0)
      return Promise.reject(new ProcessExitedError(p.pid, p.exitReason));
    if (p.waitMatch !== null) {
      return Promise.reject(
        new ProcessUsageError(p.pid, "receive called while another receive is pending")
      );
    }
    const m = match ?? ANY;
    const box = p.mailbox;
    let deferred = false;
    if (box !== null && box.length > 0) {
      if (timeout === 0 || this.sched.take()) {
        const found = m === ANY ? box.shift() : box.take(m);
        if (found !== void 0) {
          p.handled++;
          return Promise.resolve(found);
        }
      } else {
        deferred = true;
      }
    }
    if (timeout <= 0 && !deferred) return Promise.resolve(void 0);
    return new Promise((resolve) => {
      p.waitMatch = m;
      p.waitResolve = resolve;
      if (timeout <= MAX_TIMEOUT) p.waitTimer = this.timeouts.add(p, Math.max(timeout, 0));
      if (deferred) this.sched.enqueue(p);
    });
  }
  // ---- the run queue -----------------------------------------------------------
  run(p) {
    if (p.exitReason !== void 0) return;
    if (p.body !== null) {
      this.start(p);
      return;
    }
    const match = p.waitMatch;
    if (match !== null) {
      const box = p.mailbox;
      if (box === null) return;
      const found = match === ANY ? box.shift() : box.take(match);
      if (found !== void 0) this.resolveWaiter(p, found);
      return;
    }
    if (p.handler !== null && !p.busy) this.runHandler(p);
  }
  start(p) {
    const body = p.body;
    p.body = null;
    p.busy = true;
    let r;
    try {
      r = body(p);
    } catch (e) {
      this.bodyFailed(p, e);
      return;
    }
    if (isThenable(r)) {
      r.then(
        () => this.bodyDone(p),
        (e) => this.bodyFailed(p, e)
      );
    } else {
      this.bodyDone(p);
    }
  }
  bodyDone(p) {
    if (p.exitReason !== void 0) return;
    p.busy = false;
    if (p.handler === null) {
      this.terminate(p, NORMAL);
    } else if (p.mailboxLength > 0) {
      this.sched.enqueue(p);
    }
  }
  bodyFailed(p, e) {
    if (p.exitReason !== void 0) return;
    p.busy = false;
    if (e instanceof ExitError) {
      this.terminate(p, e.reason);
      return;
    }
    const reason = crashReason(e);
    this.logger.log(
      "error",
      `Error in process ${formatTerm(p.pid)} on node ${this.node.name} with exit value:
${formatTerm(reason)}`,
      {
        pid: p.pid,
        error: e
      }
    );
    this.terminate(p, reason);
  }
  runHandler(p) {
    const box = p.mailbox;
    const handler = p.handler;
    if (box === null) return;
    const limit = Math.max(1, Math.min(HANDLER_BATCH, this.sched.remaining + 1));
    let n = 0;
    while (n < limit) {
      const m = box.shift();
      if (m === void 0) break;
      n++;
      p.handled++;
      let r;
      try {
        r = handler(m);
      } catch (e) {
        this.bodyFailed(p, e);
        return;
      }
      if (p.exitReason !== void 0) return;
      if (isThenable(r)) {
        p.busy = true;
        this.sched.spend(n - 1);
        r.then(
          () => this.handlerDone(p),
          (e) => this.bodyFailed(p, e)
        );
        return;
      }
    }
    if (n > 1) this.sched.spend(n - 1);
    if (box.length > 0) this.sched.enqueue(p);
  }
  handlerDone(p) {
    if (p.exitReason !== void 0) return;
    p.busy = false;
    if (p.mailboxLength > 0 && p.waitMatch === null) this.sched.enqueue(p);
  }
  // ---- signals (see signals.ts) -------------------------------------------------
  /** @internal ends a process now; links and monitors fire */
  terminate(p, reason) {
    terminate(this, p, reason);
    this.flushSignals();
  }
  /** @internal runs queued exit signals until none is left (no recursion) */
  flushSignals() {
    if (this.flushing) return;
    this.flushing = true;
    try {
      const q = this.signalQueue;
      for (let i = 0; i < q.length; i++) {
        const [target2, from, reason, isLink] = q[i];
        receiveExitSignal(this, target2, from, reason, isLink);
      }
      this.signalQueue = [];
    } finally {
      this.flushing = false;
    }
  }
  /**
   * `exit/2` from outside any process (the signal's sender is `systemPid`).
   *
   * @example
   * ```ts
   * rt.exit(pid, atom('kill'));
   * ```
   */
  exit(pid, reason) {
    this.exitFrom(this.systemPid, pid, reason);
  }
  /** @internal exit/2 with a sender */
  exitFrom(from, pid, reason) {
    const p = this.local(pid);
    if (p !== void 0) {
      this.signalQueue.push([p, from, reason, false]);
      this.flushSignals();
    } else if (pid.node !== this.node) {
      this.dist?.sendControl(pid.node, { op: "EXIT2", from, to: pid, reason });
    }
  }
  /** @internal */
  link(p, pid) {
    link(this, p, pid);
    this.flushSignals();
  }
  /** @internal */
  unlink(p, pid) {
    unlink(this, p, pid);
  }
  /** @internal */
  monitor(p, target2, alias) {
    return monitor(this, p, target2, alias);
  }
  /** @internal */
  demonitor(p, ref, flush) {
    return demonitor(this, p, ref, flush);
  }
  /** @internal */
  createAlias(p, ref, mode) {
    this.registry.addAlias(this.ids.refNumber(ref), p, mode);
    return ref;
  }
  /** @internal */
  removeAlias(p, ref) {
    const key = this.ids.refNumber(ref);
    if (key === -1) return false;
    const entry = this.registry.alias(key);
    if (entry === void 0 || entry.proc !== p) return false;
    return this.registry.removeAlias(key);
  }
  // ---- distribution -------------------------------------------------------------
  /**
   * Plugs in the distribution: remote destinations go out through `d.sendControl`. The
   * distribution must call {@link Runtime.nodeDown} when a connection is lost or cannot be
   * set up, and {@link Runtime.handleControl} for every control message that arrives.
   *
   * @example
   * ```ts
   * rt.attachDistribution({ sendControl: (node, msg) => connections.get(node)?.send(msg) });
   * ```
   */
  attachDistribution(d) {
    this.dist = d;
  }
  /**
   * A control message from `fromNode` for this node.
   *
   * @example
   * ```ts
   * connection.on('control', (msg) => rt.handleControl(peer, msg));
   * ```
   */
  handleControl(fromNode, message) {
    handleControl(this, fromNode, message);
    this.flushSignals();
  }
  /**
   * The connection to `node` is gone: links to its processes fire `noconnection`, monitors
   * on them deliver DOWN `noconnection`, and monitors they held here are dropped.
   *
   * @example
   * ```ts
   * rt.nodeDown(atom('b@host'));
   * ```
   */
  nodeDown(node, _reason) {
    nodeDown(this, toAtom(node));
    this.flushSignals();
  }
  /**
   * Serves incoming SPAWN_REQUESTs (erpc): return the body to run for the request, or
   * `undefined` to let the process die with `undef` as BEAM does for an unknown function.
   *
   * @example
   * ```ts
   * rt.setSpawnHandler((req) => req.module.name === 'erpc' ? (self) => serve(self, req) : undefined);
   * ```
   */
  setSpawnHandler(handler) {
    this.spawnHandler = handler;
  }
  /** @internal */
  spawnRequest(p, node, module, fn, args, options) {
    const ref = this.makeRef();
    const n = toAtom(node);
    const opts = [];
    if (options?.link === true) opts.push(LINK);
    if (options?.monitor === true) opts.push(MONITOR);
    if (this.dist === null || n === this.node) {
      this.deliver(
        p,
        new Tuple([SPAWN_REPLY, ref, ERROR, this.dist === null ? NOCONNECTION : BADARG])
      );
      return ref;
    }
    (p.spawnRequests ??= /* @__PURE__ */ new Map()).set(this.ids.refNumber(ref), { node: n, ref });
    this.trackRemote(p, n);
    this.dist.sendControl(n, {
      op: "SPAWN_REQUEST",
      reqId: ref,
      from: p.pid,
      groupLeader: p.groupLeader ?? this.systemPid,
      module: toAtom(module),
      function: toAtom(fn),
      arity: args.length,
      options: opts,
      args
    });
    return ref;
  }
  /** @internal records that `p` has a link or monitor towards `node` */
  trackRemote(p, node) {
    let set = this.remoteRelations.get(node);
    if (set === void 0) this.remoteRelations.set(node, set = /* @__PURE__ */ new Set());
    set.add(p);
  }
  /** @internal */
  newUnlinkId() {
    return this.nextUnlinkId++;
  }
};

// ../src/otp/gen-server.ts
var GEN_CALL = Atom.of("$gen_call");
var GEN_CAST = Atom.of("$gen_cast");
var SYSTEM = Atom.of("system");
var SYS = Atom.of("sys");
var ALIAS = Atom.of("alias");
var DOWN2 = Atom.of("DOWN");
var EXIT2 = Atom.of("EXIT");
var NORMAL2 = Atom.of("normal");
var SHUTDOWN2 = Atom.of("shutdown");
var NOPROC2 = Atom.of("noproc");
var NOCONNECTION2 = Atom.of("noconnection");
var NODEDOWN = Atom.of("nodedown");
var TIMEOUT = Atom.of("timeout");
var CALLING_SELF = Atom.of("calling_self");
var INFINITY = Atom.of("infinity");
var GEN_SERVER = Atom.of("gen_server");
var CALL = Atom.of("call");
var OK3 = Atom.of("ok");
var ERROR3 = Atom.of("error");
var IGNORE = Atom.of("ignore");
var ALREADY_STARTED = Atom.of("already_started");
var GET_STATE = Atom.of("get_state");
var REPLACE_STATE = Atom.of("replace_state");
var GET_STATUS = Atom.of("get_status");
var SUSPEND = Atom.of("suspend");
var RESUME = Atom.of("resume");
var TERMINATE = Atom.of("terminate");
var STATUS = Atom.of("status");
var MODULE = Atom.of("module");
var RUNNING = Atom.of("running");
var SUSPENDED = Atom.of("suspended");
var HEADER = Atom.of("header");
var DATA = Atom.of("data");
var UNKNOWN_SYSTEM_MSG = Atom.of("unknown_system_msg");
var CALLBACK_FAILED = Atom.of("callback_failed");
var BADFUN = Atom.of("badfun");
var BAD_CALL = Atom.of("bad_call");
var BAD_CAST = Atom.of("bad_cast");
var From = class extends Tuple {
  /** The server process that received the call. */
  server;
  constructor(pid, tag, server) {
    super([pid, tag]);
    this.server = server;
  }
  /** The caller's pid. */
  get pid() {
    return this.elements[0];
  }
  /** The call's tag (a ref, or `[alias | Ref]`). */
  get tag() {
    return this.elements[1];
  }
};
var StateFun = class extends Tuple {
  fn;
  constructor(fn) {
    super([Atom.of("beamlink_state_fun")]);
    this.fn = fn;
  }
};
var StartError = class extends BeamlinkError {
  reason;
  constructor(reason) {
    super("BL_ERR_START", `server did not start: ${formatTerm(reason)}`);
    this.reason = reason;
  }
  /** Whether `init` returned `ignore`. */
  get ignored() {
    return this.reason === IGNORE;
  }
};
function isThenable2(v) {
  return v !== null && typeof v === "object" && typeof v.then === "function";
}
function destTerm(dest) {
  if (typeof dest === "string") return Atom.of(dest);
  if (Array.isArray(dest)) {
    const [n, node] = dest;
    return new Tuple([
      typeof n === "string" ? Atom.of(n) : n,
      typeof node === "string" ? Atom.of(node) : node
    ]);
  }
  return dest;
}
function isNormalExit(reason) {
  return reason === NORMAL2 || reason === SHUTDOWN2 || reason instanceof Tuple && reason.elements.length === 2 && reason.elements[0] === SHUTDOWN2;
}
function inProcess(caller, label, fn) {
  if (!(caller instanceof Runtime)) return fn(caller);
  return new Promise((resolve, reject) => {
    caller.spawn(
      async (self) => {
        try {
          resolve(await fn(self));
        } catch (e) {
          reject(e);
        }
      },
      { label }
    );
  });
}
async function genCall(self, dest, label, request, timeout, fail) {
  if (dest instanceof Ref) throw fail(Atom.of("badarg"));
  const target2 = typeof dest === "string" || dest instanceof Atom || dest instanceof Pid ? dest : dest;
  const resolved = target2 instanceof Pid ? target2 : typeof target2 === "string" || target2 instanceof Atom ? self.runtime.whereis(target2) : Atom.of(String(target2[1])) === self.runtime.node || target2[1] === self.runtime.node ? self.runtime.whereis(target2[0]) : void 0;
  if (resolved !== void 0 && resolved.key === self.pid.key) throw fail(CALLING_SELF);
  const mref = self.monitor(target2, { alias: "demonitor" });
  const tag = new ImproperList([ALIAS], mref);
  try {
    self.send(dest, new Tuple([label, new Tuple([self.pid, tag]), request]));
  } catch {
  }
  const isTag = (t) => t === tag || t instanceof ImproperList && t.elements.length === 1 && t.elements[0] === ALIAS && t.tail instanceof Ref && sameRef(t.tail, mref);
  const match = (m2) => m2 instanceof Tuple && (m2.elements.length === 2 && isTag(m2.elements[0]) || m2.elements.length === 5 && m2.elements[0] === DOWN2 && m2.elements[1] instanceof Ref && sameRef(m2.elements[1], mref));
  const m = await self.receive(match, { timeout });
  if (m === void 0) {
    self.demonitor(mref, { flush: true });
    const late = self.poll(
      (x) => x instanceof Tuple && x.elements.length === 2 && isTag(x.elements[0])
    );
    if (late !== void 0) return late.elements[1];
    throw fail(TIMEOUT);
  }
  if (m.elements.length === 2) {
    self.demonitor(mref, { flush: true });
    return m.elements[1];
  }
  const reason = m.elements[4];
  if (reason === NOCONNECTION2) {
    const node = target2 instanceof Pid ? target2.node : Array.isArray(target2) ? destTerm(target2) : self.runtime.node;
    throw fail(new Tuple([NODEDOWN, node instanceof Tuple ? node.elements[1] : node]));
  }
  throw fail(reason);
}
function sendReply(via, from, value) {
  const pid = from.elements[0];
  const tag = from.elements[1];
  const msg = new Tuple([tag, value]);
  const send = (d) => {
    try {
      via.send(d, msg);
    } catch {
    }
  };
  if (tag instanceof ImproperList && tag.elements[0] === ALIAS && tag.tail instanceof Ref)
    send(tag.tail);
  else if (tag instanceof ImproperList && tag.elements[0] instanceof ImproperList) {
    const inner = tag.elements[0];
    if (inner.elements[0] === ALIAS && inner.tail instanceof Ref) send(inner.tail);
  } else if (pid instanceof Pid) send(pid);
}
function wrapsSysState(from, self) {
  const pid = from.elements[0];
  if (pid instanceof Pid && pid.node === self.runtime.node) return true;
  const tag = from.elements[1];
  const ref = tag instanceof ImproperList ? tag.tail : tag;
  return ref instanceof Ref && ref.ids.length >= 5;
}
function unwrapSysState(reply) {
  if (reply instanceof Tuple && reply.elements.length === 2) {
    if (reply.elements[0] === OK3) return reply.elements[1];
    if (reply.elements[0] === ERROR3) {
      throw new ExitError(
        reply.elements[1],
        `sys request failed: ${formatTerm(reply.elements[1])}`
      );
    }
  }
  return reply;
}
var TIMEOUT_MARK = new Tuple([Atom.of("$beamlink_gen_server_timeout")]);
var ServerLoop = class {
  cb;
  self;
  parent;
  state;
  suspended = false;
  deferred = [];
  lastMessage = null;
  timer = null;
  timerGen = 0;
  stopping = false;
  name;
  constructor(cb, self, parent, name) {
    this.cb = cb;
    this.self = self;
    this.parent = parent;
    this.name = name;
  }
  handle = (m) => {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (m === TIMEOUT_MARK) {
      if (this.timerGen !== -1) return void 0;
      this.timerGen = 0;
      m = TIMEOUT;
    } else {
      this.timerGen = 0;
    }
    if (this.suspended && !(m instanceof Tuple && m.elements[0] === SYSTEM && m.elements.length === 3)) {
      if (m instanceof Tuple && m.elements.length === 3 && m.elements[0] === EXIT2 && this.isParent(m.elements[1])) {
        return this.terminate(m.elements[2], m);
      }
      this.deferred.push(m);
      return void 0;
    }
    return this.dispatch(m);
  };
  isParent(p) {
    return p instanceof Pid && p.key === this.parent.key && p !== this.self.pid;
  }
  dispatch(m) {
    this.lastMessage = m;
    const cb = this.cb;
    let r;
    try {
      if (m instanceof Tuple) {
        const el = m.elements;
        const tag = el[0];
        if (tag === GEN_CALL && el.length === 3 && el[1] instanceof Tuple && el[1].elements.length === 2 && el[1].elements[0] instanceof Pid) {
          const from = new From(el[1].elements[0], el[1].elements[1], this.self);
          if (cb.handleCall === void 0)
            r = { stop: new Tuple([BAD_CALL, el[2]]), state: this.state };
          else r = cb.handleCall(el[2], from, this.state, this.self);
          return isThenable2(r) ? r.then(
            (x) => this.afterCall(x, from),
            (e) => this.crash(e)
          ) : this.afterCall(r, from);
        }
        if (tag === GEN_CAST && el.length === 2) {
          if (cb.handleCast === void 0)
            r = { stop: new Tuple([BAD_CAST, el[1]]), state: this.state };
          else r = cb.handleCast(el[1], this.state, this.self);
          return isThenable2(r) ? r.then(
            (x) => this.after(x),
            (e) => this.crash(e)
          ) : this.after(r);
        }
        if (tag === SYSTEM && el.length === 3 && el[1] instanceof Tuple && el[1].elements.length === 2) {
          return this.system(el[1], el[2]);
        }
        if (tag === EXIT2 && el.length === 3 && this.isParent(el[1])) {
          return this.terminate(el[2], m);
        }
      }
      if (cb.handleInfo === void 0) {
        this.self.runtime.logger.log(
          "warn",
          `${formatTerm(this.name)} received unexpected message in handleInfo: ${formatTerm(m)}`
        );
        return void 0;
      }
      r = cb.handleInfo(m, this.state, this.self);
      return isThenable2(r) ? r.then(
        (x) => this.after(x),
        (e) => this.crash(e)
      ) : this.after(r);
    } catch (e) {
      return this.crash(e);
    }
  }
  afterCall(r, from) {
    if (r !== null && typeof r === "object" && "reply" in r && !("stop" in r)) {
      this.state = r.state;
      sendReply(this.self, from, r.reply);
      return this.next(r.timeout, r.continue);
    }
    if (r !== null && typeof r === "object" && "stop" in r && r.reply !== void 0) {
      sendReply(this.self, from, r.reply);
    }
    return this.after(r);
  }
  after(r) {
    if (r === null || typeof r !== "object") {
      return this.terminate(
        new Tuple([Atom.of("bad_return_value"), r ?? null]),
        this.lastMessage
      );
    }
    if ("stop" in r) {
      this.state = r.state;
      return this.terminate(r.stop, this.lastMessage);
    }
    if ("noreply" in r) {
      this.state = r.state;
      return this.next(r.timeout, r.continue);
    }
    return this.terminate(
      new Tuple([Atom.of("bad_return_value"), formatTerm(r)]),
      this.lastMessage
    );
  }
  next(timeout, cont) {
    if (cont !== void 0 && this.cb.handleContinue !== void 0) {
      try {
        const r = this.cb.handleContinue(cont, this.state, this.self);
        return isThenable2(r) ? r.then(
          (x) => this.after(x),
          (e) => this.crash(e)
        ) : this.after(r);
      } catch (e) {
        return this.crash(e);
      }
    }
    if (timeout !== void 0 && timeout !== Infinity) {
      if (this.self.mailboxLength > 0) {
        return void 0;
      }
      this.timerGen = -1;
      this.timer = setTimeout(
        () => {
          this.timer = null;
          this.self.runtime.send(this.self.pid, TIMEOUT_MARK);
        },
        Math.max(0, timeout)
      );
    }
    return void 0;
  }
  system(from, req) {
    const reply = (v) => sendReply(this.self, from, v);
    const wrap = wrapsSysState(from, this.self);
    const stateReply = (v) => wrap ? new Tuple([OK3, v]) : v;
    if (req === GET_STATE) reply(stateReply(this.termState()));
    else if (req === SUSPEND) {
      this.suspended = true;
      reply(OK3);
    } else if (req === RESUME) {
      this.suspended = false;
      reply(OK3);
      return this.replay();
    } else if (req === GET_STATUS) reply(this.status());
    else if (req instanceof Tuple && req.elements.length === 2 && req.elements[0] === REPLACE_STATE) {
      const fn = req.elements[1];
      if (fn instanceof StateFun) {
        try {
          this.state = fn.fn(this.state);
          reply(stateReply(this.termState()));
        } catch (e) {
          reply(
            new Tuple([
              ERROR3,
              new Tuple([CALLBACK_FAILED, fn, new Tuple([ERROR3, crashReason(e)])])
            ])
          );
        }
      } else {
        reply(
          new Tuple([ERROR3, new Tuple([CALLBACK_FAILED, fn ?? null, new Tuple([ERROR3, BADFUN])])])
        );
      }
    } else if (req instanceof Tuple && req.elements.length === 2 && req.elements[0] === TERMINATE) {
      reply(OK3);
      return this.terminate(req.elements[1], this.lastMessage);
    } else reply(new Tuple([ERROR3, new Tuple([UNKNOWN_SYSTEM_MSG, req])]));
    return void 0;
  }
  replay() {
    const queued = this.deferred;
    this.deferred = [];
    const step = (i) => {
      for (; i < queued.length; i++) {
        if (this.suspended) {
          this.deferred.push(...queued.slice(i));
          return void 0;
        }
        const r = this.dispatch(queued[i]);
        if (isThenable2(r)) return r.then(() => step(i + 1));
      }
      return void 0;
    };
    return step(0);
  }
  termState() {
    if (this.cb.formatState !== void 0) return this.cb.formatState(this.state);
    return this.state;
  }
  status() {
    const sys = this.suspended ? SUSPENDED : RUNNING;
    const misc = [
      new Tuple([HEADER, `Status for generic server ${formatTerm(this.name)}`]),
      new Tuple([
        DATA,
        [
          new Tuple(["Status", sys]),
          new Tuple(["Parent", this.parent]),
          new Tuple(["Logged events", []])
        ]
      ]),
      new Tuple([DATA, [new Tuple(["State", this.termState()])]])
    ];
    return new Tuple([
      STATUS,
      this.self.pid,
      new Tuple([MODULE, GEN_SERVER]),
      [[], sys, this.parent, [], misc]
    ]);
  }
  crash(e) {
    if (this.stopping) throw e;
    const reason = e instanceof ExitError ? e.reason : crashReason(e);
    return this.terminate(reason, this.lastMessage);
  }
  /** Runs `terminate`, logs the crash report unless the reason is normal, exits. */
  terminate(reason, last) {
    this.stopping = true;
    if (this.timer !== null) clearTimeout(this.timer);
    const finish = () => {
      if (!isNormalExit(reason)) this.report(reason, last);
      throw new ExitError(reason, "gen_server terminating");
    };
    if (this.cb.terminate === void 0) return finish();
    let r;
    try {
      r = this.cb.terminate(reason, this.state, this.self);
    } catch (e) {
      reason = e instanceof ExitError ? e.reason : crashReason(e);
      return finish();
    }
    if (isThenable2(r)) {
      return r.then(finish, (e) => {
        reason = e instanceof ExitError ? e.reason : crashReason(e);
        return finish();
      });
    }
    return finish();
  }
  report(reason, last) {
    let state;
    try {
      state = formatTerm(this.termState());
    } catch {
      state = "(unprintable)";
    }
    this.self.runtime.logger.log(
      "error",
      `** Generic server ${formatTerm(this.name)} terminating 
** Last message in was ${formatTerm(last)}
** When Server state == ${state}
** Reason for termination ==
** ${formatTerm(reason)}`,
      { pid: this.self.pid, reason, lastMessage: last }
    );
  }
};
function labelOf(cb) {
  const ctor = cb.constructor;
  return `GenServer ${ctor !== void 0 && ctor.name !== "Object" ? ctor.name : "anonymous"}`;
}
function doStart(caller, cb, arg, options, link2) {
  const rt = caller instanceof Runtime ? caller : caller.runtime;
  const name = options?.name === void 0 ? void 0 : typeof options.name === "string" ? Atom.of(options.name) : options.name;
  if (name !== void 0) {
    const holder = rt.whereis(name);
    if (holder !== void 0)
      return Promise.reject(new StartError(new Tuple([ALREADY_STARTED, holder])));
  }
  return new Promise((resolve, reject) => {
    let settled = false;
    let timer = null;
    const ack = (err, pid2) => {
      if (settled) return;
      settled = true;
      if (timer !== null) clearTimeout(timer);
      if (err === null) resolve(pid2);
      else reject(new StartError(err));
    };
    const body = async (self) => {
      const parent = link2 && !(caller instanceof Runtime) ? caller.pid : self.pid;
      const loop = new ServerLoop(cb, self, parent, name ?? self.pid);
      let init;
      try {
        const r = cb.init(arg, self);
        init = isThenable2(r) ? await r : r;
      } catch (e) {
        const reason2 = e instanceof ExitError ? e.reason : crashReason(e);
        if (!(e instanceof ExitError)) {
          rt.logger.log(
            "error",
            `GenServer ${formatTerm(name ?? self.pid)} failed in init: ${formatTerm(reason2)}`,
            { error: e }
          );
        }
        ack(reason2);
        throw new ExitError(reason2);
      }
      if (init !== null && typeof init === "object" && "ok" in init) {
        loop.state = init.ok;
        self.handle(loop.handle);
        ack(null, self.pid);
        const n = loop.next(init.timeout, init.continue);
        if (isThenable2(n)) await n;
        return;
      }
      if (init !== null && typeof init === "object" && "ignore" in init) {
        ack(IGNORE);
        return;
      }
      const reason = init !== null && typeof init === "object" && "stop" in init ? init.stop : new Tuple([Atom.of("bad_return_value"), formatTerm(init)]);
      ack(reason);
      throw new ExitError(reason);
    };
    let pid;
    try {
      const opts = {
        label: options?.label ?? labelOf(cb),
        ...name === void 0 ? {} : { name },
        ...options?.trapExit === true ? { trapExit: true } : {}
      };
      pid = link2 && !(caller instanceof Runtime) ? caller.spawnLink(body, opts) : rt.spawn(body, opts);
    } catch (e) {
      const holder = name === void 0 ? void 0 : rt.whereis(name);
      reject(holder !== void 0 ? new StartError(new Tuple([ALREADY_STARTED, holder])) : e);
      return;
    }
    const t = options?.timeout;
    if (t !== void 0 && t !== Infinity) {
      timer = setTimeout(() => {
        if (settled) return;
        rt.exit(pid, Atom.of("kill"));
        ack(TIMEOUT);
      }, t);
    }
  });
}
var GenServer = class _GenServer {
  /**
   * Starts a server (not linked) and waits for `init`. Rejects with {@link StartError}.
   *
   * @example
   * ```ts
   * const pid = await GenServer.start(rt, new Counter(), 0, { name: 'counter' });
   * ```
   */
  static start(caller, callbacks, arg = null, options) {
    return doStart(
      caller,
      callbacks,
      arg,
      options,
      false
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
  static startLink(caller, callbacks, arg = null, options) {
    return doStart(
      caller,
      callbacks,
      arg,
      options,
      true
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
  static call(caller, dest, request, timeout = 5e3) {
    const fail = (reason) => {
      const d = destTerm(dest);
      const t = timeout === Infinity ? INFINITY : timeout;
      return new ExitError(
        new Tuple([reason, new Tuple([GEN_SERVER, CALL, [d, request, t]])]),
        `GenServer.call to ${formatTerm(d)} failed: ${formatTerm(reason)}`
      );
    };
    if (!(caller instanceof Runtime)) {
      return genCall(caller, dest, GEN_CALL, request, timeout, fail);
    }
    return inProcess(
      caller,
      "GenServer.call",
      (self) => genCall(self, dest, GEN_CALL, request, timeout, fail)
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
  static cast(caller, dest, request) {
    try {
      caller.send(dest, new Tuple([GEN_CAST, request]));
    } catch {
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
  static reply(from, value, via) {
    const sender = via ?? (from instanceof From ? from.server : null);
    if (sender === null)
      throw new TypeError("GenServer.reply: pass `via` for a from tuple not given by a server");
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
  static stop(caller, dest, reason = NORMAL2, timeout = Infinity) {
    return inProcess(caller, "GenServer.stop", async (self) => {
      if (dest instanceof Ref) throw new ExitError(Atom.of("badarg"));
      const target2 = dest;
      const mref = self.monitor(target2);
      const isDown2 = (m) => m instanceof Tuple && m.elements.length === 5 && m.elements[0] === DOWN2 && m.elements[1] instanceof Ref && sameRef(m.elements[1], mref);
      const early = self.poll(isDown2);
      if (early !== void 0)
        throw new ExitError(early.elements[4] === NOCONNECTION2 ? NOPROC2 : early.elements[4]);
      const tag = self.makeRef();
      try {
        self.send(
          dest,
          new Tuple([SYSTEM, new Tuple([self.pid, tag]), new Tuple([TERMINATE, reason])])
        );
      } catch {
      }
      const down = await self.receive(isDown2, { timeout });
      self.poll(
        (m) => m instanceof Tuple && m.elements.length === 2 && m.elements[0] instanceof Ref && sameRef(m.elements[0], tag)
      );
      if (down === void 0) {
        self.demonitor(mref, { flush: true });
        throw new ExitError(TIMEOUT);
      }
      const r = down.elements[4];
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
  static getState(caller, dest, timeout = 5e3) {
    return _GenServer.system(caller, dest, GET_STATE, timeout).then(unwrapSysState);
  }
  /**
   * `sys:replace_state/2` with a JS function (local servers only).
   *
   * @example
   * ```ts
   * await GenServer.replaceState(rt, 'counter', (n) => (n as number) + 10);
   * ```
   */
  static replaceState(caller, dest, fn, timeout = 5e3) {
    return _GenServer.system(
      caller,
      dest,
      new Tuple([REPLACE_STATE, new StateFun(fn)]),
      timeout
    ).then(unwrapSysState);
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
  static system(caller, dest, request, timeout = 5e3) {
    const fail = (reason) => {
      const d = destTerm(dest);
      let mfa;
      if (request instanceof Tuple && request.elements[0] === TERMINATE) {
        mfa = new Tuple([SYS, TERMINATE, [d, request.elements[1]]]);
      } else if (request instanceof Atom) {
        mfa = new Tuple([SYS, request, [d]]);
      } else {
        const fn = request instanceof Tuple && request.elements[0] instanceof Atom ? request.elements[0] : SYSTEM;
        mfa = new Tuple([SYS, fn, [d]]);
      }
      return new ExitError(
        new Tuple([reason, mfa]),
        `sys request to ${formatTerm(d)} failed: ${formatTerm(reason)}`
      );
    };
    if (!(caller instanceof Runtime)) return genCall(caller, dest, SYSTEM, request, timeout, fail);
    return inProcess(caller, "sys", (self) => genCall(self, dest, SYSTEM, request, timeout, fail));
  }
};

// ../src/otp/errors.ts
var ChildSpecError = class extends BeamlinkError {
  reason;
  constructor(reason, message) {
    super("BL_ERR_CHILD_SPEC", message);
    this.reason = reason;
  }
};
var SupervisorStartError = class extends BeamlinkError {
  reason;
  constructor(reason, message, options) {
    super("BL_ERR_SUPERVISOR_START", message, options);
    this.reason = reason;
  }
};
var TaskOwnerError = class extends BeamlinkError {
  constructor(message) {
    super("BL_ERR_TASK_OWNER", message);
  }
};

// ../src/otp/child-spec.ts
var DEFAULT_WORKER_SHUTDOWN = 5e3;
var RESTART_TYPES = ["permanent", "transient", "temporary"];
var CHILD_TYPES = ["worker", "supervisor"];
function bad(reason, message) {
  throw new ChildSpecError(reason, `invalid child spec: ${message}`);
}
function asTerm(value) {
  if (value === void 0) return atom("undefined");
  if (typeof value === "function") return atom(value.name || "anonymous");
  if (typeof value === "string" && value.length <= 255) return atom(value);
  return value;
}
function fnAtom(fn) {
  return atom(fn.name || "anonymous");
}
function checkChildSpec(input) {
  const spec = typeof input.childSpec === "function" ? input.childSpec() : input;
  if (spec === null || typeof spec !== "object")
    bad(tuple(atom("invalid_child_spec"), asTerm(spec)), "not an object");
  if (!("id" in spec) || spec.id === void 0) bad(atom("missing_id"), "missing id");
  if (!("start" in spec) || spec.start === void 0) bad(atom("missing_start"), "missing start");
  let start;
  let mfargs;
  let defaultModule;
  if (typeof spec.start === "function") {
    start = spec.start;
    defaultModule = fnAtom(spec.start);
    mfargs = tuple(atom("beamlink"), defaultModule, []);
  } else if (Array.isArray(spec.start) && spec.start.length === 2 && typeof spec.start[0] === "function" && Array.isArray(spec.start[1])) {
    const [fn, args] = spec.start;
    start = (sup) => fn(sup, ...args);
    defaultModule = fnAtom(fn);
    mfargs = tuple(atom("beamlink"), defaultModule, args);
  } else {
    bad(tuple(atom("invalid_mfa"), asTerm(spec.start)), "start must be a function or [fn, args]");
  }
  const restart = spec.restart ?? "permanent";
  if (!RESTART_TYPES.includes(restart)) {
    bad(tuple(atom("invalid_restart_type"), asTerm(restart)), `restart ${String(restart)}`);
  }
  const type = spec.type ?? "worker";
  if (!CHILD_TYPES.includes(type)) {
    bad(tuple(atom("invalid_child_type"), asTerm(type)), `type ${String(type)}`);
  }
  const shutdown = spec.shutdown ?? (type === "worker" ? DEFAULT_WORKER_SHUTDOWN : "infinity");
  if (!(typeof shutdown === "number" && Number.isInteger(shutdown) && shutdown >= 0) && shutdown !== "brutal_kill" && shutdown !== "infinity") {
    bad(tuple(atom("invalid_shutdown"), asTerm(shutdown)), `shutdown ${String(shutdown)}`);
  }
  let modules;
  if (spec.modules === void 0) modules = [defaultModule];
  else if (spec.modules === "dynamic") modules = "dynamic";
  else if (Array.isArray(spec.modules)) {
    modules = spec.modules.map((m) => {
      if (m instanceof Atom) return m;
      if (typeof m === "string") return atom(m);
      return bad(tuple(atom("invalid_module"), asTerm(m)), `module ${String(m)}`);
    });
  } else {
    bad(
      tuple(atom("invalid_modules"), asTerm(spec.modules)),
      'modules must be a list or "dynamic"'
    );
  }
  return {
    id: spec.id,
    key: childIdKey(spec.id),
    start,
    restart,
    shutdown,
    type,
    modules,
    mfargs
  };
}
function checkStartSpec(inputs) {
  const seen = /* @__PURE__ */ new Set();
  return inputs.map((input) => {
    const spec = checkChildSpec(input);
    if (seen.has(spec.key)) {
      bad(tuple(atom("duplicate_child_name"), spec.id), `duplicate child id ${spec.key}`);
    }
    seen.add(spec.key);
    return spec;
  });
}
function startWith(fn, ...args) {
  return [fn, args];
}
function childIdKey(term) {
  if (term === null) return "nil";
  switch (typeof term) {
    case "number":
      return Number.isInteger(term) ? `i${term}` : `f${term}`;
    case "bigint":
      return `i${term}`;
    case "string":
      return `b${Buffer.from(term, "utf8").toString("hex")}`;
    case "boolean":
      return term ? "atrue" : "afalse";
    default:
      break;
  }
  if (term instanceof Atom) return `a${JSON.stringify(term.name)}`;
  if (term instanceof Tuple) return `{${term.elements.map(childIdKey).join(",")}}`;
  if (Array.isArray(term)) return `[${term.map(childIdKey).join(",")}]`;
  if (term instanceof Pid) return `p${term.key}`;
  if (term instanceof Ref) return `r${term.key}`;
  if (term instanceof Port) return `o${term.key}`;
  if (term instanceof Float) return `f${term.value}`;
  if (term instanceof ImproperList) {
    return `[${term.elements.map(childIdKey).join(",")}|${childIdKey(term.tail)}]`;
  }
  if (term instanceof Uint8Array) return `b${Buffer.from(term).toString("hex")}`;
  if (term instanceof BitBinary) return `B${Buffer.from(term.bytes).toString("hex")}/${term.bits}`;
  if (term instanceof Map) {
    const entries = [...term].map(([k, v]) => `${childIdKey(k)}=>${childIdKey(v)}`).sort();
    return `#{${entries.join(",")}}`;
  }
  if (typeof term === "object") {
    const entries = Object.entries(term).map(([k, v]) => `${childIdKey(atom(k))}=>${childIdKey(v)}`).sort();
    return `#{${entries.join(",")}}`;
  }
  return `?${String(term)}`;
}

// ../src/otp/child-lifecycle.ts
var OK4 = atom("ok");
var ERROR4 = atom("error");
var IGNORE2 = atom("ignore");
var DOWN3 = atom("DOWN");
var EXIT3 = atom("EXIT");
var KILL2 = atom("kill");
var KILLED2 = atom("killed");
var SHUTDOWN3 = atom("shutdown");
var NORMAL3 = atom("normal");
function reasonOfThrown(e) {
  if (e instanceof ExitError) return e.reason;
  if (e instanceof BeamlinkError && "reason" in e) return e.reason;
  return crashReason(e);
}
function interpretStartReturn(r) {
  if (r instanceof Pid) return { ok: true, pid: r };
  if (r === IGNORE2) return { ok: true, pid: void 0 };
  if (r instanceof Tuple) {
    const [tag, a, b] = r.elements;
    if (tag === OK4 && a instanceof Pid && r.length === 2) return { ok: true, pid: a };
    if (tag === OK4 && a instanceof Pid && r.length === 3) return { ok: true, pid: a, info: b };
    if (tag === ERROR4 && r.length === 2) return { ok: false, reason: a };
  }
  return { ok: false, reason: r ?? atom("undefined") };
}
async function startChildProcess(self, start) {
  try {
    return interpretStartReturn(await start(self));
  } catch (e) {
    const reason = reasonOfThrown(e);
    if (reason === IGNORE2) return { ok: true, pid: void 0 };
    return { ok: false, reason };
  }
}
function isDownFor(m, ref) {
  return m instanceof Tuple && m.length === 5 && m.elements[0] === DOWN3 && m.elements[1] instanceof Ref && m.elements[1].key === ref.key;
}
function isExitFrom(m, pid) {
  return m instanceof Tuple && m.length === 3 && m.elements[0] === EXIT3 && m.elements[1] instanceof Pid && m.elements[1].key === pid.key;
}
function unlinkFlush(self, pid, fallback) {
  self.unlink(pid);
  const m = self.poll((x) => isExitFrom(x, pid));
  return m instanceof Tuple ? m.elements[2] : fallback;
}
function isShutdownReason(reason) {
  return reason === SHUTDOWN3 || reason instanceof Tuple && reason.length === 2 && reason.elements[0] === SHUTDOWN3;
}
function expectedStop(reason, mode, restart) {
  if (mode === "kill" && reason === KILLED2) return true;
  if (mode === "shutdown" && reason === SHUTDOWN3) return true;
  if (restart === "permanent") return false;
  return reason === NORMAL3 || isShutdownReason(reason);
}
async function shutdownChild(self, pid, shutdown, restart) {
  const mon = self.monitor(pid);
  const mode = shutdown === "brutal_kill" ? "kill" : "shutdown";
  self.exitProcess(pid, mode === "kill" ? KILL2 : SHUTDOWN3);
  const timeout = typeof shutdown === "number" ? shutdown : Infinity;
  let down = await self.receive((m) => isDownFor(m, mon), { timeout });
  if (down === void 0) {
    self.exitProcess(pid, KILL2);
    down = await self.receive((m) => isDownFor(m, mon));
  }
  const reason = unlinkFlush(self, pid, down.elements[4]);
  return expectedStop(reason, mode, restart) ? "ok" : { error: reason };
}
async function shutdownMany(self, children) {
  const waiting = /* @__PURE__ */ new Map();
  const killAt = /* @__PURE__ */ new Map();
  const started = performance.now();
  for (const c of children) {
    const mon = self.monitor(c.pid);
    const mode = c.shutdown === "brutal_kill" ? "kill" : "shutdown";
    self.exitProcess(c.pid, mode === "kill" ? KILL2 : SHUTDOWN3);
    waiting.set(mon.key, { pid: c.pid, mode, restart: c.restart });
    if (typeof c.shutdown === "number") {
      const group = killAt.get(c.shutdown);
      if (group) group.push(mon.key);
      else killAt.set(c.shutdown, [mon.key]);
    }
  }
  const deadlines = [...killAt.keys()].sort((a, b) => a - b);
  const errors = [];
  const isWaitedDown = (m) => m instanceof Tuple && m.length === 5 && m.elements[0] === DOWN3 && m.elements[1] instanceof Ref && waiting.has(m.elements[1].key);
  while (waiting.size > 0) {
    const next = deadlines[0];
    const timeout = next === void 0 ? Infinity : Math.max(0, started + next - performance.now());
    const m = await self.receive(isWaitedDown, { timeout });
    if (m === void 0) {
      deadlines.shift();
      for (const key2 of killAt.get(next) ?? []) {
        const w2 = waiting.get(key2);
        if (w2) self.exitProcess(w2.pid, KILL2);
      }
      continue;
    }
    const down = m;
    const key = down.elements[1].key;
    const w = waiting.get(key);
    waiting.delete(key);
    const reason = unlinkFlush(self, w.pid, down.elements[4]);
    if (!expectedStop(reason, w.mode, w.restart)) errors.push({ pid: w.pid, reason });
  }
  return errors;
}

// ../src/otp/crash-report.ts
function offender(spec, pid, id = spec.id) {
  const shutdown = typeof spec.shutdown === "number" ? spec.shutdown : atom(spec.shutdown);
  const first = Array.isArray(pid) ? tuple(atom("nb_children"), pid.length) : tuple(atom("pid"), pid);
  return [
    first,
    tuple(atom("id"), id),
    tuple(atom("mfargs"), spec.mfargs),
    tuple(atom("restart_type"), atom(spec.restart)),
    tuple(atom("significant"), false),
    tuple(atom("shutdown"), shutdown),
    tuple(atom("child_type"), atom(spec.type))
  ];
}
function reportError(logger, supervisor, context, reason, offenderTerm) {
  if (!logger) return;
  const report = [
    tuple(atom("supervisor"), supervisor),
    tuple(atom("errorContext"), atom(context)),
    tuple(atom("reason"), reason),
    tuple(atom("offender"), offenderTerm)
  ];
  const message = `=SUPERVISOR REPORT====
    supervisor: ${formatTerm(supervisor)}
    errorContext: ${context}
    reason: ${formatTerm(reason)}
    offender: ${formatTerm(offenderTerm)}`;
  logger.log("error", message, {
    label: "supervisor_report",
    errorContext: context,
    supervisor,
    reason,
    report
  });
}
function reportProgress(logger, supervisor, spec, pid) {
  if (!logger) return;
  const started = offender(spec, pid);
  logger.log(
    "debug",
    `=PROGRESS REPORT====
    supervisor: ${formatTerm(supervisor)}
    started: ${formatTerm(started)}`,
    { label: "supervisor_progress", supervisor, report: started }
  );
}

// ../src/otp/restart-intensity.ts
var monotonicClock = () => performance.now();
var DEFAULT_INTENSITY = 3;
var DEFAULT_PERIOD = 5;
var RestartIntensity = class {
  intensity;
  period;
  #now;
  /** Restart times in whole seconds, newest first (supervisor.erl's `#state.restarts`). */
  #restarts = [];
  constructor(options = {}) {
    const intensity = options.intensity ?? DEFAULT_INTENSITY;
    const period = options.period ?? DEFAULT_PERIOD;
    if (!Number.isInteger(intensity) || intensity < 0) {
      throw new RangeError(`intensity must be a non-negative integer, got ${String(intensity)}`);
    }
    if (!Number.isInteger(period) || period <= 0) {
      throw new RangeError(`period must be a positive integer, got ${String(period)}`);
    }
    this.intensity = intensity;
    this.period = period;
    this.#now = options.now ?? monotonicClock;
  }
  /**
   * Records one restart now. `'ok'` when the supervisor may restart the child;
   * `'terminate'` when this restart exceeds the intensity (the supervisor must shut down).
   */
  addRestart() {
    const now = Math.floor(this.#now() / 1e3);
    const threshold = now - this.period;
    const kept = [now];
    for (const r of this.#restarts) {
      if (r < threshold) break;
      kept.push(r);
    }
    this.#restarts = kept;
    return kept.length <= this.intensity ? "ok" : "terminate";
  }
  /** The restart times (whole seconds, newest first) inside the current window. */
  get restarts() {
    return this.#restarts;
  }
  /** Plain data for introspection. */
  inspect() {
    return { intensity: this.intensity, period: this.period, restarts: [...this.#restarts] };
  }
};

// ../src/otp/strategies/child-table.ts
var ChildTable = class {
  #order = [];
  #byKey = /* @__PURE__ */ new Map();
  #byPid = /* @__PURE__ */ new Map();
  /** Number of child specs. */
  get size() {
    return this.#order.length;
  }
  /** Children in start order (a copy). */
  list() {
    return [...this.#order];
  }
  get(key) {
    return this.#byKey.get(key);
  }
  byPid(pid) {
    return this.#byPid.get(pid.key);
  }
  /** Adds a child last (start order). */
  add(child) {
    this.#order.push(child);
    this.#byKey.set(child.spec.key, child);
    if (child.pid) this.#byPid.set(child.pid.key, child);
  }
  /** Records that `child` now runs as `pid` (or runs nothing). */
  setPid(child, pid, restarting = false) {
    if (child.pid) this.#byPid.delete(child.pid.key);
    child.pid = pid;
    child.restarting = restarting;
    if (pid) this.#byPid.set(pid.key, child);
  }
  /** Removes a child spec altogether. */
  remove(child) {
    const i = this.#order.indexOf(child);
    if (i >= 0) this.#order.splice(i, 1);
    this.#byKey.delete(child.spec.key);
    if (child.pid) this.#byPid.delete(child.pid.key);
  }
  /** supervisor.erl's `del_child/2`: a temporary child is forgotten, others just stop. */
  delChild(child) {
    if (child.spec.restart === "temporary") this.remove(child);
    else this.setPid(child, void 0);
  }
  /** The children from `child` (included) to the last one, in start order. */
  from(child) {
    const i = this.#order.indexOf(child);
    return i < 0 ? [] : this.#order.slice(i);
  }
};

// ../src/otp/strategies/strategy.ts
async function restartMultiple(ctx, _crashed, children) {
  const survivors = [];
  for (let i = children.length - 1; i >= 0; i--) {
    const c = children[i];
    if (c.pid) await ctx.terminateChild(c);
    if (c.spec.restart === "temporary") ctx.table.remove(c);
    else {
      ctx.table.setPid(c, void 0);
      survivors.push(c);
    }
  }
  survivors.reverse();
  for (const c of survivors) {
    const r = await ctx.startChild(c);
    if (r.ok) {
      ctx.table.setPid(c, r.pid);
      continue;
    }
    ctx.reportStartError(c, r);
    ctx.table.setPid(c, void 0, true);
    return { tryAgain: c };
  }
  return "ok";
}

// ../src/otp/strategies/one-for-all.ts
var oneForAll = (ctx, child) => restartMultiple(ctx, child, ctx.table.list());

// ../src/otp/strategies/one-for-one.ts
var oneForOne = async (ctx, child) => {
  const r = await ctx.startChild(child);
  if (r.ok) {
    ctx.table.setPid(child, r.pid);
    return "ok";
  }
  ctx.table.setPid(child, void 0, true);
  ctx.reportStartError(child, r);
  return { tryAgain: child };
};

// ../src/otp/strategies/rest-for-one.ts
var restForOne = (ctx, child) => restartMultiple(ctx, child, ctx.table.from(child));

// ../src/otp/supervisor-host.ts
var GEN_CALL2 = atom("$gen_call");
var GEN_CAST2 = atom("$gen_cast");
var SYSTEM2 = atom("system");
var EXIT4 = atom("EXIT");
var DOWN4 = atom("DOWN");
var ALIAS2 = atom("alias");
var InitStop = class {
  reason;
  constructor(reason) {
    this.reason = reason;
  }
};
function isProcess(x) {
  return x.pid instanceof Pid && x.runtime !== void 0;
}
function replyTo(self, from, reply) {
  if (!(from instanceof Tuple) || from.length !== 2) return;
  const [pid, tag] = from.elements;
  if (tag instanceof ImproperList) {
    const head = tag.elements[0];
    if (head === ALIAS2 && tag.tail instanceof Ref) return self.send(tag.tail, tuple(tag, reply));
    if (head instanceof ImproperList && head.elements[0] === ALIAS2 && head.tail instanceof Ref) {
      return self.send(head.tail, tuple(tag, reply));
    }
  }
  if (pid instanceof Pid) self.send(pid, tuple(tag, reply));
}
function startHost(starter, options, make) {
  const runtime = isProcess(starter) ? starter.runtime : starter;
  const parent = isProcess(starter) ? starter.pid : void 0;
  if (options.name !== void 0) {
    const existing = runtime.whereis(options.name);
    if (existing) {
      return Promise.reject(
        new SupervisorStartError(
          tuple(atom("already_started"), existing),
          `a process is already registered as ${String(options.name)}`
        )
      );
    }
  }
  return new Promise((resolve, reject) => {
    const body = async (self) => {
      let cb;
      try {
        cb = make(self);
        await cb.init();
      } catch (e) {
        const reason = e instanceof InitStop ? e.reason : reasonOfThrown(e);
        if (options.name !== void 0 && runtime.whereis(options.name)?.key === self.pid.key) {
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
async function stopWith(cb, reason) {
  await cb.terminate(reason);
  throw new ExitError(reason);
}
async function dispatch(self, cb, parent, m) {
  if (m instanceof Tuple) {
    const tag = m.elements[0];
    if (tag === GEN_CALL2 && m.length === 3) {
      const from = m.elements[1];
      const r2 = await cb.handleCall(m.elements[2], from);
      if (r2 !== null && typeof r2 === "object" && "stop" in r2 && "reply" in r2) {
        replyTo(self, from, r2.reply);
        return stopWith(cb, r2.stop);
      }
      replyTo(self, from, r2);
      return;
    }
    if (tag === GEN_CAST2 && m.length === 2) {
      const r2 = await cb.handleCast(m.elements[1]);
      if (r2) return stopWith(cb, r2.stop);
      return;
    }
    if (tag === SYSTEM2 && m.length === 3) return system(self, cb, m.elements[1], m.elements[2]);
    if (tag === EXIT4 && m.length === 3 && parent && m.elements[1] instanceof Pid) {
      if (m.elements[1].key === parent.key) return stopWith(cb, m.elements[2]);
    }
  }
  const r = await cb.handleInfo(m);
  if (r) return stopWith(cb, r.stop);
}
async function system(self, cb, from, req) {
  if (req instanceof Tuple && req.length === 2 && req.elements[0] === atom("terminate")) {
    replyTo(self, from, atom("ok"));
    return stopWith(cb, req.elements[1]);
  }
  if (req === atom("get_state")) return replyTo(self, from, cb.state());
  if (req === atom("suspend") || req === atom("resume")) return replyTo(self, from, atom("ok"));
  replyTo(self, from, tuple(atom("error"), tuple(atom("unknown_system_msg"), req)));
}
async function callServer(caller, dest, request, timeout = Infinity) {
  if (!isProcess(caller)) {
    return new Promise((resolve, reject) => {
      caller.spawn(
        async (self2) => {
          try {
            resolve(await callServer(self2, dest, request, timeout));
          } catch (e) {
            reject(e);
          }
        },
        { label: "gen_server:call" }
      );
    });
  }
  const self = caller;
  const target2 = dest instanceof Ref ? void 0 : dest;
  const mref = target2 === void 0 ? self.makeRef() : self.monitor(target2);
  const callTerm = (reason2) => tuple(
    reason2,
    tuple(atom("gen_server"), atom("call"), [
      destTerm2(dest),
      request,
      timeout === Infinity ? atom("infinity") : timeout
    ])
  );
  try {
    self.send(dest, tuple(GEN_CALL2, tuple(self.pid, mref), request));
  } catch {
  }
  const m = await self.receive(
    (x) => x instanceof Tuple && (x.length === 2 && x.elements[0] instanceof Ref && x.elements[0].key === mref.key || x.length === 5 && x.elements[0] === DOWN4 && x.elements[1] instanceof Ref && x.elements[1].key === mref.key),
    { timeout }
  );
  if (m === void 0) {
    self.demonitor(mref, { flush: true });
    throw new ExitError(callTerm(atom("timeout")), "gen_server call timed out");
  }
  const t = m;
  if (t.length === 2) {
    self.demonitor(mref, { flush: true });
    return t.elements[1];
  }
  let reason = t.elements[4];
  const object = t.elements[3];
  if (reason === atom("noconnection")) {
    const node = object instanceof Pid ? object.node : object instanceof Tuple ? object.elements[1] : atom("nonode@nohost");
    reason = tuple(atom("nodedown"), node);
  }
  throw new ExitError(callTerm(reason), "gen_server call failed");
}
function destTerm2(dest) {
  if (typeof dest === "string") return atom(dest);
  if (Array.isArray(dest)) {
    const [n, node] = dest;
    return tuple(typeof n === "string" ? atom(n) : n, typeof node === "string" ? atom(node) : node);
  }
  return dest;
}
function castServer(caller, dest, request) {
  const msg = tuple(GEN_CAST2, request);
  try {
    if (isProcess(caller)) caller.send(dest, msg);
    else caller.send(dest, msg);
  } catch {
  }
}
async function stopServer(caller, dest, reason, timeout = Infinity) {
  if (!isProcess(caller)) {
    return new Promise((resolve, reject) => {
      caller.spawn(async (self2) => {
        try {
          await stopServer(self2, dest, reason, timeout);
          resolve();
        } catch (e) {
          reject(e);
        }
      });
    });
  }
  const self = caller;
  const target2 = dest instanceof Ref ? void 0 : dest;
  if (target2 === void 0) throw new ExitError(atom("noproc"), "cannot stop an alias");
  const mref = self.monitor(target2);
  try {
    self.send(dest, tuple(SYSTEM2, tuple(self.pid, mref), tuple(atom("terminate"), reason)));
  } catch {
  }
  const isDown2 = (x) => x instanceof Tuple && x.length === 5 && x.elements[0] === DOWN4 && x.elements[1] instanceof Ref && x.elements[1].key === mref.key;
  const isReply2 = (x) => x instanceof Tuple && x.length === 2 && x.elements[0] instanceof Ref && x.elements[0].key === mref.key;
  const m = await self.receive(isDown2, { timeout });
  self.poll(isReply2);
  if (m === void 0) {
    self.demonitor(mref, { flush: true });
    throw new ExitError(atom("timeout"), "stop timed out");
  }
  const got = m.elements[4];
  if (childIdKey(got) === childIdKey(reason)) return;
  throw new ExitError(got, "server stopped with another reason");
}

// ../src/otp/supervisor-server.ts
var STRATEGIES = {
  one_for_one: oneForOne,
  one_for_all: oneForAll,
  rest_for_one: restForOne
};
var OK5 = atom("ok");
var ERROR5 = atom("error");
var UNDEFINED2 = atom("undefined");
var EXIT5 = atom("EXIT");
var SHUTDOWN4 = atom("shutdown");
var NORMAL4 = atom("normal");
var LocalSpec = class {
  input;
  constructor(input) {
    this.input = input;
  }
};
function validateFlags(options) {
  const strategy = options.strategy ?? "one_for_one";
  if (!(strategy in STRATEGIES)) {
    throw new SupervisorStartError(
      tuple(atom("supervisor_data"), tuple(atom("invalid_strategy"), atom(String(strategy)))),
      `invalid strategy ${String(strategy)}`
    );
  }
  try {
    return { strategy, intensity: new RestartIntensity(options) };
  } catch (e) {
    const bad2 = options.intensity !== void 0 && !(Number.isInteger(options.intensity) && options.intensity >= 0) ? tuple(atom("invalid_intensity"), options.intensity) : tuple(atom("invalid_period"), options.period ?? null);
    throw new SupervisorStartError(tuple(atom("supervisor_data"), bad2), e.message);
  }
}
var SupervisorServer = class {
  self;
  table = new ChildTable();
  #specs;
  #strategy;
  #strategyName;
  #intensity;
  #name;
  constructor(self, specs, strategy, intensity, name) {
    this.self = self;
    this.#specs = specs;
    this.#strategyName = strategy;
    this.#strategy = STRATEGIES[strategy];
    this.#intensity = intensity;
    this.#name = name === void 0 ? tuple(self.pid, atom("supervisor")) : tuple(atom("local"), typeof name === "string" ? atom(name) : name);
  }
  get #logger() {
    return this.self.runtime.logger;
  }
  // ---- StrategyContext --------------------------------------------------------------
  async startChild(child) {
    const r = await startChildProcess(this.self, child.spec.start);
    if (r.ok && r.pid) reportProgress(this.#logger, this.#name, child.spec, r.pid);
    return r;
  }
  async terminateChild(child) {
    if (!child.pid) return;
    const r = await shutdownChild(this.self, child.pid, child.spec.shutdown, child.spec.restart);
    if (r !== "ok") {
      reportError(
        this.#logger,
        this.#name,
        "shutdown_error",
        r.error,
        offender(child.spec, child.pid)
      );
    }
  }
  reportStartError(child, r) {
    reportError(this.#logger, this.#name, "start_error", r.reason, offender(child.spec, UNDEFINED2));
  }
  // ---- HostCallbacks ----------------------------------------------------------------
  async init() {
    for (const spec of this.#specs) {
      const child = { spec, pid: void 0, restarting: false };
      const r = await this.startChild(child);
      if (r.ok) {
        if (r.pid === void 0 && spec.restart === "temporary") continue;
        this.table.add(child);
        this.table.setPid(child, r.pid);
        continue;
      }
      this.reportStartError(child, r);
      await this.terminateAll();
      throw new InitStop(tuple(SHUTDOWN4, tuple(atom("failed_to_start_child"), spec.id, r.reason)));
    }
  }
  /** terminate_children/2: every child, reverse start order. */
  async terminateAll() {
    const children = this.table.list();
    for (let i = children.length - 1; i >= 0; i--) {
      const c = children[i];
      await this.terminateChild(c);
      this.table.delChild(c);
    }
  }
  async terminate(_reason) {
    await this.terminateAll();
  }
  async handleInfo(message) {
    if (message instanceof Tuple && message.length === 3 && message.elements[0] === EXIT5) {
      const pid = message.elements[1];
      if (!(pid instanceof Pid)) return;
      const child = this.table.byPid(pid);
      if (!child) return;
      return this.#onChildExit(child, message.elements[2]);
    }
    this.#logger.log("error", `Supervisor received unexpected message: ${formatTerm(message)}`, {
      label: "supervisor_unexpected_message",
      supervisor: this.#name,
      message
    });
  }
  async handleCast(request) {
    if (request instanceof Tuple && request.length === 2 && request.elements[0] === atom("try_again_restart")) {
      const child = this.table.get(childIdKey(request.elements[1]));
      if (child && child.restarting) return this.#restart(child);
    }
  }
  async handleCall(request) {
    if (request === atom("which_children")) return this.#whichChildren();
    if (request === atom("count_children")) return this.#countChildren();
    if (request instanceof Tuple && request.length === 2 && request.elements[0] instanceof Atom) {
      const [tag, arg] = request.elements;
      switch (tag.name) {
        case "start_child":
          return this.#startChildCall(arg);
        case "terminate_child":
          return this.#terminateChildCall(arg);
        case "restart_child":
          return this.#restartChildCall(arg);
        case "delete_child":
          return this.#deleteChildCall(arg);
        case "get_childspec":
          return this.#getChildSpec(arg);
        default:
          break;
      }
    }
    return tuple(ERROR5, tuple(atom("unknown_call"), request));
  }
  state() {
    return tuple(
      atom("state"),
      this.#name,
      atom(this.#strategyName),
      this.#whichChildren(),
      this.#intensity.intensity,
      this.#intensity.period,
      [...this.#intensity.restarts]
    );
  }
  // ---- restarts -----------------------------------------------------------------------
  /** supervisor.erl do_restart/3. */
  async #onChildExit(child, reason) {
    const pid = child.pid;
    const restart = child.spec.restart;
    const benign = reason === NORMAL4 || isShutdownReason(reason);
    if (restart === "permanent" || restart === "transient" && !benign) {
      reportError(this.#logger, this.#name, "child_terminated", reason, offender(child.spec, pid));
      this.table.setPid(child, void 0);
      return this.#restart(child, pid);
    }
    if (restart === "temporary" && !benign) {
      reportError(this.#logger, this.#name, "child_terminated", reason, offender(child.spec, pid));
    }
    this.table.delChild(child);
  }
  /** supervisor.erl restart/2: count it, then let the strategy restart. */
  async #restart(child, deadPid) {
    if (this.#intensity.addRestart() === "terminate") {
      reportError(
        this.#logger,
        this.#name,
        "shutdown",
        atom("reached_max_restart_intensity"),
        offender(child.spec, deadPid ?? child.pid ?? UNDEFINED2)
      );
      this.table.delChild(child);
      return { stop: SHUTDOWN4 };
    }
    const r = await this.#strategy(this, child);
    if (r !== "ok") {
      castServer(this.self, this.self.pid, tuple(atom("try_again_restart"), r.tryAgain.spec.id));
    }
  }
  // ---- calls ----------------------------------------------------------------------------
  #whichChildren() {
    const out = [];
    const children = this.table.list();
    for (let i = children.length - 1; i >= 0; i--) {
      const c = children[i];
      const what = c.restarting ? atom("restarting") : c.pid ?? UNDEFINED2;
      out.push(tuple(c.spec.id, what, atom(c.spec.type), modulesTerm(c.spec)));
    }
    return out;
  }
  #countChildren() {
    let active = 0;
    let supervisors = 0;
    let workers = 0;
    for (const c of this.table.list()) {
      if (c.pid && !c.restarting && this.self.runtime.isAlive(c.pid)) active++;
      if (c.spec.type === "supervisor") supervisors++;
      else workers++;
    }
    return [
      tuple(atom("specs"), this.table.size),
      tuple(atom("active"), active),
      tuple(atom("supervisors"), supervisors),
      tuple(atom("workers"), workers)
    ];
  }
  async #startChildCall(arg) {
    let spec;
    try {
      if (!(arg instanceof LocalSpec)) {
        throw new ChildSpecError(
          tuple(atom("invalid_child_spec"), arg),
          "a remote child spec needs a start function"
        );
      }
      spec = checkChildSpec(arg.input);
    } catch (e) {
      if (e instanceof ChildSpecError) return tuple(ERROR5, e.reason);
      throw e;
    }
    const existing = this.table.get(spec.key);
    if (existing) {
      if (existing.pid) return tuple(ERROR5, tuple(atom("already_started"), existing.pid));
      return tuple(ERROR5, atom("already_present"));
    }
    const child = { spec, pid: void 0, restarting: false };
    const r = await this.startChild(child);
    if (!r.ok) return tuple(ERROR5, tuple(r.reason, childRecord(spec)));
    if (r.pid === void 0 && spec.restart === "temporary") return tuple(OK5, UNDEFINED2);
    this.table.add(child);
    this.table.setPid(child, r.pid);
    const pid = r.pid ?? UNDEFINED2;
    return r.info === void 0 ? tuple(OK5, pid) : tuple(OK5, pid, r.info);
  }
  async #terminateChildCall(id) {
    const child = this.table.get(childIdKey(id));
    if (!child) return tuple(ERROR5, atom("not_found"));
    await this.terminateChild(child);
    this.table.delChild(child);
    return OK5;
  }
  async #restartChildCall(id) {
    const child = this.table.get(childIdKey(id));
    if (!child) return tuple(ERROR5, atom("not_found"));
    if (child.restarting) return tuple(ERROR5, atom("restarting"));
    if (child.pid) return tuple(ERROR5, atom("running"));
    const r = await this.startChild(child);
    if (!r.ok) return tuple(ERROR5, r.reason);
    this.table.setPid(child, r.pid);
    const pid = r.pid ?? UNDEFINED2;
    return r.info === void 0 ? tuple(OK5, pid) : tuple(OK5, pid, r.info);
  }
  #deleteChildCall(id) {
    const child = this.table.get(childIdKey(id));
    if (!child) return tuple(ERROR5, atom("not_found"));
    if (child.restarting) return tuple(ERROR5, atom("restarting"));
    if (child.pid) return tuple(ERROR5, atom("running"));
    this.table.remove(child);
    return OK5;
  }
  #getChildSpec(id) {
    const child = this.table.get(childIdKey(id));
    if (!child) return tuple(ERROR5, atom("not_found"));
    const s = child.spec;
    return tuple(OK5, {
      id: s.id,
      start: s.mfargs,
      restart: atom(s.restart),
      significant: false,
      shutdown: typeof s.shutdown === "number" ? s.shutdown : atom(s.shutdown),
      type: atom(s.type),
      modules: modulesTerm(s)
    });
  }
};
function modulesTerm(spec) {
  return spec.modules === "dynamic" ? atom("dynamic") : spec.modules;
}
function childRecord(spec) {
  return tuple(
    atom("child"),
    UNDEFINED2,
    spec.id,
    spec.mfargs,
    atom(spec.restart),
    false,
    typeof spec.shutdown === "number" ? spec.shutdown : atom(spec.shutdown),
    atom(spec.type),
    modulesTerm(spec)
  );
}

// ../src/otp/supervisor-results.ts
var OK6 = atom("ok");
var ERROR6 = atom("error");
function unexpected(what, t) {
  throw new TypeError(`unexpected ${what} reply: ${String(t)}`);
}
function decodeChildInfo(reply) {
  if (!Array.isArray(reply)) unexpected("which_children", reply);
  return reply.map((e) => {
    if (!(e instanceof Tuple) || e.length !== 4) unexpected("which_children", e);
    const [id, child, type, modules] = e.elements;
    const c = child instanceof Pid ? child : child === atom("restarting") ? "restarting" : "undefined";
    const mods = Array.isArray(modules) ? modules.filter((m) => m instanceof Atom) : "dynamic";
    return {
      id,
      child: c,
      type: type === atom("supervisor") ? "supervisor" : "worker",
      modules: mods
    };
  });
}
function decodeCounts(reply) {
  const out = { specs: 0, active: 0, supervisors: 0, workers: 0 };
  if (Array.isArray(reply)) {
    for (const e of reply) {
      if (e instanceof Tuple && e.length === 2 && e.elements[0] instanceof Atom) {
        const k = e.elements[0].name;
        if (k in out && typeof e.elements[1] === "number") {
          out[k] = e.elements[1];
        }
      }
    }
    return out;
  }
  if (reply !== null && typeof reply === "object" && !(reply instanceof Tuple)) {
    const o = reply;
    for (const k of Object.keys(out)) {
      if (typeof o[k] === "number") out[k] = o[k];
    }
    return out;
  }
  unexpected("count_children", reply);
}
function decodeStartResult(reply) {
  if (reply instanceof Tuple) {
    const [tag, a, b] = reply.elements;
    if (tag === OK6 && reply.length === 2)
      return { ok: true, pid: a instanceof Pid ? a : void 0 };
    if (tag === OK6 && reply.length === 3) {
      return { ok: true, pid: a instanceof Pid ? a : void 0, info: b };
    }
    if (tag === ERROR6 && reply.length === 2) return { ok: false, reason: a };
  }
  if (reply === atom("ignore")) return { ok: true, pid: void 0 };
  unexpected("start_child", reply);
}
function decodeOk(reply) {
  if (reply === OK6) return { ok: true };
  if (reply instanceof Tuple && reply.length === 2 && reply.elements[0] === ERROR6) {
    return { ok: false, reason: reply.elements[1] };
  }
  unexpected("ok/error", reply);
}

// ../src/otp/supervisor.ts
var NORMAL5 = atom("normal");
function startSupervisor(starter, children, options) {
  let specs;
  let flags;
  try {
    flags = validateFlags(options);
    specs = checkStartSpec(children);
  } catch (e) {
    if (e instanceof ChildSpecError) {
      return Promise.reject(
        new SupervisorStartError(tuple(atom("start_spec"), e.reason), e.message, { cause: e })
      );
    }
    return Promise.reject(e);
  }
  const label = `Supervisor ${options.name === void 0 ? flags.strategy : String(options.name)}`;
  return startHost(
    starter,
    { name: options.name, label },
    (self) => new SupervisorServer(self, specs, flags.strategy, flags.intensity, options.name)
  );
}
var Supervisor = class {
  constructor() {
  }
  /**
   * Starts a supervisor linked to `parent` and waits until every child has started.
   * Rejects with {@link SupervisorStartError} (`reason` as `{error, Reason}` in OTP).
   *
   * @example
   * ```ts
   * const sup = await Supervisor.startLink(self, children, { strategy: 'one_for_all' });
   * ```
   */
  static startLink(parent, children, options = {}) {
    return startSupervisor(parent, children, options);
  }
  /**
   * Starts a supervisor linked to nothing (a top-level supervisor).
   *
   * @example
   * ```ts
   * const sup = await Supervisor.start(runtime, children, { name: 'app_sup' });
   * ```
   */
  static start(runtime, children, options = {}) {
    return startSupervisor(runtime, children, options);
  }
  /**
   * `supervisor:which_children/1`, newest child first as OTP lists them.
   *
   * @example
   * ```ts
   * for (const c of await Supervisor.whichChildren(self, sup)) console.log(c.id, c.child);
   * ```
   */
  static async whichChildren(caller, sup) {
    return decodeChildInfo(await callServer(caller, sup, atom("which_children")));
  }
  /**
   * `supervisor:count_children/1`.
   *
   * @example
   * ```ts
   * const { active } = await Supervisor.countChildren(self, sup);
   * ```
   */
  static async countChildren(caller, sup) {
    return decodeCounts(await callServer(caller, sup, atom("count_children")));
  }
  /**
   * `supervisor:start_child/2` with a TypeScript child spec (local supervisors), or an
   * Erlang child-spec term (for a BEAM supervisor).
   *
   * @example
   * ```ts
   * const r = await Supervisor.startChild(self, sup, { id: 'extra', start });
   * if (r.ok) console.log(r.pid);
   * ```
   */
  static async startChild(caller, sup, spec) {
    const arg = isChildSpecInput(spec) ? new LocalSpec(spec) : spec;
    return decodeStartResult(await callServer(caller, sup, tuple(atom("start_child"), arg)));
  }
  /**
   * `supervisor:terminate_child/2`: stops the child (its spec stays unless temporary).
   *
   * @example
   * ```ts
   * await Supervisor.terminateChild(self, sup, 'w'); // { ok: true }
   * ```
   */
  static async terminateChild(caller, sup, id) {
    return decodeOk(await callServer(caller, sup, tuple(atom("terminate_child"), id)));
  }
  /**
   * `supervisor:restart_child/2`: starts a stopped child again.
   *
   * @example
   * ```ts
   * await Supervisor.restartChild(self, sup, 'w');
   * ```
   */
  static async restartChild(caller, sup, id) {
    return decodeStartResult(await callServer(caller, sup, tuple(atom("restart_child"), id)));
  }
  /**
   * `supervisor:delete_child/2`: forgets a stopped child's spec.
   *
   * @example
   * ```ts
   * await Supervisor.terminateChild(self, sup, 'w');
   * await Supervisor.deleteChild(self, sup, 'w');
   * ```
   */
  static async deleteChild(caller, sup, id) {
    return decodeOk(await callServer(caller, sup, tuple(atom("delete_child"), id)));
  }
  /**
   * Stops the supervisor (and its children, in reverse start order) with `reason`.
   *
   * @example
   * ```ts
   * await Supervisor.stop(self, sup);
   * ```
   */
  static stop(caller, sup, reason = NORMAL5) {
    return stopServer(caller, sup, reason);
  }
};
function isChildSpecInput(x) {
  if (x === null || typeof x !== "object") return false;
  if (typeof x.childSpec === "function") return true;
  const start = x.start;
  return typeof start === "function" || Array.isArray(start) && typeof start[0] === "function";
}

// ../src/otp/dynamic-supervisor.ts
var OK7 = atom("ok");
var ERROR7 = atom("error");
var UNDEFINED3 = atom("undefined");
var EXIT6 = atom("EXIT");
var NORMAL6 = atom("normal");
var SHUTDOWN5 = atom("shutdown");
var GEN_RESTART = atom("$gen_restart");
var LocalDynamicSpec = class {
  input;
  constructor(input) {
    this.input = input;
  }
};
var DynamicSupervisorServer = class {
  self;
  #children = /* @__PURE__ */ new Map();
  #intensity;
  #maxChildren;
  #name;
  constructor(self, intensity, maxChildren, name) {
    this.self = self;
    this.#intensity = intensity;
    this.#maxChildren = maxChildren;
    this.#name = name === void 0 ? tuple(self.pid, atom("Elixir.DynamicSupervisor")) : tuple(atom("local"), typeof name === "string" ? atom(name) : name);
  }
  get #logger() {
    return this.self.runtime.logger;
  }
  async init() {
  }
  state() {
    return tuple(
      atom("state"),
      this.#name,
      this.#whichChildren(),
      this.#maxChildren === Infinity ? atom("infinity") : this.#maxChildren
    );
  }
  async terminate() {
    const running = [...this.#children.values()].filter((c) => !c.restarting);
    const errors = await shutdownMany(
      this.self,
      running.map((c) => ({ pid: c.pid, shutdown: c.spec.shutdown, restart: c.spec.restart }))
    );
    for (const e of errors) {
      const c = this.#children.get(e.pid.key);
      if (c)
        reportError(
          this.#logger,
          this.#name,
          "shutdown_error",
          e.reason,
          offender(c.spec, e.pid, UNDEFINED3)
        );
    }
    this.#children.clear();
  }
  async handleCall(request) {
    if (request === atom("which_children")) return this.#whichChildren();
    if (request === atom("count_children")) return this.#countChildren();
    if (request instanceof Tuple && request.length === 2) {
      const [tag, arg] = request.elements;
      if (tag === atom("start_child")) return this.#startChild(arg);
      if (tag === atom("terminate_child")) return this.#terminateChild(arg);
    }
    return tuple(ERROR7, tuple(atom("unknown_call"), request));
  }
  async handleCast() {
  }
  async handleInfo(message) {
    if (message instanceof Tuple && message.length === 3 && message.elements[0] === EXIT6) {
      const pid = message.elements[1];
      const child = pid instanceof Pid ? this.#children.get(pid.key) : void 0;
      if (child && !child.restarting) return this.#onExit(child, message.elements[2]);
      return;
    }
    if (message instanceof Tuple && message.length === 2 && message.elements[0] === GEN_RESTART) {
      const pid = message.elements[1];
      const child = pid instanceof Pid ? this.#children.get(pid.key) : void 0;
      if (child && child.restarting) return this.#restart(child);
      return;
    }
    this.#logger.log(
      "error",
      `DynamicSupervisor received unexpected message: ${formatTerm(message)}`,
      {
        label: "dynamic_supervisor_unexpected_message",
        message
      }
    );
  }
  #whichChildren() {
    return [...this.#children.values()].map(
      (c) => tuple(
        UNDEFINED3,
        c.restarting ? atom("restarting") : c.pid,
        atom(c.spec.type),
        c.spec.modules === "dynamic" ? atom("dynamic") : c.spec.modules
      )
    );
  }
  #countChildren() {
    let active = 0;
    let supervisors = 0;
    let workers = 0;
    for (const c of this.#children.values()) {
      if (!c.restarting) active++;
      if (c.spec.type === "supervisor") supervisors++;
      else workers++;
    }
    return [
      tuple(atom("specs"), this.#children.size),
      tuple(atom("active"), active),
      tuple(atom("supervisors"), supervisors),
      tuple(atom("workers"), workers)
    ];
  }
  async #startChild(arg) {
    let spec;
    try {
      if (!(arg instanceof LocalDynamicSpec)) {
        throw new ChildSpecError(
          tuple(atom("invalid_child_spec"), arg),
          "a remote child spec needs a start function"
        );
      }
      spec = checkChildSpec(arg.input);
    } catch (e) {
      if (e instanceof ChildSpecError) return tuple(ERROR7, e.reason);
      throw e;
    }
    if (this.#children.size >= this.#maxChildren) return tuple(ERROR7, atom("max_children"));
    const r = await startChildProcess(this.self, spec.start);
    if (!r.ok) return tuple(ERROR7, r.reason);
    if (r.pid === void 0) return atom("ignore");
    this.#children.set(r.pid.key, { pid: r.pid, spec, restarting: false });
    reportProgress(this.#logger, this.#name, spec, r.pid);
    return r.info === void 0 ? tuple(OK7, r.pid) : tuple(OK7, r.pid, r.info);
  }
  async #terminateChild(arg) {
    const child = arg instanceof Pid ? this.#children.get(arg.key) : void 0;
    if (!child) return tuple(ERROR7, atom("not_found"));
    if (!child.restarting) {
      const errors = await shutdownMany(this.self, [
        { pid: child.pid, shutdown: child.spec.shutdown, restart: child.spec.restart }
      ]);
      for (const e of errors) {
        reportError(
          this.#logger,
          this.#name,
          "shutdown_error",
          e.reason,
          offender(child.spec, e.pid, UNDEFINED3)
        );
      }
    }
    this.#children.delete(child.pid.key);
    return OK7;
  }
  async #onExit(child, reason) {
    const restart = child.spec.restart;
    const benign = reason === NORMAL6 || isShutdownReason(reason);
    if (restart === "permanent" || restart === "transient" && !benign) {
      reportError(
        this.#logger,
        this.#name,
        "child_terminated",
        reason,
        offender(child.spec, child.pid, UNDEFINED3)
      );
      return this.#restart(child);
    }
    if (restart === "temporary" && !benign) {
      reportError(
        this.#logger,
        this.#name,
        "child_terminated",
        reason,
        offender(child.spec, child.pid, UNDEFINED3)
      );
    }
    this.#children.delete(child.pid.key);
  }
  async #restart(child) {
    if (this.#intensity.addRestart() === "terminate") {
      reportError(
        this.#logger,
        this.#name,
        "shutdown",
        atom("reached_max_restart_intensity"),
        offender(child.spec, child.pid, UNDEFINED3)
      );
      this.#children.delete(child.pid.key);
      return { stop: SHUTDOWN5 };
    }
    const r = await startChildProcess(this.self, child.spec.start);
    if (r.ok) {
      this.#children.delete(child.pid.key);
      if (r.pid) {
        this.#children.set(r.pid.key, { pid: r.pid, spec: child.spec, restarting: false });
        reportProgress(this.#logger, this.#name, child.spec, r.pid);
      }
      return;
    }
    reportError(
      this.#logger,
      this.#name,
      "start_error",
      r.reason,
      offender(child.spec, tuple(atom("restarting"), child.pid), UNDEFINED3)
    );
    child.restarting = true;
    this.self.send(this.self.pid, tuple(GEN_RESTART, child.pid));
  }
};
function startDynamic(starter, options) {
  let intensity;
  const maxChildren = options.maxChildren ?? Infinity;
  try {
    intensity = new RestartIntensity(options);
    if (maxChildren !== Infinity && !(Number.isInteger(maxChildren) && maxChildren >= 0)) {
      throw new RangeError(`maxChildren must be a non-negative integer or Infinity`);
    }
  } catch (e) {
    return Promise.reject(
      new SupervisorStartError(
        tuple(atom("supervisor_data"), e.message),
        e.message
      )
    );
  }
  const label = options.label ?? `DynamicSupervisor ${options.name === void 0 ? "" : String(options.name)}`.trim();
  return startHost(
    starter,
    { name: options.name, label },
    (self) => new DynamicSupervisorServer(self, intensity, maxChildren, options.name)
  );
}
var DynamicSupervisor = class {
  constructor() {
  }
  /**
   * Starts a dynamic supervisor linked to `parent`.
   *
   * @example
   * ```ts
   * const sup = await DynamicSupervisor.startLink(self, { maxChildren: 10 });
   * ```
   */
  static startLink(parent, options = {}) {
    return startDynamic(parent, options);
  }
  /**
   * Starts a dynamic supervisor linked to nothing.
   *
   * @example
   * ```ts
   * const sup = await DynamicSupervisor.start(runtime, { name: 'workers' });
   * ```
   */
  static start(runtime, options = {}) {
    return startDynamic(runtime, options);
  }
  /**
   * Starts a child; see the module comment for the results.
   *
   * @example
   * ```ts
   * const r = await DynamicSupervisor.startChild(self, sup, { id: 'w', start });
   * ```
   */
  static async startChild(caller, sup, spec) {
    const isTs = spec !== null && typeof spec === "object" && ("start" in spec || typeof spec.childSpec === "function");
    const arg = isTs ? new LocalDynamicSpec(spec) : spec;
    return decodeStartResult(await callServer(caller, sup, tuple(atom("start_child"), arg)));
  }
  /**
   * Stops the child `pid` (`{ ok: false, reason: not_found }` when it is not a child).
   *
   * @example
   * ```ts
   * await DynamicSupervisor.terminateChild(self, sup, pid);
   * ```
   */
  static async terminateChild(caller, sup, pid) {
    return decodeOk(await callServer(caller, sup, tuple(atom("terminate_child"), pid)));
  }
  /**
   * `{undefined, Pid | restarting, Type, Modules}` for every child.
   *
   * @example
   * ```ts
   * const pids = (await DynamicSupervisor.whichChildren(self, sup)).map((c) => c.child);
   * ```
   */
  static async whichChildren(caller, sup) {
    return decodeChildInfo(await callServer(caller, sup, atom("which_children")));
  }
  /**
   * Counts: `specs` (children), `active` (running), `supervisors`, `workers`.
   *
   * @example
   * ```ts
   * const { active } = await DynamicSupervisor.countChildren(self, sup);
   * ```
   */
  static async countChildren(caller, sup) {
    return decodeCounts(await callServer(caller, sup, atom("count_children")));
  }
  /**
   * Stops the supervisor; all children are stopped concurrently.
   *
   * @example
   * ```ts
   * await DynamicSupervisor.stop(self, sup);
   * ```
   */
  static stop(caller, sup, reason = NORMAL6) {
    return stopServer(caller, sup, reason);
  }
};

// ../src/otp/task.ts
var DOWN5 = atom("DOWN");
var TASK_MODULE = atom("Elixir.Task");
var SHUTDOWN6 = atom("shutdown");
var KILL3 = atom("kill");
var KILLED3 = atom("killed");
var NOCONNECTION3 = atom("noconnection");
async function runTask(self, fn, owner, ref) {
  const value = await fn(self);
  self.send(owner, tuple(ref, value));
}
function taskMfa(fn) {
  return tuple(atom("beamlink"), atom(fn.name || "anonymous"), 0);
}
function taskTerm(task) {
  return {
    __struct__: TASK_MODULE,
    mfa: task.mfa,
    owner: task.owner,
    pid: task.pid,
    ref: task.ref
  };
}
function isReply(m, ref) {
  return m instanceof Tuple && m.length === 2 && m.elements[0] instanceof Ref && m.elements[0].key === ref.key;
}
function isDown(m, ref) {
  return m instanceof Tuple && m.length === 5 && m.elements[0] === DOWN5 && m.elements[1] instanceof Ref && m.elements[1].key === ref.key;
}
function exitReason(reason, object) {
  if (reason !== NOCONNECTION3) return reason;
  const node = object instanceof Pid ? object.node : object instanceof Tuple ? object.elements[1] : atom("nonode@nohost");
  return tuple(atom("nodedown"), node);
}
function checkOwner(self, task, fun) {
  if (task.owner.key !== self.pid.key) {
    throw new TaskOwnerError(
      `task ${String(task.pid.id)} must be queried from the owner (${fun} was called from another process)`
    );
  }
}
function flushReply(self, ref) {
  const m = self.poll((x) => isReply(x, ref));
  return m === void 0 ? void 0 : { ok: true, value: m.elements[1] };
}
var Task = class {
  constructor() {
  }
  /**
   * Starts a task linked to and monitored by `self`.
   *
   * @example
   * ```ts
   * const t = Task.async(self, async (taskSelf) => fetchThing());
   * ```
   */
  static async(self, fn) {
    const owner = self.pid;
    const tag = {};
    const pid = self.spawnLink((taskSelf) => runTask(taskSelf, fn, owner, tag.ref), {
      label: "Task"
    });
    tag.ref = self.monitor(pid);
    return { pid, ref: tag.ref, owner, mfa: taskMfa(fn) };
  }
  /**
   * Waits for the task's reply; see the module comment for how it exits.
   *
   * @example
   * ```ts
   * const v = await Task.await(self, t, 1000);
   * ```
   */
  static async await(self, task, timeout = 5e3) {
    checkOwner(self, task, "await");
    const where = (reason) => tuple(
      reason,
      tuple(TASK_MODULE, atom("await"), [
        taskTerm(task),
        timeout === Infinity ? atom("infinity") : timeout
      ])
    );
    const m = await self.receive((x) => isReply(x, task.ref) || isDown(x, task.ref), { timeout });
    if (m === void 0) {
      self.demonitor(task.ref, { flush: true });
      throw new ExitError(where(atom("timeout")), `Task.await timed out after ${timeout} ms`);
    }
    const t = m;
    if (t.length === 2) {
      self.demonitor(task.ref, { flush: true });
      return t.elements[1];
    }
    throw new ExitError(where(exitReason(t.elements[4], t.elements[3])), "the task exited");
  }
  /**
   * Waits up to `timeout` ms: the reply, the exit reason, or `undefined` (still running).
   *
   * @example
   * ```ts
   * const r = (await Task.yield(self, t, 100)) ?? (await Task.shutdown(self, t));
   * ```
   */
  static async yield(self, task, timeout = 5e3) {
    checkOwner(self, task, "yield");
    const m = await self.receive((x) => isReply(x, task.ref) || isDown(x, task.ref), { timeout });
    if (m === void 0) return void 0;
    const t = m;
    if (t.length === 2) {
      self.demonitor(task.ref, { flush: true });
      return { ok: true, value: t.elements[1] };
    }
    const reason = t.elements[4];
    if (reason === NOCONNECTION3) {
      throw new ExitError(
        tuple(
          exitReason(reason, t.elements[3]),
          tuple(TASK_MODULE, atom("yield"), [taskTerm(task), timeout])
        ),
        "the task node is down"
      );
    }
    return { ok: false, exit: reason };
  }
  /**
   * Stops the task (unlinking it first, so the caller survives).
   *
   * @example
   * ```ts
   * await Task.shutdown(self, t, 'brutal_kill');
   * ```
   */
  static async shutdown(self, task, shutdown = 5e3) {
    checkOwner(self, task, "shutdown");
    self.unlink(task.pid);
    let mode = shutdown === "brutal_kill" ? "brutal_kill" : "shutdown";
    self.exitProcess(task.pid, mode === "brutal_kill" ? KILL3 : SHUTDOWN6);
    let m = await self.receive((x) => isDown(x, task.ref), {
      timeout: shutdown === "brutal_kill" ? Infinity : shutdown
    });
    if (m === void 0) {
      self.exitProcess(task.pid, KILL3);
      mode = "timeout_kill";
      m = await self.receive((x) => isDown(x, task.ref));
    }
    const down = m;
    const reason = down.elements[4];
    const reply = flushReply(self, task.ref);
    if (reason === SHUTDOWN6 && mode !== "brutal_kill") return reply;
    if (reason === KILLED3 && mode === "brutal_kill") return reply;
    if (reason === NOCONNECTION3) {
      throw new ExitError(
        tuple(
          exitReason(reason, down.elements[3]),
          tuple(TASK_MODULE, atom("shutdown"), [
            taskTerm(task),
            shutdown === "brutal_kill" ? atom("brutal_kill") : shutdown
          ])
        ),
        "the task node is down"
      );
    }
    return reply ?? { ok: false, exit: reason };
  }
};

// ../src/otp/task-supervisor.ts
var TASK_OWNER = atom("$task_owner");
var DOWN6 = atom("DOWN");
function replyTaskStart(fn, owner) {
  const start = (sup) => sup.spawnLink(
    async (self) => {
      const ownerMon = self.monitor(owner);
      const init = await self.receive(
        (m) => m instanceof Tuple && (m.length === 3 && m.elements[0] === TASK_OWNER || m.length === 5 && m.elements[0] === DOWN6 && m.elements[1] === ownerMon)
      );
      if (init.elements[0] === DOWN6) return;
      self.demonitor(ownerMon, { flush: true });
      await runTask(self, fn, owner, init.elements[2]);
    },
    { label: `Task ${fn.name || "anonymous"}` }
  );
  Object.defineProperty(start, "name", { value: fn.name || "anonymous" });
  return start;
}
async function startTask(self, sup, fn, link2, options) {
  const r = await DynamicSupervisor.startChild(self, sup, {
    id: atom("undefined"),
    start: replyTaskStart(fn, self.pid),
    restart: "temporary",
    shutdown: options.shutdown ?? 5e3,
    modules: [atom("Elixir.Task.Supervised")]
  });
  if (!r.ok || r.pid === void 0) {
    const reason = r.ok ? atom("ignore") : r.reason;
    throw new SupervisorStartError(reason, "the task supervisor did not start the task");
  }
  const pid = r.pid;
  if (link2) self.link(pid);
  const ref = self.monitor(pid);
  self.send(pid, tuple(TASK_OWNER, self.pid, ref));
  return { pid, ref, owner: self.pid, mfa: taskMfa(fn) };
}
var TaskSupervisor = class {
  constructor() {
  }
  /**
   * Starts a task supervisor linked to `parent`.
   *
   * @example
   * ```ts
   * const sup = await TaskSupervisor.startLink(self, { name: 'tasks' });
   * ```
   */
  static startLink(parent, options = {}) {
    return DynamicSupervisor.startLink(parent, { ...options, label: "Task.Supervisor" });
  }
  /**
   * Starts a task supervisor linked to nothing.
   *
   * @example
   * ```ts
   * const sup = await TaskSupervisor.start(runtime, { name: 'tasks' });
   * ```
   */
  static start(runtime, options = {}) {
    return DynamicSupervisor.start(runtime, { ...options, label: "Task.Supervisor" });
  }
  /**
   * Starts a fire-and-forget task under the supervisor (nobody gets its result).
   *
   * @example
   * ```ts
   * const r = await TaskSupervisor.startChild(self, sup, async () => cleanup());
   * ```
   */
  static startChild(caller, sup, fn, options = {}) {
    const start = (s) => s.spawnLink(
      async (self) => {
        await fn(self);
      },
      { label: `Task ${fn.name || "anonymous"}` }
    );
    Object.defineProperty(start, "name", { value: fn.name || "anonymous" });
    return DynamicSupervisor.startChild(caller, sup, {
      id: atom("undefined"),
      start,
      restart: options.restart ?? "temporary",
      shutdown: options.shutdown ?? 5e3,
      modules: [atom("Elixir.Task.Supervised")]
    });
  }
  /**
   * Starts a task under the supervisor, monitored by (not linked to) the caller: a crash
   * arrives as `{ ok: false, exit }` from `Task.yield` or as an exit from `Task.await`,
   * never as a link signal. Rejects with {@link SupervisorStartError} (e.g. reason
   * `max_children`) when the supervisor refuses.
   *
   * @example
   * ```ts
   * const t = await TaskSupervisor.asyncNolink(self, sup, () => compute());
   * const v = await Task.await(self, t);
   * ```
   */
  static asyncNolink(self, sup, fn, options = {}) {
    return startTask(self, sup, fn, false, options);
  }
  /**
   * Starts a task under the supervisor that is also linked to the caller (as `Task.async`).
   *
   * @example
   * ```ts
   * const t = await TaskSupervisor.async(self, sup, () => compute());
   * ```
   */
  static async(self, sup, fn, options = {}) {
    return startTask(self, sup, fn, true, options);
  }
  /**
   * The pids of the running tasks.
   *
   * @example
   * ```ts
   * const pids = await TaskSupervisor.children(self, sup);
   * ```
   */
  static async children(caller, sup) {
    const all = await DynamicSupervisor.whichChildren(caller, sup);
    return all.map((c) => c.child).filter((c) => c instanceof Pid);
  }
  /**
   * Stops one task.
   *
   * @example
   * ```ts
   * await TaskSupervisor.terminateChild(self, sup, pid);
   * ```
   */
  static terminateChild(caller, sup, pid) {
    return DynamicSupervisor.terminateChild(caller, sup, pid);
  }
};
export {
  ChildSpecError,
  CrashReason,
  DynamicSupervisor,
  ExitError,
  From,
  GenServer,
  Mailbox,
  NameError,
  NoProcError,
  Process,
  ProcessExitedError,
  ProcessUsageError,
  RestartIntensity,
  Runtime,
  StartError,
  StateFun,
  Supervisor,
  SupervisorStartError,
  Task,
  TaskOwnerError,
  TaskSupervisor,
  atom,
  checkChildSpec,
  checkStartSpec,
  consoleLogger,
  crashReason,
  formatTerm,
  memoryLogger,
  samePid,
  sameRef,
  startWith,
  tuple
};

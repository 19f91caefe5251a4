/**
 * Real BEAM peers for interop tests.
 *
 * `ErlangPeer.start()` runs a real `erl` (or `elixir`) and drives it over stdin/stdout,
 * never over distribution, so a bug in beamlink's wire code cannot hide itself. The
 * Erlang half is `erl/beamlink_peer.erl`, shipped over stdin so that it works in the
 * OTP 27 chroot as well.
 *
 * Every peer uses a private port mapper (`EpmdProcess`, Debian's own `epmd` on a random
 * port, started and killed by pid), so parallel runs never touch port 4369.
 *
 * ```ts
 * const skip = interopSkipReason();
 * describe('interop', { skip }, () => {
 *   for (const release of erlangReleases()) {
 *     describe(release.label, () => {
 *       let epmd: EpmdProcess, peer: ErlangPeer;
 *       before(async () => {
 *         epmd = await EpmdProcess.start();
 *         peer = await ErlangPeer.start({ release, epmdPort: epmd.port, sname: uniqueName('erl') });
 *       });
 *       after(async () => { await peer?.stop(); await epmd?.stop(); });
 *       it('evaluates', async () => assert.equal(await peer.eval('1 + 1.'), '2'));
 *     });
 *   }
 * });
 * ```
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { hostname } from 'node:os';
import { createInterface } from 'node:readline';

/** One Erlang/OTP installation the interop suites run against. */
export interface ErlangRelease {
  /** `OTP 25` for the host's Debian packages, `OTP 27` for the trixie chroot. */
  readonly label: string;
  /** The OTP major version. */
  readonly otp: number;
  /** What to put before `erl`/`elixir` on the command line (`['chroot', DIR]` or `[]`). */
  readonly prefix: readonly string[];
  /** Whether `elixir` is installed there. */
  readonly elixir: boolean;
}

/** Where `.ci/run` builds the OTP 27 root (`BEAMLINK_OTP27_ROOT` overrides). */
export const OTP27_ROOT = process.env.BEAMLINK_OTP27_ROOT ?? '/var/tmp/beamlink-otp27';

const PEER_SOURCE = readFileSync(new URL('./erl/beamlink_peer.erl', import.meta.url));

function commandWorks(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 30_000 });
  return r.status === 0;
}

let releasesCache: ErlangRelease[] | undefined;

/**
 * The Erlang releases present on this machine: the host's `erl` (OTP 25 on Debian 12)
 * and, when running as root and the chroot exists, OTP 27 from `OTP27_ROOT`.
 * `BEAMLINK_OTP=25` or `=27` restricts the list.
 */
export function erlangReleases(): ErlangRelease[] {
  if (releasesCache) return releasesCache;
  const found: ErlangRelease[] = [];
  const probe = (prefix: string[]): number | undefined => {
    const [cmd, ...rest] = [...prefix, 'erl'];
    const r = spawnSync(
      cmd!,
      [...rest, '-noshell', '-eval', 'io:format("~s", [erlang:system_info(otp_release)]), halt().'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    const v = Number.parseInt(r.stdout ?? '', 10);
    return r.status === 0 && Number.isInteger(v) ? v : undefined;
  };
  const host = probe([]);
  if (host !== undefined) {
    found.push({
      label: `OTP ${host}`,
      otp: host,
      prefix: [],
      elixir: commandWorks('elixir', ['--version']),
    });
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync(`${OTP27_ROOT}/usr/bin/erl`)) {
    const prefix = ['chroot', OTP27_ROOT];
    const v = probe(prefix);
    if (v !== undefined && v !== host) {
      found.push({
        label: `OTP ${v}`,
        otp: v,
        prefix,
        elixir: existsSync(`${OTP27_ROOT}/usr/bin/elixir`),
      });
    }
  }
  const only = process.env.BEAMLINK_OTP;
  releasesCache = only ? found.filter((r) => String(r.otp) === only) : found;
  return releasesCache;
}

let announced = false;

/**
 * `false` when interop tests can run, else the one line that says why they skip.
 * In CI (`CI=true`) a missing `erl` is an error, not a skip: CI installs it.
 */
export function interopSkipReason(): string | false {
  const releases = erlangReleases();
  if (releases.length > 0) {
    if (!announced && !releases.some((r) => r.otp >= 26) && !process.env.BEAMLINK_OTP) {
      announced = true;
      console.log(
        `# interop: only ${releases.map((r) => r.label).join(', ')} found; OTP 27 runs from ${OTP27_ROOT} (built by .ci/run)`,
      );
    }
    return false;
  }
  if (process.env.CI) throw new Error('interop: erl not found, but CI must run interop tests');
  const reason = 'erl not found on PATH: install erlang-nox (apt-get install erlang-nox elixir)';
  if (!announced) {
    announced = true;
    console.log(`# interop tests skipped: ${reason}`);
  }
  return reason;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

let nameCounter = 0;

/** A node name part unique to this test process and call: `prefix_<pid>_<n>`. */
export function uniqueName(prefix: string): string {
  nameCounter += 1;
  return `${prefix}_${process.pid}_${nameCounter}`;
}

/** This machine's short host name, as `erl -sname` picks it. */
export function shortHost(): string {
  return hostname().split('.')[0]!;
}

async function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Debian's own `epmd` on a private port, in the foreground, stopped by pid. */
export class EpmdProcess {
  readonly port: number;
  readonly child: ChildProcessWithoutNullStreams;

  private constructor(port: number, child: ChildProcessWithoutNullStreams) {
    this.port = port;
    this.child = child;
  }

  static async start(): Promise<EpmdProcess> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = await freePort();
      const child = spawn('epmd', ['-port', String(port), '-address', '127.0.0.1'], {
        stdio: 'pipe',
      });
      child.stdout.resume();
      child.stderr.resume();
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && child.exitCode === null) {
        if (await canConnect(port)) return new EpmdProcess(port, child);
        await new Promise((r) => setTimeout(r, 20));
      }
      child.kill('SIGKILL');
    }
    throw new Error('could not start epmd on a free port');
  }

  /** `epmd -port N -names` as Debian's epmd prints it. */
  names(): string {
    const r = spawnSync('epmd', ['-port', String(this.port), '-names'], { encoding: 'utf8' });
    return r.stdout;
  }

  async stop(): Promise<void> {
    await killAndWait(this.child);
  }
}

async function killAndWait(child: ChildProcessWithoutNullStreams, graceMs = 0): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (graceMs > 0) {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
    return;
  }
  child.kill('SIGKILL');
  await exited;
}

/** An expression that raised on the peer. `message` holds `Class:Reason` and the stack. */
export class ErlangEvalError extends Error {
  override name = 'ErlangEvalError';
}

/** What `eval` gives back: the printed value and its `term_to_binary` bytes. */
export interface EvalResult {
  /** `io_lib:print/4` of the value on one line, as the Erlang shell would print it. */
  readonly text: string;
  /** `term_to_binary(Value)`, with the 131 version byte. */
  readonly bytes: Buffer;
}

/** A line the peer emitted with `beamlink_peer:emit(Term)`. */
export type PeerEvent = EvalResult;

export interface PeerOptions {
  release?: ErlangRelease;
  /** Short node name (`-sname`); `name` for a long one; neither for a node that is not alive. */
  sname?: string;
  name?: string;
  cookie?: string;
  /** The private port mapper's port; sets `ERL_EPMD_PORT`. */
  epmdPort?: number;
  /** Start `elixir` instead of `erl` (Erlang expressions still work through `eval`). */
  elixir?: boolean;
  /** More `erl` flags, e.g. `['-kernel', 'net_ticktime', '4']`. */
  args?: string[];
  /** Milliseconds to wait for the node to come up (default 60 s). */
  startTimeoutMs?: number;
}

const BOOTSTRAP_ERL =
  'L = io:get_line(standard_io, ""), S = base64:decode(string:trim(L)), ' +
  'D = "/tmp/beamlink_peer_" ++ os:getpid(), file:make_dir(D), F = D ++ "/beamlink_peer.erl", ' +
  'ok = file:write_file(F, S), {ok, M, B} = compile:file(F, [binary, report]), ' +
  'file:delete(F), file:del_dir(D), {module, M} = code:load_binary(M, F, B), M:main().';

const BOOTSTRAP_EX =
  'l = IO.read(:stdio, :line); s = Base.decode64!(String.trim(l)); ' +
  'd = ~c"/tmp/beamlink_peer_" ++ :os.getpid(); :file.make_dir(d); f = d ++ ~c"/beamlink_peer.erl"; ' +
  ':ok = :file.write_file(f, s); {:ok, m, b} = :compile.file(f, [:binary, :report]); ' +
  ':file.delete(f); :file.del_dir(d); {:module, m} = :code.load_binary(m, f, b); m.main()';

/**
 * A real Erlang or Elixir node under test control.
 *
 * @example
 * ```ts
 * const peer = await ErlangPeer.start({ sname: uniqueName('erl'), cookie: 'c', epmdPort });
 * await peer.eval('register(inbox, self()).');
 * const ev = await peer.waitEvent((e) => e.text.startsWith('{hello'));
 * await peer.stop();
 * ```
 */
export class ErlangPeer {
  /** The node's full name (`erl_1234_1@vm`), or `nonode@nohost`; set once it is ready. */
  node = '';
  readonly release: ErlangRelease;
  readonly child: ChildProcessWithoutNullStreams;
  /** Every event emitted so far, in order. */
  readonly events: PeerEvent[] = [];
  /** Everything the node wrote that was not a protocol line (logs, crash reports). */
  readonly log: string[] = [];

  private nextId = 1;
  private readonly pending = new Map<
    string,
    { resolve: (r: EvalResult) => void; reject: (e: Error) => void }
  >();
  private readonly eventWaiters = new Set<() => void>();
  private exited = false;

  private onReady: (() => void) | undefined;

  private constructor(release: ErlangRelease, child: ChildProcessWithoutNullStreams) {
    this.release = release;
    this.child = child;
  }

  static async start(options: PeerOptions = {}): Promise<ErlangPeer> {
    const release = options.release ?? erlangReleases()[0];
    if (!release) throw new Error('no Erlang release found: install erlang-nox');
    const args: string[] = [];
    const erlArgs = [...(options.args ?? [])];
    if (options.elixir) {
      if (options.sname) args.push('--sname', options.sname);
      if (options.name) args.push('--name', options.name);
      if (options.cookie) args.push('--cookie', options.cookie);
      if (erlArgs.length) args.push('--erl', erlArgs.join(' '));
      args.push('-e', BOOTSTRAP_EX);
    } else {
      args.push('-noshell');
      if (options.sname) args.push('-sname', options.sname);
      if (options.name) args.push('-name', options.name);
      if (options.cookie) args.push('-setcookie', options.cookie);
      args.push(...erlArgs, '-eval', BOOTSTRAP_ERL);
    }
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: process.env.HOME ?? '/root' };
    if (options.epmdPort !== undefined) env.ERL_EPMD_PORT = String(options.epmdPort);
    const [cmd, ...pre] = [...release.prefix, options.elixir ? 'elixir' : 'erl'];
    const child = spawn(cmd!, [...pre, ...args], { env, stdio: 'pipe' });
    const peer = new ErlangPeer(release, child);
    child.stdin.on('error', () => {}); // a node that died is reported by 'exit'
    child.stdin.write(`${PEER_SOURCE.toString('base64')}\n`);
    createInterface({ input: child.stdout }).on('line', (line) => peer.handleLine(line));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => peer.log.push(d));

    const ready = new Promise<void>((resolve, reject) => {
      peer.onReady = resolve;
      child.once('exit', (code) => {
        peer.handleExit(code);
        reject(
          new Error(`${cmd} exited with ${code} before it was ready:\n${peer.log.join('\n')}`),
        );
      });
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${cmd} did not start in time:\n${peer.log.join('\n')}`)),
        options.startTimeoutMs ?? 60_000,
      );
    });
    try {
      await Promise.race([ready, timeout]);
    } catch (e) {
      await killAndWait(child);
      throw e;
    } finally {
      clearTimeout(timer);
    }
    return peer;
  }

  /** The node's short name part, before `@`. */
  get alive(): string {
    return this.node.split('@')[0]!;
  }

  /**
   * Evaluates Erlang expressions (ending with `.`) on the node; variables bound by one
   * call stay bound for the next, as in the shell. Resolves with the printed value;
   * rejects with `ErlangEvalError` when the expression raises.
   */
  async eval(source: string, timeoutMs = 30_000): Promise<string> {
    return (await this.evalFull(source, timeoutMs)).text;
  }

  /** As `eval`, with the value's `term_to_binary` bytes too. */
  evalFull(source: string, timeoutMs = 30_000): Promise<EvalResult> {
    return this.request('e', source, timeoutMs);
  }

  /** Evaluates Elixir code (only on a peer started with `elixir: true`). */
  async evalElixir(source: string, timeoutMs = 30_000): Promise<string> {
    return (await this.request('x', source, timeoutMs)).text;
  }

  /** Waits for an event that `match` accepts (events already received count). */
  async waitEvent(match: (e: PeerEvent) => boolean, timeoutMs = 10_000): Promise<PeerEvent> {
    const deadline = Date.now() + timeoutMs;
    let seen = 0;
    for (;;) {
      for (; seen < this.events.length; seen++) {
        if (match(this.events[seen]!)) return this.events[seen]!;
      }
      const left = deadline - Date.now();
      if (left <= 0 || this.exited) {
        throw new Error(
          `no matching event from ${this.node} within ${timeoutMs} ms; got:\n` +
            this.events.map((e) => e.text).join('\n'),
        );
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, left);
        function done() {
          clearTimeout(t);
          resolve();
        }
        this.eventWaiters.add(done);
      });
    }
  }

  /** The OS process id of the node (for `kill -9` / SIGSTOP tests). */
  get osPid(): number {
    return this.child.pid!;
  }

  /** Closes stdin (the node halts), then kills by pid if it lingers. */
  async stop(): Promise<void> {
    if (this.exited) return;
    this.child.stdin.end();
    await killAndWait(this.child, 5_000);
  }

  /** Kills the node at once with SIGKILL. */
  async kill(): Promise<void> {
    await killAndWait(this.child);
  }

  private request(mode: string, source: string, timeoutMs: number): Promise<EvalResult> {
    if (this.exited) return Promise.reject(new Error(`${this.node} has exited`));
    const id = String(this.nextId++);
    return new Promise<EvalResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`eval on ${this.node} timed out after ${timeoutMs} ms: ${source}`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.stdin.write(`${id} ${mode} ${Buffer.from(source).toString('base64')}\n`);
    });
  }

  private handleLine(line: string): void {
    if (line.startsWith('READY ') && this.node === '') {
      this.node = line.slice(6).trim();
      this.onReady?.();
      return;
    }
    const parts = line.split(' ');
    if (parts[0] === 'R' && parts.length >= 4) {
      const waiter = this.pending.get(parts[1]!);
      if (!waiter) return;
      this.pending.delete(parts[1]!);
      if (parts[2] === 'ok') {
        waiter.resolve({
          text: Buffer.from(parts[3]!, 'base64').toString('utf8'),
          bytes: Buffer.from(parts[4] ?? '', 'base64'),
        });
      } else {
        waiter.reject(new ErlangEvalError(Buffer.from(parts[3]!, 'base64').toString('utf8')));
      }
    } else if (parts[0] === 'E' && parts.length >= 3) {
      this.events.push({
        text: Buffer.from(parts[1]!, 'base64').toString('utf8'),
        bytes: Buffer.from(parts[2]!, 'base64'),
      });
      for (const w of [...this.eventWaiters]) {
        this.eventWaiters.delete(w);
        w();
      }
    } else {
      this.log.push(line);
    }
  }

  private handleExit(code: number | null): void {
    this.exited = true;
    for (const [, w] of this.pending) w.reject(new Error(`${this.node} exited (${code})`));
    this.pending.clear();
    for (const w of [...this.eventWaiters]) w();
  }
}

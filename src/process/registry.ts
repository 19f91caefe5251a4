/**
 * Local names (`register/2`, `whereis/1`) and aliases (OTP 24 `alias/1`) of one runtime.
 *
 * Aliases are keyed by the numeric key of a local reference (see pid.ts): a message sent
 * to an alias ref finds its process with one `Map` lookup.
 *
 * @module
 */
import { Atom, type Pid } from '../term/types.ts';
import { NameError } from './errors.ts';
import type { AliasMode, Process } from './process.ts';
import { SmallMap } from './small-map.ts';

/** An active alias: the process it reaches and how it is deactivated. */
export interface AliasEntry {
  readonly proc: Process;
  mode: AliasMode;
}

const UNDEFINED = Atom.of('undefined');

/** `Atom | string` → `Atom`. */
export function toAtom(name: Atom | string): Atom {
  return typeof name === 'string' ? Atom.of(name) : name;
}

/**
 * Names and aliases.
 *
 * @example
 * ```ts
 * const reg = new Registry();
 * reg.register(atom('db'), proc);
 * reg.whereis(atom('db')) === proc; // true
 * ```
 */
export class Registry {
  private readonly names = new Map<Atom, Process>();
  /** The last name `whereis` found, and its holder (a served name is asked for per message). */
  private lastName: Atom | null = null;
  private lastProc: Process | undefined = undefined;
  /** One alias at a time is the common case (a call in flight): see SmallMap. */
  private readonly aliasTable = new SmallMap<number, AliasEntry>();

  /** Registers `proc` under `name`; throws {@link NameError} as `register/2`'s badarg. */
  register(name: Atom, proc: Process): void {
    if (name === UNDEFINED) throw new NameError(name, "the name 'undefined' cannot be registered");
    const holder = this.names.get(name);
    if (holder !== undefined) {
      throw new NameError(name, `name ${name.name} is already registered to ${pidStr(holder.pid)}`);
    }
    if (proc.name !== null) {
      throw new NameError(name, `${pidStr(proc.pid)} is already registered as ${proc.name.name}`);
    }
    this.names.set(name, proc);
    proc.name = name;
  }

  /** Removes `name`; false when nobody held it. */
  unregister(name: Atom): boolean {
    const proc = this.names.get(name);
    if (proc === undefined) return false;
    this.names.delete(name);
    proc.name = null;
    if (this.lastName === name) this.forgetLast();
    return true;
  }

  /** The process holding `name`. */
  whereis(name: Atom): Process | undefined {
    if (name === this.lastName) return this.lastProc;
    const proc = this.names.get(name);
    if (proc !== undefined) {
      this.lastName = name;
      this.lastProc = proc;
    }
    return proc;
  }

  private forgetLast(): void {
    this.lastName = null;
    this.lastProc = undefined;
  }

  /** Every registered name. */
  registered(): Atom[] {
    return [...this.names.keys()];
  }

  /**
   * Activates alias `key` for `proc`. A monitor's alias (`withMonitor`) is found again
   * through the process's monitors when it exits, so it is not listed in `proc.aliases`
   * (one Set operation less per GenServer call).
   */
  addAlias(key: number, proc: Process, mode: AliasMode, withMonitor = false): void {
    this.aliasTable.set(key, { proc, mode });
    if (!withMonitor) (proc.aliases ??= new Set()).add(key);
  }

  /** The active alias `key`. */
  alias(key: number): AliasEntry | undefined {
    return this.aliasTable.get(key);
  }

  /** Deactivates alias `key`; false when it was not active. */
  removeAlias(key: number): boolean {
    const entry = this.aliasTable.get(key);
    if (entry === undefined) return false;
    this.aliasTable.delete(key);
    entry.proc.aliases?.delete(key);
    return true;
  }

  /** Drops everything a dead process held. */
  release(proc: Process): void {
    if (proc.name !== null) {
      this.names.delete(proc.name);
      if (this.lastName === proc.name) this.forgetLast();
    }
    if (proc.aliases !== null) {
      for (const key of proc.aliases) this.aliasTable.delete(key);
      proc.aliases = null;
    }
    if (proc.monitors !== null) {
      for (const [key, entry] of proc.monitors) {
        if (
          typeof key === 'number' &&
          (entry.aliasMode === 'demonitor' || entry.aliasMode === 'reply_demonitor')
        ) {
          this.aliasTable.delete(key);
        }
      }
    }
  }

  /** How many aliases are active (introspection). */
  get aliasCount(): number {
    return this.aliasTable.size;
  }
}

function pidStr(pid: Pid): string {
  return `<${pid.node.name}.${pid.id}.${pid.serial}>`;
}

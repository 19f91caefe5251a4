/**
 * The per-node table of agent names (what Elixir's `Registry` does for the lesson's
 * `AgentSupervisor.whereis/1`): one live pid per name. A process registered as
 * `AgentFramework.Registry` monitors every named agent, so a name is freed the moment its
 * agent dies — however it dies — and `onDown` hears about it (the framework publishes
 * `:stopped` and drops the agent from the directories there).
 *
 * @module
 */
import type { Process } from '../process/process.ts';
import type { Runtime } from '../process/runtime.ts';
import { Atom, Pid, Ref, Tuple, type Term } from '../term/types.ts';
import { MODULES } from './terms.ts';

const DOWN = Atom.of('DOWN');

/**
 * Called when a name is claimed, and when the agent holding one dies (with its exit
 * reason). After a restart the new agent may claim the name before the old one's death is
 * seen: then `up` (new pid) comes before `down` (old pid), so act on the pid given.
 *
 * @example
 * ```ts
 * const hooks: AgentNamesHooks = { down: (name, pid) => directory.unregister(name, pid) };
 * ```
 */
export interface AgentNamesHooks {
  readonly up?: (name: string, pid: Pid) => void;
  readonly down?: (name: string, pid: Pid, reason: Term) => void;
}

interface Entry {
  readonly pid: Pid;
  readonly ref: Ref;
}

/**
 * One node's agent names.
 *
 * @example
 * ```ts
 * const names = await AgentNames.start(rt, { down: (name, pid, reason) => console.log(name, 'down') });
 * names.claim('Worker-1', pid); // undefined: claimed
 * names.whereis('Worker-1');    // pid
 * ```
 */
export class AgentNames {
  readonly #byName = new Map<string, Entry>();
  readonly #byRef = new Map<string, { readonly name: string; readonly pid: Pid }>();
  #proc: Process | null = null;
  readonly #runtime: Runtime;
  readonly #hooks: AgentNamesHooks;

  constructor(runtime: Runtime, hooks: AgentNamesHooks = {}) {
    this.#runtime = runtime;
    this.#hooks = hooks;
  }

  /** Creates the table and starts its process unlinked. */
  static async start(runtime: Runtime, hooks: AgentNamesHooks = {}): Promise<AgentNames> {
    const names = new AgentNames(runtime, hooks);
    await names.attach(null);
    return names;
  }

  /**
   * Starts the monitoring process (registered as `Elixir.AgentFramework.Registry`), linked
   * to `parent` when given (a supervisor's start function): after a restart the new
   * process monitors every agent still holding a name again.
   */
  attach(parent: Process | null): Promise<Pid> {
    return new Promise((resolve) => {
      const body = (self: Process): void => {
        this.#proc = self;
        this.#byRef.clear();
        for (const [name, e] of [...this.#byName]) {
          if (!this.#runtime.isAlive(e.pid)) {
            this.#byName.delete(name);
            this.#hooks.down?.(name, e.pid, Atom.of('noproc'));
            continue;
          }
          const ref = self.monitor(e.pid);
          this.#byName.set(name, { pid: e.pid, ref });
          this.#byRef.set(ref.key, { name, pid: e.pid });
        }
        self.handle((m) => this.#down(m));
        resolve(self.pid);
      };
      const opts = { name: MODULES.Registry, label: 'AgentFramework.Registry' };
      if (parent === null) this.#runtime.spawn(body, opts);
      else parent.spawnLink(body, opts);
    });
  }

  /** The registry process's pid (once attached). */
  get pid(): Pid | undefined {
    return this.#proc?.pid;
  }

  /**
   * Claims `name` for `pid`: `undefined` when done, or the live pid that already holds it.
   */
  claim(name: string, pid: Pid): Pid | undefined {
    const held = this.#byName.get(name);
    if (held !== undefined && held.pid.key === pid.key) return undefined;
    // a dead holder whose DOWN is still on its way does not keep the name
    if (held !== undefined && this.#runtime.isAlive(held.pid)) return held.pid;
    const proc = this.#proc;
    if (proc === null || !proc.alive) throw new Error('AgentFramework.Registry is not running');
    const ref = proc.monitor(pid);
    this.#byName.set(name, { pid, ref });
    this.#byRef.set(ref.key, { name, pid });
    this.#hooks.up?.(name, pid);
    return undefined;
  }

  /** Frees `name` if `pid` holds it (no `onDown`). */
  release(name: string, pid: Pid): void {
    const held = this.#byName.get(name);
    if (held === undefined || held.pid.key !== pid.key) return;
    this.#byName.delete(name);
    this.#byRef.delete(held.ref.key);
    this.#proc?.demonitor(held.ref, { flush: true });
  }

  /** The pid holding `name`. */
  whereis(name: string): Pid | undefined {
    return this.#byName.get(name)?.pid;
  }

  /** The name `pid` holds. */
  nameOf(pid: Pid): string | undefined {
    for (const [name, e] of this.#byName) if (e.pid.key === pid.key) return name;
    return undefined;
  }

  /** Every `[name, pid]`, in claim order. */
  entries(): [string, Pid][] {
    return [...this.#byName].map(([n, e]) => [n, e.pid]);
  }

  #down(m: Term): void {
    if (!(m instanceof Tuple) || m.elements[0] !== DOWN || m.elements.length !== 5) return;
    const ref = m.elements[1];
    if (!(ref instanceof Ref)) return;
    const who = this.#byRef.get(ref.key);
    if (who === undefined) return;
    this.#byRef.delete(ref.key);
    const held = this.#byName.get(who.name);
    if (held !== undefined && held.ref.key === ref.key) this.#byName.delete(who.name);
    this.#hooks.down?.(who.name, who.pid, m.elements[4]!);
  }
}

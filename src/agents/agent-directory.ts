/**
 * AgentDirectory: the lesson's per-node table of where agents live (its ETS table):
 * `name → {node, pid}`. Each node has its own; nothing here crosses the network — that is
 * the lesson's Exercise 3 point ("ETS is per-node!"). The cluster-wide view that answers
 * "how would you sync directories across nodes?" is cluster-directory.ts.
 *
 * From BEAM (`:rpc.call(node, AgentFramework.AgentDirectory, f, args)`): `register/3` →
 * `:ok`, `lookup/1` → `{:ok, {node, pid}}` | `{:error, :not_found}`, `unregister/1` →
 * `:ok`, `remove_node_agents/1` → the number removed, `all/0` → `[{name, node, pid}]`.
 * The owner process (registered as `AgentFramework.AgentDirectory`) answers the same as
 * calls: `{:register, name, node, pid}`, `{:lookup, name}`, `{:unregister, name}`,
 * `{:remove_node_agents, node}`, `:all`.
 *
 * @module
 */
import type { GenServerCallbacks } from '../otp/gen-server.ts';
import { Atom, Pid, Tuple, atom, type Term } from '../term/types.ts';
import { NOT_FOUND, OK, err, isTagged, nameText, nodeAtom, ok } from './terms.ts';

/**
 * One row.
 *
 * @example
 * ```ts
 * const e: DirectoryEntry = { name: 'Worker-1', node: atom('n1@vm'), pid };
 * ```
 */
export interface DirectoryEntry {
  readonly name: string;
  readonly node: Atom;
  readonly pid: Pid;
}

/**
 * A per-node directory.
 *
 * @example
 * ```ts
 * const dir = new AgentDirectory();
 * dir.register('Worker-1', node.node, pid);
 * dir.lookup('Worker-1'); // { name: 'Worker-1', node, pid }
 * dir.removeNodeAgents('n2@vm');
 * ```
 */
export class AgentDirectory {
  readonly #rows = new Map<string, DirectoryEntry>();

  /** Inserts or replaces `name` (ETS `insert`). */
  register(name: string, node: Atom | string, pid: Pid): void {
    this.#rows.set(name, { name, node: nodeAtom(node), pid });
  }

  /** The row of `name`. */
  lookup(name: string): DirectoryEntry | undefined {
    return this.#rows.get(name);
  }

  /** Deletes `name` (only if it still points at `pid`, when given). */
  unregister(name: string, pid?: Pid): boolean {
    const row = this.#rows.get(name);
    if (row === undefined || (pid !== undefined && row.pid.key !== pid.key)) return false;
    return this.#rows.delete(name);
  }

  /** Deletes every agent of `node`; returns how many. */
  removeNodeAgents(node: Atom | string): number {
    const n = nodeAtom(node);
    let removed = 0;
    for (const [name, row] of this.#rows) {
      if (row.node === n) {
        this.#rows.delete(name);
        removed++;
      }
    }
    return removed;
  }

  /** Every row, by name. */
  all(): DirectoryEntry[] {
    return [...this.#rows.values()].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
  }

  get size(): number {
    return this.#rows.size;
  }

  // ---- the Erlang face ---------------------------------------------------------------

  /** `lookup/1` as BEAM sees it. */
  lookupTerm(name: Term): Term {
    const n = nameText(name);
    const row = n === undefined ? undefined : this.lookup(n);
    return row === undefined ? err(NOT_FOUND) : ok(new Tuple([row.node, row.pid]));
  }

  /** `register/3` as BEAM sees it. */
  registerTerm(name: Term, node: Term, pid: Term): Term {
    const n = nameText(name);
    if (n === undefined || !(node instanceof Atom) || !(pid instanceof Pid))
      return err(atom('badarg'));
    this.register(n, node, pid);
    return OK;
  }

  /** `all/0` as BEAM sees it. */
  allTerm(): Term {
    return this.all().map((r) => new Tuple([r.name, r.node, r.pid]));
  }

  /** The owner process's callbacks (calls as listed in the module comment). */
  callbacks(): GenServerCallbacks<null> {
    return {
      init: () => ({ ok: null }),
      handleCall: (req: Term) => ({ reply: this.handle(req), state: null }),
      // stray casts and messages are dropped: bad input must not take the table down
      handleCast: () => ({ noreply: true, state: null }),
      handleInfo: () => ({ noreply: true, state: null }),
    };
  }

  /** One request, as the owner process answers it. */
  handle(req: Term): Term {
    if (isTagged(req, atom('register'), 4))
      return this.registerTerm(req.elements[1]!, req.elements[2]!, req.elements[3]!);
    if (isTagged(req, atom('lookup'), 2)) return this.lookupTerm(req.elements[1]!);
    if (isTagged(req, atom('unregister'), 2)) {
      const n = nameText(req.elements[1]!);
      if (n !== undefined) this.unregister(n);
      return OK;
    }
    if (isTagged(req, atom('remove_node_agents'), 2)) {
      const node = req.elements[1];
      return node instanceof Atom ? this.removeNodeAgents(node) : err(atom('badarg'));
    }
    if (req === atom('all')) return this.allTerm();
    return err(new Tuple([atom('unknown_request'), req]));
  }
}

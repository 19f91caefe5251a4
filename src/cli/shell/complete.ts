/**
 * Tab completion for the shell: helper names, and inside a quoted argument the node names
 * (connected ones and those the port mapper knows), registered names, and the modules and
 * functions of a remote node (`erlang:loaded/0`, `M:module_info(exports)` over rpc on
 * BEAM; the module registry on this node). Anything else goes to the REPL's own
 * completer.
 *
 * @module
 */
import type { BeamNode } from '../../kernel/index.ts';
import { names } from '../../epmd/index.ts';
import type { Rpc } from '../../rpc/rpc.ts';
import { Atom, Tuple, atom, type Term } from '../../term/types.ts';
import { moduleAtom } from '../literal.ts';
import { HELPER_NAMES } from './helpers.ts';

/** Node's readline completer result: candidates and the text they replace. */
type Completion = [string[], string];

const NODE_ARG: Record<string, number> = {
  'Node.connect': 0,
  'Node.disconnect': 0,
  'Node.ping': 0,
  'rpc.call': 0,
  'rpc.cast': 0,
  'AgentFramework.on': 0,
};
const NAME_ARG = new Set([
  'GenServer.call',
  'GenServer.cast',
  'GenServer.getState',
  'getState',
  'processInfo',
  'send',
]);

/**
 * Where the cursor is: inside the `index`-th quoted argument of a call to `fn`, with the
 * earlier arguments' text.
 *
 * @example
 * ```ts
 * openArgument("rpc.call('n@h', 'li"); // { fn: 'rpc.call', index: 1, prefix: 'li', args: ['n@h'] }
 * ```
 */
export function openArgument(
  line: string,
): { fn: string; index: number; prefix: string; args: string[] } | undefined {
  const m = /([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\(([^()]*)$/.exec(line);
  if (!m) return undefined;
  const parts = m[2]!.split(',');
  const last = parts.pop()!;
  const q = /^\s*(['"`])([^'"`]*)$/.exec(last);
  if (!q) return undefined;
  const args = parts.map((p) => p.trim().replace(/^['"`]|['"`]$/g, ''));
  return { fn: m[1]!, index: parts.length, prefix: q[2]!, args };
}

/**
 * A completer for `node`'s shell; `fallback` is the REPL's own.
 *
 * @example
 * ```ts
 * const complete = shellCompleter(node, rpc, 4369, (line, cb) => cb(null, [[], line]));
 * ```
 */
export function shellCompleter(
  node: BeamNode,
  rpc: Rpc,
  epmdPort: number | undefined,
  fallback: (line: string, cb: (err: Error | null, r: Completion) => void) => void,
): (line: string, cb: (err: Error | null, r: Completion) => void) => void {
  const moduleCache = new Map<string, string[]>();
  const exportCache = new Map<string, string[]>();

  async function nodeNames(): Promise<string[]> {
    const out = new Set(node.nodes('connected').map((n) => n.name));
    const host = node.name.split('@')[1]!;
    try {
      const reply = await names(host, { epmdPort });
      for (const n of reply.names) out.add(`${n.name}@${host}`);
    } catch {
      // no port mapper: connected nodes only
    }
    out.delete(node.name);
    return [...out].sort();
  }

  async function modules(target: string): Promise<string[]> {
    const cached = moduleCache.get(target);
    if (cached) return cached;
    let list: string[] = [];
    if (target === node.name) list = rpc.modules.inspect().map((x) => x.module);
    else {
      const r = await rpc.call(target, 'erlang', 'loaded', [], 3000);
      if (Array.isArray(r))
        list = (r as Term[]).filter((x): x is Atom => x instanceof Atom).map((x) => x.name);
    }
    list = list.map((x) => x.replace(/^Elixir\./, '')).sort();
    moduleCache.set(target, list);
    return list;
  }

  async function exports(target: string, module: string): Promise<string[]> {
    const key = `${target} ${module}`;
    const cached = exportCache.get(key);
    if (cached) return cached;
    let list: string[] = [];
    const m = moduleAtom(module);
    if (target === node.name) {
      const found = rpc.modules.inspect().find((x) => x.module === m.name);
      list = (found?.exports ?? []).map((e) => e.replace(/\/\d+$/, ''));
    } else {
      const r = await rpc.call(target, m, 'module_info', [atom('exports')], 3000);
      if (Array.isArray(r)) {
        for (const e of r as Term[]) {
          if (e instanceof Tuple && e.elements[0] instanceof Atom) list.push(e.elements[0].name);
        }
      }
    }
    list = [...new Set(list)].sort();
    exportCache.set(key, list);
    return list;
  }

  async function candidates(line: string): Promise<Completion | undefined> {
    const open = openArgument(line);
    if (open) {
      let pool: string[] | undefined;
      if (NODE_ARG[open.fn] === open.index) pool = await nodeNames();
      else if ((open.fn === 'rpc.call' || open.fn === 'rpc.cast') && open.index === 1) {
        pool = await modules(open.args[0]!);
      } else if ((open.fn === 'rpc.call' || open.fn === 'rpc.cast') && open.index === 2) {
        pool = await exports(open.args[0]!, open.args[1]!);
      } else if (NAME_ARG.has(open.fn) && open.index === 0) {
        pool = node.runtime.registered().map((a) => a.name.replace(/^Elixir\./, ''));
      }
      if (pool) return [pool.filter((c) => c.startsWith(open.prefix)), open.prefix];
    }
    const word = /[A-Za-z_$][\w$.]*$/.exec(line)?.[0];
    if (word?.startsWith('AgentFramework.')) {
      // AgentFramework.<Module>.<function>, from this node's module registry
      const names: string[] = [];
      for (const m of rpc.modules.inspect()) {
        if (!m.module.startsWith('Elixir.AgentFramework.')) continue;
        const short = m.module.slice('Elixir.'.length);
        names.push(`${short}.`);
        for (const e of m.exports) names.push(`${short}.${e.replace(/\/\d+$/, '')}(`);
      }
      const hits = [...new Set(names)].filter((n) => n.startsWith(word)).sort();
      if (hits.length > 0) return [hits, word];
    }
    if (word) {
      const hits = HELPER_NAMES.filter((h) => h.startsWith(word) && h !== word);
      if (hits.length > 0) return [hits, word];
    }
    return undefined;
  }

  return (line, cb) => {
    candidates(line).then(
      (r) => (r && r[0].length > 0 ? cb(null, r) : fallback(line, cb)),
      () => fallback(line, cb),
    );
  };
}

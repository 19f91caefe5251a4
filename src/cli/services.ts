/**
 * The services a CLI node runs (`beamlink shell`, `beamlink start`, the demo's nodes).
 *
 * @module
 */
import { agentsService } from '../agents/index.ts';
import type { NodeService } from '../kernel/index.ts';
import { pgService } from '../pg/index.ts';
import { rpcOf, rpcService } from '../rpc/index.ts';
import type { Atom, Term } from '../term/types.ts';
import { remshService } from './shell/remsh-service.ts';

/**
 * The services every CLI node runs: rpc (with `rex`), the default pg scope, and the
 * lesson's agent framework (its PubSub is `AgentFramework.PubSub`), the `beamlink_remsh`
 * server, plus `extra`.
 *
 * @example
 * ```ts
 * await startNode({ sname: 'ts1', services: cliServices() });
 * ```
 */
export function cliServices(extra: readonly NodeService[] = []): NodeService[] {
  return [rpcService(), rpcModuleService, pgService(), agentsService(), remshService, ...extra];
}

/**
 * `rpc:call/4,5` and `rpc:cast/4` callable over rpc, so a peer can ask this node to call
 * a third one (the lesson's "from node2, `:rpc.call(:node1, ...)`"). The rpc layer's
 * built-ins do not define the `rpc` module; this does, unless it exists.
 *
 * @example
 * ```ts
 * await startNode({ sname: 'ts1', services: [rpcService(), rpcModuleService] });
 * ```
 */
export const rpcModuleService: NodeService = (node) => {
  const rpc = rpcOf(node);
  if (rpc === undefined || rpc.modules.has('rpc')) return;
  rpc.modules.define('rpc', {
    call: [
      { arity: 4, fn: (n: Atom, m: Atom, f: Atom, a: Term[]) => rpc.call(n, m, f, a) },
      {
        arity: 5,
        fn: (n: Atom, m: Atom, f: Atom, a: Term[], t: Term) =>
          rpc.call(n, m, f, a, typeof t === 'number' ? t : Infinity),
      },
    ],
    cast: (n: Atom, m: Atom, f: Atom, a: Term[]) => rpc.cast(n, m, f, a),
  });
};

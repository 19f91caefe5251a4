/**
 * pg: process groups across the cluster, wire-compatible with OTP's `pg` (a BEAM process
 * that joins a group with `pg:join/3` is a member on beamlink nodes, and the other way
 * round). See docs/pg.md and the protocol comment in scope.ts.
 *
 * @example
 * ```ts
 * import { startNode, startScope } from 'beamlink';
 * const node = await startNode({ sname: 'ts1', cookie: 'c' });
 * const pg = await startScope(node);
 * const pid = node.spawn(async (self) => { await self.receive() });
 * pg.join('workers', pid);
 * pg.getMembers('workers'); // [pid, ...members on other nodes]
 * ```
 *
 * @module
 */
export {
  PgScope,
  pgService,
  scopeOf,
  startScope,
  type GroupMonitor,
  type PgHost,
  type ScopeMonitor,
  type ScopeOptions,
} from './scope.ts';
export { PgNotLocalError, PgScopeError } from './errors.ts';
export { termKey } from './term-key.ts';

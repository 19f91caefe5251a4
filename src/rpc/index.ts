/**
 * rpc and erpc in both directions, and the TypeScript functions BEAM nodes can call.
 *
 * @example
 * ```ts
 * import { startRpcNode, isBadRpc } from 'beamlink';
 * const node = await startRpcNode({ sname: 'ts1', cookie: 'secret' });
 * node.rpc.modules.define('my_mod', { add: (a: number, b: number) => a + b });
 * // iex> :rpc.call(:"ts1@host", :my_mod, :add, [1, 2])   #=> 3
 * const r = await node.rpc.call('erl@host', 'erlang', 'node', []);
 * if (isBadRpc(r)) console.log('failed', r);
 * ```
 *
 * @module
 */
export {
  ErpcError,
  ErlThrow,
  ErlExit,
  ErlError,
  ModuleDefinitionError,
  erlThrow,
  erlExit,
  erlError,
  badRpc,
  isBadRpc,
  type ErlClass,
} from './errors.ts';
export {
  ModuleRegistry,
  execute,
  outcomeOf,
  termProblem,
  type CallContext,
  type CallRequest,
  type ModuleDefinition,
  type Outcome,
  type RpcFunction,
  type RpcFunctionSpec,
  type RpcHost,
} from './modules.ts';
export { defineBuiltins, BEAMLINK_VERSION, OTP_RELEASE } from './builtins.ts';
export { spawnHandler, erpcExitReason, processExitReason } from './serve.ts';
export { startRex, rexReply } from './rex.ts';
export { ErpcClient, type RawResult } from './client.ts';
export { Erpc, settle, type ErpcResult } from './erpc.ts';
export { Rpc, rpcify, type MulticallResult } from './rpc.ts';
export {
  attachRpc,
  rpcOf,
  rpcService,
  startRpcNode,
  type RpcAttachable,
  type RpcBeamNode,
  type RpcOptions,
} from './service.ts';
export { startGroupLeader, chardataText } from './group-leader.ts';

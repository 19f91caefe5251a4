/**
 * OTP behaviours: GenServer (gen_server's protocol), and the supervision tree.
 *
 * @example
 * ```ts
 * import { GenServer } from 'beamlink/otp';
 * const pid = await GenServer.start(rt, { init: () => ({ ok: 0 }) }, null, { name: 'zero' });
 * ```
 *
 * @module
 */
export {
  GenServer,
  From,
  StateFun,
  StartError,
  type GenServerCallbacks,
  type InitResult,
  type CallResult,
  type NoReply,
  type NoReplyResult,
  type Stop,
  type StartOptions,
  type Caller,
} from './gen-server.ts';

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
export {
  Supervisor,
  type SupervisorOptions,
  type StrategyName,
  type ChildCounts,
  type ChildInfo,
  type StartChildResult,
  type OkResult,
} from './supervisor.ts';
export { DynamicSupervisor, type DynamicSupervisorOptions } from './dynamic-supervisor.ts';
export { Task, type TaskHandle, type TaskResult, type TaskFunction } from './task.ts';
export { TaskSupervisor, type TaskSupervisorOptions, type TaskOptions } from './task-supervisor.ts';
export {
  checkChildSpec,
  checkStartSpec,
  childSpec,
  startWith,
  type ChildSpec,
  type ChildSpecInput,
  type HasChildSpec,
  type NormalizedChildSpec,
  type RestartType,
  type Shutdown,
  type ChildType,
  type StartFunction,
  type StartReturn,
} from './child-spec.ts';
export { RestartIntensity, type Clock, type RestartIntensityOptions } from './restart-intensity.ts';
export { ChildSpecError, SupervisorStartError, TaskOwnerError } from './errors.ts';
export { childSpecFromTerm, dynamicSpecFromTerm, type StartResolver } from './child-spec-term.ts';

/**
 * The port mapper layer: the EPMD wire protocol, a client (`register`, `lookup`,
 * `names`), an in-process daemon (`EpmdDaemon`) and `ensurePortMapper`, which starts a
 * detached daemon when no port mapper answers.
 *
 * @example
 * ```ts
 * import { register, lookup } from 'beamlink/epmd';
 * const reg = await register({ name: 'ts', port: 5000 });
 * console.log(await lookup('ts'));
 * await reg.close();
 * ```
 *
 * @module
 */
export * from './errors.ts';
export * from './protocol.ts';
export * from './client.ts';
export * from './daemon.ts';
export * from './ensure.ts';

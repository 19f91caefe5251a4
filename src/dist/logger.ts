/**
 * Where the distribution layer writes its log lines (refused handshakes, protocol errors,
 * tick timeouts). The node layer passes its own; the default writes warnings to stderr.
 *
 * @module
 */

/**
 * A sink for log lines.
 *
 * @example
 * ```ts
 * const lines: string[] = [];
 * const logger: DistLogger = { warn: (m) => lines.push(m), info: (m) => lines.push(m) };
 * ```
 */
export interface DistLogger {
  warn(message: string): void;
  info?(message: string): void;
  debug?(message: string): void;
}

/**
 * Warnings to `console.warn`, prefixed `beamlink:dist`; info and debug dropped.
 *
 * @example
 * ```ts
 * defaultLogger.warn('connection to a@host closed: net_tick_timeout');
 * ```
 */
export const defaultLogger: DistLogger = {
  warn: (message) => console.warn(`beamlink:dist ${message}`),
};

/**
 * The runtime's pluggable logger: crash reports and warnings go through it, so tests can
 * capture them and applications can route them.
 *
 * @module
 */

/** Severity, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Where the runtime writes crash reports and warnings.
 *
 * @example
 * ```ts
 * const lines: string[] = [];
 * const logger: Logger = { log: (level, message) => lines.push(`${level} ${message}`) };
 * const rt = new Runtime({ logger });
 * ```
 */
export interface Logger {
  log(level: LogLevel, message: string, meta?: Record<string, unknown>): void;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/**
 * A logger that writes to `console` at `level` and above (default `info`).
 *
 * @example
 * ```ts
 * const rt = new Runtime({ logger: consoleLogger('warn') });
 * ```
 */
export function consoleLogger(level: LogLevel = 'info'): Logger {
  const min = RANK[level];
  return {
    log(l, message) {
      if (RANK[l] < min) return;
      if (l === 'error') console.error(message);
      else if (l === 'warn') console.warn(message);
      else console.log(message);
    },
  };
}

/**
 * A logger that keeps every entry in memory (for tests).
 *
 * @example
 * ```ts
 * const logger = memoryLogger();
 * const rt = new Runtime({ logger });
 * // ... later
 * logger.entries.some((e) => e.message.includes('terminating'));
 * ```
 */
export function memoryLogger(): Logger & {
  entries: { level: LogLevel; message: string; meta?: Record<string, unknown> }[];
} {
  const entries: { level: LogLevel; message: string; meta?: Record<string, unknown> }[] = [];
  return {
    entries,
    log(level, message, meta) {
      entries.push(meta === undefined ? { level, message } : { level, message, meta });
    },
  };
}

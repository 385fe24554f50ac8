/**
 * The offline runtime's own log: one JSON object per line, so it reads like
 * the handlers' Powertools output beside it and can be piped through `jq`.
 * Handler output is not touched; this only reports what the runtime did
 * (an invocation and its outcome, a batch sent to a DLQ, a poller error).
 */
type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug';

interface RuntimeLog {
  readonly level: LogLevel;
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const RANK: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };

/** Errors do not survive JSON.stringify; keep what a reader needs. */
const serialise = (value: unknown): unknown =>
  value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;

/**
 * A logger that writes lines at or above `level`.
 *
 * @example
 * const log = createRuntimeLog('info');
 * log.info('invoked', { function: 'health', durationMs: 3 });
 */
const createRuntimeLog = (
  level: LogLevel = 'info',
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): RuntimeLog => {
  const emit =
    (at: Exclude<LogLevel, 'silent'>) =>
    (message: string, fields: Record<string, unknown> = {}): void => {
      if (RANK[at] > RANK[level]) return;
      const entry: Record<string, unknown> = {
        time: new Date().toISOString(),
        level: at.toUpperCase(),
        service: 'offline-runtime',
        message,
      };
      for (const [key, value] of Object.entries(fields)) entry[key] = serialise(value);
      write(JSON.stringify(entry));
    };
  return { level, debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
};

/** Reads a level from the environment (`OFFLINE_LOG_LEVEL`), falling back when unset or unknown. */
const logLevelFrom = (value: string | undefined, fallback: LogLevel): LogLevel =>
  value !== undefined && value in RANK ? (value as LogLevel) : fallback;

export { createRuntimeLog, logLevelFrom };
export type { LogLevel, RuntimeLog };

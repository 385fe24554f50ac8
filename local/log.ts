import { type LogItem, Logger } from '@aws-lambda-powertools/logger';
import { logger as handlerLogger } from '../functions/kernel/observability.js';

/**
 * The offline runtime's own log (an invocation and its outcome, a batch
 * sent to a DLQ, a poller error), written by a child of the handlers'
 * Powertools logger: the same keys (`level`, `message`, `timestamp`,
 * `service`), the same upper-case levels, the same JSON per line, so one
 * `jq` filter reads the runtime's lines and the handlers' side by side
 * (`jq 'select(.level == "ERROR")'`). The runtime's lines say
 * `"service": "offline-runtime"`. `POWERTOOLS_DEV=true` pretty-prints both,
 * as Powertools does. Handler output is not touched.
 *
 * Field names are written in the handlers' snake_case (`durationMs` is
 * `duration_ms`), and the invocation's `requestId` is Powertools'
 * `function_request_id`: the key the handler's own lines carry it under, so
 * one `select(.function_request_id == "...")` finds the invocation and
 * everything it logged.
 */
type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug';

interface RuntimeLog {
  readonly level: LogLevel;
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Powertools' names for our levels (it also knows TRACE and CRITICAL, read by {@link logLevelFrom}). */
const POWERTOOLS_LEVEL = {
  silent: 'SILENT',
  error: 'ERROR',
  warn: 'WARN',
  info: 'INFO',
  debug: 'DEBUG',
} as const satisfies Record<LogLevel, string>;

/** Every spelling a level may be given in, `LOG_LEVEL`'s (`INFO`) as well as ours (`info`). */
const LEVEL_NAMES: Readonly<Record<string, LogLevel>> = {
  silent: 'silent',
  critical: 'error',
  error: 'error',
  warn: 'warn',
  warning: 'warn',
  info: 'info',
  debug: 'debug',
  trace: 'debug',
};

/** Keys that have a Powertools name of their own. */
const RENAMED: Readonly<Record<string, string>> = { requestId: 'function_request_id' };

const snakeCase = (key: string): string =>
  RENAMED[key] ??
  key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();

const snakeCaseKeys = (fields: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(fields).map(([key, value]) => [snakeCase(key), value]));

/**
 * A Powertools logger whose lines go to a function instead of stdout, for
 * a caller with its own output (the benchmark's log): the same formatter,
 * so the same keys.
 */
class LineLogger extends Logger {
  private sink?: (line: string) => void;

  constructor(options: ConstructorParameters<typeof Logger>[0], sink: (line: string) => void) {
    super(options);
    this.sink = sink;
  }

  protected override printLog(logLevel: number, log: LogItem): void {
    // Set after super(): anything printed while constructing goes the usual way.
    if (!this.sink) {
      super.printLog(logLevel, log);
      return;
    }
    log.prepareForPrint();
    this.sink(JSON.stringify(log.getAttributes(), this.getJsonReplacer()));
  }
}

const SERVICE = 'offline-runtime';

/**
 * A log that writes lines at or above `level`, through a child of the
 * handlers' logger.
 *
 * @param output the logger to derive from (tests pass their own), or a
 *   function that takes each line (one JSON object) instead of stdout.
 * @example
 * const log = createRuntimeLog('info');
 * log.info('invocation succeeded', { function: 'health', durationMs: 3 });
 * // {"level":"INFO","message":"invocation succeeded","timestamp":"...","service":"offline-runtime","function":"health","duration_ms":3}
 */
const createRuntimeLog = (
  level: LogLevel = 'info',
  output: Logger | ((line: string) => void) = handlerLogger,
): RuntimeLog => {
  const logLevel = POWERTOOLS_LEVEL[level];
  const child =
    typeof output === 'function'
      ? new LineLogger({ serviceName: SERVICE, logLevel }, output)
      : output.createChild({ serviceName: SERVICE, logLevel });
  const emit =
    (at: Exclude<LogLevel, 'silent'>) =>
    (message: string, fields: Record<string, unknown> = {}): void => {
      child[at](message, snakeCaseKeys(fields));
    };
  return { level, debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
};

/**
 * Reads a level from the environment (`OFFLINE_LOG_LEVEL`), in either case
 * and with Powertools' names (`INFO`, `WARN`, `CRITICAL`, `TRACE`) as
 * `LOG_LEVEL` takes them; falls back when unset or unknown.
 *
 * @example
 * logLevelFrom(process.env.OFFLINE_LOG_LEVEL, 'info'); // 'debug' for OFFLINE_LOG_LEVEL=DEBUG
 */
const logLevelFrom = (value: string | undefined, fallback: LogLevel): LogLevel => {
  const name = value?.trim().toLowerCase() ?? '';
  return Object.hasOwn(LEVEL_NAMES, name) ? (LEVEL_NAMES[name] ?? fallback) : fallback;
};

export { createRuntimeLog, logLevelFrom };
export type { LogLevel, RuntimeLog };

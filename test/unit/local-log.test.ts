import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRuntimeLog, logLevelFrom } from '../../local/log.js';

/** The lines a logger wrote to stdout and stderr, parsed; Powertools writes warn and error to stderr. */
const captureLines = () => {
  const written: string[] = [];
  const keep = (chunk: unknown): boolean => {
    written.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(keep);
  vi.spyOn(process.stderr, 'write').mockImplementation(keep);
  return () =>
    written
      .join('')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
};

/** A handler-style logger, as `functions/kernel/observability.ts` makes it, created after the env is set. */
const aHandlerLogger = () => new Logger({ serviceName: 'sync-tools', logLevel: 'INFO' });

beforeEach(() => {
  vi.stubEnv('POWERTOOLS_DEV', '');
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('Function: createRuntimeLog()', () => {
  it("writes the handlers' keys and upper-case levels, as service offline-runtime", () => {
    // Prepare
    const lines = captureLines();
    const log = createRuntimeLog('info', aHandlerLogger());
    // Act
    log.info('invocation succeeded', { function: 'health', durationMs: 3 });
    // Assess
    const [line] = lines();
    vi.restoreAllMocks();
    expect(line).toMatchObject({
      level: 'INFO',
      message: 'invocation succeeded',
      service: 'offline-runtime',
      function: 'health',
      duration_ms: 3,
    });
    expect(Number.isNaN(Date.parse(String(line?.timestamp)))).toBe(false);
  });

  it('reads like a handler line: the same keys in the same places', () => {
    // Prepare
    const lines = captureLines();
    const handler = aHandlerLogger();
    const log = createRuntimeLog('info', handler);
    // Act
    handler.warn('outbound call will be retried', { record_id: 'c-1' });
    log.warn('queue batch failed', { queue: 'outbound' });
    // Assess
    const [fromHandler, fromRuntime] = lines();
    vi.restoreAllMocks();
    const standard = (line: Record<string, unknown> | undefined) =>
      Object.keys(line ?? {}).filter((key) => ['level', 'message', 'timestamp', 'service'].includes(key));
    expect(standard(fromRuntime)).toEqual(standard(fromHandler));
    expect([fromHandler?.level, fromRuntime?.level]).toEqual(['WARN', 'WARN']);
  });

  it("files the invocation's request id under Powertools' function_request_id, and errors with their message", () => {
    // Prepare
    const lines = captureLines();
    const log = createRuntimeLog('info', aHandlerLogger());
    // Act
    log.error('invocation failed', { requestId: 'r-1', coldStart: true, error: new Error('boom') });
    // Assess
    const [line] = lines();
    vi.restoreAllMocks();
    expect(line).toMatchObject({
      level: 'ERROR',
      function_request_id: 'r-1',
      cold_start: true,
      error: { name: 'Error', message: 'boom' },
    });
  });

  it('hands each line to a function when given one, in the same format', () => {
    // Prepare
    const written: string[] = [];
    const log = createRuntimeLog('warn', (line) => written.push(line));
    // Act
    log.info('below the level');
    log.warn('queue batch failed', { queueName: 'outbound' });
    // Assess
    expect(written).toHaveLength(1);
    expect(JSON.parse(written[0] ?? '{}')).toMatchObject({
      level: 'WARN',
      message: 'queue batch failed',
      service: 'offline-runtime',
      queue_name: 'outbound',
    });
  });

  it('writes nothing below its level, and nothing at all when silent', () => {
    // Prepare
    const lines = captureLines();
    const info = createRuntimeLog('info', aHandlerLogger());
    const silent = createRuntimeLog('silent', aHandlerLogger());
    // Act
    info.debug('table exists; reusing it');
    silent.error('stopping part of the offline stack failed');
    // Assess
    const written = lines();
    vi.restoreAllMocks();
    expect(written).toEqual([]);
  });

  it('pretty-prints over several lines with POWERTOOLS_DEV=true, like the handlers', () => {
    // Prepare
    vi.stubEnv('POWERTOOLS_DEV', 'true');
    const printed: string[] = [];
    vi.spyOn(console, 'info').mockImplementation((text: string) => void printed.push(text));
    const handler = aHandlerLogger();
    const log = createRuntimeLog('info', handler);
    // Act
    handler.info('webhook received');
    log.info('invocation succeeded', { durationMs: 3 });
    // Assess
    expect(printed).toHaveLength(2);
    expect(printed.every((text) => text.includes('\n    "message"'))).toBe(true);
    expect(JSON.parse(printed[1] ?? '{}')).toMatchObject({ service: 'offline-runtime', duration_ms: 3 });
  });
});

describe('Function: logLevelFrom()', () => {
  it.each([
    ['debug', 'debug'],
    ['DEBUG', 'debug'],
    ['INFO', 'info'],
    ['WARN', 'warn'],
    ['CRITICAL', 'error'],
    ['TRACE', 'debug'],
    ['SILENT', 'silent'],
  ])('reads %s as LOG_LEVEL would: %s', (value, expected) => {
    expect(logLevelFrom(value, 'info')).toBe(expected);
  });

  it.each([undefined, '', 'loud', 'constructor'])('falls back for %s', (value) => {
    expect(logLevelFrom(value, 'silent')).toBe('silent');
  });
});

import middy from '@middy/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { scheduleEvent } from '../../functions/kernel/schedules/schedule-event.js';
import { aLambdaContext } from '../helpers/lambda-events.js';

/**
 * The run recorder with the DynamoDB client replaced by a script of
 * answers: what it writes around a job, and that the job's own outcome
 * (its value, its error) always wins over the recording. That DynamoDB
 * applies the writes is the integration test's job
 * (test/integration/admin-schedules.test.ts).
 */
const send = vi.hoisted(() => vi.fn());
vi.mock('../../functions/kernel/aws/dynamo-client.js', () => ({ dynamo: () => ({ send }) }));

const { recordScheduleRuns } = await import('../../functions/kernel/schedules/record-schedule-runs.js');

const NOW = Date.parse('2026-11-24T12:00:00Z');
const RUN_ID = '6f1c2a9e-0d1b-4c3e-9a7f-1b2c3d4e5f60';

type Command = {
  constructor: { name: string };
  input: Record<string, unknown> & { ExpressionAttributeValues?: Record<string, unknown> };
};
const commandsSent = (): Command[] => send.mock.calls.map((call) => call[0] as Command);
const valuesSent = (): Record<string, unknown>[] => commandsSent().map((c) => c.input.ExpressionAttributeValues ?? {});

const anEvent = (trigger: 'schedule' | 'manual' = 'schedule') =>
  scheduleEvent({
    schedule: 'tick',
    trigger,
    runId: RUN_ID,
    at: new Date(NOW),
    region: 'us-east-1',
    account: '000000000000',
  });

/** A scheduled handler as the project builds them: the job, recorded. */
const recorded = <T>(job: () => Promise<T>) => middy(job).use(recordScheduleRuns());

describe('Function: recordScheduleRuns()', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
    process.env.CONTROL_TABLE = 'control-test';
    send.mockReset();
    send.mockResolvedValue({});
  });

  afterEach(() => {
    vi.useRealTimers();
    delete process.env.CONTROL_TABLE;
  });

  it('records the run as running, then as succeeded with its duration, and returns what the job returned', async () => {
    // Prepare
    const handler = recorded(async () => {
      vi.setSystemTime(NOW + 1_500);
      return { resolved: 3 };
    });

    // Act
    const result = await handler(anEvent(), aLambdaContext());

    // Assess
    expect(result).toEqual({ resolved: 3 });
    expect(commandsSent().map((c) => [c.constructor.name, c.input.TableName, c.input.Key])).toEqual([
      ['UpdateCommand', 'control-test', { pk: 'SCHEDULE#tick', sk: 'LAST' }],
      ['UpdateCommand', 'control-test', { pk: 'SCHEDULE#tick', sk: 'LAST' }],
    ]);
    expect(valuesSent()[0]).toEqual({
      ':schedule': 'tick',
      ':run_id': RUN_ID,
      ':trigger': 'schedule',
      ':outcome': 'running',
      ':run_at': '2026-11-24T12:00:00Z',
      ':started_at': '2026-11-24T12:00:00.000Z',
    });
    expect(valuesSent()[1]).toEqual({
      ':run_id': RUN_ID,
      ':outcome': 'succeeded',
      ':finished_at': '2026-11-24T12:00:01.500Z',
      ':duration_ms': 1_500,
    });
    expect(commandsSent()[1]?.input.ConditionExpression).toBe('run_id = :run_id');
  });

  it('records a failed job with its message only and rethrows the very same error', async () => {
    // Prepare
    const failure = new Error('CRM answered 503');
    const handler = recorded(async () => {
      throw failure;
    });

    // Act
    const outcome = handler(anEvent('manual'), aLambdaContext());

    // Assess
    await expect(outcome).rejects.toBe(failure);
    expect(valuesSent()[0]).toMatchObject({ ':trigger': 'manual', ':outcome': 'running' });
    expect(valuesSent()[1]).toMatchObject({ ':outcome': 'failed', ':error': 'CRM answered 503' });
  });

  it('cuts a very long error message to 1,000 characters', async () => {
    // Prepare
    const handler = recorded(async () => {
      throw new Error('x'.repeat(5_000));
    });

    // Act
    await handler(anEvent(), aLambdaContext()).catch(() => undefined);

    // Assess
    expect(valuesSent()[1]?.[':error']).toHaveLength(1_000);
  });

  it('rethrows the job error, not the recording error, when both fail', async () => {
    // Prepare
    send.mockRejectedValue(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' }));
    const failure = new Error('the job failed');
    const handler = recorded(async () => {
      throw failure;
    });

    // Act
    const outcome = handler(anEvent(), aLambdaContext());

    // Assess
    await expect(outcome).rejects.toBe(failure);
  });

  it('lets a job succeed although its run could not be recorded', async () => {
    // Prepare
    send.mockRejectedValue(new Error('DynamoDB is unreachable'));
    const handler = recorded(async () => 'done');

    // Act
    const result = await handler(anEvent(), aLambdaContext());

    // Assess
    expect(result).toBe('done');
    expect(send).toHaveBeenCalledTimes(2);
  });

  it('leaves the summary to a newer run that started meanwhile', async () => {
    // Prepare
    send
      .mockResolvedValueOnce({})
      .mockRejectedValueOnce(
        Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' }),
      );
    const handler = recorded(async () => 'done');

    // Act
    const result = await handler(anEvent(), aLambdaContext());

    // Assess
    expect(result).toBe('done');
    expect(send).toHaveBeenCalledTimes(2);
  });

  it.each([
    ['no detail', { ...anEvent(), detail: {} }],
    ['a malformed schedule name', { ...anEvent(), detail: { schedule: 'a b', trigger: 'schedule', run_id: RUN_ID } }],
    ['an unknown trigger', { ...anEvent(), detail: { schedule: 'tick', trigger: 'cron', run_id: RUN_ID } }],
  ])('runs a job whose event names no run (%s) without recording it', async (_label, event) => {
    // Prepare
    const job = vi.fn(async () => 'done');

    // Act
    const result = await middy(job).use(recordScheduleRuns())(event, aLambdaContext());

    // Assess
    expect(result).toBe('done');
    expect(job).toHaveBeenCalledOnce();
    expect(send).not.toHaveBeenCalled();
  });
});

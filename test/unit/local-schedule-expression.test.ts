import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRuntimeLog } from '../../local/log.js';
import type { Invoker } from '../../local/invoke.js';
import { nextRunAfter, parseScheduleExpression } from '../../lib/schedule-expression.js';
import { startScheduler } from '../../local/scheduler.js';

describe('Function: parseScheduleExpression()', () => {
  describe.each([
    ['rate(1 minute)', 60_000],
    ['rate(15 minutes)', 900_000],
    ['rate(1 hour)', 3_600_000],
    ['rate(2 hours)', 7_200_000],
    ['rate(1 day)', 86_400_000],
    ['rate(7 days)', 604_800_000],
  ])('the rate %s', (expression, everyMs) => {
    it(`fires every ${everyMs} ms`, () => {
      // Act & Assess
      expect(parseScheduleExpression(expression)).toMatchObject({ kind: 'rate', everyMs });
    });
  });

  describe.each([
    ['rate(1 minutes)', /for a value of 1/],
    ['rate(5 minute)', /for a value of 1/],
    ['rate(0 minutes)', /positive/],
    ['rate(5 seconds)', /expected rate/],
    ['cron(0 12 * * *)', /6 fields/],
    ['cron(0 12 * * MON *)', /exactly one of day-of-month and day-of-week/],
    ['cron(0 12 ? * ? *)', /exactly one of day-of-month and day-of-week/],
    ['cron(? 12 * * ? *)', /only allowed in day-of-month or day-of-week/],
    ['cron(99 12 * * ? *)', /Invalid schedule/],
    ['every 5 minutes', /expected rate/],
  ])('the invalid expression %s', (expression, message) => {
    it('is rejected, as EventBridge would reject it', () => {
      // Act & Assess
      expect(() => parseScheduleExpression(expression)).toThrow(message);
    });
  });
});

describe('Function: nextRunAfter()', () => {
  // A Tuesday.
  const from = new Date('2026-11-24T18:44:30Z');

  describe.each([
    ['cron(0/15 * * * ? *)', '2026-11-24T18:45:00.000Z'],
    ['cron(0 10 * * ? *)', '2026-11-25T10:00:00.000Z'],
    ['cron(0 8 ? * MON-FRI *)', '2026-11-25T08:00:00.000Z'],
    // EventBridge numbers weekdays 1-7 from Sunday: 1 is Sunday, 2 is Monday.
    ['cron(0 8 ? * 1 *)', '2026-11-29T08:00:00.000Z'],
    ['cron(0 8 ? * 2 *)', '2026-11-30T08:00:00.000Z'],
    ['cron(0 0 1 * ? *)', '2026-12-01T00:00:00.000Z'],
    ['cron(0 0 L * ? *)', '2026-11-30T00:00:00.000Z'],
    ['cron(0 9 ? * 2#1 *)', '2026-12-07T09:00:00.000Z'],
    ['cron(30 6 1 1 ? 2028)', '2028-01-01T06:30:00.000Z'],
  ])('the schedule %s', (expression, expected) => {
    it(`next fires at ${expected} (UTC)`, () => {
      // Act
      const next = nextRunAfter(parseScheduleExpression(expression), from);

      // Assess
      expect(next?.toISOString()).toBe(expected);
    });
  });

  it('never fires again once the year of a cron has passed', () => {
    // Act & Assess
    expect(nextRunAfter(parseScheduleExpression('cron(0 0 1 1 ? 2020)'), from)).toBeUndefined();
  });

  it('counts a rate from when the schedule started', () => {
    // Prepare
    const anchor = new Date('2026-11-24T18:00:10Z');

    // Act
    const next = nextRunAfter(parseScheduleExpression('rate(15 minutes)'), from, anchor);

    // Assess
    expect(next?.toISOString()).toBe('2026-11-24T18:45:10.000Z');
  });
});

describe('Function: startScheduler()', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-11-24T18:00:00Z'));
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('invokes the function each time a rate comes round, with a scheduled event', async () => {
    // Prepare
    const invoke = vi.fn<Invoker['invoke']>(async () => ({
      ok: true,
      value: undefined,
      requestId: 'r',
      durationMs: 1,
    }));
    const scheduler = startScheduler({
      schedules: [
        {
          name: 'tick',
          function: 'job',
          expression: 'rate(1 minute)',
          schedule: parseScheduleExpression('rate(1 minute)'),
        },
      ],
      invoker: { invoke, functionArn: () => 'arn' },
      region: 'us-east-1',
      accountId: '000000000000',
      namePrefix: '',
      log: createRuntimeLog('silent'),
    });

    // Act
    await vi.advanceTimersByTimeAsync(59_000);
    const beforeMinute = invoke.mock.calls.length;
    await vi.advanceTimersByTimeAsync(2 * 60_000);

    // Assess
    expect(beforeMinute).toBe(0);
    expect(invoke).toHaveBeenCalledTimes(2);
    expect(invoke.mock.calls[0]?.[1]).toMatchObject({
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      time: '2026-11-24T18:01:00Z',
      resources: ['arn:aws:events:us-east-1:000000000000:rule/tick'],
    });
    await scheduler.stop();
  });
});

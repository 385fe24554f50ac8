import { describe, expect, it } from 'vitest';
import {
  type HourCounters,
  type MonitorInput,
  evaluateHealth,
  integrationHealth,
} from '../../functions/monitor/domain/health-rules.js';

/**
 * The sync monitor's status rules, table-driven: counters for one
 * integration (and the backlogs) in, status and issues out. The clock is
 * 13:30 UTC, so "the last hour" is all of hour 13 and half of hour 12.
 */
const NOW = new Date('2026-12-03T13:30:00.000Z');
const H13 = '2026-12-03T13';
const H12 = '2026-12-03T12';
const minutesAgo = (minutes: number): string => new Date(NOW.getTime() - minutes * 60_000).toISOString();
const bucket = (hour: string, counts: Record<string, number>, last: Partial<HourCounters> = {}): HourCounters => ({
  hour,
  counts,
  ...last,
});

const input = (overrides: Partial<MonitorInput> = {}): MonitorInput => ({
  now: NOW,
  errorThresholdPerHour: 5,
  pendingConflictsThreshold: 100,
  queueDepthThreshold: 1000,
  integrations: [],
  conflicts: { pending: 0, escalated: 0 },
  queue: { depth: 0, oldestAgeSeconds: 0 },
  dlq: { outbound: 0, streamFailures: 0 },
  parkedStreamFailures: 0,
  ...overrides,
});

describe('Monitor: integration status rules', () => {
  it.each([
    {
      label: 'busy and recent: ok',
      buckets: [bucket(H13, { in_ok: 40, out_ok: 10 }, { last_in_at: minutesAgo(2) })],
      status: 'ok',
      issue: undefined,
    },
    {
      label: 'never seen: ok, no lag (it may not be in use)',
      buckets: [],
      status: 'ok',
      issue: undefined,
    },
    {
      label: 'errors over the threshold: error',
      buckets: [bucket(H13, { in_ok: 10, out_error: 6 }, { last_in_at: minutesAgo(1) })],
      status: 'error',
      issue: 'crm: 6 errors in the last hour (threshold 5)',
    },
    {
      label: 'errors at the threshold: ok',
      buckets: [bucket(H13, { in_ok: 10, out_error: 5 }, { last_in_at: minutesAgo(1) })],
      status: 'ok',
      issue: undefined,
    },
    {
      label: 'half of the previous hour counts: 4 now + 4 of 8 before = 8 > 5',
      buckets: [bucket(H13, { out_error: 4, in_ok: 1 }, { last_in_at: minutesAgo(1) }), bucket(H12, { out_error: 8 })],
      status: 'error',
      issue: 'crm: 8 errors in the last hour (threshold 5)',
    },
    {
      label: 'two 4xx refusals and nothing delivered (a revoked key): error though few',
      buckets: [bucket(H13, { out_4xx: 2, in_ok: 3 }, { last_in_at: minutesAgo(1) })],
      status: 'error',
      issue: 'crm: all 2 deliveries in the last hour were refused with a 4xx (a revoked key or a changed API?)',
    },
    {
      label: 'a 4xx among deliveries that went through: ok',
      buckets: [bucket(H13, { out_4xx: 1, out_ok: 5 }, { last_out_at: minutesAgo(1) })],
      status: 'ok',
      issue: undefined,
    },
    {
      label: 'active, then silent past its lag with no errors: warning',
      buckets: [bucket(H12, { in_ok: 3 }, { last_in_at: minutesAgo(45) })],
      status: 'warning',
      issue: 'crm: no successful sync for 45 minutes (max 30); it was active and went silent',
    },
    {
      label: 'silent past twice its lag: error',
      buckets: [bucket('2026-12-03T12', { in_ok: 3 }, { last_in_at: minutesAgo(61) })],
      status: 'error',
      issue: 'crm: no successful sync for 61 minutes (max 30); it was active and went silent',
    },
  ])('$label', ({ buckets, status, issue }) => {
    // Act
    const health = integrationHealth({ name: 'crm', maxLagMinutes: 30, buckets }, NOW, 5);

    // Assess
    expect(health.status).toBe(status);
    expect(health.issues).toEqual(issue === undefined ? [] : [issue]);
  });

  it('remembers a success older than the 24 hours the counters cover, so a long silence is still flagged', () => {
    // Act
    const health = integrationHealth(
      { name: 'erp', maxLagMinutes: 15, buckets: [], knownLastOutAt: minutesAgo(3000) },
      NOW,
      5,
    );

    // Assess
    expect(health).toMatchObject({ status: 'error', lag_minutes: 3000, last_outbound_at: minutesAgo(3000) });
  });

  it('charts 24 hours oldest first, the current hour last, errors being error and 4xx counts', () => {
    // Act
    const health = integrationHealth(
      {
        name: 'crm',
        maxLagMinutes: 30,
        buckets: [bucket(H13, { in_ok: 3, in_error: 1, out_4xx: 1 }), bucket('2026-12-02T14', { out_ok: 7 })],
      },
      NOW,
      5,
    );

    // Assess
    expect(health.hourly).toHaveLength(24);
    expect(health.hourly[0]).toEqual({ hour: '2026-12-02T14:00:00.000Z', events: 7, errors: 0 });
    expect(health.hourly[23]).toEqual({ hour: '2026-12-03T13:00:00.000Z', events: 5, errors: 2 });
  });
});

describe('Monitor: overall status', () => {
  it.each([
    { label: 'nothing to say: healthy', overrides: {}, status: 'healthy', issues: [] },
    {
      label: 'conflicts over the threshold, pending and escalated together: degraded',
      overrides: { conflicts: { pending: 90, escalated: 11 } },
      status: 'degraded',
      issues: ['conflicts: 101 waiting for a decision (threshold 100)'],
    },
    {
      label: 'a count stopped at its cap says "more than"',
      overrides: { conflicts: { pending: 101, escalated: 0, capped: true } },
      status: 'degraded',
      issues: ['conflicts: more than 100 waiting for a decision (threshold 100)'],
    },
    {
      label: 'queue over its threshold: degraded',
      overrides: { queue: { depth: 1001, oldestAgeSeconds: 60 } },
      status: 'degraded',
      issues: ['outbound queue: 1001 messages waiting (threshold 1000)'],
    },
    {
      label: 'a queue not empty for an hour: degraded',
      overrides: { queue: { depth: 2, oldestAgeSeconds: 3600 } },
      status: 'degraded',
      issues: ['outbound queue: not empty for 60 minutes (a message may be stuck)'],
    },
    {
      label: 'one dead letter: degraded',
      overrides: { dlq: { outbound: 1, streamFailures: 0 } },
      status: 'degraded',
      issues: ['dlq: 1 outbound dead-lettered (GET /admin/dlq)'],
    },
    {
      label: 'a parked stream failure: degraded',
      overrides: { parkedStreamFailures: 2 },
      status: 'degraded',
      issues: ['stream failures: 2 parked batch(es) could not be replayed'],
    },
    {
      label: 'an integration in error: unhealthy',
      overrides: {
        integrations: [{ name: 'crm', maxLagMinutes: 30, buckets: [bucket(H13, { out_error: 9 })] }],
      },
      status: 'unhealthy',
      issues: ['crm: 9 errors in the last hour (threshold 5)'],
    },
  ])('$label', ({ overrides, status, issues }) => {
    // Act
    const report = evaluateHealth(input(overrides as Partial<MonitorInput>));

    // Assess
    expect(report.status).toBe(status);
    expect(report.issues).toEqual(issues);
    expect(report.checked_at).toBe(NOW.toISOString());
  });

  it('gives the contract shape: thresholds beside their counts, DLQ depth as the sum of both', () => {
    // Act
    const report = evaluateHealth(
      input({
        integrations: [{ name: 'crm', maxLagMinutes: 60, buckets: [] }],
        dlq: { outbound: 1, streamFailures: 2 },
      }),
    );

    // Assess
    expect(report).toMatchObject({
      conflicts: { pending: 0, escalated: 0, threshold: 100 },
      outbound_queue: { depth: 0, oldest_age_seconds: 0, threshold: 1000 },
      dlq: { depth: 3 },
      stream_failures: { parked: 0 },
      integrations: {
        crm: { status: 'ok', last_inbound_at: null, last_outbound_at: null, lag_minutes: null, max_lag_minutes: 60 },
      },
    });
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type AlertState, SUMMARY_MAX, planAlerts } from '../../functions/monitor/domain/alert-plan.js';
import type { OverallStatus } from '../../functions/monitor/domain/health-report.js';

/**
 * Alerts on change of status only: a monitor run every 5 minutes on a fake
 * clock, its state carried from run to run as the store would.
 */
const QUIET = 30;
let state: AlertState | undefined;

const run = (status: OverallStatus, issues: string[] = status === 'healthy' ? [] : ['crm: 12 errors']) => {
  const report = { status, issues, checked_at: new Date().toISOString() };
  const plan = planAlerts(state, report, QUIET);
  state = plan.state;
  vi.advanceTimersByTime(5 * 60_000);
  return plan.alerts;
};
const kinds = (alerts: ReturnType<typeof run>) =>
  alerts.map((a) => (a.kind === 'slack' ? 'slack' : `pagerduty ${a.event_action}`));

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-12-03T10:00:00.000Z'));
  state = undefined;
});

afterEach(() => {
  vi.useRealTimers();
});

describe('Monitor: alerts on change of status', () => {
  it('sends nothing while the status stays healthy, from the first run on', () => {
    // Act
    const alerts = [run('healthy'), run('healthy'), run('healthy')].flat();

    // Assess
    expect(alerts).toEqual([]);
  });

  it('sends one Slack message listing the issues on healthy -> degraded, then nothing while degraded', () => {
    // Act
    const first = run('degraded', ['dlq: 1 outbound dead-lettered', 'conflicts: 101 waiting']);
    const second = run('degraded', ['dlq: 1 outbound dead-lettered', 'conflicts: 101 waiting']);

    // Assess
    expect(first).toEqual([
      { kind: 'slack', text: 'Sync degraded:\n- dlq: 1 outbound dead-lettered\n- conflicts: 101 waiting' },
    ]);
    expect(second).toEqual([]);
  });

  it('pages on -> unhealthy and resolves the same dedup_key on the way back to healthy', () => {
    // Act
    const down = run('unhealthy');
    const still = run('unhealthy');
    const up = run('healthy');

    // Assess
    expect(kinds(down)).toEqual(['slack', 'pagerduty trigger']);
    expect(still).toEqual([]);
    expect(kinds(up)).toEqual(['slack', 'pagerduty resolve']);
    const trigger = down[1];
    const resolve = up[1];
    expect(trigger).toMatchObject({
      dedup_key: 'sync-monitor-2026-12-03T10:00:00.000Z',
      severity: 'critical',
      summary: 'Sync unhealthy: crm: 12 errors',
      custom_details: { issues: ['crm: 12 errors'] },
    });
    expect(resolve).toEqual({
      kind: 'pagerduty',
      event_action: 'resolve',
      dedup_key: 'sync-monitor-2026-12-03T10:00:00.000Z',
    });
  });

  it('keeps the incident open through degraded, without a second page when unhealthy again', () => {
    // Act
    const alerts = [run('unhealthy'), run('degraded'), run('unhealthy'), run('healthy')].map(kinds);

    // Assess
    expect(alerts).toEqual([['slack', 'pagerduty trigger'], ['slack'], ['slack'], ['slack', 'pagerduty resolve']]);
  });

  it('pages a flapping status at most once per quiet period, and sends the held page if it is still unhealthy after', () => {
    // Act: unhealthy and healthy in turn every 5 minutes, then unhealthy for good.
    const flapping = [
      run('unhealthy'), // 10:00 page
      run('healthy'), // 10:05 resolve
      run('unhealthy'), // 10:10 held
      run('healthy'), // 10:15
      run('unhealthy'), // 10:20 held
      run('unhealthy'), // 10:25 held still
      run('unhealthy'), // 10:30 quiet period over: page
      run('unhealthy'), // 10:35 nothing
    ].map(kinds);

    // Assess
    expect(flapping).toEqual([
      ['slack', 'pagerduty trigger'],
      ['slack', 'pagerduty resolve'],
      ['slack'],
      ['slack'],
      ['slack'],
      [],
      ['pagerduty trigger'],
      [],
    ]);
  });

  it('pages again once the quiet period has passed since the last page', () => {
    // Prepare
    run('unhealthy');
    run('healthy');
    vi.advanceTimersByTime(QUIET * 60_000);

    // Act
    const again = run('unhealthy');

    // Assess
    expect(kinds(again)).toEqual(['slack', 'pagerduty trigger']);
  });

  it('keeps the PagerDuty summary within 1,024 characters however many issues there are', () => {
    // Act
    const alerts = run(
      'unhealthy',
      Array.from({ length: 200 }, (_, i) => `integration-${i}: 99 errors in the last hour (threshold 5)`),
    );

    // Assess
    const trigger = alerts.find((a) => a.kind === 'pagerduty');
    expect(trigger?.kind === 'pagerduty' && trigger.summary?.length).toBe(SUMMARY_MAX);
    const slack = alerts.find((a) => a.kind === 'slack');
    expect(slack?.kind === 'slack' && slack.text).toContain('- and 180 more');
  });
});

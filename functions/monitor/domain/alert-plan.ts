import type { HealthReport, OverallStatus } from './health-report.js';

/**
 * Alerts on change of status only, pure. What the monitor remembers between
 * runs ({@link AlertState}) and what a new report makes it send:
 *
 * | change                      | sent                                                        |
 * | --------------------------- | ----------------------------------------------------------- |
 * | none                        | nothing (except a page held back, once the quiet period ends) |
 * | -> degraded                 | Slack, listing the issues                                   |
 * | -> unhealthy                | Slack, and a PagerDuty `trigger` with a new `dedup_key`      |
 * | -> healthy                  | Slack recovery, and the `resolve` of the open incident       |
 *
 * A flapping status pages at most once per `alert_quiet_minutes`: going
 * unhealthy again within it of the last page sends Slack only and holds the
 * page; if the status is still unhealthy when the period ends, the held page
 * goes then. An incident stays open through degraded and closes on healthy.
 * The first run counts as coming from healthy.
 */

/** What the monitor keeps between runs (besides its reports). */
interface AlertState {
  readonly status: OverallStatus;
  /** The PagerDuty incident triggered and not yet resolved. */
  readonly incident?: { readonly dedup_key: string; readonly triggered_at: string };
  readonly last_page_at?: string;
  /** Unhealthy without a page, because the last page was within the quiet period. */
  readonly page_held?: boolean;
}

type Alert =
  | { readonly kind: 'slack'; readonly text: string }
  | {
      readonly kind: 'pagerduty';
      readonly event_action: 'trigger' | 'resolve';
      readonly dedup_key: string;
      readonly summary?: string;
      readonly severity?: 'critical' | 'error' | 'warning' | 'info';
      readonly custom_details?: Readonly<Record<string, unknown>>;
    };

/** PagerDuty refuses a longer `payload.summary`. */
const SUMMARY_MAX = 1024;
/** Lines of issues in one Slack message; the report has them all. */
const SLACK_ISSUES_MAX = 20;

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

const issueLines = (issues: readonly string[]): string[] => [
  ...issues.slice(0, SLACK_ISSUES_MAX).map((issue) => `- ${issue}`),
  ...(issues.length > SLACK_ISSUES_MAX ? [`- and ${issues.length - SLACK_ISSUES_MAX} more`] : []),
];

/**
 * The PagerDuty summary of a report: at most 1,024 characters.
 *
 * @example
 * pageSummary(report); // 'Sync unhealthy: crm: 12 errors in the last hour (threshold 10)'
 */
const pageSummary = (report: Pick<HealthReport, 'status' | 'issues'>): string =>
  clip(`Sync ${report.status}: ${report.issues.join('; ') || 'no details'}`, SUMMARY_MAX);

/** The incident's key: stable for its life, unique per incident (at most 255 characters for PagerDuty). */
const incidentKey = (checkedAt: string): string => `sync-monitor-${checkedAt}`;

/**
 * What to send for a new report, and the state to keep.
 *
 * @example
 * const { alerts, state } = planAlerts(previous, report, settings.alert_quiet_minutes);
 */
const planAlerts = (
  previous: AlertState | undefined,
  report: Pick<HealthReport, 'status' | 'issues' | 'checked_at'>,
  quietMinutes: number,
  linkText?: string,
): { alerts: Alert[]; state: AlertState } => {
  const was = previous?.status ?? 'healthy';
  const now = report.checked_at;
  const quietOver =
    previous?.last_page_at === undefined ||
    Date.parse(now) - Date.parse(previous.last_page_at) >= quietMinutes * 60_000;
  const page = (): Alert & { kind: 'pagerduty' } => ({
    kind: 'pagerduty',
    event_action: 'trigger',
    dedup_key: incidentKey(now),
    summary: pageSummary(report),
    severity: 'critical',
    custom_details: { issues: report.issues, checked_at: now, ...(linkText ? { console: linkText } : {}) },
  });
  const footer = linkText ? [linkText] : [];
  const alerts: Alert[] = [];

  if (report.status === was) {
    if (was === 'unhealthy' && previous?.page_held && !previous.incident && quietOver) {
      const trigger = page();
      return {
        alerts: [trigger],
        state: { status: was, incident: { dedup_key: trigger.dedup_key, triggered_at: now }, last_page_at: now },
      };
    }
    return { alerts, state: previous ?? { status: was } };
  }

  const kept = {
    ...(previous?.last_page_at ? { last_page_at: previous.last_page_at } : {}),
  };
  if (report.status === 'healthy') {
    alerts.push({ kind: 'slack', text: [`Sync recovered: healthy again (was ${was}).`, ...footer].join('\n') });
    if (previous?.incident) {
      alerts.push({ kind: 'pagerduty', event_action: 'resolve', dedup_key: previous.incident.dedup_key });
    }
    return { alerts, state: { status: 'healthy', ...kept } };
  }
  if (report.status === 'degraded') {
    const head = was === 'healthy' ? 'Sync degraded:' : `Sync improved to degraded (was ${was}):`;
    alerts.push({ kind: 'slack', text: [head, ...issueLines(report.issues), ...footer].join('\n') });
    return {
      alerts,
      state: { status: 'degraded', ...kept, ...(previous?.incident ? { incident: previous.incident } : {}) },
    };
  }
  // Unhealthy.
  if (previous?.incident) {
    // Still the incident that was paged (unhealthy -> degraded -> unhealthy): it is open, no second page.
    alerts.push({
      kind: 'slack',
      text: [`Sync unhealthy again (was ${was}); incident still open:`, ...issueLines(report.issues), ...footer].join(
        '\n',
      ),
    });
    return { alerts, state: { status: 'unhealthy', ...kept, incident: previous.incident } };
  }
  if (!quietOver) {
    alerts.push({
      kind: 'slack',
      text: [
        `Sync unhealthy (was ${was}); not paging again within ${quietMinutes} minutes of the last page:`,
        ...issueLines(report.issues),
        ...footer,
      ].join('\n'),
    });
    return { alerts, state: { status: 'unhealthy', ...kept, page_held: true } };
  }
  const trigger = page();
  alerts.push({
    kind: 'slack',
    text: [`Sync unhealthy (was ${was}), paging:`, ...issueLines(report.issues), ...footer].join('\n'),
  });
  alerts.push(trigger);
  return {
    alerts,
    state: { status: 'unhealthy', incident: { dedup_key: trigger.dedup_key, triggered_at: now }, last_page_at: now },
  };
};

export { SUMMARY_MAX, incidentKey, pageSummary, planAlerts };
export type { Alert, AlertState };

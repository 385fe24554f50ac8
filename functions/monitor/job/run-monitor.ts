import { logger } from '../../kernel/observability.js';
import { enqueueOutbound } from '../../kernel/outbound/outbound-queue.js';
import { readSettings } from '../../kernel/settings/read-settings.js';
import { maxSyncLagMinutes } from '../../kernel/settings/setting-lookups.js';
import { SYNC_SYSTEMS } from '../../kernel/settings/settings-schema.js';
import { hourBucket } from '../../kernel/sync-log/sync-counter-keys.js';
import { integrationNames } from '../../kernel/wiring/integrations.js';
import { planAlerts } from '../domain/alert-plan.js';
import type { HealthReport } from '../domain/health-report.js';
import { evaluateHealth } from '../domain/health-rules.js';
import { parkedStreamFailures, queueDepths, waitingConflicts } from '../store/backlog-reads.js';
import { readHourCounters } from '../store/counter-reads.js';
import { type MonitorState, getMonitorState, saveMonitorState } from '../store/monitor-state.js';
import { putReport } from '../store/report-writes.js';
import { alertMessages } from './alert-messages.js';

/**
 * The `sync-monitor` job (every 5 minutes): reads the health counters (24
 * hour buckets per integration, never the sync log), the queue counters,
 * the waiting conflicts and parked stream failures; evaluates the report
 * (`domain/health-rules.ts`), stores it, and alerts on a change of status
 * (`domain/alert-plan.ts`) through the outbound queue.
 *
 * Two runs at once (a manual run during a scheduled one) both store their
 * report, but only the one whose conditional state write lands alerts.
 * The state is written before the alerts are queued: a crash between the
 * two loses that change's alerts (the next change alerts again) rather
 * than sending them twice.
 *
 * The outbound queue's oldest message age: SQS gives it only to
 * CloudWatch, and receiving a message to read its `SentTimestamp` would
 * spend one of its receives. So the report gives an upper bound instead:
 * the time since a run first saw the queue not empty (0 when it is empty),
 * good to the 5-minute period of the schedule.
 */

/** The integrations watched: the systems we sync with that the wiring declares (crm, erp, ecommerce, pos, wms, ...). */
const watchedIntegrations = (): string[] =>
  integrationNames.filter((name) => (SYNC_SYSTEMS as readonly string[]).includes(name));

/** Parked stream failures counted at most: a handful is already an issue. */
const PARKED_CAP = 1000;

/** What one run did, returned to the schedule recorder and logged. */
interface MonitorRun {
  readonly status: HealthReport['status'];
  readonly issues: number;
  readonly alerts: number;
  readonly raced: boolean;
}

/**
 * @example
 * export const handler = middy(runMonitor, { timeoutEarlyInMillis: 1_000 }).use(recordScheduleRuns());
 */
const runMonitor = async (): Promise<MonitorRun> => {
  const now = new Date();
  const settings = await readSettings();
  const state = await getMonitorState();
  const toHour = hourBucket(now.toISOString());
  const fromHour = hourBucket(new Date(now.getTime() - 23 * 3_600_000).toISOString());
  const names = watchedIntegrations();
  const conflictCap = settings.pending_conflicts_threshold + 1;
  const [buckets, conflicts, queues, parked] = await Promise.all([
    Promise.all(names.map((name) => readHourCounters(name, fromHour, toHour))),
    waitingConflicts(conflictCap),
    queueDepths(),
    parkedStreamFailures(PARKED_CAP),
  ]);
  const queueNotEmptySince = queues.outbound === 0 ? undefined : (state?.queue_not_empty_since ?? now.toISOString());
  const report = evaluateHealth({
    now,
    errorThresholdPerHour: settings.error_threshold_per_hour,
    pendingConflictsThreshold: settings.pending_conflicts_threshold,
    queueDepthThreshold: settings.queue_depth_threshold,
    integrations: names.map((name, index) => ({
      name,
      maxLagMinutes: maxSyncLagMinutes(settings, name),
      buckets: buckets[index] ?? [],
      ...(state?.last_success?.[name]?.in ? { knownLastInAt: state.last_success[name].in } : {}),
      ...(state?.last_success?.[name]?.out ? { knownLastOutAt: state.last_success[name].out } : {}),
    })),
    conflicts: {
      ...conflicts,
      capped: conflicts.pending >= conflictCap || conflicts.escalated >= conflictCap,
    },
    queue: {
      depth: queues.outbound,
      oldestAgeSeconds: queueNotEmptySince
        ? Math.max(0, Math.floor((now.getTime() - Date.parse(queueNotEmptySince)) / 1000))
        : 0,
    },
    dlq: { outbound: queues.outboundDlq, streamFailures: queues.streamFailuresDlq },
    parkedStreamFailures: parked,
  });
  await putReport(report);

  const link = settings.console_url ? `${settings.console_url}/health` : 'GET /admin/health (admin API)';
  const { alerts, state: alertState } = planAlerts(state, report, settings.alert_quiet_minutes, link);
  const lastSuccess = Object.fromEntries(
    Object.entries(report.integrations).map(([name, health]) => [
      name,
      {
        ...(health.last_inbound_at ? { in: health.last_inbound_at } : {}),
        ...(health.last_outbound_at ? { out: health.last_outbound_at } : {}),
      },
    ]),
  );
  const next: MonitorState = {
    ...alertState,
    version: (state?.version ?? 0) + 1,
    last_success: lastSuccess,
    ...(queueNotEmptySince ? { queue_not_empty_since: queueNotEmptySince } : {}),
  };
  const saved = await saveMonitorState(next, state?.version);
  if (!saved) {
    logger.warn('another monitor run wrote the state first; this run sends no alerts', {
      status: report.status,
    });
  } else if (alerts.length > 0) {
    await enqueueOutbound(alertMessages(alerts, report.checked_at));
    logger.info('health status changed; alerts queued', {
      from: state?.status ?? 'healthy',
      to: report.status,
      alerts: alerts.map((a) => (a.kind === 'slack' ? 'slack' : `pagerduty ${a.event_action}`)),
    });
  }
  const run = { status: report.status, issues: report.issues.length, alerts: saved ? alerts.length : 0, raced: !saved };
  logger.info('sync monitor run', { ...run });
  return run;
};

export { runMonitor, watchedIntegrations };
export type { MonitorRun };

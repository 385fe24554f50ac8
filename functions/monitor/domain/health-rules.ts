import type {
  HealthReport,
  HourlyCount,
  IntegrationHealth,
  IntegrationStatus,
  OverallStatus,
} from './health-report.js';

/**
 * The sync monitor's rules, pure: from the counters, the queue and conflict
 * counts and the thresholds in the settings to a {@link HealthReport}.
 *
 * Per integration (each issue names it):
 * - more errors in the last hour than `error_threshold_per_hour`: error;
 * - outbound deliveries in the last hour that all failed with a 4xx (at
 *   least one, none delivered: a revoked key): error, however few;
 * - silent: it synced once (we know a success) and nothing succeeded for
 *   longer than its `max_sync_lag_minutes`: warning, and error past twice
 *   that. An integration never seen is not flagged (it may not be in use).
 *
 * Overall: any integration in error makes it unhealthy; a warning, more
 * conflicts waiting than `pending_conflicts_threshold`, more messages on the
 * outbound queue than `queue_depth_threshold`, a queue not empty for
 * {@link QUEUE_STUCK_MINUTES}, any dead letter or parked stream failure make
 * it degraded.
 *
 * "The last hour" comes from two hour buckets: all of the current hour's
 * counts and the share of the previous hour's that the last 60 minutes
 * cover (counts spread evenly), rounded.
 */

/** A queue that has not been empty for this long holds a message that old at most, maybe a stuck one. */
const QUEUE_STUCK_MINUTES = 60;
const HOURS = 24;
const HOUR_MS = 3_600_000;

/** One hour bucket's counters as read (attributes `in_ok` ... `out_other`, last success times). */
interface HourCounters {
  readonly hour: string;
  readonly counts: Readonly<Record<string, number>>;
  readonly last_in_at?: string;
  readonly last_out_at?: string;
}

interface IntegrationInput {
  readonly name: string;
  readonly maxLagMinutes: number;
  /** The buckets that exist in the last 24 hours, any order. */
  readonly buckets: readonly HourCounters[];
  /** Last successes known from earlier runs (older than the 24 h the buckets cover). */
  readonly knownLastInAt?: string;
  readonly knownLastOutAt?: string;
}

interface MonitorInput {
  readonly now: Date;
  readonly errorThresholdPerHour: number;
  readonly pendingConflictsThreshold: number;
  readonly queueDepthThreshold: number;
  readonly integrations: readonly IntegrationInput[];
  readonly conflicts: { readonly pending: number; readonly escalated: number; readonly capped?: boolean };
  readonly queue: { readonly depth: number; readonly oldestAgeSeconds: number };
  readonly dlq: { readonly outbound: number; readonly streamFailures: number };
  readonly parkedStreamFailures: number;
}

const hourKey = (ms: number): string => new Date(ms).toISOString().slice(0, 13);
const sum = (counts: Readonly<Record<string, number>> | undefined, keys: readonly string[]): number =>
  keys.reduce((total, key) => total + Number(counts?.[key] ?? 0), 0);
const ALL = ['in_ok', 'in_error', 'in_4xx', 'in_other', 'out_ok', 'out_error', 'out_4xx', 'out_other'];
const ERRORS = ['in_error', 'in_4xx', 'out_error', 'out_4xx'];
const latest = (...times: (string | undefined)[]): string | null =>
  times.reduce<string | null>((best, t) => (t && (best === null || t > best) ? t : best), null);
const worst = (statuses: readonly IntegrationStatus[]): IntegrationStatus =>
  statuses.includes('error') ? 'error' : statuses.includes('warning') ? 'warning' : 'ok';

/**
 * One integration's health.
 *
 * @example
 * integrationHealth(input, now, 5); // { status: 'ok', lag_minutes: 3, ... }
 */
const integrationHealth = (input: IntegrationInput, now: Date, errorThreshold: number): IntegrationHealth => {
  const byHour = new Map(input.buckets.map((bucket) => [bucket.hour, bucket]));
  const nowMs = now.getTime();
  const currentStart = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
  const hourly: HourlyCount[] = [];
  for (let i = HOURS - 1; i >= 0; i--) {
    const start = currentStart - i * HOUR_MS;
    const counts = byHour.get(hourKey(start))?.counts;
    hourly.push({ hour: new Date(start).toISOString(), events: sum(counts, ALL), errors: sum(counts, ERRORS) });
  }
  // The last 60 minutes: the current hour whole, and the part of the previous hour they cover.
  const previousShare = 1 - (nowMs - currentStart) / HOUR_MS;
  const current = byHour.get(hourKey(currentStart))?.counts;
  const previous = byHour.get(hourKey(currentStart - HOUR_MS))?.counts;
  const lastHour = (keys: readonly string[]): number =>
    sum(current, keys) + Math.round(sum(previous, keys) * previousShare);
  const events = lastHour(ALL);
  const errors = lastHour(ERRORS);

  const lastIn = latest(input.knownLastInAt, ...input.buckets.map((b) => b.last_in_at));
  const lastOut = latest(input.knownLastOutAt, ...input.buckets.map((b) => b.last_out_at));
  const lastSuccess = latest(lastIn ?? undefined, lastOut ?? undefined);
  const lag = lastSuccess === null ? null : Math.max(0, Math.floor((nowMs - Date.parse(lastSuccess)) / 60_000));

  const issues: string[] = [];
  const statuses: IntegrationStatus[] = ['ok'];
  const name = input.name;
  if (errors > errorThreshold) {
    issues.push(`${name}: ${errors} errors in the last hour (threshold ${errorThreshold})`);
    statuses.push('error');
  }
  // Deliveries in the window (both buckets whole: a refusal an hour and a half ago still says the key is bad
  // when nothing got through since).
  const refused = sum(current, ['out_4xx']) + sum(previous, ['out_4xx']);
  const delivered = sum(current, ['out_ok']) + sum(previous, ['out_ok']);
  const otherFailures = sum(current, ['out_error']) + sum(previous, ['out_error']);
  if (refused > 0 && delivered === 0 && otherFailures === 0) {
    issues.push(
      `${name}: all ${refused} deliveries in the last hour were refused with a 4xx (a revoked key or a changed API?)`,
    );
    statuses.push('error');
  }
  if (lag !== null && lag > input.maxLagMinutes) {
    issues.push(
      `${name}: no successful sync for ${lag} minutes (max ${input.maxLagMinutes}); it was active and went silent`,
    );
    statuses.push(lag > 2 * input.maxLagMinutes ? 'error' : 'warning');
  }
  return {
    status: worst(statuses),
    last_inbound_at: lastIn,
    last_outbound_at: lastOut,
    lag_minutes: lag,
    max_lag_minutes: input.maxLagMinutes,
    events_last_hour: events,
    errors_last_hour: errors,
    issues,
    hourly,
  };
};

/**
 * The whole report of one run.
 *
 * @example
 * const report = evaluateHealth(input); // report.status: 'degraded', report.issues: ['dlq: 2 dead-lettered ...']
 */
const evaluateHealth = (input: MonitorInput): HealthReport => {
  const integrations: Record<string, IntegrationHealth> = {};
  const issues: string[] = [];
  let unhealthy = false;
  let degraded = false;
  for (const one of input.integrations) {
    const health = integrationHealth(one, input.now, input.errorThresholdPerHour);
    integrations[one.name] = health;
    issues.push(...health.issues);
    if (health.status === 'error') unhealthy = true;
    if (health.status === 'warning') degraded = true;
  }
  const waiting = input.conflicts.pending + input.conflicts.escalated;
  if (waiting > input.pendingConflictsThreshold) {
    issues.push(
      `conflicts: ${input.conflicts.capped ? 'more than ' : ''}${input.conflicts.capped ? input.pendingConflictsThreshold : waiting} waiting for a decision (threshold ${input.pendingConflictsThreshold})`,
    );
    degraded = true;
  }
  if (input.queue.depth > input.queueDepthThreshold) {
    issues.push(`outbound queue: ${input.queue.depth} messages waiting (threshold ${input.queueDepthThreshold})`);
    degraded = true;
  }
  if (input.queue.depth > 0 && input.queue.oldestAgeSeconds >= QUEUE_STUCK_MINUTES * 60) {
    issues.push(
      `outbound queue: not empty for ${Math.floor(input.queue.oldestAgeSeconds / 60)} minutes (a message may be stuck)`,
    );
    degraded = true;
  }
  const dead = input.dlq.outbound + input.dlq.streamFailures;
  if (dead > 0) {
    const parts = [
      input.dlq.outbound > 0 ? `${input.dlq.outbound} outbound` : '',
      input.dlq.streamFailures > 0 ? `${input.dlq.streamFailures} stream batch(es)` : '',
    ].filter(Boolean);
    issues.push(`dlq: ${parts.join(' and ')} dead-lettered (GET /admin/dlq)`);
    degraded = true;
  }
  if (input.parkedStreamFailures > 0) {
    issues.push(`stream failures: ${input.parkedStreamFailures} parked batch(es) could not be replayed`);
    degraded = true;
  }
  const status: OverallStatus = unhealthy ? 'unhealthy' : degraded ? 'degraded' : 'healthy';
  return {
    status,
    checked_at: input.now.toISOString(),
    issues,
    integrations,
    conflicts: {
      pending: input.conflicts.pending,
      escalated: input.conflicts.escalated,
      threshold: input.pendingConflictsThreshold,
      ...(input.conflicts.capped ? { capped: true } : {}),
    },
    outbound_queue: {
      depth: input.queue.depth,
      oldest_age_seconds: input.queue.oldestAgeSeconds,
      threshold: input.queueDepthThreshold,
    },
    dlq: { depth: dead, outbound: input.dlq.outbound, stream_failures: input.dlq.streamFailures },
    stream_failures: { parked: input.parkedStreamFailures },
  };
};

export { QUEUE_STUCK_MINUTES, evaluateHealth, integrationHealth };
export type { HourCounters, IntegrationInput, MonitorInput };

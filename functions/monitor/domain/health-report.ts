/**
 * The health report: what the sync monitor stores every run, what
 * `GET /admin/health` answers and what the console shows. The shape is the
 * contract between the monitor and the console.
 */

/** Overall: `healthy` (nothing to say), `degraded` (someone should look), `unhealthy` (page someone). */
type OverallStatus = 'healthy' | 'degraded' | 'unhealthy';
/** One integration's: `error` makes the whole unhealthy, `warning` degraded. */
type IntegrationStatus = 'ok' | 'warning' | 'error';

/** One hour of one integration, for the 24 h chart. */
interface HourlyCount {
  /** The hour's start, ISO. */
  readonly hour: string;
  readonly events: number;
  readonly errors: number;
}

interface IntegrationHealth {
  readonly status: IntegrationStatus;
  readonly last_inbound_at: string | null;
  readonly last_outbound_at: string | null;
  /** Minutes since the last successful sync either way; null when none was ever seen. */
  readonly lag_minutes: number | null;
  readonly max_lag_minutes: number;
  readonly events_last_hour: number;
  readonly errors_last_hour: number;
  readonly issues: readonly string[];
  /** 24 entries, oldest first, the last being the current hour. */
  readonly hourly: readonly HourlyCount[];
}

interface HealthReport {
  readonly status: OverallStatus;
  readonly checked_at: string;
  readonly issues: readonly string[];
  readonly integrations: Readonly<Record<string, IntegrationHealth>>;
  /** `capped`: the count stopped at threshold + 1 (a run reads no more than that). */
  readonly conflicts: {
    readonly pending: number;
    readonly escalated: number;
    readonly threshold: number;
    readonly capped?: boolean;
  };
  readonly outbound_queue: { readonly depth: number; readonly oldest_age_seconds: number; readonly threshold: number };
  /** `depth` is both DLQs together; `outbound` and `stream_failures` each. */
  readonly dlq: { readonly depth: number; readonly outbound?: number; readonly stream_failures?: number };
  readonly stream_failures: { readonly parked: number };
}

export type { HealthReport, HourlyCount, IntegrationHealth, IntegrationStatus, OverallStatus };

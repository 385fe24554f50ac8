import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { metrics } from './observability.js';

/**
 * Counts an event of one integration as a CloudWatch metric with the
 * dimension `integration` (beside Powertools' `service`), so the dashboard
 * and the alarms can show each integration on its own line.
 *
 * Why a single metric, published at once: one Lambda batch carries changes
 * of several integrations, and the shared `metrics` object has one set of
 * dimensions per flush; a single metric has its own and needs no flush by
 * the handler (no `logMetrics` middleware), so every handler that calls
 * this publishes, whatever its wiring. Tests silence it with
 * `POWERTOOLS_METRICS_DISABLED`, like every metric.
 *
 * Names, in the namespace `SyncTools`: `Inbound_<outcome>` (synced,
 * duplicate, stale, conflict), `Outbound_<outcome>` (delivered, retry,
 * rejected, dead_lettered, ...), `Conflict_opened`, `Alert_sent`.
 *
 * @example
 * countForIntegration('Inbound_synced', 'crm');
 * countForIntegration('Alert_sent', 'pagerduty');
 */
let single: Metrics | undefined;

const countForIntegration = (name: string, integration: string, count = 1): void => {
  // One single-metric instance, reused: each publish clears its dimensions (the service stays as a
  // default), and a new instance per count cost ~30 µs (a Console each), per record of a bulk page.
  single ??= metrics.singleMetric();
  single.addDimension('integration', integration);
  single.addMetric(name, MetricUnit.Count, count);
};

export { countForIntegration };

/**
 * Counts an event of one integration as a CloudWatch metric with the
 * dimensions `service` and `integration`, so the dashboard and the alarms
 * can show each integration on its own line.
 *
 * Each count is published at once as its own CloudWatch Embedded Metric
 * Format document (one JSON line on stdout, which CloudWatch Logs turns
 * into the metric): one Lambda batch carries changes of several
 * integrations, each with its own dimension value, and nothing has to be
 * flushed by the handler, so every handler that calls this publishes,
 * whatever its wiring.
 *
 * Why not Powertools Metrics, which wrote the same documents until issue
 * 15: this is all we used of it, and its module alone added 3.5 to 5 ms to
 * the cold start of every function that counts (measured on the inventory
 * webhook's bundle, with and without it), more than its 13 KB explain.
 * The variables it read mean the same here: `POWERTOOLS_METRICS_NAMESPACE`
 * (default `SyncTools`), `POWERTOOLS_SERVICE_NAME` (default `sync-tools`),
 * and `POWERTOOLS_METRICS_DISABLED` (or else `POWERTOOLS_DEV`) to silence
 * them, as tests and the bench do. They are read at the first count, as a
 * container's environment does not change.
 *
 * Names, in the namespace `SyncTools`: `Inbound_<outcome>` (synced,
 * duplicate, stale, conflict), `Outbound_<outcome>` (delivered, retry,
 * rejected, dead_lettered, ...), `Conflict_opened`, `Alert_sent`.
 *
 * @example
 * countForIntegration('Inbound_synced', 'crm');
 * countForIntegration('Alert_sent', 'pagerduty');
 */
interface MetricSettings {
  readonly disabled: boolean;
  readonly namespace: string;
  readonly service: string;
}

/** Powertools' reading of a boolean variable: `1`, `y`, `yes`, `t`, `true`, `on`, in any case. */
const TRUTHY = new Set(['1', 'y', 'yes', 't', 'true', 'on']);
const isTrue = (value: string | undefined): boolean => TRUTHY.has((value ?? '').trim().toLowerCase());

let settings: MetricSettings | undefined;

const settingsFromEnvironment = (): MetricSettings => {
  const disabled = process.env.POWERTOOLS_METRICS_DISABLED;
  return {
    disabled: disabled === undefined ? isTrue(process.env.POWERTOOLS_DEV) : isTrue(disabled),
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || 'SyncTools',
    service: process.env.POWERTOOLS_SERVICE_NAME || 'sync-tools',
  };
};

const countForIntegration = (name: string, integration: string, count = 1): void => {
  settings ??= settingsFromEnvironment();
  if (settings.disabled) return;
  const document = {
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [
        {
          Namespace: settings.namespace,
          Dimensions: [['service', 'integration']],
          Metrics: [{ Name: name, Unit: 'Count' }],
        },
      ],
    },
    service: settings.service,
    integration,
    [name]: count,
  };
  process.stdout.write(`${JSON.stringify(document)}\n`);
};

export { countForIntegration };

import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * The structured logger every function shares. Powertools writes one JSON
 * object per line, so logs can be searched by `correlation_id`, `record_id`,
 * `delivery_id` or any other key a handler appends.
 *
 * @example
 * logger.info('webhook received', { delivery_id: id });
 */
const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'sync-tools',
  logLevel: (process.env.LOG_LEVEL as 'INFO' | undefined) ?? 'INFO',
});

/**
 * CloudWatch EMF metrics under one namespace. Offline they go to stdout as
 * EMF JSON like on Lambda; tests silence them with `POWERTOOLS_METRICS_DISABLED`.
 */
const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'SyncTools',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'sync-tools',
});

export { logger, metrics };

import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import { loadIntegration } from '../../kernel/config/secrets.js';
import { outboundMessage, type OutboundMessage } from '../../kernel/outbound/message.js';
import { outboundActions } from './actions.js';
import { deliveredVersion, markDelivered } from '../../kernel/outbound/delivered-versions.js';
import { sendMail } from '../../kernel/outbound/mailer.js';
import { logger, metrics } from '../../kernel/observability.js';
import { sqs } from '../../kernel/aws/sqs-client.js';
import { queueMaxReceiveCount, queueUrl } from '../../kernel/aws/resource-names.js';
import { appendSyncEvent } from '../../kernel/sync-log/sync-events.js';
import * as z from '../../kernel/validation.js';
import { type DeliveryOutcome, type DeliveryPorts, deliver } from './deliver.js';

/**
 * Thrown to hand a record back to SQS after its visibility was set to the
 * retry delay: the partial batch response lists it and SQS shows it again
 * when the delay is over (or moves it to the DLQ after maxReceiveCount).
 */
class RetryLater extends Error {
  override name = 'RetryLater';
}

/** The real ports: fetch, SES, Secrets Manager (or env), DynamoDB. */
const dispatcherPorts = (): DeliveryPorts => ({
  fetch: globalThis.fetch,
  sendMail,
  settingsOf: (name, fields) => loadIntegration(name, fields as never),
  deliveredVersion,
  markDelivered,
  actions: outboundActions,
  random: Math.random,
  now: Date.now,
  timeoutMs: Number(process.env.OUTBOUND_TIMEOUT_MS ?? 8000),
  backoffBaseSeconds: Number(process.env.OUTBOUND_BACKOFF_BASE_SECONDS ?? 5),
});

const describe = (message: OutboundMessage): string =>
  message.request.kind === 'mail'
    ? `MAIL ${message.request.subject}`
    : `${message.request.method} ${message.request.path || '/'}`;

const logAttempt = async (message: OutboundMessage, attempt: number, outcome: DeliveryOutcome): Promise<void> => {
  const status = 'status' in outcome ? outcome.status : undefined;
  const reason = 'reason' in outcome ? outcome.reason : undefined;
  const delay = outcome.kind === 'retry' ? outcome.delaySeconds : undefined;
  const lastTry = outcome.kind === 'retry' && attempt >= queueMaxReceiveCount('outbound');
  const fields = {
    message_id: message.id,
    group: message.group,
    integration: message.request.integration,
    request: describe(message),
    outcome: outcome.kind,
    status,
    reason,
    attempt,
    retry_in_seconds: delay,
    ...message.context,
  };
  if (outcome.kind === 'rejected') logger.error('outbound call rejected permanently', fields);
  else if (lastTry) logger.error('outbound call failed on its last attempt; moving to the DLQ', fields);
  else if (outcome.kind === 'retry') logger.warn('outbound call will be retried', fields);
  else logger.info('outbound call', fields);
  metrics.addMetric(`Outbound_${outcome.kind}`, MetricUnit.Count, 1);

  await appendSyncEvent({
    direction: 'outbound',
    source: message.request.integration,
    event: describe(message),
    record_type: String(message.context.record_type ?? message.request.integration),
    record_id: String(message.context.record_id ?? message.group),
    outcome: lastTry ? 'dead-lettered' : outcome.kind,
    delivery_id: message.id,
    // The producer's context (sku, warehouse, quantity, system, ...) makes the event answer what was sent.
    detail: { ...message.context, status, attempt, reason, retry_in_seconds: delay },
  });
};

/** Makes the record visible again after `seconds` (its retry delay); the caller then fails it. */
const handBack = async (record: SQSRecord, seconds: number): Promise<void> => {
  await sqs().send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: queueUrl('outbound'),
      ReceiptHandle: record.receiptHandle,
      VisibilityTimeout: seconds,
    }),
  );
};

/**
 * Handles one SQS record of the outbound queue: parse, deliver, log the
 * attempt, and either finish (delete) or hand it back with a delay.
 */
const dispatchRecord = async (record: SQSRecord, ports: DeliveryPorts): Promise<void> => {
  const attempt = Number(record.attributes.ApproximateReceiveCount ?? '1');
  let message: OutboundMessage;
  try {
    message = z.parse(outboundMessage, JSON.parse(record.body));
  } catch (error) {
    // Producers validate with the same schema, so this is a bug of ours and retrying will not help;
    // but it is somebody's data: shown again at once, it spends its receives and lands in the DLQ.
    logger.error('outbound message is malformed; it goes to the DLQ', {
      sqs_message_id: record.messageId,
      attempt,
      error: error as Error,
      body: record.body.slice(0, 2000),
    });
    metrics.addMetric('Outbound_malformed', MetricUnit.Count, 1);
    await handBack(record, 0);
    throw new RetryLater(`malformed outbound message ${record.messageId}: on its way to the DLQ`);
  }
  const outcome = await deliver(message, attempt, ports);
  await logAttempt(message, attempt, outcome);
  if (outcome.kind !== 'retry') return;
  await handBack(record, outcome.delaySeconds);
  throw new RetryLater(`${describe(message)}: ${outcome.reason}; retry in ${outcome.delaySeconds} s`);
};

export { dispatchRecord, dispatcherPorts };

import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { loadIntegration } from '../../kernel/config/secrets.js';
import {
  type HttpRequestSpec,
  type MailRequestSpec,
  type OutboundMessage,
  outboundMessage,
} from '../../kernel/outbound/message.js';
import { outboundActions } from './actions.js';
import { deliveredVersion, markDelivered } from '../../kernel/outbound/delivered-versions.js';
import { type DeadLetterMessage, sendToDeadLetter } from '../../kernel/outbound/dead-letter.js';
import type { DeadLetterCause, DeadLetterKind } from '../../kernel/outbound/dead-letter-cause.js';
import { type FailureCounts, countFailure } from '../../kernel/outbound/failure-counts.js';
import { sendMail } from '../../kernel/outbound/mailer.js';
import { countForIntegration } from '../../kernel/integration-metric.js';
import { logger } from '../../kernel/observability.js';
import { integrationNames } from '../../kernel/wiring/integrations.js';
import { sqs } from '../../kernel/aws/sqs-client.js';
import { queueUrl } from '../../kernel/aws/resource-names.js';
import { type SyncEvent, appendSyncEvent } from '../../kernel/sync-log/sync-events.js';
import * as z from '../../kernel/validation.js';
import { type Delivery, type DeliveryOutcome, type DeliveryPorts, deliver } from './deliver.js';
import { type RetryPolicy, failureBudgetFrom, planRetry } from './retry-plan.js';

/**
 * Thrown to hand a record back to SQS after its visibility was set to the
 * retry delay: the partial batch response lists it and SQS shows it again
 * when the delay is over. The dispatcher owns the failure budget
 * (`retry-plan.ts`); SQS's own `maxReceiveCount` is a backstop for crash
 * loops only.
 */
class RetryLater extends Error {
  override name = 'RetryLater';
}

/** What the dispatcher needs beyond a delivery: its failure counter, the DLQ, SQS visibility, the sync log. */
interface DispatcherPorts extends DeliveryPorts, RetryPolicy {
  readonly countFailure: (
    sqsMessageId: string,
    attempt: { readonly rateLimited: boolean; readonly now: number },
  ) => Promise<FailureCounts>;
  readonly sendToDeadLetter: (message: DeadLetterMessage, cause: DeadLetterCause) => Promise<void>;
  /** Makes the record visible again after `seconds`. */
  readonly handBack: (receiptHandle: string, seconds: number) => Promise<void>;
  readonly appendSyncEvent: (event: SyncEvent) => Promise<unknown>;
}

/**
 * The real ports: fetch, SES, Secrets Manager (or env), DynamoDB, SQS.
 * `OUTBOUND_TIMEOUT_MS` bounds a call (body included), `OUTBOUND_BACKOFF_BASE_SECONDS`
 * is the first backoff step, `OUTBOUND_FAILURE_BUDGET` the failures before the DLQ.
 */
const dispatcherPorts = (): DispatcherPorts => ({
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
  failureBudget: failureBudgetFrom(process.env.OUTBOUND_FAILURE_BUDGET),
  countFailure,
  sendToDeadLetter,
  handBack: async (receiptHandle, seconds) => {
    await sqs().send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl('outbound'),
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: seconds,
      }),
    );
  },
  appendSyncEvent,
});

const describeRequest = (request: HttpRequestSpec | MailRequestSpec): string =>
  request.kind === 'mail' ? `MAIL ${request.subject}` : `${request.method} ${request.path || '/'}`;

/**
 * The request as it went out (`POST /api/contacts`), not as it was queued:
 * an action rewrites the queued request at send time, so the queue's copy
 * of an action's request is only a placeholder. When nothing was sent (an
 * action skipped, or threw before sending), the action's name says what
 * was to happen, or the queued request when there is no action.
 */
const describe = (message: OutboundMessage, sent: Delivery['sent']): string => {
  if (sent) return describeRequest(sent);
  return message.action ? `${message.action.name} (nothing sent)` : describeRequest(message.request);
};

/** The integrations that carry alerts to people: a delivery to one of them counts as an `Alert_sent`. */
const ALERT_CHANNELS: ReadonlySet<string> = new Set(['slack', 'pagerduty']);

/** What one receive came to, for the log, the metrics and the sync log. */
interface AttemptReport {
  /** The request sent, when one was. */
  readonly sent?: Delivery['sent'];
  /** `delivered`, `retry`, `rejected` (dead-lettered as permanent), `dead-lettered` (budget spent), `superseded`, `skipped`. */
  readonly outcome: string;
  readonly status?: number;
  readonly reason?: string;
  readonly receive: number;
  readonly retryInSeconds?: number;
  readonly counts?: FailureCounts;
  readonly rateLimited?: boolean;
}

const logAttempt = async (message: OutboundMessage, report: AttemptReport, ports: DispatcherPorts): Promise<void> => {
  const { outcome, status, reason, receive, retryInSeconds, counts, rateLimited } = report;
  const request = describe(message, report.sent);
  const fields = {
    message_id: message.id,
    group: message.group,
    integration: message.request.integration,
    request,
    outcome,
    status,
    reason,
    attempt: receive,
    failures: counts?.failures,
    rate_limited: counts?.rateLimited,
    retry_in_seconds: retryInSeconds,
    ...message.context,
  };
  if (outcome === 'rejected') logger.error('outbound call rejected permanently; sent to the DLQ', fields);
  else if (outcome === 'dead-lettered') logger.error('outbound call gave up; sent to the DLQ', fields);
  else if (outcome === 'retry') logger.warn('outbound call will be retried', fields);
  else logger.info('outbound call', fields);
  countForIntegration(`Outbound_${outcome.replace('-', '_')}`, message.request.integration);
  if (outcome === 'delivered' && ALERT_CHANNELS.has(message.request.integration)) {
    countForIntegration('Alert_sent', message.request.integration);
  }

  await ports.appendSyncEvent({
    direction: 'outbound',
    source: message.request.integration,
    event: request,
    record_type: String(message.context.record_type ?? message.request.integration),
    record_id: String(message.context.record_id ?? message.group),
    outcome,
    delivery_id: message.id,
    // The producer's context (sku, warehouse, quantity, system, ...) makes the event answer what was sent.
    detail: {
      ...message.context,
      status,
      attempt: receive,
      reason,
      retry_in_seconds: retryInSeconds,
      ...(counts ? { failures: counts.failures } : {}),
      ...(rateLimited ? { rate_limited: true } : {}),
      ...(outcome === 'rejected' || outcome === 'dead-lettered' ? { dead_lettered: true } : {}),
    },
  });
};

/**
 * Logs the attempt of a message already in the DLQ. Its fate is settled
 * there: a sync-log write that fails must not fail the record, which would
 * bring it back for another call and a second DLQ entry.
 */
const logDeadLettered = async (
  message: OutboundMessage,
  report: AttemptReport,
  ports: DispatcherPorts,
): Promise<void> => {
  try {
    await logAttempt(message, report, ports);
  } catch (error) {
    logger.error('could not log a dead-lettered attempt; the message is in the DLQ', {
      message_id: message.id,
      error: error as Error,
    });
  }
};

/** The integration a body names, for a malformed message's cause. */
const integrationIn = (body: string): string => {
  try {
    const integration = (JSON.parse(body) as { request?: { integration?: unknown } })?.request?.integration;
    return typeof integration === 'string' && integration !== '' ? integration.slice(0, 100) : 'unknown';
  } catch {
    return 'unknown';
  }
};

const deadLetter = async (
  record: SQSRecord,
  ports: DispatcherPorts,
  cause: Omit<DeadLetterCause, 'at' | 'originalMessageId'>,
): Promise<void> => {
  await ports.sendToDeadLetter(
    {
      body: record.body,
      groupId: record.attributes.MessageGroupId ?? 'unknown',
      sqsMessageId: record.messageId,
    },
    { ...cause, at: new Date(ports.now()).toISOString(), originalMessageId: record.messageId },
  );
};

type FailedOutcome = Extract<DeliveryOutcome, { kind: 'retry' | 'rejected' }>;

const statusOf = (outcome: FailedOutcome): string =>
  outcome.status !== undefined ? String(outcome.status) : (outcome.errorName ?? '-');

const causeOf = (
  kind: DeadLetterKind,
  message: OutboundMessage,
  delivery: Delivery & { readonly outcome: FailedOutcome },
  reason: string,
  counts: FailureCounts,
): Omit<DeadLetterCause, 'at' | 'originalMessageId'> => ({
  kind,
  status: statusOf(delivery.outcome),
  reason,
  attempts: counts.failures + counts.rateLimited,
  integration: message.request.integration,
  request: describe(message, delivery.sent),
});

/** Our own error (a DynamoDB call of an action, an unknown action) counts as a failed attempt, like a 5xx. */
const deliverOrFail = async (message: OutboundMessage, ports: DispatcherPorts): Promise<Delivery> => {
  try {
    return await deliver(message, ports);
  } catch (error) {
    const { name, message: text } = error as Error;
    logger.error('outbound delivery threw', { message_id: message.id, error: error as Error });
    return { outcome: { kind: 'retry', rateLimited: false, errorName: name, reason: `${name}: ${text}` } };
  }
};

/**
 * Handles one SQS record of the outbound queue: parse, deliver, log the
 * attempt, and either finish (delete), hand it back with a delay, or put it
 * in the DLQ with its cause and finish:
 *
 * - a permanent answer (4xx) is dead-lettered at once (`rejected`);
 * - a failure (5xx, timeout, closed socket, unreadable 2xx body, our own
 *   error) waits out a backoff on the message's failure count, and is
 *   dead-lettered at the budget's last failure (`exhausted`);
 * - a rate limit waits as asked without spending the budget, and is
 *   dead-lettered after 24 h of rate-limiting (`exhausted`);
 * - a body that is not an outbound message is dead-lettered (`malformed`).
 */
const dispatchRecord = async (record: SQSRecord, ports: DispatcherPorts): Promise<void> => {
  const receive = Number(record.attributes.ApproximateReceiveCount ?? '1');
  let message: OutboundMessage;
  try {
    message = z.parse(outboundMessage, JSON.parse(record.body));
  } catch (error) {
    // Producers validate with the same schema, so this is a bug of ours and retrying will not help;
    // but it is somebody's data: it goes to the DLQ as it is, for a person to look at.
    logger.error('outbound message is malformed; it goes to the DLQ', {
      sqs_message_id: record.messageId,
      attempt: receive,
      error: error as Error,
      body: record.body.slice(0, 2000),
    });
    const { name, message: text } = error as Error;
    const named = integrationIn(record.body);
    // A dimension value from a malformed body is bounded to the known names: no metric per garbage string.
    countForIntegration(
      'Outbound_malformed',
      (integrationNames as readonly string[]).includes(named) ? named : 'unknown',
    );
    await deadLetter(record, ports, {
      kind: 'malformed',
      status: name,
      reason: text,
      attempts: 1,
      integration: named,
    });
    return;
  }

  const { outcome, sent } = await deliverOrFail(message, ports);
  if (outcome.kind === 'retry') {
    const counts = await ports.countFailure(record.messageId, { rateLimited: outcome.rateLimited, now: ports.now() });
    const sentAt = Number(record.attributes.SentTimestamp);
    const decision = planRetry(outcome, counts, ports, Number.isFinite(sentAt) && sentAt > 0 ? sentAt : undefined);
    const report = { sent, status: outcome.status, receive, counts, rateLimited: outcome.rateLimited };
    if (decision.kind === 'wait') {
      await logAttempt(
        message,
        { ...report, outcome: 'retry', reason: outcome.reason, retryInSeconds: decision.delaySeconds },
        ports,
      );
      await ports.handBack(record.receiptHandle, decision.delaySeconds);
      throw new RetryLater(`${describe(message, sent)}: ${outcome.reason}; retry in ${decision.delaySeconds} s`);
    }
    await deadLetter(record, ports, causeOf('exhausted', message, { outcome, sent }, decision.reason, counts));
    await logDeadLettered(message, { ...report, outcome: 'dead-lettered', reason: decision.reason }, ports);
    return;
  }
  if (outcome.kind === 'rejected') {
    // Counted too, so the DLQ says how many attempts this message made in all.
    const counts = await ports.countFailure(record.messageId, { rateLimited: false, now: ports.now() });
    await deadLetter(record, ports, causeOf('rejected', message, { outcome, sent }, outcome.reason, counts));
    await logDeadLettered(
      message,
      { sent, outcome: 'rejected', status: outcome.status, reason: outcome.reason, receive, counts },
      ports,
    );
    return;
  }
  const status = 'status' in outcome ? outcome.status : undefined;
  const reason = 'reason' in outcome ? outcome.reason : 'note' in outcome ? outcome.note : undefined;
  await logAttempt(message, { sent, outcome: outcome.kind, status, reason, receive }, ports);
};

export type { DispatcherPorts };
export { dispatchRecord, dispatcherPorts };

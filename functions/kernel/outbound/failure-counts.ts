import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamo-client.js';
import { tableName } from '../aws/resource-names.js';

/**
 * The dispatcher's own failure budget: how often one SQS message failed,
 * and how long it has been rate-limited, in the `idempotency` table under
 * `OUTBOUND_FAILURES#<sqs message id>`.
 *
 * SQS's `ApproximateReceiveCount` counts every receive alike, a 429 wait as
 * much as a 500, so a long rate limit would dead-letter healthy messages.
 * This counter tells them apart. It is keyed by the SQS message id, not the
 * message's own id, so a redriven copy (a new SQS message id) starts with a
 * fresh budget. Only failures write it: a message delivered on its first
 * try costs nothing here.
 *
 * Items expire (TTL on `expires_at`) a day after the longest time a message
 * can stay on the queue (14 days' retention).
 *
 * @example
 * const counts = await countFailure(record.messageId, { rateLimited: false, now: Date.now() });
 * if (counts.failures >= budget) await sendToDeadLetter(...);
 */
interface FailureCounts {
  /** Failed attempts (rate-limit waits excluded), this one included. */
  readonly failures: number;
  /** Rate-limited answers, this one included. */
  readonly rateLimited: number;
  /** Epoch ms of the first rate-limited answer; undefined if there was none. */
  readonly rateLimitedSince?: number;
}

const KEEP_SECONDS = 15 * 86_400;

const key = (sqsMessageId: string): string => `OUTBOUND_FAILURES#${sqsMessageId}`;

/**
 * Adds one failure (or one rate-limited answer) and answers the counts
 * after it, in one atomic `UpdateItem ADD`, so two racing receives of the
 * same message (SQS delivers at least once) both count.
 */
const countFailure = async (
  sqsMessageId: string,
  attempt: { readonly rateLimited: boolean; readonly now: number },
): Promise<FailureCounts> => {
  const out = await dynamo().send(
    new UpdateCommand({
      TableName: tableName('idempotency'),
      Key: { pk: key(sqsMessageId) },
      UpdateExpression: attempt.rateLimited
        ? 'ADD rate_limited :one SET rate_limited_since = if_not_exists(rate_limited_since, :now), expires_at = :expires'
        : 'ADD failures :one SET expires_at = :expires',
      ExpressionAttributeValues: {
        ':one': 1,
        ':expires': Math.floor(attempt.now / 1000) + KEEP_SECONDS,
        ...(attempt.rateLimited ? { ':now': attempt.now } : {}),
      },
      ReturnValues: 'ALL_NEW',
    }),
  );
  const item = out.Attributes ?? {};
  const since = item.rate_limited_since;
  return {
    failures: Number(item.failures ?? 0),
    rateLimited: Number(item.rate_limited ?? 0),
    ...(typeof since === 'number' ? { rateLimitedSince: since } : {}),
  };
};

export type { FailureCounts };
export { countFailure };

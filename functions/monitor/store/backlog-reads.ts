import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../kernel/aws/dynamo-client.js';
import { deadLetterQueueUrl, queueUrl, tableName } from '../../kernel/aws/resource-names.js';
import { sqs } from '../../kernel/aws/sqs-client.js';
import { PARKED_STREAM_FAILURES_PK } from '../../kernel/outbound/dead-letters-parked-key.js';

/**
 * The backlogs the monitor watches, each read at a bounded cost: queue
 * counters from SQS (GetQueueAttributes, no message received, so no
 * receive count moves), and counts from DynamoDB that stop at a cap, so a
 * run never reads more than `cap` index entries however many pile up.
 */

/** Messages on a queue by SQS's counters: visible, in flight and delayed. */
const depthOf = async (url: string): Promise<number> => {
  const out = await sqs().send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  const a = out.Attributes ?? {};
  return (
    Number(a.ApproximateNumberOfMessages ?? 0) +
    Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) +
    Number(a.ApproximateNumberOfMessagesDelayed ?? 0)
  );
};

/**
 * The outbound queue's depth and its DLQs'.
 *
 * @example
 * await queueDepths(); // { outbound: 3, outboundDlq: 0, streamFailuresDlq: 0 }
 */
const queueDepths = async (): Promise<{ outbound: number; outboundDlq: number; streamFailuresDlq: number }> => {
  const [outbound, outboundDlq, streamFailuresDlq] = await Promise.all([
    depthOf(queueUrl('outbound')),
    depthOf(deadLetterQueueUrl('outbound')),
    depthOf(deadLetterQueueUrl('streamFailures')),
  ]);
  return { outbound, outboundDlq, streamFailuresDlq };
};

/** Counts a Query's items up to `cap` (Select COUNT); `table` is the physical table name. */
const countUpTo = async (
  query: {
    KeyConditionExpression: string;
    ExpressionAttributeValues: Record<string, unknown>;
    IndexName?: string;
    ExpressionAttributeNames?: Record<string, string>;
  },
  table: string,
  cap: number,
): Promise<number> => {
  let count = 0;
  let after: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: table,
        ...query,
        Select: 'COUNT',
        Limit: cap - count,
        ...(after ? { ExclusiveStartKey: after } : {}),
      }),
    );
    count += out.Count ?? 0;
    after = out.LastEvaluatedKey;
  } while (after && count < cap);
  return count;
};

/**
 * Conflicts waiting for a decision, by status, each counted up to `cap`.
 *
 * @example
 * await waitingConflicts(101); // { pending: 3, escalated: 1 }
 */
const waitingConflicts = async (cap: number): Promise<{ pending: number; escalated: number }> => {
  const count = (status: string) =>
    countUpTo(
      {
        IndexName: 'byStatus',
        KeyConditionExpression: '#status = :status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status },
      },
      tableName('conflicts'),
      cap,
    );
  const [pending, escalated] = await Promise.all([count('pending'), count('escalated')]);
  return { pending, escalated };
};

/**
 * Stream batches the replayer parked (kept 14 days), up to `cap`.
 *
 * @example
 * await parkedStreamFailures(1000); // 0
 */
const parkedStreamFailures = async (cap: number): Promise<number> =>
  countUpTo(
    { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': PARKED_STREAM_FAILURES_PK } },
    tableName('control'),
    cap,
  );

export { parkedStreamFailures, queueDepths, waitingConflicts };

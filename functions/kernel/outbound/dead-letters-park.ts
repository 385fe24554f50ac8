import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamo-client.js';
import { tableName } from '../aws/resource-names.js';
import {
  PARKED_RETENTION_DAYS,
  PARKED_STREAM_FAILURES_PK,
  type ParkedStreamFailure,
} from './dead-letters-parked-key.js';

/**
 * Parks a stream failure that cannot be replayed, with a readable reason,
 * where `GET /admin/dlq` shows it: an item in the `control` table rather
 * than a bare message in the stream-failures DLQ, because an SQS message
 * moved by SQS carries no reason, and the item keeps the on-failure record
 * for a replay by hand.
 *
 * @example
 * await parkStreamFailure({ parked_at: new Date().toISOString(), reason: 'the records are no longer in the stream', function: 'crmOutbound', failure_record: body });
 */
const parkStreamFailure = async (failure: ParkedStreamFailure): Promise<void> => {
  const expiresAt = Math.floor(Date.parse(failure.parked_at) / 1000) + PARKED_RETENTION_DAYS * 86_400;
  await dynamo().send(
    new PutCommand({
      TableName: tableName('control'),
      Item: {
        pk: PARKED_STREAM_FAILURES_PK,
        sk: `${failure.parked_at}#${randomUUID().slice(0, 8)}`,
        ...failure,
        expires_at: expiresAt,
      },
    }),
  );
};

export { parkStreamFailure };

import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamo-client.js';
import { tableName } from '../aws/resource-names.js';
import { PARKED_STREAM_FAILURES_PK, type ParkedStreamFailure } from './dead-letters-parked-key.js';

/**
 * The stream failures the replayer parked (records gone from the stream, or
 * a consumer that kept failing), newest first, for `GET /admin/dlq`.
 *
 * @example
 * const parked = await listParkedStreamFailures(50);
 */
const listParkedStreamFailures = async (limit: number): Promise<ParkedStreamFailure[]> => {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: tableName('control'),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': PARKED_STREAM_FAILURES_PK },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (out.Items ?? []).map(({ pk: _pk, sk: _sk, expires_at: _expires, ...item }) => item as ParkedStreamFailure);
};

export { listParkedStreamFailures };

import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamo-client.js';
import { tableName } from '../aws/resource-names.js';
import { type RecordData, matchKeyOf } from './record.js';

/**
 * The id of a record of `type` whose match field equals the one in `data`
 * and that no vendor has claimed yet: the candidate to link an inbound
 * record to. Eventually consistent, like every index read: re-read it.
 */
const unlinkedMatchId = async (type: string, data: RecordData): Promise<string | undefined> => {
  const key = matchKeyOf(type, data);
  if (!key) return undefined;
  const out = await dynamo().send(
    new QueryCommand({
      TableName: tableName('records'),
      IndexName: 'byMatchKey',
      KeyConditionExpression: 'match_key = :k',
      ExpressionAttributeValues: { ':k': key },
    }),
  );
  // Linked records keep their entry (see inbound-writes.ts); the index projects what this reads.
  // Filtered here rather than by a FilterExpression: same items read, one expression less to parse.
  const unlinked = (out.Items ?? []).find((item) => item.external_id === undefined && item.deleted_at === undefined);
  return unlinked?.record_id as string | undefined;
};

export { unlinkedMatchId };

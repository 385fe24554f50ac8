import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamo-client.js';
import { tableName } from '../aws/resource-names.js';
import { eventsKey } from './events-key.js';

/**
 * Was this inbound delivery applied to the record (its attempt logged as
 * `synced` or `conflict`)? What tells a redelivery that arrives after newer
 * changes (so the record no longer names it as its last delivery) from a
 * change that is merely stale. One Query of the record's partition of the
 * log, newest first; a read-only module, so a function that asks this is
 * granted nothing more on the log.
 *
 * @example
 * if (await wasDeliveryApplied('crm-003A', 'msg_1')) return duplicate();
 */
const wasDeliveryApplied = async (recordId: string, deliveryId: string): Promise<boolean> => {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: tableName('syncLog'),
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: 'delivery_id = :id AND #direction = :in AND #outcome IN (:synced, :conflict)',
      ExpressionAttributeNames: { '#direction': 'direction', '#outcome': 'outcome' },
      ExpressionAttributeValues: {
        ':pk': eventsKey(recordId),
        ':id': deliveryId,
        ':in': 'inbound',
        ':synced': 'synced',
        ':conflict': 'conflict',
      },
      ScanIndexForward: false,
    }),
  );
  return (out.Items?.length ?? 0) > 0;
};

export { wasDeliveryApplied };

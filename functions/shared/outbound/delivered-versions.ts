import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../store/dynamo-client.js';
import { tableName } from '../store/names.js';

/**
 * The newest state version each target has received, per supersede key
 * (e.g. `erp#inventory#SKU-1#WH-1`). The dispatcher drops a message whose
 * version is not newer, so a target is never moved back to an older state
 * even if an old message is redelivered after a newer one.
 */
const key = (supersedeKey: string): string => `DELIVERED#${supersedeKey}`;

const deliveredVersion = async (supersedeKey: string): Promise<number | undefined> => {
  const out = await dynamo().send(
    new GetCommand({ TableName: tableName('idempotency'), Key: { pk: key(supersedeKey) }, ConsistentRead: true }),
  );
  return out.Item?.version as number | undefined;
};

/** Raises the delivered version; never lowers it (a conditional write, so racing writers agree). */
const markDelivered = async (supersedeKey: string, version: number): Promise<void> => {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName('idempotency'),
        Key: { pk: key(supersedeKey) },
        UpdateExpression: 'SET version = :v, delivered_at = :now',
        ConditionExpression: 'attribute_not_exists(version) OR version < :v',
        ExpressionAttributeValues: { ':v': version, ':now': new Date().toISOString() },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
};

export { deliveredVersion, markDelivered };

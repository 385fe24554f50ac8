import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '../aws/condition-failure.js';
import { dynamo } from '../aws/dynamo-client.js';
import { tableName } from '../aws/resource-names.js';

/**
 * The newest state version each target has received, per supersede key
 * (e.g. `erp#inventory#SKU-1#WH-1`). The dispatcher drops a message whose
 * version is not newer, so a target is never moved back to an older state
 * even if an old message is redelivered after a newer one.
 */
const key = (supersedeKey: string): string => `DELIVERED#${supersedeKey}`;

/** How long a delivered version is remembered when nothing newer is delivered to its key. */
const KEEP_DAYS = 30;

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
        // Expires long after any message that could still be redelivered (SQS keeps them 14 days at most);
        // a key that keeps receiving newer versions is rewritten, and so kept, every time.
        UpdateExpression: 'SET version = :v, delivered_at = :now, expires_at = :expires',
        ConditionExpression: 'attribute_not_exists(version) OR version < :v',
        ExpressionAttributeValues: {
          ':v': version,
          ':now': new Date().toISOString(),
          ':expires': Math.floor(Date.now() / 1000) + KEEP_DAYS * 86_400,
        },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
};

export { deliveredVersion, markDelivered };

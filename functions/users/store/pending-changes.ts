import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../kernel/aws/dynamo-client.js';
import { tableName } from '../../kernel/aws/resource-names.js';
import { DUE_PARTITION, personKeys } from './person-items.js';
import type { PendingChange } from './pending-reads.js';
import type { TransactItem } from './user-writes.js';

/**
 * Writes of future-dated HR changes (reads in `pending-reads.ts`, so the
 * admin route's bundle holds no write): stored under the person until they
 * come due; applying one deletes it in the same transaction as the user write.
 */
/**
 * Stores a change to apply at `effectiveAt`; the same delivery stored again is the same item.
 *
 * @example
 * await putPendingChange(personKeys.pendingPartition({ userId }), effectiveAt, deliveryId, payload, now);
 */
const putPendingChange = async (
  partition: string,
  effectiveAt: string,
  deliveryId: string,
  change: unknown,
  now: Date,
): Promise<PendingChange> => {
  const item: PendingChange = {
    ...personKeys.pending(partition, effectiveAt, deliveryId),
    change: JSON.stringify(change),
    delivery_id: deliveryId,
    effective_at: effectiveAt,
    received_at: now.toISOString(),
    due: DUE_PARTITION,
    due_at: `${effectiveAt}#${deliveryId}`,
  };
  await dynamo().send(new PutCommand({ TableName: tableName('users'), Item: item }));
  return item;
};

/**
 * The delete of an applied change, for the user write's transaction: it
 * must still be there, so two runs never apply it twice.
 *
 * @example
 * writeUser({ ..., extraItems: [pendingDelete(key)] });
 */
const pendingDelete = (key: { pk: string; sk: string }): TransactItem => ({
  Delete: { TableName: tableName('users'), Key: key, ConditionExpression: 'attribute_exists(pk)' },
});

/**
 * Deletes a change that wrote no user (its person was not found when it came due).
 *
 * @example
 * await deletePendingChange(key);
 */
const deletePendingChange = async (key: { pk: string; sk: string }): Promise<void> => {
  await dynamo().send(new DeleteCommand({ TableName: tableName('users'), Key: key }));
};

export { deletePendingChange, pendingDelete, putPendingChange };

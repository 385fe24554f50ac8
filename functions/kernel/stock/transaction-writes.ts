import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '../aws/condition-failure.js';
import { dynamo } from '../aws/dynamo-client.js';
import { tableName } from '../aws/resource-names.js';
import type { StockTransaction } from './stock.js';

/**
 * Writes a transaction item. Its key is the version it records, so writing
 * the same transaction twice (a recovery) leaves one item.
 */
const putTransaction = async (transaction: StockTransaction): Promise<void> => {
  await dynamo().send(new PutCommand({ TableName: tableName('inventory'), Item: transaction }));
};

/**
 * Writes the transaction unless it is there already (a read first: the
 * webhook has nearly always written it, and a failed conditional write
 * would cost a write unit where a read costs one).
 *
 * @returns whether it had to be written.
 */
const ensureTransaction = async (transaction: StockTransaction): Promise<boolean> => {
  const key = { pk: transaction.pk, sk: transaction.sk };
  const found = await dynamo().send(
    new GetCommand({ TableName: tableName('inventory'), Key: key, ConsistentRead: true }),
  );
  if (found.Item) return false;
  try {
    await dynamo().send(
      new PutCommand({
        TableName: tableName('inventory'),
        Item: transaction,
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    // The webhook wrote it between our read and our write: the same item.
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

export { putTransaction, ensureTransaction };

import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '../aws/condition-failure.js';
import { dynamo } from '../aws/dynamo-client.js';
import { tableName } from '../aws/resource-names.js';
import type { ErpItem } from './erp-items.js';

/** The one conditional write of an ERP entity item (table `erp`). */

/**
 * Writes the whole item if it is still at `expectedVersion` (absent when
 * none was read): one PutItem, so an entity change costs one write.
 *
 * @returns false when another write came first (read again and decide again).
 * @example
 * if (!(await putErpItem(item, existing?.version))) continue; // lost the race
 */
const putErpItem = async (item: ErpItem, expectedVersion: number | undefined): Promise<boolean> => {
  try {
    await dynamo().send(
      new PutCommand({
        TableName: tableName('erp'),
        Item: item,
        ConditionExpression: expectedVersion === undefined ? 'attribute_not_exists(pk)' : '#version = :version',
        ...(expectedVersion === undefined
          ? {}
          : {
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':version': expectedVersion },
            }),
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

export { putErpItem };

import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../kernel/aws/dynamo-client.js';
import { tableName } from '../../kernel/aws/resource-names.js';
import { ENTITY_SK, type ErpItem, type StoredErpEntity, erpKey } from '../../kernel/erp/erp-items.js';

/**
 * One ERP entity by id, read consistently (the order or customer a mail
 * needs was perhaps written a moment ago); undefined when not known yet.
 *
 * @example
 * const order = await getErpItem('salesOrder', 'SO-1');
 */
const getErpItem = async (entity: StoredErpEntity, id: string): Promise<ErpItem | undefined> => {
  const out = await dynamo().send(
    new GetCommand({
      TableName: tableName('erp'),
      Key: { pk: erpKey(entity, id), sk: ENTITY_SK },
      ConsistentRead: true,
    }),
  );
  return out.Item as ErpItem | undefined;
};

export { getErpItem };

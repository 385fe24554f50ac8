import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamo-client.js';
import { tableName } from '../aws/resource-names.js';
import { ENTITY_SK, type ErpItem, type StoredErpEntity, erpKey } from './erp-items.js';

/**
 * The entity's item, strongly consistent (the read half of a conditional
 * read-modify-write); undefined when never seen.
 */
const getErpItem = async (entity: StoredErpEntity, entityId: string): Promise<ErpItem | undefined> => {
  const out = await dynamo().send(
    new GetCommand({
      TableName: tableName('erp'),
      Key: { pk: erpKey(entity, entityId), sk: ENTITY_SK },
      ConsistentRead: true,
    }),
  );
  return out.Item as ErpItem | undefined;
};

export { getErpItem };

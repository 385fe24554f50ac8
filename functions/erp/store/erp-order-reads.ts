import { paginateQuery } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../kernel/aws/dynamo-client.js';
import { tableName } from '../../kernel/aws/resource-names.js';
import { BY_ORDER_INDEX, type ErpItem } from '../../kernel/erp/erp-items.js';

/**
 * The shipments and invoices of an order, from the sparse `byOrder` index
 * (eventually consistent, as every index is): every page, in key order.
 *
 * @example
 * const linked = await listOrderLinked('SO-1'); // shipments and invoices naming SO-1
 */
const listOrderLinked = async (orderId: string): Promise<ErpItem[]> => {
  const items: ErpItem[] = [];
  const pages = paginateQuery(
    { client: dynamo() },
    {
      TableName: tableName('erp'),
      IndexName: BY_ORDER_INDEX,
      KeyConditionExpression: 'order_id = :order',
      ExpressionAttributeValues: { ':order': orderId },
    },
  );
  for await (const page of pages) items.push(...((page.Items ?? []) as ErpItem[]));
  return items;
};

export { listOrderLinked };

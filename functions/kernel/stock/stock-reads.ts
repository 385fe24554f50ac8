import { GetCommand, QueryCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamo-client.js';
import { tableName } from '../aws/resource-names.js';
import { STOCK_SK, type StockItem, type StockTransaction, TX_PREFIX, stockKey, transactionSortKey } from './stock.js';

/** The reads of the `inventory` table: a stock level and its transactions. */

/** The stock item, strongly consistent; undefined when the sku was never adjusted in that warehouse. */
const getStock = async (sku: string, warehouse: string): Promise<StockItem | undefined> => {
  const out = await dynamo().send(
    new GetCommand({
      TableName: tableName('inventory'),
      Key: { pk: stockKey(sku, warehouse), sk: STOCK_SK },
      ConsistentRead: true,
    }),
  );
  return out.Item as StockItem | undefined;
};

export interface TransactionPage {
  readonly items: StockTransaction[];
  /** The version to continue after, when there may be more. */
  readonly nextAfterVersion?: number;
}

/**
 * Transactions oldest first, at most `limit`, starting after `afterVersion`.
 * Pages through DynamoDB's 1 MB query pages until `limit` is reached.
 */
const listTransactions = async (
  sku: string,
  warehouse: string,
  { limit, afterVersion }: { readonly limit: number; readonly afterVersion?: number },
): Promise<TransactionPage> => {
  const pk = stockKey(sku, warehouse);
  const items: StockTransaction[] = [];
  let startKey: Record<string, unknown> | undefined =
    afterVersion === undefined ? undefined : { pk, sk: transactionSortKey(afterVersion) };
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: tableName('inventory'),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :tx)',
        ExpressionAttributeValues: { ':pk': pk, ':tx': TX_PREFIX },
        ExclusiveStartKey: startKey,
        Limit: limit - items.length,
        ConsistentRead: true,
      }),
    );
    items.push(...((out.Items ?? []) as StockTransaction[]));
    startKey = out.LastEvaluatedKey;
  } while (startKey && items.length < limit);
  const last = items.at(-1);
  return startKey && last ? { items, nextAfterVersion: last.version } : { items };
};

/**
 * The transaction a delivery wrote, looked for among those created since
 * `since` (newest first). Used only when taking over a crashed attempt, so
 * the scan is bounded by how long ago that attempt started. A delivery is
 * its source's webhook id: the same id from another system is another
 * delivery.
 */
const findTransactionByDelivery = async (
  { sku, warehouse, source }: Pick<StockTransaction, 'sku' | 'warehouse' | 'source'>,
  deliveryId: string,
  since: string,
): Promise<StockTransaction | undefined> => {
  const pages = paginateQuery(
    { client: dynamo(), pageSize: 200 },
    {
      TableName: tableName('inventory'),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :tx)',
      ExpressionAttributeValues: { ':pk': stockKey(sku, warehouse), ':tx': TX_PREFIX },
      ScanIndexForward: false,
      ConsistentRead: true,
    },
  );
  for await (const page of pages) {
    for (const item of (page.Items ?? []) as StockTransaction[]) {
      if (item.delivery_id === deliveryId && item.source === source) return item;
      if (item.created_at < since) return undefined;
    }
  }
  return undefined;
};

export { getStock, listTransactions, findTransactionByDelivery };

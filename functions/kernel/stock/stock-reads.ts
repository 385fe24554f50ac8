import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
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
  /**
   * Set when the ledger is not yet written through `throughVersion`: the
   * stream consumer writes each version's transaction shortly after the
   * stock update, so a version may be missing for a moment (or for longer,
   * while the consumer fails). `items` then stop before the first missing
   * version, and `nextAfterVersion` continues from there.
   */
  readonly behind?: { readonly missingVersion: number };
}

/**
 * Transactions oldest first, at most `limit`, starting after `afterVersion`.
 * Pages through DynamoDB's 1 MB query pages until `limit` is reached.
 *
 * With `throughVersion` (the stock item's version, read first), the page is
 * also checked for completeness: versions follow one another from
 * `afterVersion + 1` and reach `throughVersion` unless the page is full.
 * A gap ends the page there, with {@link TransactionPage.behind}.
 */
const listTransactions = async (
  sku: string,
  warehouse: string,
  {
    limit,
    afterVersion,
    throughVersion,
  }: { readonly limit: number; readonly afterVersion?: number; readonly throughVersion?: number },
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
  if (throughVersion !== undefined) {
    const behind = firstGap(items, afterVersion ?? 0, throughVersion, items.length < limit);
    if (behind !== undefined) {
      const complete = items.slice(0, behind - (afterVersion ?? 0) - 1);
      const last = complete.at(-1)?.version ?? afterVersion;
      return {
        items: complete,
        ...(last === undefined ? {} : { nextAfterVersion: last }),
        behind: { missingVersion: behind },
      };
    }
  }
  const last = items.at(-1);
  return startKey && last ? { items, nextAfterVersion: last.version } : { items };
};

/**
 * The first version missing from `items` (which start after `afterVersion`),
 * counting versions up to `throughVersion` only; when `reachedEnd`, the
 * ledger has nothing after the last item, so every version after it up to
 * `throughVersion` is missing too.
 */
const firstGap = (
  items: readonly StockTransaction[],
  afterVersion: number,
  throughVersion: number,
  reachedEnd: boolean,
): number | undefined => {
  let expected = afterVersion + 1;
  for (const item of items) {
    if (expected > throughVersion) return undefined;
    if (item.version !== expected) return expected;
    expected++;
  }
  return reachedEnd && expected <= throughVersion ? expected : undefined;
};

/** Transactions read per Query while searching for a delivery: most searches end within the first few. */
const SEARCH_PAGE = 200;

/** What the ledger says about one delivery (see {@link findTransactionByDelivery}). */
export type DeliveryInLedger =
  | { readonly kind: 'found'; readonly transaction: StockTransaction }
  | { readonly kind: 'absent' }
  | { readonly kind: 'behind' };

/**
 * The transaction a delivery made, looked for among the versions up to
 * `throughVersion` (the stock item's, read first) created since `since`,
 * newest first. A delivery is its source's webhook id: the same id from
 * another system is another delivery.
 *
 * `absent` is an answer only when every version in that range is in the
 * ledger: the stream consumer writes the transactions, so a version it has
 * not written yet could be this delivery's, and the answer is then `behind`.
 * The scan is bounded by `since`, how long ago the delivery was first
 * claimed (a takeover, or a copy waiting on one still in progress).
 */
const findTransactionByDelivery = async (
  { sku, warehouse, source }: Pick<StockTransaction, 'sku' | 'warehouse' | 'source'>,
  deliveryId: string,
  since: string,
  throughVersion: number,
): Promise<DeliveryInLedger> => {
  let expected = throughVersion;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(
      new QueryCommand({
        TableName: tableName('inventory'),
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
        ExpressionAttributeValues: {
          ':pk': stockKey(sku, warehouse),
          ':first': transactionSortKey(1),
          ':last': transactionSortKey(throughVersion),
        },
        ScanIndexForward: false,
        ConsistentRead: true,
        Limit: SEARCH_PAGE,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of (page.Items ?? []) as StockTransaction[]) {
      if (item.version !== expected) return { kind: 'behind' };
      if (item.delivery_id === deliveryId && item.source === source) return { kind: 'found', transaction: item };
      if (item.created_at < since) return { kind: 'absent' };
      expected--;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return expected < 1 ? { kind: 'absent' } : { kind: 'behind' };
};

export { getStock, listTransactions, findTransactionByDelivery };

import { GetCommand, PutCommand, QueryCommand, UpdateCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, itemOfFailure } from '../../kernel/aws/condition-failure.js';
import { dynamo } from '../../kernel/aws/dynamo-client.js';
import { tableName } from '../../kernel/aws/resource-names.js';
import { type InventoryAdjustment, adjustmentKind } from '../domain/adjustment.js';
import { STOCK_SK, type StockItem, type StockTransaction, TX_PREFIX, stockKey, transactionSortKey } from '../domain/stock.js';

/**
 * The DynamoDB side of inventory: the one atomic update that applies an
 * adjustment, the transaction items, and the reads the admin API needs.
 */

export type StockChangeOutcome =
  /** Applied: the stock item as this update left it (before is `last_quantity_before`). */
  | { readonly kind: 'applied'; readonly stock: StockItem }
  /** Refused: the result would be negative; nothing was written. */
  | { readonly kind: 'negative'; readonly currentQuantity: number }
  /** This delivery is the last one applied to the item already (an SDK retry of our own update). */
  | { readonly kind: 'already-applied'; readonly stock: StockItem };

/**
 * Applies an adjustment with ONE UpdateItem, so N concurrent adjustments on
 * one item serialise inside DynamoDB and none is lost:
 *
 * - add: `quantity_on_hand = if_not_exists(quantity_on_hand, 0) + q`
 * - subtract: the same with `- q`, under `quantity_on_hand >= q` (a missing
 *   item counts as 0, so any positive shipment from it is refused)
 * - set: `quantity_on_hand = q`
 *
 * The same expression copies the old quantity into `last_quantity_before`
 * (the right-hand side of SET reads the item as it was), so with
 * `ReturnValues: ALL_NEW` both before and after come from the atomic update
 * itself, exact to DynamoDB's decimal arithmetic; no read happens first.
 *
 * It is also conditional on `last_delivery_id <> :id`: when the SDK retries
 * an update whose answer was lost, the retry fails instead of adding twice,
 * and `already-applied` hands back the item to rebuild the answer from.
 */
/** The previous adjustment's reason and reference must not outlive it on the item. */
const removeAbsent = (adjustment: InventoryAdjustment): string => {
  const absent = [
    ...(adjustment.reason === undefined ? ['#reason'] : []),
    ...(adjustment.reference === undefined ? ['#reference'] : []),
  ];
  return absent.length > 0 ? ` REMOVE ${absent.join(', ')}` : '';
};

const applyStockChange = async (
  adjustment: InventoryAdjustment,
  deliveryId: string,
  now: string,
): Promise<StockChangeOutcome> => {
  const kind = adjustmentKind(adjustment.type);
  const newQuantity = kind === 'set' ? ':q' : `if_not_exists(#qty, :zero) ${kind === 'add' ? '+' : '-'} :q`;
  const conditions = ['(attribute_not_exists(#lastDelivery) OR #lastDelivery <> :id)'];
  if (kind === 'subtract' && adjustment.quantity > 0) conditions.push('#qty >= :q');
  try {
    const out = await dynamo().send(
      new UpdateCommand({
        TableName: tableName('inventory'),
        Key: { pk: stockKey(adjustment.sku, adjustment.warehouse), sk: STOCK_SK },
        UpdateExpression: [
          `SET #qty = ${newQuantity}`,
          '#before = if_not_exists(#qty, :zero)',
          '#version = if_not_exists(#version, :zero) + :one',
          '#createdAt = if_not_exists(#createdAt, :now)',
          '#updatedAt = :now',
          '#type = :type',
          '#source = :source',
          '#lastDelivery = :id',
          '#sku = :sku',
          '#warehouse = :warehouse',
          ...(adjustment.reason === undefined ? [] : ['#reason = :reason']),
          ...(adjustment.reference === undefined ? [] : ['#reference = :reference']),
        ].join(', ') + removeAbsent(adjustment),
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: {
          '#qty': 'quantity_on_hand',
          '#before': 'last_quantity_before',
          '#version': 'version',
          '#createdAt': 'created_at',
          '#updatedAt': 'updated_at',
          '#type': 'last_adjustment_type',
          '#source': 'last_adjustment_source',
          '#lastDelivery': 'last_delivery_id',
          '#sku': 'sku',
          '#warehouse': 'warehouse',
          '#reason': 'last_reason',
          '#reference': 'last_reference',
        },
        ExpressionAttributeValues: {
          ':q': adjustment.quantity,
          ':zero': 0,
          ':one': 1,
          ':now': now,
          ':type': adjustment.type,
          ':source': adjustment.source,
          ':id': deliveryId,
          ':sku': adjustment.sku,
          ':warehouse': adjustment.warehouse,
          ...(adjustment.reason === undefined ? {} : { ':reason': adjustment.reason }),
          ...(adjustment.reference === undefined ? {} : { ':reference': adjustment.reference }),
        },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { kind: 'applied', stock: out.Attributes as StockItem };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const old = itemOfFailure<StockItem>(error) ?? (await getStock(adjustment.sku, adjustment.warehouse));
    if (old?.last_delivery_id === deliveryId) return { kind: 'already-applied', stock: old };
    return { kind: 'negative', currentQuantity: old?.quantity_on_hand ?? 0 };
  }
};

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
  const found = await dynamo().send(new GetCommand({ TableName: tableName('inventory'), Key: key, ConsistentRead: true }));
  if (found.Item) return false;
  try {
    await dynamo().send(
      new PutCommand({ TableName: tableName('inventory'), Item: transaction, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    return true;
  } catch (error) {
    // The webhook wrote it between our read and our write: the same item.
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

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
 * the scan is bounded by how long ago that attempt started.
 */
const findTransactionByDelivery = async (
  sku: string,
  warehouse: string,
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
      if (item.delivery_id === deliveryId) return item;
      if (item.created_at < since) return undefined;
    }
  }
  return undefined;
};

export { applyStockChange, putTransaction, ensureTransaction, getStock, listTransactions, findTransactionByDelivery };

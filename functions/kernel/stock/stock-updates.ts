import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, itemOfFailure } from '../aws/condition-failure.js';
import { dynamo } from '../aws/dynamo-client.js';
import { tableName } from '../aws/resource-names.js';
import { type InventoryAdjustment, MAX_STOCK_QUANTITY, adjustmentKind, quantityAfter } from './adjustment.js';
import { STOCK_SK, type StockItem, stockKey } from './stock.js';
import { getStock } from './stock-reads.js';

/** The one atomic update that applies an adjustment to a stock level. */

export type StockChangeOutcome =
  /** Applied: the stock item as this update left it (before is `last_quantity_before`). */
  | { readonly kind: 'applied'; readonly stock: StockItem }
  /** Refused: the result would be negative; nothing was written. */
  | { readonly kind: 'negative'; readonly currentQuantity: number }
  /** Refused: the result would pass {@link MAX_STOCK_QUANTITY}; nothing was written. */
  | { readonly kind: 'too-large'; readonly currentQuantity: number }
  /** This delivery is the last one applied to the item already (an SDK retry of our own update). */
  | { readonly kind: 'already-applied'; readonly stock: StockItem }
  /**
   * Only with {@link ErpStockExtras}: the ERP already gave a newer count
   * (`stale`) or this very one (`duplicate`); nothing was written.
   */
  | { readonly kind: 'erp-stale' | 'erp-duplicate'; readonly stock: StockItem };

/**
 * What an ERP `inventory` event brings beside its count (written on the
 * stock item with it, in the same update), and what orders ERP counts: the
 * change time and fingerprint of the ERP count the item last took. The
 * update is then conditional on the item having taken no newer ERP count
 * and not this very one. Absent for every other sender: their updates are
 * exactly as before.
 */
export type ErpStockExtras = Pick<
  StockItem,
  | 'quantity_available'
  | 'quantity_reserved'
  | 'quantity_on_order'
  | 'bin_location'
  | 'last_count_date'
  | 'erp_change_time'
> & { readonly erp_fingerprint: string };

const EXTRA_FIELDS = [
  'quantity_available',
  'quantity_reserved',
  'quantity_on_order',
  'bin_location',
  'last_count_date',
] as const;

/** The SET clauses, names, values and condition an ERP count adds to the update. */
const erpParts = (erp: ErpStockExtras | undefined) => {
  if (!erp) return { sets: [], names: {}, values: {}, conditions: [] };
  const sets: string[] = ['#erpFp = :erpFp'];
  const names: Record<string, string> = { '#erpFp': 'erp_fingerprint', '#erpTime': 'erp_change_time' };
  const values: Record<string, unknown> = { ':erpFp': erp.erp_fingerprint };
  for (const [index, field] of EXTRA_FIELDS.entries()) {
    const value = erp[field];
    if (value === undefined) continue;
    sets.push(`#x${index} = :x${index}`);
    names[`#x${index}`] = field;
    values[`:x${index}`] = value;
  }
  const conditions = ['(attribute_not_exists(#erpFp) OR #erpFp <> :erpFp)'];
  if (erp.erp_change_time !== undefined) {
    sets.push('#erpTime = :erpTime');
    values[':erpTime'] = erp.erp_change_time;
    conditions.push('(attribute_not_exists(#erpTime) OR #erpTime <= :erpTime)');
  }
  return { sets, names, values, conditions };
};

/**
 * Applies an adjustment with ONE UpdateItem, so N concurrent adjustments on
 * one item serialise inside DynamoDB and none is lost:
 *
 * - add: `quantity_on_hand = if_not_exists(quantity_on_hand, 0) + q`
 * - subtract: the same with `- q`, under `quantity_on_hand >= q` (a missing
 *   item counts as 0, so any positive shipment from it is refused)
 * - set: `quantity_on_hand = q`
 * - a total stays at most {@link MAX_STOCK_QUANTITY}: an add is also under
 *   `quantity_on_hand <= max - q` (a condition cannot add, so the headroom
 *   is computed here; a missing item counts as 0, and q alone is far below
 *   the bound); a set or a subtract cannot pass it
 *
 * The same expression copies the old quantity into `last_quantity_before`
 * (the right-hand side of SET reads the item as it was), so with
 * `ReturnValues: ALL_NEW` both before and after come from the atomic update
 * itself, exact to DynamoDB's decimal arithmetic; no read happens first.
 *
 * It is also conditional on the item not naming this delivery (its source
 * and webhook id) as its last: when the SDK retries an update whose answer
 * was lost, the retry fails instead of adding twice, and `already-applied`
 * hands back the item to rebuild the answer from. The same webhook id from
 * another system is another delivery, and applies.
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
  erp?: ErpStockExtras,
): Promise<StockChangeOutcome> => {
  const kind = adjustmentKind(adjustment.type);
  const extra = erpParts(erp);
  const newQuantity = kind === 'set' ? ':q' : `if_not_exists(#qty, :zero) ${kind === 'add' ? '+' : '-'} :q`;
  const conditions = ['(attribute_not_exists(#lastDelivery) OR #lastDelivery <> :id OR #source <> :source)'];
  if (kind === 'subtract' && adjustment.quantity > 0) conditions.push('#qty >= :q');
  if (kind === 'add') conditions.push('(attribute_not_exists(#qty) OR #qty <= :headroom)');
  conditions.push(...extra.conditions);
  try {
    const out = await dynamo().send(
      new UpdateCommand({
        TableName: tableName('inventory'),
        Key: { pk: stockKey(adjustment.sku, adjustment.warehouse), sk: STOCK_SK },
        UpdateExpression:
          [
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
            ...extra.sets,
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
          ...extra.names,
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
          ...(kind === 'add' ? { ':headroom': MAX_STOCK_QUANTITY - adjustment.quantity } : {}),
          ...(adjustment.reason === undefined ? {} : { ':reason': adjustment.reason }),
          ...(adjustment.reference === undefined ? {} : { ':reference': adjustment.reference }),
          ...extra.values,
        },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { kind: 'applied', stock: out.Attributes as StockItem };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const old = itemOfFailure<StockItem>(error) ?? (await getStock(adjustment.sku, adjustment.warehouse));
    if (old?.last_delivery_id === deliveryId && old.last_adjustment_source === adjustment.source) {
      return { kind: 'already-applied', stock: old };
    }
    if (erp && old) {
      const applied = old;
      if (applied.erp_fingerprint === erp.erp_fingerprint) return { kind: 'erp-duplicate', stock: old };
      if (
        erp.erp_change_time !== undefined &&
        applied.erp_change_time !== undefined &&
        applied.erp_change_time > erp.erp_change_time
      ) {
        return { kind: 'erp-stale', stock: old };
      }
    }
    const currentQuantity = old?.quantity_on_hand ?? 0;
    const { after } = quantityAfter(currentQuantity, adjustment.type, adjustment.quantity);
    return { kind: after > MAX_STOCK_QUANTITY ? 'too-large' : 'negative', currentQuantity };
  }
};

export { applyStockChange };

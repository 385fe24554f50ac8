import { UpdateCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '../../kernel/aws/condition-failure.js';
import { dynamo } from '../../kernel/aws/dynamo-client.js';
import { tableName } from '../../kernel/aws/resource-names.js';
import { BY_ORDER_INDEX, ENTITY_SK, type ErpItem, erpKey } from '../../kernel/erp/erp-items.js';
import type { OrderUpdate } from '../domain/order-derivations.js';

/**
 * Applies an order update from an invoice or shipment: one atomic
 * UpdateItem that bumps the order's version (so a webhook write that read
 * the older version retries on the new one), conditional on the order
 * existing and not being so marked already. A redelivery, or an update for
 * an order not known yet (applied when it arrives), changes nothing. It
 * drops a bulk load's mark (`bulk_job_id`) unless `keepBulkMark` (an update
 * a bulk-loaded order owes to what came before it), so a live delivery of
 * a bulk-loaded order is mailed as ever.
 *
 * @returns whether the order changed.
 *
 * @example
 * await applyOrderUpdate({ order_id: 'SO-1', change: 'paid', at, from: 'invoice#INV-1' });
 */
const applyOrderUpdate = async (
  update: OrderUpdate,
  now: Date = new Date(),
  { keepBulkMark = false }: { readonly keepBulkMark?: boolean } = {},
): Promise<boolean> => {
  const paid = update.change === 'paid';
  // A live invoice or shipment makes the order's change news again (its mail goes out); one owed to a bulk-loaded order does not.
  const unmark = keepBulkMark ? '' : ' REMOVE bulk_job_id';
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName('erp'),
        Key: { pk: erpKey('salesOrder', update.order_id), sk: ENTITY_SK },
        UpdateExpression:
          (paid
            ? 'SET payment_status = :value, paid_at = :at, version = version + :one, updated_at = :now'
            : 'SET #status = :value, delivered_at = :at, version = version + :one, updated_at = :now') + unmark,
        ConditionExpression: paid
          ? 'attribute_exists(pk) AND (attribute_not_exists(payment_status) OR payment_status <> :value)'
          : 'attribute_exists(pk) AND (attribute_not_exists(#status) OR #status <> :value)',
        ...(paid ? {} : { ExpressionAttributeNames: { '#status': 'status' } }),
        ExpressionAttributeValues: { ':value': update.change, ':at': update.at, ':one': 1, ':now': now.toISOString() },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/** The invoices and shipments of an order (index `byOrder`). */
const itemsOfOrder = async (orderId: string): Promise<ErpItem[]> => {
  const items: ErpItem[] = [];
  const input = {
    TableName: tableName('erp'),
    IndexName: BY_ORDER_INDEX,
    KeyConditionExpression: 'order_id = :order',
    ExpressionAttributeValues: { ':order': orderId },
  };
  for await (const page of paginateQuery({ client: dynamo() }, input)) {
    items.push(...((page.Items ?? []) as ErpItem[]));
  }
  return items;
};

export { applyOrderUpdate, itemsOfOrder };

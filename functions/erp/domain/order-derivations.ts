import type { ErpItem } from '../../kernel/erp/erp-items.js';

/**
 * What an order learns from its invoices and shipments: an invoice paid
 * marks the order's payment status `paid`, a shipment delivered marks the
 * order `delivered`. Pure; the follow-up consumer applies each with one
 * conditional UpdateItem, which an order already so marked refuses, so a
 * redelivery changes nothing.
 */
export interface OrderUpdate {
  readonly order_id: string;
  readonly change: 'paid' | 'delivered';
  /** When it happened: the time of the invoice's or shipment's write (so a redelivery sets the same time). */
  readonly at: string;
  /** The item it comes from, for the log: `invoice#INV-1`. */
  readonly from: string;
}

const changeOf = (item: Pick<ErpItem, 'entity' | 'status'>): OrderUpdate['change'] | undefined => {
  if (item.entity === 'invoice' && item.status === 'paid') return 'paid';
  if (item.entity === 'shipment' && item.status === 'delivered') return 'delivered';
  return undefined;
};

/**
 * The order update a change of an invoice or shipment makes, when its
 * status just became `paid` / `delivered` and it names its order.
 *
 * @example
 * orderUpdateOf(invoiceIssued, { ...invoiceIssued, status: 'paid', version: 2 });
 * // { order_id: 'SO-1', change: 'paid', at: '2026-12-03T10:00:00.000Z', from: 'invoice#INV-1' }
 */
const orderUpdateOf = (old: ErpItem | undefined, now: ErpItem): OrderUpdate | undefined => {
  const change = changeOf(now);
  if (change === undefined || now.order_id === undefined) return undefined;
  if (old !== undefined && changeOf(old) === change) return undefined;
  return { order_id: now.order_id, change, at: now.updated_at, from: now.pk };
};

/**
 * The updates a newly known order owes to the invoices and shipments that
 * arrived before it (read through the `byOrder` index).
 *
 * @example
 * pendingOrderUpdates('SO-1', [paidInvoice, openShipment]); // [{ change: 'paid', ... }]
 */
const pendingOrderUpdates = (orderId: string, related: readonly ErpItem[]): OrderUpdate[] =>
  related.flatMap((item) => {
    const change = changeOf(item);
    return change === undefined ? [] : [{ order_id: orderId, change, at: item.updated_at, from: item.pk }];
  });

export { orderUpdateOf, pendingOrderUpdates };

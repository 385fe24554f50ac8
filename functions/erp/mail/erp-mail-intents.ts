import type { ErpItem } from '../../kernel/erp/erp-items.js';

/**
 * Which mails a change of an ERP entity triggers, from the stream's old and
 * new images alone: pure, so every rule is unit tested. A mail is an
 * *intent* first (what happened, to which item, at which version); the
 * recipient and the body are worked out later ({@link renderErpMail}),
 * because the order or the customer they need may not be known yet.
 *
 * A mail's id derives from the item's key, its version and the mail's kind:
 * a redelivered stream record plans the very same mail again, and the
 * outbound queue and dispatcher send an id once (`supersede` keyed on it).
 */

export type ErpMailKind = 'order-created' | 'order-status' | 'po-status' | 'invoice-created' | 'shipment-created';

/** What a mail needs to know about the item that triggered it: a snapshot of that version. */
export interface ErpMailSource {
  readonly entity: ErpItem['entity'];
  readonly entity_id: string;
  readonly version: number;
  readonly data: Readonly<Record<string, unknown>>;
  readonly status?: string;
  readonly order_id?: string;
  readonly customer_id?: string;
  readonly updated_at: string;
}

export interface ErpMailIntent {
  /** `erp-mail#<pk>#v<version>#<kind>`: the outbound message id and its supersede key. */
  readonly id: string;
  readonly kind: ErpMailKind;
  readonly source: ErpMailSource;
  /** Status changes: the status before, for the text. */
  readonly previous_status?: string;
}

/** Statuses that mail nobody: a deleted order is kept and marked, not announced. */
const SILENT_STATUSES = new Set(['deleted']);

const sourceOf = (item: ErpItem): ErpMailSource => ({
  entity: item.entity,
  entity_id: item.entity_id,
  version: item.version,
  data: item.data,
  ...(item.status === undefined ? {} : { status: item.status }),
  ...(item.order_id === undefined ? {} : { order_id: item.order_id }),
  ...(item.customer_id === undefined ? {} : { customer_id: item.customer_id }),
  updated_at: item.updated_at,
});

/**
 * The id of a mail: the same for every delivery of the same change.
 *
 * @example
 * erpMailId(item, 'shipment-created'); // 'erp-mail#shipment#SH-1#v1#shipment-created'
 */
const erpMailId = (item: Pick<ErpItem, 'pk' | 'version'>, kind: ErpMailKind): string =>
  `erp-mail#${item.pk}#v${item.version}#${kind}`;

const intent = (item: ErpItem, kind: ErpMailKind, previous?: string): ErpMailIntent => ({
  id: erpMailId(item, kind),
  kind,
  source: sourceOf(item),
  ...(previous === undefined ? {} : { previous_status: previous }),
});

const statusChanged = (old: ErpItem | undefined, now: ErpItem): boolean =>
  old !== undefined &&
  now.status !== undefined &&
  now.status !== old.status &&
  !SILENT_STATUSES.has(now.status) &&
  now.version > old.version;

/**
 * The mails a change triggers: a new sales order (to sales), a changed
 * order status (to the customer: `delivered` set by a shipment and
 * `cancelled` included), a changed purchase-order status (to purchasing),
 * a new invoice and a new shipment (to the customer); none for a version a
 * bulk sync job wrote (`bulk_job_id`). Created means the
 * item is new (no old image), whatever the ERP called the event, unless it
 * arrived already deleted.
 *
 * @example
 * erpMailIntents(undefined, newOrder); // [{ kind: 'order-created', ... }]
 * erpMailIntents(order, { ...order, status: 'shipped', version: 2 }); // [{ kind: 'order-status', ... }]
 */
const erpMailIntents = (old: ErpItem | undefined, now: ErpItem): ErpMailIntent[] => {
  // Written by a bulk load (or derived from one): old news, announced to nobody. A webhook write drops the mark.
  if (now.bulk_job_id !== undefined) return [];
  const created = old === undefined && now.last_event_type !== 'deleted' && now.deleted_at === undefined;
  switch (now.entity) {
    case 'salesOrder':
      if (created) return [intent(now, 'order-created')];
      return statusChanged(old, now) ? [intent(now, 'order-status', old?.status)] : [];
    case 'purchaseOrder':
      return statusChanged(old, now) ? [intent(now, 'po-status', old?.status)] : [];
    case 'invoice':
      return created ? [intent(now, 'invoice-created')] : [];
    case 'shipment':
      return created ? [intent(now, 'shipment-created')] : [];
    default:
      return [];
  }
};

export { erpMailIntents, erpMailId };

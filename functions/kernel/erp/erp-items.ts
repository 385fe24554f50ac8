import type { ErpEntity, ErpEventType } from './erp-events.js';

/**
 * The items of the `erp` table, the ERP's side of our data: one item per
 * entity (sk `ENTITY`), written by the webhook (and by the id-only fetch),
 * read by the follow-up stream consumer (sync events, derived order
 * updates, mails) and the admin API. Stock counts are not here: an ERP
 * `inventory` event goes to the stock item in the `inventory` table
 * (`kernel/stock/`), which every other system is fanned out from.
 */

/** The entities stored in the `erp` table: all but `inventory`. */
export type StoredErpEntity = Exclude<ErpEntity, 'inventory'>;

const ENTITY_SK = 'ENTITY';

export interface ErpItem {
  /** `${entity}#${entityId}` ({@link erpKey}). */
  readonly pk: string;
  readonly sk: typeof ENTITY_SK;
  readonly entity: StoredErpEntity;
  readonly entity_id: string;
  /**
   * The entity as the ERP describes it (its camelCase fields), merged: a
   * field an event leaves out keeps its value; `lineItems`, when sent,
   * replaces the lines as a whole.
   */
  readonly data: Readonly<Record<string, unknown>>;
  /**
   * The effective status: the ERP's `status`, or what we derived (`delivered`
   * by a delivered shipment, `deleted` by a deleted event). Mails compare the
   * old and the new image's status.
   */
  readonly status?: string;
  /** Shipments and invoices: their order (sparse index `byOrder`). */
  readonly order_id?: string;
  /** Orders and invoices: their customer, whose `email` the mails go to. */
  readonly customer_id?: string;
  /** Grows by one on every write; every write is conditional on the version it read. */
  readonly version: number;
  /** Epoch ms of the applied change's `lastModified` / `updatedAt`, when it carried one: older changes are stale. */
  readonly change_time?: number;
  /** SHA-256 (base64url) of the canonical JSON of the payload last applied: the same payload again is a duplicate. */
  readonly fingerprint?: string;
  readonly last_event_type: ErpEventType;
  /** The delivery that made this version: `eventId`, the Idempotency-Key header, or `fp:<fingerprint>`. */
  readonly last_delivery_id: string;
  readonly created_at: string;
  readonly updated_at: string;
  /** A deleted event keeps the item and marks it. */
  readonly deleted_at?: string;
  /** Orders: when the status became `cancelled`. */
  readonly cancelled_at?: string;
  /** Orders: from their invoices (`paid` when an invoice is paid), with its time. */
  readonly payment_status?: string;
  readonly paid_at?: string;
  /** Orders: set with status `delivered` when a shipment of theirs is delivered. */
  readonly delivered_at?: string;
  /**
   * Set when this version was written by a bulk sync job (its id): the
   * follow-up logs it and derives paid/delivered as ever, but plans no mails
   * (an initial load of old orders must not mail sales or the customers).
   */
  readonly bulk_job_id?: string;
  /** The sync event of this write, JSON (`kernel/sync-log/sync-events.ts`, `encodeSyncEvent`); the follow-up consumer logs it. */
  readonly sync_event?: string;
}

/**
 * The partition of an entity.
 *
 * @example
 * erpKey('salesOrder', 'SO-1001'); // 'salesOrder#SO-1001'
 */
const erpKey = (entity: StoredErpEntity, entityId: string): string => `${entity}#${entityId}`;

/** The sparse index of shipments and invoices by their order: partition `order_id`, sort `pk`. */
const BY_ORDER_INDEX = 'byOrder';

export { ENTITY_SK, BY_ORDER_INDEX, erpKey };

import { createHash } from 'node:crypto';
import { type CarriedSyncEvent, carriedSyncEvent, encodeSyncEvent } from '../sync-log/sync-events.js';
import { type ErpEventType, changeTimeOf } from './erp-events.js';
import { ENTITY_SK, type ErpItem, type StoredErpEntity, erpKey } from './erp-items.js';

/**
 * What one ERP event does to the stored entity, decided from the item as
 * read and the event alone (pure): refused as `stale` (older than what was
 * applied), as `duplicate` (the very payload applied last), or the whole
 * next item to write conditionally on the version read. The webhook and
 * the id-only fetch both come here, so a fetched entity is merged exactly
 * as a pushed one.
 */

/** An event ready to apply: its payload parsed (absent only for a `deleted` that sent none). */
export interface ErpChange {
  readonly eventType: ErpEventType;
  readonly entity: StoredErpEntity;
  readonly entityId: string;
  readonly payload?: Readonly<Record<string, unknown>>;
  /** `eventId`, the Idempotency-Key header, or undefined (then `fp:<fingerprint>`). */
  readonly deliveryId?: string;
  /**
   * Set when a bulk sync job writes the change (its job id): the item is
   * marked `bulk_job_id`, so the follow-up plans no mails for a load of old
   * orders. Any other write drops the mark.
   */
  readonly bulkJobId?: string;
}

export type ErpDecision =
  | { readonly kind: 'stale' }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'write'; readonly item: ErpItem; readonly expectedVersion: number | undefined };

/** JSON with object keys sorted at every level: the same content always gives the same text. */
const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
};

/**
 * The fingerprint of what an event asks for: its payload, and whether it
 * deletes (a `deleted` carrying the same payload as the last update is not
 * a duplicate of it). `created` and `updated` with the same payload have
 * the same effect, so they share a fingerprint.
 *
 * @example
 * erpFingerprint({ eventType: 'updated', payload: { b: 1, a: 2 } }) === erpFingerprint({ eventType: 'created', payload: { a: 2, b: 1 } }); // true
 */
const erpFingerprint = ({ eventType, payload }: Pick<ErpChange, 'eventType' | 'payload'>): string =>
  createHash('sha256')
    .update(canonicalJson({ deleted: eventType === 'deleted', payload: payload ?? null }))
    .digest('base64url');

const stringField = (data: Readonly<Record<string, unknown>>, field: string): string | undefined => {
  const value = data[field];
  return typeof value === 'string' ? value : undefined;
};

/** Shipments and invoices name their order; orders and invoices their customer. */
const ORDER_LINKED: ReadonlySet<StoredErpEntity> = new Set(['shipment', 'invoice']);
const CUSTOMER_LINKED: ReadonlySet<StoredErpEntity> = new Set(['salesOrder', 'invoice']);

/**
 * Decides one event against the item as read (undefined: never seen).
 *
 * - older change time than the applied one: `stale`;
 * - the same fingerprint as the applied payload: `duplicate`;
 * - otherwise the merged item, version + 1: absent fields keep their value,
 *   `lineItems` replaces the lines as a whole, `status` is copied, a
 *   `deleted` keeps the item with `deleted_at` and status `deleted`, status
 *   `cancelled` stamps `cancelled_at` once.
 *
 * @example
 * const decision = decideErpChange(existing, { eventType: 'updated', entity: 'salesOrder', entityId: 'SO-1', payload });
 * if (decision.kind === 'write') await putErpItem(decision.item, decision.expectedVersion);
 */
const decideErpChange = (existing: ErpItem | undefined, change: ErpChange, now: Date = new Date()): ErpDecision => {
  const fingerprint = erpFingerprint(change);
  const changeTime = change.payload ? changeTimeOf(change.payload as { lastModified?: string }) : undefined;
  if (existing) {
    if (changeTime !== undefined && existing.change_time !== undefined && changeTime < existing.change_time) {
      return { kind: 'stale' };
    }
    if (existing.fingerprint === fingerprint) return { kind: 'duplicate' };
  }
  const at = now.toISOString();
  const data: Record<string, unknown> = { ...(existing?.data ?? {}), ...(change.payload ?? {}) };
  const deleted = change.eventType === 'deleted';
  const status = deleted ? 'deleted' : (stringField(change.payload ?? {}, 'status') ?? existing?.status);
  const orderId = ORDER_LINKED.has(change.entity) ? stringField(data, 'orderId') : undefined;
  const customerId = CUSTOMER_LINKED.has(change.entity) ? stringField(data, 'customerId') : undefined;
  const deliveryId = change.deliveryId ?? `fp:${fingerprint}`;
  const syncEvent: CarriedSyncEvent = carriedSyncEvent(
    {
      direction: 'inbound',
      source: 'erp',
      event: change.eventType,
      outcome: 'processed',
      timestamp: at,
      delivery_id: deliveryId,
    },
    now,
  );
  // A bulk load's mark belongs to the write that made it: a later webhook change is announced as ever.
  const { bulk_job_id: _previousMark, ...kept } = existing ?? ({} as Partial<ErpItem>);
  const item: ErpItem = {
    ...kept,
    pk: erpKey(change.entity, change.entityId),
    sk: ENTITY_SK,
    entity: change.entity,
    entity_id: change.entityId,
    data,
    ...(status === undefined ? {} : { status }),
    ...(orderId === undefined ? {} : { order_id: orderId }),
    ...(customerId === undefined ? {} : { customer_id: customerId }),
    version: (existing?.version ?? 0) + 1,
    ...((changeTime ?? existing?.change_time) === undefined
      ? {}
      : { change_time: changeTime ?? existing?.change_time }),
    fingerprint,
    last_event_type: change.eventType,
    last_delivery_id: deliveryId,
    created_at: existing?.created_at ?? at,
    updated_at: at,
    ...(deleted ? { deleted_at: existing?.deleted_at ?? at } : {}),
    ...(status === 'cancelled' ? { cancelled_at: existing?.cancelled_at ?? at } : {}),
    sync_event: encodeSyncEvent(syncEvent),
    ...(change.bulkJobId === undefined ? {} : { bulk_job_id: change.bulkJobId }),
  };
  return { kind: 'write', item, expectedVersion: existing?.version };
};

export { decideErpChange, erpFingerprint, canonicalJson };

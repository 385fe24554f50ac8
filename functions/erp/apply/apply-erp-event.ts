import { countForIntegration } from '../../kernel/integration-metric.js';
import { logger } from '../../kernel/observability.js';
import { applyStockChange } from '../../kernel/stock/stock-updates.js';
import { applyStoredErpChange } from '../../kernel/erp/apply-stored.js';
import { erpFingerprint } from '../../kernel/erp/erp-decision.js';
import { type ErpEventType, type ErpPayloads, changeTimeOf } from '../../kernel/erp/erp-events.js';
import type { StoredErpEntity } from '../../kernel/erp/erp-items.js';

/**
 * Applies one ERP event whose payload is known (pushed by the webhook or
 * fetched back for an id-only notification): the stored entities by a
 * conditional write on their version, `inventory` through the stock path
 * as an absolute count from `erp`. Answers what the webhook answers.
 */

export interface ErpAnswer {
  readonly status: 'processed' | 'duplicate' | 'stale';
  readonly entity: string;
  readonly entity_id: string;
}

/** An event with its payload parsed (absent only for a `deleted` that sent none). */
export type ParsedErpEvent =
  | {
      readonly eventType: ErpEventType;
      readonly entity: StoredErpEntity;
      readonly entityId: string;
      readonly payload?: Readonly<Record<string, unknown>>;
    }
  | {
      readonly eventType: ErpEventType;
      readonly entity: 'inventory';
      readonly entityId: string;
      readonly payload?: ErpPayloads['inventory'];
    };

const answer = (status: ErpAnswer['status'], entity: string, entityId: string): ErpAnswer => ({
  status,
  entity,
  entity_id: entityId,
});

/** The stored entities through the shared read-decide-write (`kernel/erp/apply-stored.ts`). */
const applyStored = async (
  event: Extract<ParsedErpEvent, { entity: StoredErpEntity }>,
  deliveryId: string | undefined,
): Promise<ErpAnswer> => {
  const outcome = await applyStoredErpChange({ ...event, deliveryId });
  return answer(outcome.kind === 'written' ? 'processed' : outcome.kind, event.entity, event.entityId);
};

/**
 * The count of an ERP `inventory` event, through the stock path: one
 * atomic update setting the level and the extra quantities, conditional on
 * the item having taken no newer ERP count (by `lastModified`, `updatedAt`
 * or `lastCountDate`) and not this very one; then its transaction. The
 * inventory stream consumer fans the level out to every system but its
 * source, the ERP.
 */
const applyInventory = async (
  event: Extract<ParsedErpEvent, { entity: 'inventory' }>,
  deliveryId: string | undefined,
): Promise<ErpAnswer> => {
  const { payload, entityId: sku } = event;
  if (!payload) {
    // A stock level cannot be deleted from the ERP's side: the count stays as it is, only the event is answered.
    logger.warn('ERP inventory deleted event without a count; nothing to apply', { sku });
    return answer('processed', 'inventory', sku);
  }
  const fingerprint = erpFingerprint(event);
  const stamp = changeTimeOf(payload) ?? (payload.lastCountDate ? Date.parse(payload.lastCountDate) : undefined);
  const outcome = await applyStockChange(
    {
      source: 'erp',
      sku,
      warehouse: payload.warehouse,
      type: 'count',
      quantity: payload.qtyOnHand,
      reason: 'ERP count',
    },
    deliveryId ?? `fp:${fingerprint}`,
    new Date().toISOString(),
    {
      ...(payload.qtyAvailable === undefined ? {} : { quantity_available: payload.qtyAvailable }),
      ...(payload.qtyReserved === undefined ? {} : { quantity_reserved: payload.qtyReserved }),
      ...(payload.qtyOnOrder === undefined ? {} : { quantity_on_order: payload.qtyOnOrder }),
      ...(payload.binLocation === undefined ? {} : { bin_location: payload.binLocation }),
      ...(payload.lastCountDate === undefined ? {} : { last_count_date: payload.lastCountDate }),
      ...(stamp === undefined ? {} : { erp_change_time: stamp }),
      erp_fingerprint: fingerprint,
    },
  );
  switch (outcome.kind) {
    case 'applied':
      // Its transaction is written by the inventory stream consumer, from the update's new image.
      countForIntegration('Inbound_synced', 'erp');
      return answer('processed', 'inventory', sku);
    case 'already-applied':
      // The item names this delivery as its last: unkeyed, that is the same payload again (a duplicate);
      // keyed, our own update retried by the SDK. Either way the stream consumer writes its transaction.
      return answer(deliveryId === undefined ? 'duplicate' : 'processed', 'inventory', sku);
    case 'erp-duplicate':
      return answer('duplicate', 'inventory', sku);
    case 'erp-stale':
      return answer('stale', 'inventory', sku);
    case 'negative':
    case 'too-large':
      // A count sets the level: it is never negative and the schema bounds it.
      throw new Error(`unexpected stock outcome ${outcome.kind} for an ERP count`);
  }
};

/**
 * @param deliveryId `eventId` or the Idempotency-Key header; undefined for an unkeyed delivery (then the fingerprint).
 * @example
 * await applyErpEvent({ eventType: 'created', entity: 'salesOrder', entityId: 'SO-1', payload }, 'evt-1');
 * // { status: 'processed', entity: 'salesOrder', entity_id: 'SO-1' }
 */
const applyErpEvent = async (event: ParsedErpEvent, deliveryId: string | undefined): Promise<ErpAnswer> =>
  event.entity === 'inventory' ? applyInventory(event, deliveryId) : applyStored(event, deliveryId);

export { applyErpEvent };

import { countForIntegration } from '../../kernel/integration-metric.js';
import { logger } from '../../kernel/observability.js';
import { applyStockChange } from '../../kernel/stock/stock-updates.js';
import { transactionOf } from '../../kernel/stock/stock.js';
import { putTransaction } from '../../kernel/stock/transaction-writes.js';
import { decideErpChange, erpFingerprint } from '../domain/erp-decision.js';
import { type ErpEventType, type ErpPayloads, changeTimeOf } from '../domain/erp-events.js';
import type { StoredErpEntity } from '../domain/erp-items.js';
import { getErpItem } from '../store/erp-reads.js';
import { putErpItem } from '../store/erp-store.js';

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

/**
 * A lost race is read again and decided again. Each loss means another
 * write to the entity won, so N writers racing on one entity lose at most
 * N - 1 times each; 30 covers a burst of 30 changes to one order (an ERP
 * replaying its backlog), and only a runaway sender passes it.
 */
const MAX_ROUNDS = 30;

/** A random pause that grows with the round, so writers that keep colliding spread out. */
const backOff = (round: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(5 * round, 50)));

const answer = (status: ErpAnswer['status'], entity: string, entityId: string): ErpAnswer => ({
  status,
  entity,
  entity_id: entityId,
});

const applyStored = async (
  event: Extract<ParsedErpEvent, { entity: StoredErpEntity }>,
  deliveryId: string | undefined,
): Promise<ErpAnswer> => {
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const existing = await getErpItem(event.entity, event.entityId);
    const decision = decideErpChange(existing, { ...event, deliveryId });
    if (decision.kind !== 'write') {
      logger.info('ERP event not applied', { entity: event.entity, entity_id: event.entityId, outcome: decision.kind });
      return answer(decision.kind, event.entity, event.entityId);
    }
    if (await putErpItem(decision.item, decision.expectedVersion)) {
      countForIntegration('Inbound_synced', 'erp');
      return answer('processed', event.entity, event.entityId);
    }
    logger.debug('ERP entity changed while applying; deciding again', { entity: event.entity, round });
    await backOff(round);
  }
  throw new Error(`ERP ${event.entity} ${event.entityId} kept changing; ${MAX_ROUNDS} writes lost the race`);
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
      await putTransaction(transactionOf(outcome.stock));
      countForIntegration('Inbound_synced', 'erp');
      return answer('processed', 'inventory', sku);
    case 'already-applied':
      // The item names this delivery as its last: unkeyed, that is the same payload again (a duplicate);
      // keyed, our own update retried by the SDK. Either way its transaction is made sure of (the stream
      // consumer would write a missing one too; writing it here makes it visible at once).
      await putTransaction(transactionOf(outcome.stock));
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

import { HttpError } from '../http/responses.js';
import { type ClaimInfo, EffectCommittedError } from '../idempotency/idempotency.js';
import { countForIntegration } from '../integration-metric.js';
import { logger } from '../observability.js';
import { type InventoryAdjustment, MAX_STOCK_QUANTITY, quantityAfter } from './adjustment.js';
import { type StockItem, transactionOf } from './stock.js';
import { findTransactionByDelivery } from './stock-reads.js';
import { applyStockChange } from './stock-updates.js';
import { putTransaction } from './transaction-writes.js';

/**
 * Applies one verified adjustment: the atomic stock update, then the
 * transaction item that records it. Runs under the delivery's idempotency
 * claim (see `../idempotency.ts`), which keeps a redelivered webhook from
 * applying twice; this module handles what the claim cannot see, a crash
 * between the two writes. The inventory stream consumer is the backstop
 * for that crash: it writes any transaction missing for a stock version
 * (`ensureTransaction`), so a takeover finds it even after later updates.
 */

/** The webhook's answer: the quantity this adjustment produced. */
export interface AdjustmentResult {
  readonly status: 'synced';
  readonly sku: string;
  readonly warehouse: string;
  readonly new_quantity: number;
}

/** How far back (before the first claim) a crashed attempt's transaction may be dated: clocks of two Lambdas differ. */
const CLOCK_ALLOWANCE_MS = 60_000;

const resultOf = (sku: string, warehouse: string, quantity: number): AdjustmentResult => ({
  status: 'synced',
  sku,
  warehouse,
  new_quantity: quantity,
});

/** After the stock moved, the transaction must be written; failing that, the claim is kept for a takeover to finish. */
const recordTransaction = async (stock: StockItem): Promise<void> => {
  try {
    await putTransaction(transactionOf(stock));
  } catch (error) {
    throw new EffectCommittedError('stock updated but its transaction could not be written', { cause: error });
  }
};

/**
 * A takeover: an earlier copy claimed this delivery and died. If its stock
 * update happened, finish its work instead of applying again. The stock
 * item says so while it is still the last update; otherwise the
 * transaction written since the first claim does (by that copy, or by the
 * stream consumer when the copy died before writing it).
 */
const recoverCrashedAttempt = async (
  adjustment: InventoryAdjustment,
  deliveryId: string,
  claim: ClaimInfo,
): Promise<AdjustmentResult | undefined> => {
  const since = new Date(Date.parse(claim.firstClaimedAt) - CLOCK_ALLOWANCE_MS).toISOString();
  const written = await findTransactionByDelivery(adjustment, deliveryId, since);
  if (written) {
    logger.warn('takeover: the crashed attempt had applied the adjustment; answering its result', {
      version: written.version,
    });
    return resultOf(written.sku, written.warehouse, written.quantity_after);
  }
  return undefined;
};

/**
 * @example
 * const result = await applyAdjustment(payload, deliveryId, { takeover: false, firstClaimedAt });
 * // { status: 'synced', sku: 'SKU-1', warehouse: 'WH-1', new_quantity: 12 }
 */
const applyAdjustment = async (
  adjustment: InventoryAdjustment,
  deliveryId: string,
  claim: ClaimInfo,
  now: Date = new Date(),
): Promise<AdjustmentResult> => {
  const { sku, warehouse } = adjustment;
  if (claim.takeover) {
    const recovered = await recoverCrashedAttempt(adjustment, deliveryId, claim);
    if (recovered) return recovered;
  }

  const outcome = await applyStockChange(adjustment, deliveryId, now.toISOString());
  switch (outcome.kind) {
    case 'negative': {
      const attempted = quantityAfter(outcome.currentQuantity, adjustment.type, adjustment.quantity).after;
      throw new HttpError(400, 'Inventory cannot be negative', {
        current_qty: outcome.currentQuantity,
        attempted_qty: attempted,
      });
    }
    case 'too-large': {
      // Answered as a refused negative result is, and naming the field to change as a schema refusal does.
      const attempted = quantityAfter(outcome.currentQuantity, adjustment.type, adjustment.quantity).after;
      const message = `would take the stock to ${attempted}, above the most one stock level holds (${MAX_STOCK_QUANTITY})`;
      throw new HttpError(400, `Invalid body: quantity: ${message}`, {
        current_qty: outcome.currentQuantity,
        attempted_qty: attempted,
        issues: [{ path: 'quantity', message }],
      });
    }
    case 'erp-stale':
    case 'erp-duplicate':
      // Only an ERP count with its extras can be refused so; adjustments never pass them.
      throw new Error(`unexpected stock outcome ${outcome.kind} for an adjustment`);
    case 'already-applied':
      // Our update went through but its answer did not reach us (or a crashed copy's did not reach it).
      logger.warn('adjustment was already applied by this delivery; rebuilding its transaction', {
        version: outcome.stock.version,
      });
      await recordTransaction(outcome.stock);
      return resultOf(sku, warehouse, outcome.stock.quantity_on_hand);
    case 'applied':
      await recordTransaction(outcome.stock);
      logger.info('inventory adjusted', {
        sku,
        warehouse,
        type: adjustment.type,
        source: adjustment.source,
        quantity_before: outcome.stock.last_quantity_before,
        quantity_after: outcome.stock.quantity_on_hand,
        version: outcome.stock.version,
      });
      countForIntegration('Inbound_synced', adjustment.source);
      return resultOf(sku, warehouse, outcome.stock.quantity_on_hand);
  }
};

/**
 * The id an adjustment's delivery is claimed under (`runOnce`): the sending
 * system and its webhook id. The ERP, the shop, the POS and the WMS each
 * number their webhooks on their own, so an id one of them used says
 * nothing about the same id from another: keyed on the id alone, the POS's
 * `msg_1` after the ERP's answered 422 (or `duplicate`) and was lost. The
 * source comes from the signed body and holds no `#`, so the pair is read
 * back unambiguously.
 *
 * @example
 * deliveryClaimId({ source: 'pos' }, 'msg_1'); // 'pos#msg_1'
 */
const deliveryClaimId = (adjustment: Pick<InventoryAdjustment, 'source'>, deliveryId: string): string =>
  `${adjustment.source}#${deliveryId}`;

export { applyAdjustment, deliveryClaimId };

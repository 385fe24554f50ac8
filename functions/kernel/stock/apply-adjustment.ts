import { HttpError } from '../http/responses.js';
import { DeliveryInProgressError } from '../idempotency/delivery-errors.js';
import type { ClaimInfo, DeliveryOutcome } from '../idempotency/idempotency.js';
import { countForIntegration } from '../integration-metric.js';
import { logger } from '../observability.js';
import { type InventoryAdjustment, MAX_STOCK_QUANTITY, quantityAfter } from './adjustment.js';
import { findTransactionByDelivery, getStock } from './stock-reads.js';
import { applyStockChange } from './stock-updates.js';

/**
 * Applies one verified adjustment with ONE write, the atomic stock update,
 * under the delivery's idempotency claim (see `../idempotency.ts`), which
 * keeps a redelivered webhook from applying twice.
 *
 * The adjustment's transaction (its ledger entry) is not written here: the
 * inventory stream consumer writes it from the stock item's new image, the
 * before and after the atomic update itself wrote (`transactionOf`). And the
 * claim is not completed either: the stock item and the ledger already say
 * whether a delivery was applied and what it answered, so a copy that finds
 * the claim still in progress asks {@link outcomeOfDelivery} instead
 * (`runOnce`'s `outcomeOf`). An adjustment costs the claim, the update and
 * the ledger entry: three writes where it used to take four, two of them
 * before the answer where it used to take four.
 */

/** The webhook's answer: the quantity this adjustment produced. */
export interface AdjustmentResult {
  readonly status: 'synced';
  readonly sku: string;
  readonly warehouse: string;
  readonly new_quantity: number;
}

/**
 * How far before the first claim an attempt's update may be dated: the
 * update is dated by the clock of the Lambda that made it, taken before it
 * is sent, and clocks of two Lambdas differ.
 */
const CLOCK_ALLOWANCE_MS = 60_000;
/** How long a takeover waits for the stream consumer to write the ledger up to the stock's version. */
const LEDGER_WAIT_MS = 3_000;
const LEDGER_POLL_MS = 100;
/** When a takeover could not tell (the ledger still behind), the sender is asked back after this. */
const LEDGER_RETRY_SECONDS = 2;

const resultOf = (sku: string, warehouse: string, quantity: number): AdjustmentResult => ({
  status: 'synced',
  sku,
  warehouse,
  new_quantity: quantity,
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Whether this delivery's adjustment was applied, and the quantity it
 * produced: the stock item says so while it is still the last update;
 * otherwise the ledger does, among the versions written since the first
 * claim. While the stream consumer has not written every one of those
 * versions, absence proves nothing and the answer is `unknown`.
 *
 * @example
 * await outcomeOfDelivery(adjustment, 'msg_1', claim.firstClaimedAt);
 * // { kind: 'done', value: { status: 'synced', sku: 'SKU-1', warehouse: 'WH-1', new_quantity: 7 } }
 */
const outcomeOfDelivery = async (
  adjustment: InventoryAdjustment,
  deliveryId: string,
  firstClaimedAt: string,
): Promise<DeliveryOutcome<AdjustmentResult>> => {
  const stock = await getStock(adjustment.sku, adjustment.warehouse);
  if (!stock) return { kind: 'not-done' };
  if (stock.last_delivery_id === deliveryId && stock.last_adjustment_source === adjustment.source) {
    return { kind: 'done', value: resultOf(stock.sku, stock.warehouse, stock.quantity_on_hand) };
  }
  const since = new Date(Date.parse(firstClaimedAt) - CLOCK_ALLOWANCE_MS).toISOString();
  // Not changed since well before the claim: nothing since, this delivery included, can have applied.
  if (stock.updated_at < since) return { kind: 'not-done' };
  const inLedger = await findTransactionByDelivery(adjustment, deliveryId, since, stock.version);
  switch (inLedger.kind) {
    case 'found': {
      const { sku, warehouse, quantity_after } = inLedger.transaction;
      return { kind: 'done', value: resultOf(sku, warehouse, quantity_after) };
    }
    case 'absent':
      return { kind: 'not-done' };
    case 'behind':
      return { kind: 'unknown' };
  }
};

/**
 * A takeover: an earlier copy claimed this delivery and its lease ran out
 * (it crashed, timed out, or answered and its answer was lost). If its
 * update happened, answer its result instead of applying again; if that
 * cannot be told yet, ask the sender back rather than guess.
 */
const recoverEarlierAttempt = async (
  adjustment: InventoryAdjustment,
  deliveryId: string,
  claim: ClaimInfo,
): Promise<AdjustmentResult | undefined> => {
  const waitUntil = Date.now() + LEDGER_WAIT_MS;
  let outcome = await outcomeOfDelivery(adjustment, deliveryId, claim.firstClaimedAt);
  while (outcome.kind === 'unknown' && Date.now() < waitUntil) {
    await sleep(LEDGER_POLL_MS);
    outcome = await outcomeOfDelivery(adjustment, deliveryId, claim.firstClaimedAt);
  }
  switch (outcome.kind) {
    case 'done':
      logger.warn('takeover: an earlier copy had applied the adjustment; answering its result', {
        new_quantity: outcome.value.new_quantity,
      });
      return outcome.value;
    case 'unknown':
      logger.warn('takeover: the ledger is not written up to the stock version yet; asking the sender back', {
        sku: adjustment.sku,
        warehouse: adjustment.warehouse,
      });
      throw new DeliveryInProgressError(LEDGER_RETRY_SECONDS);
    case 'not-done':
      return undefined;
  }
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
    const recovered = await recoverEarlierAttempt(adjustment, deliveryId, claim);
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
      logger.warn('adjustment was already applied by this delivery; answering its result', {
        version: outcome.stock.version,
      });
      return resultOf(sku, warehouse, outcome.stock.quantity_on_hand);
    case 'applied':
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

export { applyAdjustment, deliveryClaimId, outcomeOfDelivery };

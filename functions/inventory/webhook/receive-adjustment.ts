import { createHash } from 'node:crypto';
import type { WebhookDelivery } from '../../kernel/http/webhook.js';
import { HttpError } from '../../kernel/http/responses.js';
import { runOnce } from '../../kernel/idempotency/idempotency.js';
import {
  type AdjustmentResult,
  applyAdjustment,
  deliveryClaimId,
  outcomeOfDelivery,
} from '../../kernel/stock/apply-adjustment.js';
import type { InventoryAdjustment } from '../../kernel/stock/adjustment.js';

/**
 * The domain half of `POST /webhooks/inventory`: a verified, parsed
 * adjustment is applied once per webhook-id.
 *
 * A redelivery of an id already applied answers 200 with that adjustment's
 * result and `status: "duplicate"` (its `new_quantity` is the quantity that
 * adjustment produced, not today's), so the sender stops retrying and a
 * reader sees nothing was applied twice. The result is read from the stock
 * item and the ledger (`outcomeOfDelivery`), not stored on the claim: that
 * saves a write per adjustment. After the first copy's lease has run out
 * (its time left plus 2 s), a redelivery takes the claim over, finds the
 * result the same way and answers it as `synced`, as for a copy that
 * crashed; later copies then read it from the claim as `duplicate`. A copy
 * arriving while the first is still running, or while the ledger is not yet
 * written far enough to tell, waits briefly, then answers 409 with
 * Retry-After. A refused adjustment (negative result) stores nothing, so a
 * redelivery is judged again on the stock as it is then.
 */
export interface InventoryWebhookAnswer extends Omit<AdjustmentResult, 'status'> {
  readonly status: 'synced' | 'duplicate';
}

/** Added to the time the invocation has left, so a claim outlives the copy that holds it. */
const LEASE_MARGIN_SECONDS = 2;
const SCOPE = 'inventory-webhook';

/**
 * The claim's lease: the time this invocation has left plus a margin, so a
 * copy still running is never taken over (Lambda ends it at its timeout).
 */
const leaseSecondsFor = (remainingMs: number): number => Math.ceil(remainingMs / 1000) + LEASE_MARGIN_SECONDS;

/**
 * @param remainingMs the invocation's time left (`context.getRemainingTimeInMillis()`).
 *
 * @example
 * await receiveInventoryAdjustment({ payload, deliveryId: 'msg_1', request }, context.getRemainingTimeInMillis());
 * // { status: 'synced', sku: 'SKU-1', warehouse: 'WH-1', new_quantity: 15 }
 */
const receiveInventoryAdjustment = async (
  {
    payload,
    deliveryId,
    request,
  }: Pick<WebhookDelivery<InventoryAdjustment>, 'payload' | 'deliveryId'> &
    Partial<Pick<WebhookDelivery<InventoryAdjustment>, 'request'>>,
  remainingMs: number,
): Promise<InventoryWebhookAnswer> => {
  // The same id with other bytes is a sender bug: refused (422), never answered as a duplicate.
  const fingerprint = request ? createHash('sha256').update(request.rawBody).digest('base64url') : undefined;
  const { value, duplicate } = await runOnce(
    {
      scope: SCOPE,
      leaseSeconds: leaseSecondsFor(remainingMs),
      // The stock item and the ledger record each delivery's result: no completion write per adjustment.
      outcomeOf: (claim) => outcomeOfDelivery(payload, deliveryId, claim.firstClaimedAt),
      // A refused adjustment (below zero, past the maximum) failed its condition: nothing was written.
      wroteNothing: (error) => error instanceof HttpError && error.statusCode < 500,
    },
    deliveryClaimId(payload, deliveryId),
    (claim) => applyAdjustment(payload, deliveryId, claim),
    fingerprint,
  );
  return duplicate ? { ...value, status: 'duplicate' } : value;
};

export { receiveInventoryAdjustment };

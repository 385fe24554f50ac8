import { createHash } from 'node:crypto';
import { topology } from '../../lib/topology.js';
import type { WebhookDelivery } from '../shared/http/webhook.js';
import { runOnce } from '../shared/idempotency.js';
import { type AdjustmentResult, applyAdjustment } from '../shared/inventory/apply-adjustment.js';
import type { InventoryAdjustment } from '../shared/inventory/adjustment.js';

/**
 * The domain half of `POST /webhooks/inventory`: a verified, parsed
 * adjustment is applied once per webhook-id.
 *
 * A redelivery of an id already applied answers 200 with the stored result
 * and `status: "duplicate"` (its `new_quantity` is the quantity that
 * adjustment produced, not today's), so the sender stops retrying and a
 * reader sees nothing was applied twice. A copy arriving while the first is
 * still running waits for it briefly, then answers 409 with Retry-After.
 * A refused adjustment (negative result) stores nothing, so a redelivery is
 * judged again on the stock as it is then.
 */
export interface InventoryWebhookAnswer extends Omit<AdjustmentResult, 'status'> {
  readonly status: 'synced' | 'duplicate';
}

/** Claims outlive the function's timeout, so a copy still running is never taken over. */
const LEASE_SECONDS = topology.functions.inventoryWebhook.timeoutSeconds + 2;
const SCOPE = 'inventory-webhook';

/**
 * @example
 * await receiveInventoryAdjustment({ payload, deliveryId: 'msg_1', request });
 * // { status: 'synced', sku: 'SKU-1', warehouse: 'WH-1', new_quantity: 15 }
 */
const receiveInventoryAdjustment = async ({
  payload,
  deliveryId,
  request,
}: Pick<WebhookDelivery<InventoryAdjustment>, 'payload' | 'deliveryId'> &
  Partial<Pick<WebhookDelivery<InventoryAdjustment>, 'request'>>): Promise<InventoryWebhookAnswer> => {
  // The same id with other bytes is a sender bug: refused (422), never answered as a duplicate.
  const fingerprint = request ? createHash('sha256').update(request.rawBody).digest('base64url') : undefined;
  const { value, duplicate } = await runOnce(
    { scope: SCOPE, leaseSeconds: LEASE_SECONDS },
    deliveryId,
    (claim) => applyAdjustment(payload, deliveryId, claim),
    fingerprint,
  );
  return duplicate ? { ...value, status: 'duplicate' } : value;
};

export { receiveInventoryAdjustment };

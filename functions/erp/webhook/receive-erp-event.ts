import { createHash } from 'node:crypto';
import { parseOr400 } from '../../kernel/http/parse-or-400.js';
import { runOnce } from '../../kernel/idempotency/idempotency.js';
import { enqueueOutbound } from '../../kernel/outbound/outbound-queue.js';
import { type ErpAnswer, type ParsedErpEvent, applyErpEvent } from '../apply/apply-erp-event.js';
import { type ErpEnvelope, erpPayloads } from '../../kernel/erp/erp-events.js';
import { planErpFetch } from '../fetch/plan-fetch.js';

/**
 * The domain half of `POST /webhooks/erp`, after the key and the envelope:
 *
 * - no payload (and not `deleted`): an id-only notification; the entity is
 *   fetched through the outbound queue, never inline (202 `queued`);
 * - the payload checked against its entity's schema (400 naming
 *   `payload.<path>`, nothing written);
 * - a keyed delivery (`eventId`, else the Idempotency-Key header) runs once
 *   per key (`runOnce`, scope `erp-webhook`): a redelivery answers
 *   `duplicate`, the same key with other bytes 422; an unkeyed one is
 *   deduplicated by the entity's change time and payload fingerprint.
 */

export interface ErpWebhookAnswer {
  readonly httpStatus: 200 | 202;
  readonly body: ErpAnswer | { readonly status: 'queued'; readonly entity: string; readonly entity_id: string };
}

const SCOPE = 'erp-webhook';
const LEASE_MARGIN_SECONDS = 2;

/**
 * @param deliveryKey `eventId` or the Idempotency-Key header, if any.
 * @example
 * await receiveErpEvent(envelope, { deliveryKey: 'evt-1', rawBody, remainingMs: 9000 });
 */
const receiveErpEvent = async (
  envelope: ErpEnvelope,
  { deliveryKey, rawBody, remainingMs }: { deliveryKey?: string; rawBody: Buffer; remainingMs: number },
): Promise<ErpWebhookAnswer> => {
  const { eventType, entity, entityId } = envelope;
  if (envelope.payload === undefined && eventType !== 'deleted') {
    const message = planErpFetch({ eventType, entity, entityId, deliveryId: deliveryKey }, new Date().toISOString());
    await enqueueOutbound([message]);
    return { httpStatus: 202, body: { status: 'queued', entity, entity_id: entityId } };
  }
  const payload =
    envelope.payload === undefined
      ? undefined
      : parseOr400(erpPayloads[entity], envelope.payload, 'payload', ['payload']);
  const event = { eventType, entity, entityId, payload } as ParsedErpEvent;
  if (deliveryKey === undefined) return { httpStatus: 200, body: await applyErpEvent(event, undefined) };

  const fingerprint = createHash('sha256').update(rawBody).digest('base64url');
  const { value, duplicate } = await runOnce(
    { scope: SCOPE, leaseSeconds: Math.ceil(remainingMs / 1000) + LEASE_MARGIN_SECONDS },
    deliveryKey,
    () => applyErpEvent(event, deliveryKey),
    fingerprint,
  );
  return { httpStatus: 200, body: duplicate ? { ...value, status: 'duplicate' } : value };
};

export { receiveErpEvent };

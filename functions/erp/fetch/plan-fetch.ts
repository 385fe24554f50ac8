import type { OutboundMessageInput } from '../../kernel/outbound/message.js';
import type { ErpEntity, ErpEventType } from '../../kernel/erp/erp-events.js';

/**
 * The outbound message that fetches an entity an id-only notification
 * named: `GET /api/{entity}/{id}` on the `erp` integration (the dispatcher
 * adds the base URL and the bearer key), with the `erp.fetchEntity` action
 * that applies the answer as a webhook payload. One FIFO group per entity,
 * so two notifications of one entity are fetched and applied in order.
 */

const FETCH_ACTION = 'erp.fetchEntity';

export interface FetchParams {
  readonly eventType: ErpEventType;
  readonly entity: ErpEntity;
  readonly entityId: string;
  /** `eventId` or the Idempotency-Key header of the notification, when it had one. */
  readonly deliveryId?: string;
}

/**
 * @param receivedAt makes an unkeyed notification's message id unique per
 *   arrival (SQS would drop a second fetch within five minutes otherwise,
 *   and the entity may have changed again since).
 * @example
 * planErpFetch({ eventType: 'updated', entity: 'salesOrder', entityId: 'SO-1' }, '2026-12-03T10:00:00Z');
 * // { id: 'erp-fetch#salesOrder#SO-1#...', group: 'erp#salesOrder#SO-1', request: { method: 'GET', path: '/api/salesOrder/SO-1' }, ... }
 */
const planErpFetch = (params: FetchParams, receivedAt: string): OutboundMessageInput => ({
  id: `erp-fetch#${params.entity}#${params.entityId}#${params.deliveryId ?? receivedAt}`,
  group: `erp#${params.entity}#${params.entityId}`,
  request: {
    integration: 'erp',
    method: 'GET',
    path: `/api/${encodeURIComponent(params.entity)}/${encodeURIComponent(params.entityId)}`,
  },
  action: {
    name: FETCH_ACTION,
    params: {
      eventType: params.eventType,
      entity: params.entity,
      entityId: params.entityId,
      ...(params.deliveryId === undefined ? {} : { deliveryId: params.deliveryId }),
    },
  },
  context: { entity: params.entity, entity_id: params.entityId },
});

export { planErpFetch, FETCH_ACTION };

import { logger } from '../../kernel/observability.js';
import type { OutboundAction } from '../../kernel/outbound/action.js';
import { appendSyncEvent } from '../../kernel/sync-log/sync-events.js';
import * as z from '../../kernel/validation.js';
import { type ParsedErpEvent, applyErpEvent } from '../apply/apply-erp-event.js';
import { ERP_ENTITIES, ERP_EVENT_TYPES, erpPayloads } from '../../kernel/erp/erp-events.js';

// Built on first use, not at import: a cold start should not pay for schemas
// its first request may never use (issue 15); z.lazy keeps each one schema.
/**
 * `erp.fetchEntity`: the second half of an id-only notification. The
 * dispatcher sends the GET the message describes (base URL and bearer key
 * from the `erp` integration; a 5xx or a timeout is retried and
 * dead-lettered as any outbound call); on a 2xx this applies the body as
 * the webhook applies a payload, through the same code and the same
 * change-time and fingerprint dedupe.
 *
 * A body that is not the entity (the ERP answered 200 with something
 * else) is not retried: asking again would get the same answer and loop.
 * It is recorded as a sync event with outcome `rejected` naming the first
 * bad field, and logged as an error; the notification's effect is then
 * nothing, as for a refused webhook payload.
 */

const fetchParams = z.lazy(() =>
  z.object({
    eventType: z.enum(ERP_EVENT_TYPES),
    entity: z.enum(ERP_ENTITIES),
    entityId: z.string().check(z.minLength(1)),
    deliveryId: z.optional(z.string()),
  }),
);

const firstIssue = (error: z.core.$ZodError): string => {
  const issue = error.issues[0];
  if (!issue) return 'is not valid';
  const path = issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.');
  return `${path}: ${issue.message}`;
};

const erpFetchAction: OutboundAction = {
  async afterSuccess(message, answer) {
    const params = z.parse(fetchParams, message.action?.params ?? {});
    const parsed = z.safeParse(erpPayloads[params.entity], answer.body);
    if (!parsed.success) {
      const reason = `fetched ${params.entity} is not valid: ${firstIssue(parsed.error)}`;
      logger.error('ERP fetch answered a body that is not the entity; not applied, not retried', {
        entity: params.entity,
        entity_id: params.entityId,
        reason,
      });
      await appendSyncEvent({
        direction: 'inbound',
        source: 'erp',
        event: params.eventType,
        record_type: params.entity,
        record_id: params.entityId,
        outcome: 'rejected',
        ...(params.deliveryId === undefined ? {} : { delivery_id: params.deliveryId }),
        detail: { reason },
      });
      return;
    }
    const event = {
      eventType: params.eventType,
      entity: params.entity,
      entityId: params.entityId,
      payload: parsed.data,
    } as ParsedErpEvent;
    const result = await applyErpEvent(event, params.deliveryId);
    logger.info('ERP entity fetched and applied', {
      entity: params.entity,
      entity_id: params.entityId,
      outcome: result.status,
    });
  },
};

export { erpFetchAction };

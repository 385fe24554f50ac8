import { changeTime } from '../../kernel/http/change-time.js';
import { parseOr400 } from '../../kernel/http/parse-or-400.js';
import { storableOr400 } from '../../kernel/http/storable.js';
import { HttpError } from '../../kernel/http/responses.js';
import type { WebhookDelivery } from '../../kernel/http/webhook.js';
import { mappingFor, mappedTypes } from '../../kernel/mappings/crm/index.js';
import { remoteSchema, toLocal } from '../../kernel/mappings/mapping.js';
import { type InboundResult, applyInboundChange } from '../../kernel/inbound/apply-inbound.js';
import { dynamoRecordStore } from '../../kernel/inbound/dynamo-record-store.js';
import * as z from '../../kernel/validation.js';

/**
 * The CRM's webhook body. `type` is checked against the mappings after this
 * schema passes, so an unknown type answers `Unknown record type: X` rather
 * than a generic enum error; `data` is checked by the type's own mapping.
 */
const SYSTEM = 'crm';

// Built on the first parse, not at import (issue 15); z.lazy keeps it one schema.
const crmChangeEvent = z.lazy(() =>
  z.object({
    event: z.enum(['created', 'updated', 'deleted']),
    type: z.string().check(z.minLength(1)),
    id: z.union([
      z.string().check(z.minLength(1), z.maxLength(200)),
      z.pipe(
        z.int(),
        z.transform((n: number) => String(n)),
      ),
    ]),
    data: z._default(z.record(z.string(), z.unknown()), {}),
    /** The CRM's change time, which the inbound rules compare: never more than 5 minutes ahead of now. */
    timestamp: changeTime(),
  }),
);

export type CrmChangeEvent = z.output<typeof crmChangeEvent>;

/**
 * Maps a verified CRM change to our fields and applies it.
 *
 * @example
 * await receiveCrmChange({ payload: { event: 'updated', type: 'contact', id: '003A', data, timestamp }, deliveryId });
 */
const receiveCrmChange = async ({
  payload,
  deliveryId,
}: Pick<WebhookDelivery<CrmChangeEvent>, 'payload' | 'deliveryId'>): Promise<InboundResult> => {
  const mapping = mappingFor(SYSTEM, payload.type);
  if (!mapping) {
    throw new HttpError(400, `Unknown record type: ${payload.type}`, { known_types: mappedTypes(SYSTEM) });
  }
  const data = parseOr400(remoteSchema(mapping), payload.data, 'payload', ['data']);
  // What is written, checked as written: a number a double would change in a free-form field (an
  // address) has no exact home, and is refused here rather than stored wrong.
  const local = payload.event === 'deleted' ? {} : storableOr400(toLocal(mapping, data), { path: ['data'] });
  return applyInboundChange(
    {
      source: SYSTEM,
      event: payload.event,
      recordType: payload.type,
      externalId: payload.id,
      data: local,
      timestamp: payload.timestamp,
      deliveryId,
    },
    dynamoRecordStore,
  );
};

export { crmChangeEvent, receiveCrmChange };

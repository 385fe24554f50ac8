import { randomUUID } from 'node:crypto';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { ErpItem, StoredErpEntity } from '../../functions/kernel/erp/erp-items.js';

/**
 * Stored ERP items (the `erp` table's entity items) for tests of what
 * follows a write: stream images for the planners, items to put straight
 * into the table for the follow-up consumer. Ids are fresh per call unless
 * given, so tests never share items.
 *
 * @example
 * const order = anErpItem('salesOrder', { customer_id: 'C-1' }, { orderNumber: 'SO-1001', total: 124, currency: 'EUR' });
 * const paid = nextVersion(invoice, { status: 'paid' });
 */

const freshId = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

const PREFIX: Record<StoredErpEntity, string> = {
  salesOrder: 'SO',
  purchaseOrder: 'PO',
  invoice: 'INV',
  shipment: 'SH',
  customer: 'C',
};

/** An entity item at version 1; `fields` overrides the item's attributes, `data` merges into its ERP fields. */
const anErpItem = (
  entity: StoredErpEntity,
  fields: Partial<Omit<ErpItem, 'data'>> = {},
  data: Record<string, unknown> = {},
): ErpItem => {
  const id = fields.entity_id ?? freshId(PREFIX[entity]);
  return {
    pk: `${entity}#${id}`,
    sk: 'ENTITY',
    entity,
    entity_id: id,
    data,
    version: 1,
    last_event_type: 'created',
    last_delivery_id: `evt-${randomUUID().slice(0, 8)}`,
    created_at: '2026-12-03T10:00:00.000Z',
    updated_at: '2026-12-03T10:00:00.000Z',
    ...fields,
  } as ErpItem;
};

/** The item's next version, as an update would leave it. */
const nextVersion = (
  item: ErpItem,
  fields: Partial<Omit<ErpItem, 'data'>> = {},
  data: Record<string, unknown> = {},
): ErpItem =>
  ({
    ...item,
    version: item.version + 1,
    last_event_type: 'updated',
    updated_at: new Date(Date.parse(item.updated_at) + 60_000).toISOString(),
    ...fields,
    data: { ...item.data, ...data },
  }) as ErpItem;

/** A stream record of the `erp` table: INSERT without an old image, MODIFY with one. */
const erpStreamRecord = (now: ErpItem, old?: ErpItem): DynamoDBRecord => ({
  eventID: randomUUID(),
  eventName: old ? 'MODIFY' : 'INSERT',
  dynamodb: {
    Keys: marshall({ pk: now.pk, sk: now.sk }) as never,
    NewImage: marshall(now, { removeUndefinedValues: true }) as never,
    ...(old ? { OldImage: marshall(old, { removeUndefinedValues: true }) as never } : {}),
  },
});

export { anErpItem, nextVersion, erpStreamRecord };

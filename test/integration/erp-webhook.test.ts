import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredErpEntity } from '../../functions/kernel/erp/erp-items.js';
import { TEST_ERP_WEBHOOK_KEY, erpItemOf, postErpWebhook } from '../helpers/erp-client.js';
import {
  customerPayload,
  erpEvent,
  invoicePayload,
  purchaseOrderPayload,
  salesOrderPayload,
  shipmentPayload,
} from '../helpers/erp-factories.js';
import { type InventoryStack, startInventoryStack } from '../helpers/inventory-stack.js';
import type { TestStack } from '../helpers/test-stack.js';

/**
 * POST /webhooks/erp through the offline gateway onto DynamoDB Local: the
 * key, the envelope and payload refusals, the merge of every stored entity,
 * and the dedupe of redeliveries and out-of-order changes. Inventory is
 * erp-inventory.test.ts; id-only notifications erp-fetch.test.ts.
 */
let inventory: InventoryStack;
let stack: TestStack;

interface Answer {
  status?: string;
  entity?: string;
  entity_id?: string;
  error?: string;
  issues?: { path: string; message: string }[];
}

const post = (body: unknown, options?: Parameters<typeof postErpWebhook>[2]) =>
  postErpWebhook<Answer>(stack, body, options);

beforeAll(async () => {
  inventory = await startInventoryStack();
  ({ stack } = inventory);
});

afterAll(async () => {
  await inventory?.stop();
});

/** A partial update of each stored entity: one field changed, the rest left out. */
const updates: Readonly<Record<StoredErpEntity, { field: string; value: unknown; kept: string }>> = {
  salesOrder: { field: 'status', value: 'confirmed', kept: 'orderNumber' },
  purchaseOrder: { field: 'status', value: 'received', kept: 'poNumber' },
  invoice: { field: 'amountDue', value: 0, kept: 'invoiceNumber' },
  shipment: { field: 'status', value: 'in_transit', kept: 'carrier' },
  customer: { field: 'phone', value: '+1 555 0100', kept: 'email' },
};

describe('POST /webhooks/erp: every stored entity', () => {
  it.each(Object.keys(updates) as StoredErpEntity[])(
    'stores a %s on created, merges an update into it and keeps it marked on deleted',
    async (entity) => {
      // Prepare
      const created = erpEvent(entity);
      const { field, value, kept } = updates[entity];
      // Act
      const first = await post(created);
      const second = await post({
        ...created,
        eventType: 'updated',
        payload: { ...pickRequired(entity, created.payload), [field]: value },
      });
      const third = await post({ eventType: 'deleted', entity, entityId: created.entityId });
      // Assess
      expect(first).toEqual({ status: 200, body: { status: 'processed', entity, entity_id: created.entityId } });
      expect(second.body.status).toBe('processed');
      expect(third.body.status).toBe('processed');
      const item = await erpItemOf(stack, entity, created.entityId);
      expect(item).toMatchObject({
        entity,
        entity_id: created.entityId,
        version: 3,
        status: 'deleted',
        last_event_type: 'deleted',
        data: { [field]: value, [kept]: created.payload?.[kept] },
      });
      expect(item?.deleted_at).toEqual(expect.any(String));
      expect(JSON.parse(item?.sync_event ?? '{}')).toMatchObject({
        direction: 'inbound',
        source: 'erp',
        event: 'deleted',
      });
    },
  );

  it('replaces the lines of an order as a whole, links it to its customer, and stamps cancelled_at', async () => {
    // Prepare
    const created = erpEvent('salesOrder', { payload: salesOrderPayload({ customerId: 'CUST-9' }, 10) });
    await post(created);
    const oneLine = [{ sku: 'SKU-X', quantity: 1, unitPrice: 5, lineTotal: 5 }];
    // Act
    await post({
      ...created,
      eventType: 'updated',
      payload: { orderNumber: created.payload?.orderNumber, status: 'cancelled', lineItems: oneLine },
    });
    // Assess
    const item = await erpItemOf(stack, 'salesOrder', created.entityId);
    expect(item?.data.lineItems).toEqual(oneLine);
    expect(item).toMatchObject({ status: 'cancelled', customer_id: 'CUST-9', version: 2 });
    expect(item?.data.total).toBe(124);
    expect(item?.cancelled_at).toEqual(expect.any(String));
  });

  it('links shipments and invoices to their order for the byOrder index', async () => {
    // Prepare
    const shipment = erpEvent('shipment', { payload: shipmentPayload({ orderId: 'SO-LINK-1' }) });
    const invoice = erpEvent('invoice', { payload: invoicePayload({ orderId: 'SO-LINK-1', customerId: 'CUST-3' }) });
    // Act
    await post(shipment);
    await post(invoice);
    // Assess
    expect(await erpItemOf(stack, 'shipment', shipment.entityId)).toMatchObject({ order_id: 'SO-LINK-1' });
    expect(await erpItemOf(stack, 'invoice', invoice.entityId)).toMatchObject({
      order_id: 'SO-LINK-1',
      customer_id: 'CUST-3',
    });
  });
});

/** The required fields of an entity's payload, so that a partial update passes its schema. */
const pickRequired = (
  entity: StoredErpEntity,
  payload: Record<string, unknown> | undefined,
): Record<string, unknown> => {
  const required: Record<StoredErpEntity, string[]> = {
    salesOrder: ['orderNumber'],
    purchaseOrder: ['poNumber'],
    invoice: ['invoiceNumber'],
    shipment: ['orderId'],
    customer: [],
  };
  return Object.fromEntries(required[entity].map((key) => [key, payload?.[key]]));
};

describe('POST /webhooks/erp: the key', () => {
  it('answers 401 to a wrong key and to a missing one, and writes nothing', async () => {
    // Prepare
    const event = erpEvent('customer');
    // Act
    const wrong = await post(event, { key: 'not-the-erp-webhook-key-000' });
    const missing = await post(event, { key: null });
    // Assess
    expect(wrong.status).toBe(401);
    expect(missing.status).toBe(401);
    expect(missing.body.error).toContain('x-api-key');
    expect(await erpItemOf(stack, 'customer', event.entityId)).toBeUndefined();
  });

  it('accepts the old and the new key during a rotation, and neither after it', async () => {
    // Prepare
    const newKey = 'erp-webhook-key-NEW-98765432';
    process.env.ERP_WEBHOOK_KEY = `${TEST_ERP_WEBHOOK_KEY} ${newKey}`;
    try {
      // Act
      const old = await post(erpEvent('customer'), { key: TEST_ERP_WEBHOOK_KEY });
      const fresh = await post(erpEvent('customer'), { key: newKey });
      process.env.ERP_WEBHOOK_KEY = newKey;
      const retired = await post(erpEvent('customer'), { key: TEST_ERP_WEBHOOK_KEY });
      // Assess
      expect(old.status).toBe(200);
      expect(fresh.status).toBe(200);
      expect(retired.status).toBe(401);
    } finally {
      process.env.ERP_WEBHOOK_KEY = TEST_ERP_WEBHOOK_KEY;
    }
  });

  it('answers 503 naming ERP_WEBHOOK_KEY while it is unset', async () => {
    // Prepare
    delete process.env.ERP_WEBHOOK_KEY;
    try {
      // Act
      const answer = await post(erpEvent('customer'));
      // Assess
      expect(answer.status).toBe(503);
      expect(answer.body.error).toContain('ERP_WEBHOOK_KEY');
    } finally {
      process.env.ERP_WEBHOOK_KEY = TEST_ERP_WEBHOOK_KEY;
    }
  });
});

describe('POST /webhooks/erp: bad bodies', () => {
  it('answers 400 naming entity and listing the known entities for an unknown one', async () => {
    // Act
    const answer = await post({ ...erpEvent('customer'), entity: 'warehouse' });
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain(
      'entity: must be one of salesOrder, purchaseOrder, invoice, inventory, shipment, customer',
    );
  });

  it('answers 400 naming eventType and listing the known event types for an unknown one', async () => {
    // Act
    const answer = await post({ ...erpEvent('customer'), eventType: 'archived' });
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain('eventType: must be one of created, updated, deleted');
  });

  it('answers 400 naming payload.<path> for a bad payload, and writes nothing', async () => {
    // Prepare
    const event = erpEvent('salesOrder', {
      payload: salesOrderPayload({ lineItems: [{ sku: 'SKU-1', quantity: 'three' }] }),
    });
    // Act
    const answer = await post(event);
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([{ path: 'payload.lineItems.0.quantity', message: 'must be a number' }]);
    expect(await erpItemOf(stack, 'salesOrder', event.entityId)).toBeUndefined();
  });

  it('answers 400 to a body that is not JSON', async () => {
    // Act
    const answer = await post(undefined, { raw: '{"eventType": ' });
    // Assess
    expect(answer.status).toBe(400);
  });
});

describe('POST /webhooks/erp: redeliveries and order', () => {
  it('applies a redelivered eventId once and answers duplicate; the same id with other bytes is 422', async () => {
    // Prepare
    const event = erpEvent('purchaseOrder', { eventId: `evt-${Date.now()}` });
    // Act
    const first = await post(event);
    const again = await post(event);
    const reused = await post({ ...event, payload: purchaseOrderPayload({ status: 'closed' }) });
    // Assess
    expect(first.body.status).toBe('processed');
    expect(again).toEqual({
      status: 200,
      body: { status: 'duplicate', entity: 'purchaseOrder', entity_id: event.entityId },
    });
    expect(reused.status).toBe(422);
    expect(await erpItemOf(stack, 'purchaseOrder', event.entityId)).toMatchObject({
      version: 1,
      last_delivery_id: event.eventId,
    });
  });

  it('applies a redelivery with the same Idempotency-Key once', async () => {
    // Prepare
    const event = erpEvent('invoice');
    const headers = { 'idempotency-key': `idem-${event.entityId}` };
    // Act
    const first = await post(event, { headers });
    const again = await post(event, { headers });
    // Assess
    expect(first.body.status).toBe('processed');
    expect(again.body.status).toBe('duplicate');
    expect(await erpItemOf(stack, 'invoice', event.entityId)).toMatchObject({
      version: 1,
      last_delivery_id: headers['idempotency-key'],
    });
  });

  it('answers duplicate to an unkeyed redelivery of the payload already applied, by its fingerprint', async () => {
    // Prepare
    const event = erpEvent('customer', { payload: customerPayload({ lastModified: '2026-12-03T10:00:00Z' }) });
    await post(event);
    // Act: the same payload with its keys in another order is the same payload.
    const again = await post(undefined, {
      raw: JSON.stringify({
        payload: { ...event.payload },
        entityId: event.entityId,
        entity: 'customer',
        eventType: 'updated',
      }),
    });
    // Assess
    expect(again.body.status).toBe('duplicate');
    expect(await erpItemOf(stack, 'customer', event.entityId)).toMatchObject({ version: 1 });
  });

  it('answers stale to a change older than the one applied, and changes nothing', async () => {
    // Prepare
    const event = erpEvent('salesOrder', {
      payload: salesOrderPayload({ status: 'shipped', lastModified: '2026-12-03T12:00:00Z' }),
    });
    await post(event);
    // Act
    const older = await post({
      ...event,
      eventType: 'updated',
      payload: { orderNumber: event.payload?.orderNumber, status: 'open', lastModified: '2026-12-03T11:00:00Z' },
    });
    // Assess
    expect(older.body).toEqual({ status: 'stale', entity: 'salesOrder', entity_id: event.entityId });
    expect(await erpItemOf(stack, 'salesOrder', event.entityId)).toMatchObject({ status: 'shipped', version: 1 });
  });

  it('loses none of twenty concurrent updates of one order', async () => {
    // Prepare: each update is a payload of its own (its own status), so none is a duplicate of another.
    const created = erpEvent('salesOrder', { payload: salesOrderPayload({}, 10) });
    await post(created);
    const changes = Array.from({ length: 20 }, (_, index) => ({ status: `state-${index}` }));
    // Act
    const answers = await Promise.all(
      changes.map(({ status }, index) =>
        post({
          ...created,
          eventType: 'updated',
          eventId: `${created.entityId}-u${index}`,
          payload: { orderNumber: created.payload?.orderNumber, status },
        }),
      ),
    );
    // Assess
    expect(
      answers.map((answer) => answer.body.status),
      JSON.stringify(answers.filter((answer) => answer.status !== 200)),
    ).toEqual(changes.map(() => 'processed'));
    const item = await erpItemOf(stack, 'salesOrder', created.entityId);
    // Every write counted once: the created one and twenty updates, none lost to a race.
    expect(item?.version).toBe(21);
    expect(changes.map(({ status }) => status)).toContain(item?.status);
    expect(item?.data.lineItems).toHaveLength(10);
  });
});

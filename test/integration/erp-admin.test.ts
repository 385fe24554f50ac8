import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postErpWebhook } from '../helpers/erp-client.js';
import { erpEvent, invoicePayload, newErpId, salesOrderPayload, shipmentPayload } from '../helpers/erp-factories.js';
import { admin } from '../helpers/http-client.js';
import { type InventoryStack, startInventoryStack } from '../helpers/inventory-stack.js';
import type { TestStack } from '../helpers/test-stack.js';

/** GET /admin/orders/{orderId} and GET /admin/erp/{entity}/{id} on what the ERP webhook stored. */
let inventory: InventoryStack;
let stack: TestStack;

beforeAll(async () => {
  inventory = await startInventoryStack();
  ({ stack } = inventory);
});

afterAll(async () => {
  await inventory?.stop();
});

describe('ERP admin API', () => {
  it('answers an order with its lines, shipments and invoices, without storage internals', async () => {
    // Prepare
    const orderId = newErpId('SO');
    await postErpWebhook(stack, erpEvent('salesOrder', { entityId: orderId, payload: salesOrderPayload({}, 3) }));
    const shipment = erpEvent('shipment', { payload: shipmentPayload({ orderId }) });
    const invoice = erpEvent('invoice', { payload: invoicePayload({ orderId }) });
    await postErpWebhook(stack, shipment);
    await postErpWebhook(stack, invoice);
    // Act
    const answer = await admin<Record<string, unknown>>(stack.url, 'GET', `/admin/orders/${orderId}`);
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      order: { entity: 'salesOrder', id: orderId, status: 'open', total: 124, version: 1 },
      lines: [{ sku: 'SKU-1' }, { sku: 'SKU-2' }, { sku: 'SKU-3' }],
      shipments: [{ id: shipment.entityId, carrier: 'DHL', orderId }],
      invoices: [{ id: invoice.entityId, amountDue: 124 }],
    });
    const text = JSON.stringify(answer.body);
    for (const internal of ['"pk"', '"sk"', 'sync_event', 'fingerprint', 'lineItems'])
      expect(text).not.toContain(internal);
  });

  it('answers a shipment that came before its order, with order null', async () => {
    // Prepare
    const orderId = newErpId('SO');
    await postErpWebhook(stack, erpEvent('shipment', { payload: shipmentPayload({ orderId }) }));
    // Act
    const answer = await admin<Record<string, unknown>>(stack.url, 'GET', `/admin/orders/${orderId}`);
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ order: null, lines: [], shipments: [{ orderId }], invoices: [] });
  });

  it('answers 404 for an order nothing is known of', async () => {
    // Act
    const answer = await admin(stack.url, 'GET', `/admin/orders/${newErpId('SO')}`);
    // Assess
    expect(answer.status).toBe(404);
  });

  it('answers any other stored entity by id', async () => {
    // Prepare
    const customer = erpEvent('customer');
    await postErpWebhook(stack, customer);
    // Act
    const answer = await admin(stack.url, 'GET', `/admin/erp/customer/${customer.entityId}`);
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      entity: 'customer',
      id: customer.entityId,
      email: 'ada@example.com',
      version: 1,
    });
    expect(answer.body).not.toHaveProperty('pk');
  });

  it('answers 400 listing the entities for an unknown one, and points inventory at the stock route', async () => {
    // Act
    const unknown = await admin<{ error: string }>(stack.url, 'GET', '/admin/erp/vendor/V-1');
    const stock = await admin<{ error: string }>(stack.url, 'GET', '/admin/erp/inventory/SKU-1');
    // Assess
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toContain('salesOrder, purchaseOrder, invoice, shipment, customer');
    expect(stock.status).toBe(400);
    expect(stock.body.error).toContain('/admin/inventory/{sku}/{warehouse}');
  });

  it('answers 404 for an entity id never seen', async () => {
    // Act
    const answer = await admin(stack.url, 'GET', `/admin/erp/invoice/${newErpId('INV')}`);
    // Assess
    expect(answer.status).toBe(404);
  });
});

import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STOCK_SK, type StockItem, stockKey } from '../../functions/kernel/stock/stock.js';
import { postErpWebhook } from '../helpers/erp-client.js';
import { erpEvent, inventoryPayload } from '../helpers/erp-factories.js';
import { type InventoryStack, startInventoryStack } from '../helpers/inventory-stack.js';
import type { TestStack } from '../helpers/test-stack.js';

/**
 * An ERP `inventory` event through POST /webhooks/erp: an absolute count
 * from `erp` on the stock path (the extras kept on the stock item), fanned
 * out to the shop, the POS and the WMS and never back to the ERP, and
 * refused as stale when older than the count the item took.
 */
let inventory: InventoryStack;
let stack: TestStack;

const WAREHOUSE = 'WH-1';

const stockOf = async (sku: string): Promise<StockItem | undefined> => {
  const out = await stack.dynamodb.send(
    new GetCommand({
      TableName: stack.resources.tables.inventory?.physicalName,
      Key: { pk: stockKey(sku, WAREHOUSE), sk: STOCK_SK },
      ConsistentRead: true,
    }),
  );
  return out.Item as StockItem | undefined;
};

beforeAll(async () => {
  inventory = await startInventoryStack();
  ({ stack } = inventory);
});

afterAll(async () => {
  await inventory?.stop();
});

describe('POST /webhooks/erp: inventory', () => {
  it('sets the stock to the ERP count from source erp and keeps the extra quantities on the stock item', async () => {
    // Prepare
    const event = erpEvent('inventory', {
      payload: inventoryPayload({ qtyOnHand: 40, lastModified: '2026-12-03T10:00:00Z' }),
    });
    // Act
    const answer = await postErpWebhook(stack, event);
    // Assess
    expect(answer).toEqual({
      status: 200,
      body: { status: 'processed', entity: 'inventory', entity_id: event.entityId },
    });
    expect(await stockOf(event.entityId)).toMatchObject({
      quantity_on_hand: 40,
      last_adjustment_type: 'count',
      last_adjustment_source: 'erp',
      quantity_available: 35,
      quantity_reserved: 5,
      quantity_on_order: 20,
      bin_location: 'A-01-03',
      last_count_date: '2026-12-01',
      erp_change_time: Date.parse('2026-12-03T10:00:00Z'),
    });
  });

  it('sends the new level to the shop, the POS and the WMS, and not back to the ERP', async () => {
    // Prepare
    const event = erpEvent('inventory', { payload: inventoryPayload({ qtyOnHand: 17 }) });
    // Act
    await postErpWebhook(stack, event);
    // Assess
    await inventory.systems.waitForQuantity('ecommerce', event.entityId, WAREHOUSE, 17);
    await inventory.systems.waitForQuantity('pos', event.entityId, WAREHOUSE, 17);
    await inventory.systems.waitForQuantity('wms', event.entityId, WAREHOUSE, 17);
    expect(inventory.systems.quantitiesSent('erp', event.entityId, WAREHOUSE)).toEqual([]);
  });

  it('answers stale to a count older than the one applied, and duplicate to the same one again', async () => {
    // Prepare
    const event = erpEvent('inventory', {
      payload: inventoryPayload({ qtyOnHand: 30, lastModified: '2026-12-03T12:00:00Z' }),
    });
    await postErpWebhook(stack, event);
    // Act
    const older = await postErpWebhook(stack, {
      ...event,
      eventType: 'updated',
      payload: inventoryPayload({ qtyOnHand: 99, lastModified: '2026-12-03T11:00:00Z' }),
    });
    const again = await postErpWebhook(stack, { ...event, eventType: 'updated' });
    // Assess
    expect(older.body).toMatchObject({ status: 'stale' });
    expect(again.body).toMatchObject({ status: 'duplicate' });
    expect(await stockOf(event.entityId)).toMatchObject({ quantity_on_hand: 30, version: 1 });
  });

  it('orders counts without a change time by their lastCountDate', async () => {
    // Prepare
    const event = erpEvent('inventory', { payload: inventoryPayload({ qtyOnHand: 12, lastCountDate: '2026-12-02' }) });
    await postErpWebhook(stack, event);
    // Act
    const older = await postErpWebhook(stack, {
      ...event,
      payload: inventoryPayload({ qtyOnHand: 50, lastCountDate: '2026-11-30' }),
    });
    const newer = await postErpWebhook(stack, {
      ...event,
      payload: inventoryPayload({ qtyOnHand: 8, lastCountDate: '2026-12-03' }),
    });
    // Assess
    expect(older.body).toMatchObject({ status: 'stale' });
    expect(newer.body).toMatchObject({ status: 'processed' });
    expect(await stockOf(event.entityId)).toMatchObject({
      quantity_on_hand: 8,
      last_count_date: '2026-12-03',
      version: 2,
    });
  });
});

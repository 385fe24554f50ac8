import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeSystems, StockSystem } from '../helpers/fake-systems.js';
import { TEST_INVENTORY_SECRET, admin, eventually, postSignedWebhook } from '../helpers/http-client.js';
import { type InventoryStack, startInventoryStack } from '../helpers/inventory-stack.js';
import type { TestStack } from '../helpers/test-stack.js';

/**
 * Inventory fan-out end to end: the webhook writes DynamoDB Local; the
 * inventory stream (filtered to stock levels) reaches inventoryFanout; its
 * messages go through fauxqs; the dispatcher calls local servers playing
 * the ERP, the shop, the POS, the WMS and Slack.
 */
let stack: TestStack;
let systems: FakeSystems;
let inventory: InventoryStack;

const ALL: readonly StockSystem[] = ['erp', 'ecommerce', 'pos', 'wms'];
const WAREHOUSE = 'WH-7';
const newSku = () => `SKU-${randomUUID().slice(0, 8)}`;
/**
 * Quantities no test adjustment reaches: a sentinel adjustment counts the
 * level to one of these, so its calls are told apart from those under test.
 *
 * Sentinels prove that the changes under test sent nothing more (see
 * test/helpers/outbound-sentinel.ts). They are adjustments of the same sku
 * and warehouse, hence writes of the same stock item: the same shard, after
 * the changes under test. inventoryFanout handles the records of a stream
 * batch concurrently, so a sentinel counts only if it was written after the
 * test saw an effect of the last change under test (that change's batch
 * was running by then, so the sentinel lands in a later one, whose messages
 * are queued after all of theirs); and only for the FIFO group it is sent
 * in, one per system (or Slack) and sku and warehouse.
 */
const SENTINEL = 100_000;
const isSentinel = (quantity: number): boolean => quantity >= SENTINEL;

const adjust = async (body: Record<string, unknown>) => {
  const answer = await postSignedWebhook<{ new_quantity?: number }>(
    `${stack.url}/webhooks/inventory`,
    { source: 'erp', warehouse: WAREHOUSE, ...body },
    { secret: TEST_INVENTORY_SECRET },
  );
  expect(answer.status).toBe(200);
  return answer.body;
};

const putProduct = async (sku: string, data: Record<string, unknown>) => {
  const answer = await admin(stack.url, 'PUT', `/admin/records/product/${sku}`, data);
  expect(answer.status).toBe(200);
};

beforeAll(async () => {
  inventory = await startInventoryStack();
  ({ stack, systems } = inventory);
});

afterAll(async () => {
  await inventory?.stop();
});

describe('Fan-out of stock levels', () => {
  it('sends the new quantity to every system except the source, in its format and with its credentials', async () => {
    // Prepare
    const sku = newSku();
    // Act
    await adjust({ sku, source: 'pos', type: 'receipt', quantity: 25 });
    // Assess
    for (const system of ['erp', 'ecommerce', 'wms'] as const)
      await systems.waitForQuantity(system, sku, WAREHOUSE, 25);
    const [erp] = systems.erp.requests.filter((r) => r.path === `/api/inventory/${sku}`);
    expect(erp).toMatchObject({ method: 'PUT', body: { sku, warehouseCode: WAREHOUSE, qtyOnHand: 25 } });
    expect(erp?.headers.authorization).toBe('Bearer erp-test-key');
    const [shop] = systems.ecommerce.requests.filter((r) => r.path === `/products/${sku}/inventory`);
    expect(shop).toMatchObject({ method: 'PUT', body: { inventory_quantity: 25 } });
    expect(shop?.headers.authorization).toBe('Bearer shop-test-key');
    const [wms] = systems.wms.requests.filter((r) => (r.body as { sku?: string })?.sku === sku);
    expect(wms).toMatchObject({ method: 'PUT', path: '/api/inventory', body: { sku, location: WAREHOUSE, qty: 25 } });
    expect(wms?.headers.authorization).toBe('Bearer wms-test-key');
    // The source is never sent its own change. Sentinel: a count from the ERP, which the POS is sent in the
    // group a quantity of this change would have used; written after the other systems had this change.
    await adjust({ sku, source: 'erp', type: 'count', quantity: SENTINEL });
    await systems.waitForQuantity('pos', sku, WAREHOUSE, SENTINEL);
    expect(systems.quantitiesSent('pos', sku, WAREHOUSE).filter((q) => !isSentinel(q))).toEqual([]);
  });

  it('sends the POS its format with the X-API-Key header', async () => {
    // Prepare
    const sku = newSku();
    // Act
    await adjust({ sku, source: 'wms', type: 'receipt', quantity: 3 });
    // Assess
    await systems.waitForQuantity('pos', sku, WAREHOUSE, 3);
    const [pos] = systems.pos.requests.filter((r) => (r.body as { item_id?: string })?.item_id === sku);
    expect(pos).toMatchObject({
      method: 'POST',
      path: '/inventory/update',
      body: { item_id: sku, quantity: 3, location_id: WAREHOUSE },
    });
    expect(pos?.headers['x-api-key']).toBe('pos-test-key');
  });

  it('leaves every system on the final quantity when 40 adjustments race', async () => {
    // Prepare
    const sku = newSku();
    await adjust({ sku, type: 'count', quantity: 200 });
    const sources = ['erp', 'ecommerce', 'pos', 'wms'];
    const racing = Array.from({ length: 40 }, (_, i) => ({
      sku,
      source: sources[i % 4],
      type: i % 3 === 0 ? 'shipment' : 'receipt',
      quantity: (i % 4) + 1,
    }));
    // Act
    await Promise.all(racing.map((a) => adjust(a)));
    // Assess
    const transactions = (
      await admin<{ items: { source: string; quantity_after: number }[] }>(
        stack.url,
        'GET',
        `/admin/inventory/${sku}/${WAREHOUSE}/transactions`,
      )
    ).body.items;
    expect(transactions).toHaveLength(41);
    // Each system must end on the newest quantity it was due: that of the last change it did not make itself.
    const due = (system: StockSystem) =>
      transactions.filter((t) => t.source !== system).at(-1)?.quantity_after as number;
    for (const system of ALL) await systems.waitForQuantity(system, sku, WAREHOUSE, due(system), 30_000);
    // Sentinels. Quantities repeat in the race, so the due quantity a system has need not come from the last
    // change: a first sentinel count is the effect to wait for. The next two are written after it arrived,
    // so their batches follow every racing change's; together they reach all four systems' groups.
    await adjust({ sku, source: 'erp', type: 'count', quantity: SENTINEL });
    await systems.waitForQuantity('wms', sku, WAREHOUSE, SENTINEL);
    await adjust({ sku, source: 'erp', type: 'count', quantity: SENTINEL + 1 });
    await adjust({ sku, source: 'pos', type: 'count', quantity: SENTINEL + 2 });
    const last: Record<StockSystem, number> = {
      erp: SENTINEL + 2,
      ecommerce: SENTINEL + 2,
      pos: SENTINEL + 1,
      wms: SENTINEL + 2,
    };
    for (const system of ALL) await systems.waitForQuantity(system, sku, WAREHOUSE, last[system]);
    for (const system of ALL)
      expect(
        systems
          .quantitiesSent(system, sku, WAREHOUSE)
          .filter((q) => !isSentinel(q))
          .at(-1),
      ).toBe(due(system));
  });

  it('keeps retrying a system that rate-limits until it has the final quantity', async () => {
    // Prepare
    const sku = newSku();
    systems.erp.queueAnswers({ status: 429, headers: { 'retry-after': '1' } }, { status: 503 });
    // Act
    await adjust({ sku, source: 'wms', type: 'receipt', quantity: 9 });
    // Assess
    await systems.waitForQuantity('erp', sku, WAREHOUSE, 9, 20_000);
    expect(systems.quantitiesSent('erp', sku, WAREHOUSE).length).toBeGreaterThanOrEqual(1);
  });

  it('logs every delivery with system, sku, warehouse, quantity, status and time', async () => {
    // Prepare
    const sku = newSku();
    // Act
    await adjust({ sku, source: 'erp', type: 'receipt', quantity: 6 });
    // Assess
    for (const system of ['ecommerce', 'pos', 'wms'] as const) await systems.waitForQuantity(system, sku, WAREHOUSE, 6);
    const events = await eventually(async () => {
      const answer = await admin<{
        items: { source: string; outcome: string; received_at: string; detail?: Record<string, unknown> }[];
      }>(stack.url, 'GET', `/admin/events?record_id=${encodeURIComponent(`${sku}~${WAREHOUSE}`)}`);
      const delivered = answer.body.items?.filter((e) => e.outcome === 'delivered') ?? [];
      return delivered.length >= 3 ? delivered : undefined;
    }, 'three delivered events');
    expect(events.map((e) => e.source).sort()).toEqual(['ecommerce', 'pos', 'wms']);
    for (const event of events) {
      expect(event).toMatchObject({
        received_at: expect.any(String),
        detail: expect.objectContaining({ status: 200, system: event.source, sku, warehouse: WAREHOUSE, quantity: 6 }),
      });
    }
  });
});

describe('Stock alerts', () => {
  it('posts Low Stock once when the quantity crosses the reorder point, and not again while it stays below', async () => {
    // Prepare
    const sku = newSku();
    await putProduct(sku, { name: 'Blue mug', reorder_point: 10, reorder_quantity: 50 });
    await adjust({ sku, type: 'receipt', quantity: 20 });
    await adjust({ sku, type: 'shipment', quantity: 5 });
    // Act
    await adjust({ sku, type: 'shipment', quantity: 7 });
    await adjust({ sku, type: 'shipment', quantity: 2 });
    await adjust({ sku, type: 'shipment', quantity: 1 });
    // Assess
    await systems.waitForQuantity('wms', sku, WAREHOUSE, 5);
    // Sentinel: the last five shipped, written after the WMS had the last change's 5: its Out of Stock
    // post comes in the same Slack group as any post of the changes under test, after them.
    await adjust({ sku, type: 'shipment', quantity: 5 });
    await eventually(
      async () => (systems.slackTexts(sku).some((t) => t.includes('Out of Stock')) ? true : undefined),
      'the sentinel post',
    );
    const texts = systems.slackTexts(sku).filter((t) => !t.includes('Out of Stock'));
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain('Low Stock');
    for (const part of ['Blue mug', WAREHOUSE, ' 8,', 'reorder point of 10']) expect(texts[0]).toContain(part);
  });

  it('alerts again after the stock went back above the reorder point and fell again', async () => {
    // Prepare
    const sku = newSku();
    await putProduct(sku, { name: 'Red mug', reorder_point: 5 });
    await adjust({ sku, type: 'receipt', quantity: 8 });
    await adjust({ sku, type: 'shipment', quantity: 4 });
    await adjust({ sku, type: 'receipt', quantity: 10 });
    // Act
    await adjust({ sku, type: 'shipment', quantity: 10 });
    // Assess: not on the systems' quantities, which may skip superseded levels (one stream batch
    // holding all four changes sends each system only the last); every crossing alerts, batched or not.
    await eventually(
      async () => (systems.slackTexts(sku).length >= 2 ? true : undefined),
      'two Low Stock posts',
      25_000,
    );
    await systems.waitForQuantity('wms', sku, WAREHOUSE, 4);
    // Sentinels. Both posts and the WMS's 4 may come from the second change (8 -> 4) as well as from the last
    // one, so a first sentinel (the last four shipped: Out of Stock) is the effect to wait for; the second
    // (3 in, 3 out: Out of Stock again, still below the reorder point so no Low Stock), written after it
    // arrived, posts in the same Slack group after any post of the changes under test.
    const outOfStockPosts = (count: number) =>
      eventually(
        async () =>
          systems.slackTexts(sku).filter((t) => t.includes('Out of Stock')).length >= count ? true : undefined,
        `Out of Stock post ${count}`,
      );
    await adjust({ sku, type: 'shipment', quantity: 4 });
    await outOfStockPosts(1);
    await adjust({ sku, type: 'receipt', quantity: 3 });
    await adjust({ sku, type: 'shipment', quantity: 3 });
    await outOfStockPosts(2);
    expect(systems.slackTexts(sku).filter((t) => t.includes('Low Stock'))).toHaveLength(2);
  });

  it('posts Out of Stock and disables the product in the shop when the quantity reaches 0', async () => {
    // Prepare
    const sku = newSku();
    await putProduct(sku, { name: 'Green mug', reorder_point: 2 });
    await adjust({ sku, type: 'receipt', quantity: 2 });
    // Act
    await adjust({ sku, source: 'pos', type: 'shipment', quantity: 2 });
    // Assess
    const [disable] = await systems.ecommerce.waitFor((r) => r.path === `/products/${sku}`);
    expect(disable).toMatchObject({ method: 'PUT', body: { available: false, inventory_policy: 'deny' } });
    expect(disable?.headers.authorization).toBe('Bearer shop-test-key');
    await eventually(
      async () => (systems.slackTexts(sku).some((t) => t.includes('Out of Stock')) ? true : undefined),
      'Out of Stock post',
    );
    // Sentinel: back above the reorder point and below it again, written after the shop disable (the last
    // change's own) arrived: its Low Stock post comes in the same Slack group, after any post of the changes
    // under test.
    await adjust({ sku, type: 'receipt', quantity: 5 });
    await adjust({ sku, type: 'shipment', quantity: 4 });
    await eventually(
      async () => (systems.slackTexts(sku).some((t) => t.includes('Low Stock')) ? true : undefined),
      'the sentinel post',
    );
    const texts = systems.slackTexts(sku).filter((t) => !t.includes('Low Stock'));
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain('Green mug');
  });

  it('applies an adjustment of an unknown product and sends no alert', async () => {
    // Prepare
    const sku = newSku();
    await adjust({ sku, type: 'receipt', quantity: 3 });
    // Act
    const answer = await adjust({ sku, type: 'shipment', quantity: 3 });
    // Assess
    expect(answer.new_quantity).toBe(0);
    await systems.waitForQuantity('wms', sku, WAREHOUSE, 0);
    // Sentinels, written after the WMS had the last change's 0. A receipt: the shop is sent its quantity in the
    // group a shop disable of the changes under test would have used, after it.
    await adjust({ sku, type: 'receipt', quantity: SENTINEL });
    await systems.waitForQuantity('ecommerce', sku, WAREHOUSE, SENTINEL);
    expect(systems.ecommerce.requests.filter((r) => r.path === `/products/${sku}`)).toEqual([]);
    // Then the product becomes known and the stock runs out again: an Out of Stock post, naming the product, in
    // the Slack group an alert of the changes under test would have used, after it.
    await putProduct(sku, { name: 'Sentinel mug' });
    await adjust({ sku, type: 'shipment', quantity: SENTINEL });
    await eventually(
      async () => (systems.slackTexts(sku).some((t) => t.includes('Sentinel mug')) ? true : undefined),
      'the sentinel post',
    );
    expect(systems.slackTexts(sku).filter((t) => !t.includes('Sentinel mug'))).toEqual([]);
  });
});

import { beforeEach, describe, expect, it, vi } from 'vitest';
import { outboundMessage } from '../../functions/kernel/outbound/message.js';
import * as z from '../../functions/kernel/validation.js';
import { aStockStreamRecord } from '../helpers/inventory-factories.js';

const enqueueOutbound = vi.hoisted(() => vi.fn(async (messages: unknown[]) => messages));
const findProduct = vi.hoisted(() => vi.fn());
vi.mock('../../functions/kernel/outbound/outbound-queue.js', () => ({ enqueueOutbound }));
vi.mock('../../functions/inventory/store/products.js', () => ({ findProduct }));
const readSettings = vi.hoisted(() =>
  vi.fn(async () => ({ recipients: { sales: [], purchasing: ['buy@example.com'], data_admin: [], ops: [] } })),
);
vi.mock('../../functions/kernel/settings/read-settings.js', () => ({ readSettings }));

const { alertMessages, newStockVersionOf, newestVersions, stockChangeOf, stockMessages, supersededInBatch } =
  await import('../../functions/inventory/fanout/plan-fanout.js');
const { fanOutStockChange } = await import('../../functions/inventory/fanout/fan-out.js');

const CHANGE = { sku: 'SKU-1', warehouse: 'WH-1', version: 7, before: 12, after: 8, source: 'pos' };
const MUG = { name: 'Blue mug', reorder_point: 10 };

describe('Function: stockChangeOf()', () => {
  it('reads sku, warehouse, version, quantities and source from the images', () => {
    // Act
    const change = stockChangeOf(
      aStockStreamRecord(
        { version: 7, quantity_on_hand: 8, last_adjustment_source: 'pos' },
        { version: 6, quantity_on_hand: 12 },
      ),
    );
    // Assess
    expect(change).toEqual(CHANGE);
  });

  it('counts a new item as coming from 0', () => {
    // Act
    const change = stockChangeOf(aStockStreamRecord({ version: 1, quantity_on_hand: 4 }));
    // Assess
    expect(change).toMatchObject({ before: 0, after: 4, version: 1 });
  });

  it.each([
    ['a removed item', aStockStreamRecord(undefined, { version: 2 }), 'removed items are not sent'],
    [
      'a write that did not grow the version',
      aStockStreamRecord({ version: 3, quantity_on_hand: 9 }, { version: 3, quantity_on_hand: 8 }),
      'version did not grow',
    ],
    [
      'a change that kept the quantity (an echo)',
      aStockStreamRecord({ version: 4, quantity_on_hand: 9 }, { version: 3, quantity_on_hand: 9 }),
      'quantity unchanged',
    ],
    ['a transaction item', aStockStreamRecord({ sk: 'TX#000000000001' as 'STOCK', version: 1 }), 'not a stock level'],
  ])('sends nothing for %s', (_what, record, reason) => {
    // Assess
    expect(stockChangeOf(record)).toEqual({ skip: reason });
  });
});

describe('Function: newStockVersionOf()', () => {
  it('answers every new version of a stock level, a count that kept the quantity too (it has a transaction)', () => {
    // Prepare
    const record = aStockStreamRecord({ version: 4, quantity_on_hand: 9 }, { version: 3, quantity_on_hand: 9 });
    // Act
    const stock = newStockVersionOf(record);
    // Assess
    expect(stock).toMatchObject({ version: 4, quantity_on_hand: 9 });
  });

  it.each([
    ['a removed item', aStockStreamRecord(undefined, { version: 2 })],
    ['a write that did not grow the version', aStockStreamRecord({ version: 3 }, { version: 3 })],
    ['a transaction item', aStockStreamRecord({ sk: 'TX#000000000001' as 'STOCK', version: 1 })],
  ])('answers nothing for %s', (_what, record) => {
    // Assess
    expect(newStockVersionOf(record)).toBeUndefined();
  });
});

describe('Function: stockMessages()', () => {
  it('sends the new quantity to every system except the source, in each system format', () => {
    // Act
    const messages = stockMessages({ ...CHANGE, source: 'wms' });
    // Assess
    expect(messages.map((m) => m.request)).toEqual([
      {
        integration: 'erp',
        method: 'PUT',
        path: '/api/inventory/SKU-1',
        body: { sku: 'SKU-1', warehouseCode: 'WH-1', qtyOnHand: 8 },
      },
      { integration: 'ecommerce', method: 'PUT', path: '/products/SKU-1/inventory', body: { inventory_quantity: 8 } },
      {
        integration: 'pos',
        method: 'POST',
        path: '/inventory/update',
        body: { item_id: 'SKU-1', quantity: 8, location_id: 'WH-1' },
      },
    ]);
  });

  it('sends the WMS its format', () => {
    // Act
    const wms = stockMessages({ ...CHANGE, source: 'erp' }).find((m) => m.request.integration === 'wms');
    // Assess
    expect(wms?.request).toEqual({
      integration: 'wms',
      method: 'PUT',
      path: '/api/inventory',
      body: { sku: 'SKU-1', location: 'WH-1', qty: 8 },
    });
  });

  it.each(['erp', 'ecommerce', 'pos', 'wms'])('never sends a change from %s back to it', (source) => {
    // Act
    const systems = stockMessages({ ...CHANGE, source }).map((m) => m.request.integration);
    // Assess
    expect(systems).toHaveLength(3);
    expect(systems).not.toContain(source);
  });

  it('orders per system, sku and warehouse, and lets a newer version supersede an older one', () => {
    // Act
    const [erp] = stockMessages(CHANGE);
    // Assess
    expect(erp).toMatchObject({
      id: 'inventory#erp#SKU-1#WH-1#v7',
      group: 'inventory#erp#SKU-1#WH-1',
      supersede: { key: 'inventory#erp#SKU-1#WH-1', version: 7 },
    });
  });

  it('puts system, sku, warehouse and quantity in the context the delivery log records', () => {
    // Act
    const [erp] = stockMessages(CHANGE);
    // Assess
    expect(erp?.context).toMatchObject({ system: 'erp', sku: 'SKU-1', warehouse: 'WH-1', quantity: 8, version: 7 });
  });

  it('logs two sku and warehouse pairs that differ only around an @ under different subjects', () => {
    // Act: '@' may appear in both a sku and a warehouse.
    const [first] = stockMessages({ ...CHANGE, sku: 'A@B', warehouse: 'C' });
    const [second] = stockMessages({ ...CHANGE, sku: 'A', warehouse: 'B@C' });

    // Assess
    expect(first?.context?.record_id).not.toBe(second?.context?.record_id);
    expect([first?.context?.record_id, second?.context?.record_id]).toEqual(['A@B~C', 'A~B@C']);
  });

  it('encodes skus in paths', () => {
    // Act
    const [erp] = stockMessages({ ...CHANGE, sku: 'A+B:1' });
    // Assess
    expect(erp?.request).toMatchObject({ path: '/api/inventory/A%2BB%3A1' });
  });

  it('builds messages the outbound queue accepts, with groups within the FIFO limit for the longest keys', () => {
    // Act
    const messages = [
      ...stockMessages({ ...CHANGE, sku: 'S'.repeat(64), warehouse: 'W'.repeat(32) }),
      ...alertMessages({ ...CHANGE, sku: 'S'.repeat(64), warehouse: 'W'.repeat(32), after: 0 }, MUG),
    ];
    // Assess
    for (const message of messages) expect(() => z.parse(outboundMessage, message)).not.toThrow();
  });
});

describe('Function: alertMessages()', () => {
  it('posts a Low Stock text to Slack when the quantity crosses the reorder point', () => {
    // Act
    const messages = alertMessages(CHANGE, MUG);
    // Assess
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      id: 'inventory#slack#low_stock#SKU-1#WH-1#v7',
      group: 'inventory#slack#SKU-1#WH-1',
      request: { integration: 'slack', method: 'POST', path: '', body: { text: expect.stringContaining('Low Stock') } },
      supersede: { key: 'inventory#slack#low_stock#SKU-1#WH-1#v7', version: 7 },
    });
  });

  it('posts Out of Stock and disables the product in the shop when the quantity reaches 0', () => {
    // Act
    const messages = alertMessages({ ...CHANGE, before: 4, after: 0 }, MUG);
    // Assess
    expect(messages.map((m) => m.request)).toEqual([
      { integration: 'slack', method: 'POST', path: '', body: { text: expect.stringContaining('Out of Stock') } },
      {
        integration: 'ecommerce',
        method: 'PUT',
        path: '/products/SKU-1',
        body: { available: false, inventory_policy: 'deny' },
      },
    ]);
    expect(messages[1]).toMatchObject({ group: 'inventory#ecommerce#SKU-1#WH-1' });
  });

  it('gives each crossing its own supersede key, so a later alert delivered first never drops an earlier one', () => {
    // Prepare: two crossings of the same reorder point, as one stream batch may hold them.
    const first = alertMessages({ ...CHANGE, version: 2, before: 12, after: 8 }, MUG);
    const second = alertMessages({ ...CHANGE, version: 4, before: 14, after: 8 }, MUG);
    expect([first, second].map((m) => m.length)).toEqual([1, 1]);
    // Assess
    expect(first[0]?.supersede?.key).not.toBe(second[0]?.supersede?.key);
  });

  it('gives the same ids for the same version, so a redelivered stream record does not alert twice', () => {
    // Assess
    expect(alertMessages({ ...CHANGE, after: 0 }, MUG).map((m) => m.id)).toEqual(
      alertMessages({ ...CHANGE, after: 0 }, MUG).map((m) => m.id),
    );
  });
});

describe('Function: newestVersions()', () => {
  it('knows the newest version sent to each system, so older quantities of the batch are not sent', () => {
    // Prepare
    const records = [
      aStockStreamRecord(
        { version: 2, quantity_on_hand: 5, last_adjustment_source: 'erp' },
        { version: 1, quantity_on_hand: 3 },
      ),
      aStockStreamRecord(
        { version: 3, quantity_on_hand: 6, last_adjustment_source: 'erp' },
        { version: 2, quantity_on_hand: 5 },
      ),
      // A no-op count: sends nothing itself, so it must not stand in for version 3.
      aStockStreamRecord(
        { version: 4, quantity_on_hand: 6, last_adjustment_source: 'pos' },
        { version: 3, quantity_on_hand: 6 },
      ),
    ];
    // Act
    const newest = newestVersions(records);
    // Assess
    expect(supersededInBatch({ ...CHANGE, version: 2 }, 'wms', newest)).toBe(true);
    expect(supersededInBatch({ ...CHANGE, version: 3 }, 'wms', newest)).toBe(false);
    expect(stockMessages({ ...CHANGE, version: 2, source: 'erp' }, newest)).toEqual([]);
  });

  it('still sends a system an older quantity when the newer change of the batch came from that system', () => {
    // Prepare: version 3 came from the POS, so it is not sent to the POS and cannot replace version 2 there.
    const records = [
      aStockStreamRecord(
        { version: 2, quantity_on_hand: 5, last_adjustment_source: 'erp' },
        { version: 1, quantity_on_hand: 3 },
      ),
      aStockStreamRecord(
        { version: 3, quantity_on_hand: 4, last_adjustment_source: 'pos' },
        { version: 2, quantity_on_hand: 5 },
      ),
    ];
    const newest = newestVersions(records);
    // Act
    const messages = stockMessages({ ...CHANGE, version: 2, after: 5, source: 'erp' }, newest);
    // Assess
    expect(messages.map((m) => m.request.integration)).toEqual(['pos']);
  });
});

describe('Function: fanOutStockChange()', () => {
  beforeEach(() => {
    enqueueOutbound.mockClear();
    findProduct.mockReset();
  });

  it('enqueues quantities and alerts in one call', async () => {
    // Prepare
    findProduct.mockResolvedValue(MUG);
    const record = aStockStreamRecord(
      { version: 7, quantity_on_hand: 0, last_adjustment_source: 'erp' },
      { version: 6, quantity_on_hand: 12 },
    );
    // Act
    await fanOutStockChange(record);
    // Assess
    expect(enqueueOutbound).toHaveBeenCalledOnce();
    const ids = ((enqueueOutbound.mock.calls[0]?.[0] ?? []) as { id: string }[]).map((m) => m.id);
    expect(ids).toEqual([
      'inventory#ecommerce#SKU-1#WH-1#v7',
      'inventory#pos#SKU-1#WH-1#v7',
      'inventory#wms#SKU-1#WH-1#v7',
      'inventory#slack#low_stock#SKU-1#WH-1#v7',
      'inventory#slack#out_of_stock#SKU-1#WH-1#v7',
      'inventory#ecommerce#disable#SKU-1#WH-1#v7',
      'inventory#mail#low_stock#SKU-1#WH-1#v7',
    ]);
  });

  it('applies no alert for an unknown product but still sends the quantities', async () => {
    // Prepare
    findProduct.mockResolvedValue(undefined);
    const record = aStockStreamRecord({ version: 7, quantity_on_hand: 0 }, { version: 6, quantity_on_hand: 12 });
    // Act
    await fanOutStockChange(record);
    // Assess
    const messages = enqueueOutbound.mock.calls[0]?.[0] as { request: { integration: string } }[];
    expect(messages.map((m) => m.request.integration)).toEqual(['ecommerce', 'pos', 'wms']);
  });

  it('does not read the product when the quantity rose', async () => {
    // Prepare
    const record = aStockStreamRecord({ version: 7, quantity_on_hand: 20 }, { version: 6, quantity_on_hand: 12 });
    // Act
    await fanOutStockChange(record);
    // Assess
    expect(findProduct).not.toHaveBeenCalled();
    expect(enqueueOutbound).toHaveBeenCalledOnce();
  });

  it('fails the record when the queue refuses, so the stream retries it', async () => {
    // Prepare
    enqueueOutbound.mockRejectedValueOnce(new Error('queue down'));
    const record = aStockStreamRecord({ version: 7, quantity_on_hand: 20 }, { version: 6, quantity_on_hand: 12 });
    // Act
    const outcome = fanOutStockChange(record);
    // Assess
    await expect(outcome).rejects.toThrow('queue down');
  });
});

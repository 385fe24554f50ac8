import { randomUUID } from 'node:crypto';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_INVENTORY_SECRET, admin, eventually, postSignedWebhook } from '../helpers/http-client.js';
import { MAX_STOCK_QUANTITY } from '../../functions/kernel/stock/adjustment.js';
import { STOCK_SK, type StockItem, stockKey, transactionOf } from '../../functions/kernel/stock/stock.js';
import { applyStockChange } from '../../functions/kernel/stock/stock-updates.js';
import { putTransaction } from '../../functions/kernel/stock/transaction-writes.js';
import { type InventoryStack, startInventoryStack } from '../helpers/inventory-stack.js';
import type { TestStack } from '../helpers/test-stack.js';

/**
 * POST /webhooks/inventory through the offline HTTP gateway: signature,
 * schema, idempotency and the atomic stock update on DynamoDB Local, read
 * back through the inventory admin API. Fan-out is inventory-fanout.test.ts.
 */
let stack: TestStack;
let inventory: InventoryStack;

interface Answer {
  status?: string;
  sku?: string;
  warehouse?: string;
  new_quantity?: number;
  error?: string;
  current_qty?: number;
  attempted_qty?: number;
  issues?: { path: string; message: string }[];
}

interface Transaction {
  adjustment_type: string;
  quantity_before: number;
  quantity_change: number;
  quantity_after: number;
  source: string;
  created_at: string;
  delivery_id: string;
  version: number;
  reason?: string;
  reference?: string;
}

const WAREHOUSE = 'WH-1';
const newSku = () => `SKU-${randomUUID().slice(0, 8)}`;

const adjust = (body: Record<string, unknown>, id?: string) =>
  postSignedWebhook<Answer>(
    `${stack.url}/webhooks/inventory`,
    { source: 'erp', warehouse: WAREHOUSE, ...body },
    {
      secret: TEST_INVENTORY_SECRET,
      ...(id ? { id } : {}),
    },
  );

const stockOf = (sku: string) => admin(stack.url, 'GET', `/admin/inventory/${sku}/${WAREHOUSE}`);

const allTransactions = async (sku: string, limit?: number): Promise<{ items: Transaction[]; pages: number }> => {
  const items: Transaction[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const query = new URLSearchParams({ ...(limit ? { limit: String(limit) } : {}), ...(cursor ? { cursor } : {}) });
    const page = await admin<{ items: Transaction[]; cursor?: string }>(
      stack.url,
      'GET',
      `/admin/inventory/${sku}/${WAREHOUSE}/transactions?${query}`,
    );
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.cursor;
    pages++;
  } while (cursor);
  return { items, pages };
};

/**
 * Writes a stock level straight to the table, as a long history of adjustments would have left it: at
 * `version`, with none of those versions in the ledger.
 */
const plantStock = async (sku: string, quantity: number, version = 1): Promise<void> => {
  const now = new Date().toISOString();
  await stack.dynamodb.send(
    new PutCommand({
      TableName: stack.resources.tables.inventory?.physicalName,
      Item: {
        pk: stockKey(sku, WAREHOUSE),
        sk: STOCK_SK,
        sku,
        warehouse: WAREHOUSE,
        quantity_on_hand: quantity,
        last_quantity_before: 0,
        version,
        created_at: now,
        updated_at: now,
        last_adjustment_type: 'count',
        last_adjustment_source: 'erp',
        last_delivery_id: `planted-${randomUUID()}`,
      } satisfies StockItem,
    }),
  );
};

beforeAll(async () => {
  inventory = await startInventoryStack();
  ({ stack } = inventory);
});

afterAll(async () => {
  await inventory?.stop();
});

describe('POST /webhooks/inventory', () => {
  it('applies a receipt and answers the new quantity', async () => {
    // Prepare
    const sku = newSku();
    // Act
    const answer = await adjust({ sku, type: 'receipt', quantity: 12, reason: 'PO arrived', reference: 'PO-77' });
    // Assess
    expect(answer).toEqual({ status: 200, body: { status: 'synced', sku, warehouse: WAREHOUSE, new_quantity: 12 } });
    const stock = await stockOf(sku);
    expect(stock.body).toMatchObject({
      sku,
      warehouse: WAREHOUSE,
      quantity_on_hand: 12,
      last_adjustment_type: 'receipt',
      last_adjustment_source: 'erp',
      updated_at: expect.any(String),
    });
    const { items } = await allTransactions(sku);
    expect(items).toEqual([
      expect.objectContaining({
        sku,
        warehouse: WAREHOUSE,
        adjustment_type: 'receipt',
        quantity_before: 0,
        quantity_change: 12,
        quantity_after: 12,
        reason: 'PO arrived',
        reference: 'PO-77',
        source: 'erp',
        created_at: stock.body.updated_at,
        version: 1,
      }),
    ]);
  });

  it('adds, subtracts and sets by type, each transaction chained to the one before', async () => {
    // Prepare
    const sku = newSku();
    const steps: [string, number, number][] = [
      ['receipt', 10, 10],
      ['transfer_in', 5, 15],
      ['shipment', 4, 11],
      ['transfer_out', 1, 10],
      ['count', 7, 7],
      ['adjustment', 9, 9],
    ];
    // Act
    const answers = [];
    for (const [type, quantity] of steps) answers.push(await adjust({ sku, type, quantity }));
    // Assess
    expect(answers.map((a) => a.body.new_quantity)).toEqual(steps.map(([, , after]) => after));
    const { items } = await allTransactions(sku);
    expect(items.map((t) => [t.adjustment_type, t.quantity_before, t.quantity_change, t.quantity_after])).toEqual([
      ['receipt', 0, 10, 10],
      ['transfer_in', 10, 5, 15],
      ['shipment', 15, -4, 11],
      ['transfer_out', 11, -1, 10],
      ['count', 10, -3, 7],
      ['adjustment', 7, 2, 9],
    ]);
  });

  it('refuses a result below zero with 400, the current and the attempted quantity, and writes nothing', async () => {
    // Prepare
    const sku = newSku();
    await adjust({ sku, type: 'receipt', quantity: 3 });
    const before = await stockOf(sku);
    // Act
    const answer = await adjust({ sku, type: 'shipment', quantity: 5 });
    // Assess
    expect(answer).toEqual({
      status: 400,
      body: { error: 'Inventory cannot be negative', current_qty: 3, attempted_qty: -2 },
    });
    expect((await stockOf(sku)).body).toEqual(before.body);
    expect((await allTransactions(sku)).items).toHaveLength(1);
  });

  it('refuses a receipt that would take the stock past 10^15 with 400 naming quantity, and writes nothing', async () => {
    // Prepare: a stock level 5 below the bound (a thousand maximal receipts, planted rather than sent).
    const sku = newSku();
    const planted = MAX_STOCK_QUANTITY - 5;
    await plantStock(sku, planted);
    const before = await stockOf(sku);
    // Act
    const over = await adjust({ sku, type: 'receipt', quantity: 6 });
    const upTo = await adjust({ sku, type: 'receipt', quantity: 5 });
    // Assess
    expect(over).toMatchObject({
      status: 400,
      body: {
        error: expect.stringMatching(/^Invalid body: quantity: /),
        current_qty: planted,
        attempted_qty: MAX_STOCK_QUANTITY + 1,
        issues: [{ path: 'quantity', message: expect.any(String) }],
      },
    });
    expect(before.body).toMatchObject({ quantity_on_hand: planted, version: 1 });
    expect(upTo.body).toEqual({ status: 'synced', sku, warehouse: WAREHOUSE, new_quantity: MAX_STOCK_QUANTITY });
    expect((await stockOf(sku)).body).toMatchObject({ quantity_on_hand: MAX_STOCK_QUANTITY, version: 2 });
  });

  it('refuses a shipment from an item never stocked, and creates nothing', async () => {
    // Prepare
    const sku = newSku();
    // Act
    const answer = await adjust({ sku, type: 'transfer_out', quantity: 1 });
    // Assess
    expect(answer).toEqual({
      status: 400,
      body: { error: 'Inventory cannot be negative', current_qty: 0, attempted_qty: -1 },
    });
    expect((await stockOf(sku)).status).toBe(404);
    expect((await allTransactions(sku)).items).toEqual([]);
  });

  it('judges a refused delivery afresh when it is redelivered after stock arrived', async () => {
    // Prepare
    const sku = newSku();
    const id = `msg_${randomUUID()}`;
    expect((await adjust({ sku, type: 'shipment', quantity: 2 }, id)).status).toBe(400);
    await adjust({ sku, type: 'receipt', quantity: 5 });
    // Act
    const redelivered = await adjust({ sku, type: 'shipment', quantity: 2 }, id);
    // Assess
    expect(redelivered.body).toMatchObject({ status: 'synced', new_quantity: 3 });
  });

  it.each([
    ['an unknown type', { type: 'theft', quantity: 1 }, 'type'],
    ['a quantity that is not a number', { type: 'receipt', quantity: 'ten' }, 'quantity'],
    ['a negative quantity', { type: 'receipt', quantity: -4 }, 'quantity'],
    ['a missing sku', { sku: undefined, type: 'receipt', quantity: 1 }, 'sku'],
    ['a missing warehouse', { warehouse: undefined, type: 'receipt', quantity: 1 }, 'warehouse'],
    ['a missing source', { source: undefined, type: 'receipt', quantity: 1 }, 'source'],
  ])('answers 400 naming the field for %s, and writes nothing', async (_what, body, field) => {
    // Prepare
    const sku = newSku();
    // Act
    const answer = await adjust({ sku, ...body });
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain(field);
    expect(answer.body.issues?.map((i) => i.path)).toEqual([field]);
    expect((await stockOf(sku)).status).toBe(404);
  });

  it('answers 401 to an unsigned or wrongly signed request, and writes nothing', async () => {
    // Prepare
    const sku = newSku();
    const body = JSON.stringify({ source: 'erp', sku, warehouse: WAREHOUSE, type: 'receipt', quantity: 1 });
    // Act
    const unsigned = await fetch(`${stack.url}/webhooks/inventory`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const wrongKey = await postSignedWebhook(`${stack.url}/webhooks/inventory`, JSON.parse(body), {
      secret: 'whsec_d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldA==',
    });
    // Assess
    expect(unsigned.status).toBe(401);
    expect(wrongKey.status).toBe(401);
    expect((await stockOf(sku)).status).toBe(404);
  });

  it('answers 503 naming the setting while INVENTORY_WEBHOOK_SECRET is unset', async () => {
    // Prepare
    delete process.env.INVENTORY_WEBHOOK_SECRET;
    try {
      // Act
      const answer = await adjust({ sku: newSku(), type: 'receipt', quantity: 1 });
      // Assess
      expect(answer.status).toBe(503);
      expect(answer.body.error).toContain('INVENTORY_WEBHOOK_SECRET');
    } finally {
      process.env.INVENTORY_WEBHOOK_SECRET = TEST_INVENTORY_SECRET;
    }
  });
});

describe('Concurrency and redelivery', () => {
  it('ends 200 simultaneous adjustments on one sku on exactly the sum, with 200 chained transactions', async () => {
    // Prepare: a count first, so that shipments in any order never go below zero.
    const sku = newSku();
    await adjust({ sku, type: 'count', quantity: 1000 });
    const adjustments = Array.from({ length: 200 }, (_, i) => ({
      type: i % 2 === 0 ? 'receipt' : 'shipment',
      quantity: (i % 5) + 1,
    }));
    const expected = 1000 + adjustments.reduce((sum, a) => sum + (a.type === 'receipt' ? a.quantity : -a.quantity), 0);
    // Act
    const answers = await Promise.all(adjustments.map((a) => adjust({ sku, ...a })));
    // Assess
    expect(answers.map((a) => a.status)).toEqual(Array(200).fill(200));
    expect((await stockOf(sku)).body).toMatchObject({ quantity_on_hand: expected, version: 201 });
    const { items, pages } = await allTransactions(sku, 75);
    expect(pages).toBe(3);
    const applied = items.slice(1);
    expect(applied).toHaveLength(200);
    expect(items.map((t) => t.version)).toEqual(Array.from({ length: 201 }, (_, i) => i + 1));
    for (const [i, t] of items.entries()) {
      expect(t.quantity_after).toBe(t.quantity_before + t.quantity_change);
      if (i > 0) expect(t.quantity_before).toBe(items[i - 1]?.quantity_after);
    }
    expect(items.at(-1)?.quantity_after).toBe(expected);
    // Every answer's new quantity is the after of its own transaction.
    const afterByDelivery = new Map(applied.map((t) => [t.delivery_id, t.quantity_after]));
    expect(new Set(answers.map((a) => a.body.new_quantity))).toEqual(new Set(afterByDelivery.values()));
  });

  it('applies a redelivered webhook-id once and answers the copy as a duplicate', async () => {
    // Prepare
    const sku = newSku();
    const id = `msg_${randomUUID()}`;
    const first = await adjust({ sku, type: 'receipt', quantity: 4 }, id);
    await adjust({ sku, type: 'receipt', quantity: 1 });
    // Act
    const again = await adjust({ sku, type: 'receipt', quantity: 4 }, id);
    // Assess
    expect(first.body).toEqual({ status: 'synced', sku, warehouse: WAREHOUSE, new_quantity: 4 });
    expect(again).toEqual({ status: 200, body: { status: 'duplicate', sku, warehouse: WAREHOUSE, new_quantity: 4 } });
    expect((await stockOf(sku)).body.quantity_on_hand).toBe(5);
    expect((await allTransactions(sku)).items).toHaveLength(2);
  });

  it('applies once when 20 copies of one delivery arrive together', async () => {
    // Prepare
    const sku = newSku();
    await adjust({ sku, type: 'receipt', quantity: 100 });
    const id = `msg_${randomUUID()}`;
    // Act
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => adjust({ sku, type: 'shipment', quantity: 7 }, id)),
    );
    // Assess
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(answers.filter((a) => a.body.status === 'synced')).toHaveLength(1);
    expect(answers.every((a) => a.body.new_quantity === 93)).toBe(true);
    expect((await stockOf(sku)).body.quantity_on_hand).toBe(93);
    expect((await allTransactions(sku)).items).toHaveLength(2);
  });

  it('applies the same webhook-id from two systems as two deliveries', async () => {
    // Prepare: the ERP's msg id, then the POS numbering one of its own webhooks the same.
    const sku = newSku();
    const id = `msg_${randomUUID()}`;
    const fromErp = await adjust({ source: 'erp', sku, type: 'receipt', quantity: 10 }, id);
    // Act
    const fromPos = await adjust({ source: 'pos', sku, type: 'shipment', quantity: 3 }, id);
    // Assess
    expect([fromErp.body, fromPos.body]).toEqual([
      { status: 'synced', sku, warehouse: WAREHOUSE, new_quantity: 10 },
      { status: 'synced', sku, warehouse: WAREHOUSE, new_quantity: 7 },
    ]);
    expect((await stockOf(sku)).body.quantity_on_hand).toBe(7);
    expect((await allTransactions(sku)).items.map((t) => [t.source, t.delivery_id])).toEqual([
      ['erp', id],
      ['pos', id],
    ]);
  });

  it('applies the same webhook-id from two systems on one sku once each, however often each is redelivered', async () => {
    // Prepare
    const sku = newSku();
    const id = `msg_${randomUUID()}`;
    const erp = { source: 'erp', sku, type: 'receipt', quantity: 5 };
    const pos = { source: 'pos', sku, type: 'receipt', quantity: 2 };
    // Act
    const answers = [];
    for (const body of [erp, pos, erp, pos, pos]) answers.push(await adjust(body, id));
    // Assess
    expect(answers.map((a) => [a.status, a.body.status])).toEqual([
      [200, 'synced'],
      [200, 'synced'],
      [200, 'duplicate'],
      [200, 'duplicate'],
      [200, 'duplicate'],
    ]);
    expect((await stockOf(sku)).body.quantity_on_hand).toBe(7);
    expect((await allTransactions(sku)).items).toHaveLength(2);
  });

  it('refuses a webhook-id reused for a different adjustment', async () => {
    // Prepare
    const sku = newSku();
    const id = `msg_${randomUUID()}`;
    await adjust({ sku, type: 'receipt', quantity: 4 }, id);
    // Act
    const reused = await adjust({ sku, type: 'receipt', quantity: 40 }, id);
    // Assess
    expect(reused.status).toBe(422);
    expect((await stockOf(sku)).body.quantity_on_hand).toBe(4);
  });
});

describe('Crash recovery', () => {
  /** What a copy that died mid-way leaves behind: its claim, in progress, with the lease run out. */
  const leaveCrashedClaim = async (id: string) => {
    const now = Date.now();
    await stack.dynamodb.send(
      new PutCommand({
        TableName: stack.resources.tables.idempotency?.physicalName,
        Item: {
          pk: `IDEMPOTENCY#inventory-webhook#erp#${id}`,
          status: 'in_progress',
          token: 'crashed-copy',
          claimed_at: new Date(now - 20_000).toISOString(),
          lease_expires_at: now - 5_000,
          expires_at: Math.floor(now / 1000) + 3600,
        },
      }),
    );
  };

  it('finishes the work of a copy that died after the stock update, without applying twice', async () => {
    // Prepare
    const sku = newSku();
    const id = `msg_${randomUUID()}`;
    await adjust({ sku, type: 'receipt', quantity: 10 });
    const shipment = { source: 'erp', sku, warehouse: WAREHOUSE, type: 'shipment', quantity: 3 } as const;
    const applied = await applyStockChange(shipment, id, new Date().toISOString());
    expect(applied.kind).toBe('applied');
    await leaveCrashedClaim(id);
    // Act
    const redelivered = await adjust(shipment, id);
    // Assess
    expect(redelivered.body).toEqual({ status: 'synced', sku, warehouse: WAREHOUSE, new_quantity: 7 });
    expect((await stockOf(sku)).body).toMatchObject({ quantity_on_hand: 7, version: 2 });
    const { items } = await allTransactions(sku);
    expect(items.map((t) => [t.quantity_before, t.quantity_change, t.quantity_after, t.delivery_id === id])).toEqual([
      [0, 10, 10, false],
      [10, -3, 7, true],
    ]);
  });

  it('applies once when a copy died before its transaction and later adjustments moved the stock on', async () => {
    // Prepare: the copy's stock update, then its death, then another adjustment on top.
    const sku = newSku();
    const id = `msg_${randomUUID()}`;
    await adjust({ sku, type: 'receipt', quantity: 10 });
    const shipment = {
      source: 'erp',
      sku,
      warehouse: WAREHOUSE,
      type: 'shipment',
      quantity: 3,
      reason: 'order 77',
    } as const;
    expect((await applyStockChange(shipment, id, new Date().toISOString())).kind).toBe('applied');
    await leaveCrashedClaim(id);
    await adjust({ sku, type: 'receipt', quantity: 5 });
    // The stream consumer writes the transaction the dead copy did not.
    const written = await eventually(async () => {
      const { items } = await allTransactions(sku);
      return items.find((t) => t.delivery_id === id);
    }, 'the transaction written from the stream');
    expect(written).toMatchObject({ quantity_before: 10, quantity_change: -3, quantity_after: 7, reason: 'order 77' });
    // Act
    const redelivered = await adjust(shipment, id);
    // Assess
    expect(redelivered.body).toEqual({ status: 'synced', sku, warehouse: WAREHOUSE, new_quantity: 7 });
    expect((await stockOf(sku)).body).toMatchObject({ quantity_on_hand: 12, version: 3 });
    expect((await allTransactions(sku)).items.map((t) => t.quantity_after)).toEqual([10, 7, 12]);
  });

  it('answers the result of a copy that died after writing its transaction, even after later adjustments', async () => {
    // Prepare
    const sku = newSku();
    const id = `msg_${randomUUID()}`;
    await adjust({ sku, type: 'receipt', quantity: 10 });
    const shipment = { source: 'erp', sku, warehouse: WAREHOUSE, type: 'shipment', quantity: 3 } as const;
    const applied = await applyStockChange(shipment, id, new Date().toISOString());
    if (applied.kind !== 'applied') throw new Error(`expected applied, got ${applied.kind}`);
    await putTransaction(transactionOf(applied.stock));
    await leaveCrashedClaim(id);
    await adjust({ sku, type: 'receipt', quantity: 5 });
    // Act
    const redelivered = await adjust(shipment, id);
    // Assess
    expect(redelivered.body).toEqual({ status: 'synced', sku, warehouse: WAREHOUSE, new_quantity: 7 });
    expect((await stockOf(sku)).body).toMatchObject({ quantity_on_hand: 12, version: 3 });
    expect((await allTransactions(sku)).items).toHaveLength(3);
  });

  it("answers a redelivery after the first copy's lease ran out with the result it produced, and applies it once", async () => {
    // Prepare: a delivery applied and answered (its claim stays in progress: the ledger records it), its lease
    // over as it is a few seconds later, and the stock moved on since.
    const sku = newSku();
    const id = `msg_${randomUUID()}`;
    const receipt = { sku, type: 'receipt', quantity: 6 };
    expect((await adjust(receipt, id)).body.new_quantity).toBe(6);
    await stack.dynamodb.send(
      new UpdateCommand({
        TableName: stack.resources.tables.idempotency?.physicalName,
        Key: { pk: `IDEMPOTENCY#inventory-webhook#erp#${id}` },
        UpdateExpression: 'SET lease_expires_at = :over',
        ExpressionAttributeValues: { ':over': Date.now() - 1 },
      }),
    );
    await adjust({ sku, type: 'receipt', quantity: 1 });
    // Act
    const late = await adjust(receipt, id);
    const later = await adjust(receipt, id);
    // Assess
    expect(late.body).toEqual({ status: 'synced', sku, warehouse: WAREHOUSE, new_quantity: 6 });
    // The takeover stored its answer on the claim: the next copy reads it.
    expect(later.body).toEqual({ status: 'duplicate', sku, warehouse: WAREHOUSE, new_quantity: 6 });
    expect((await stockOf(sku)).body).toMatchObject({ quantity_on_hand: 7, version: 2 });
    expect((await allTransactions(sku)).items.map((t) => t.quantity_after)).toEqual([6, 7]);
  });

  it('asks the sender back and applies nothing while the ledger is not written up to the stock version', async () => {
    // Prepare: a stock level at version 5 whose versions 1 to 4 never reached the ledger (as while the stream
    // consumer fails), and a copy that died holding the claim: whether it applied cannot be told.
    const sku = newSku();
    const id = `msg_${randomUUID()}`;
    await plantStock(sku, 50, 5);
    await leaveCrashedClaim(id);
    // Act
    const redelivered = await adjust({ sku, type: 'shipment', quantity: 3 }, id);
    const ledger = await admin<{ items: Transaction[]; catching_up?: unknown }>(
      stack.url,
      'GET',
      `/admin/inventory/${sku}/${WAREHOUSE}/transactions`,
    );
    // Assess
    expect(redelivered.status).toBe(409);
    expect(redelivered.body).toMatchObject({ retry_after_seconds: 2 });
    expect((await stockOf(sku)).body).toMatchObject({ quantity_on_hand: 50, version: 5 });
    expect(ledger.status).toBe(200);
    expect(ledger.body).toEqual({ items: [], catching_up: { missing_version: 1, stock_version: 5 } });
  });
});

describe('GET /admin/inventory', () => {
  it('answers 404 for an unknown sku and 401 without the admin token', async () => {
    // Act
    const unknown = await stockOf(newSku());
    const anonymous = await fetch(`${stack.url}/admin/inventory/SKU-1/${WAREHOUSE}`);
    // Assess
    expect(unknown.status).toBe(404);
    expect(anonymous.status).toBe(401);
  });

  it('pages transactions with a cursor and refuses a forged one', async () => {
    // Prepare
    const sku = newSku();
    for (const quantity of [1, 2, 3]) await adjust({ sku, type: 'receipt', quantity });
    // Act
    const { items, pages } = await allTransactions(sku, 2);
    const forged = await admin(stack.url, 'GET', `/admin/inventory/${sku}/${WAREHOUSE}/transactions?cursor=bm9wZQ`);
    // Assess
    expect(pages).toBe(2);
    expect(items.map((t) => t.quantity_after)).toEqual([1, 3, 6]);
    expect(forged.status).toBe(400);
  });
});

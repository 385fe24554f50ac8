import { randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BulkJob } from '../../functions/bulk/domain/job.js';
import { STOCK_SK, stockKey } from '../../functions/kernel/stock/stock.js';
import { listResponder } from '../helpers/bulk-sources.js';
import { TEST_ERP_WEBHOOK_KEY, erpItemOf, postErpWebhook } from '../helpers/erp-client.js';
import { type FakeHttpServer, startFakeHttpServer } from '../helpers/fake-http-server.js';
import { TEST_ADMIN_TOKEN, admin, eventually } from '../helpers/http-client.js';
import { type TestStack, startTestStack } from '../helpers/test-stack.js';

/**
 * Bulk sync of ERP and shop pages into our own store, end to end on the
 * offline engines, against local servers playing the ERP (offset paging)
 * and the shop (`Link` cursor paging): stock counts land on the stock
 * levels through the shared stock path, orders and customers in the `erp`
 * table through the ERP's own decision, a bulk-loaded order mails nobody
 * while a later webhook change of it mails as ever, a dry run writes
 * nothing, a bad sku is an error of its record. Every test uses fresh ids
 * (the engines and SES local's store are shared by every test file).
 */
interface SentMail {
  readonly subject: string;
  readonly destination: { readonly to: readonly string[] };
}

let erp: FakeHttpServer;
let shop: FakeHttpServer;
let stack: TestStack;
const ERP_KEY = 'erp-test-key';
const SHOP_KEY = 'shop-test-key';
const SALES = `sales-${randomUUID().slice(0, 6)}@example.com`;

beforeAll(async () => {
  [erp, shop] = await Promise.all([startFakeHttpServer(), startFakeHttpServer()]);
  stack = await startTestStack({
    env: {
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      ERP_API_URL: erp.url,
      ERP_API_KEY: ERP_KEY,
      ERP_WEBHOOK_KEY: TEST_ERP_WEBHOOK_KEY,
      ECOMMERCE_API_URL: shop.url,
      ECOMMERCE_API_KEY: SHOP_KEY,
      MAIL_FROM: 'sync@example.com',
      OUTBOUND_BACKOFF_BASE_SECONDS: '1',
      SETTINGS_CACHE_SECONDS: '0',
    },
  });
  const answer = await admin(stack.url, 'PUT', '/admin/settings', {
    recipients: { sales: [SALES], purchasing: [], data_admin: [], ops: [] },
  });
  expect(answer.status).toBe(200);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  await Promise.all([erp?.close(), shop?.close()]);
});

const fresh = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

const startJob = (body: Record<string, unknown>) =>
  admin<{ job_id: string; status: string; error?: string }>(stack.url, 'POST', '/admin/bulk-jobs', body);

const finished = (id: string) =>
  eventually(async () => {
    const job = (await admin<BulkJob>(stack.url, 'GET', `/admin/bulk-jobs/${id}`)).body;
    return ['completed', 'failed', 'cancelled'].includes(job.status) ? job : undefined;
  }, `job ${id} finished`);

const run = async (body: Record<string, unknown>): Promise<BulkJob> => {
  const started = await startJob(body);
  expect(started.status).toBe(202);
  return finished(started.body.job_id);
};

const stockOf = async (sku: string, warehouse: string) =>
  (
    await stack.dynamodb.send(
      new GetCommand({
        TableName: stack.resources.tables.inventory?.physicalName,
        Key: { pk: stockKey(sku, warehouse), sk: STOCK_SK },
        ConsistentRead: true,
      }),
    )
  ).Item;

const syncEventsOf = async (recordId: string) =>
  (
    await stack.dynamodb.send(
      new QueryCommand({
        TableName: stack.resources.tables.syncLog?.physicalName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `EVENTS#${recordId}` },
      }),
    )
  ).Items ?? [];

const mailsTo = async (to: string): Promise<SentMail[]> =>
  ((await (await fetch(`${stack.endpoints.ses}/store`)).json()) as { emails: SentMail[] }).emails.filter((m) =>
    m.destination.to.includes(to),
  );

const erpCounts = (prefix: string, count: number, lastModified = '2026-11-01T10:00:00Z') =>
  Array.from({ length: count }, (_, n) => ({
    sku: `${prefix}-${n}`,
    warehouse: 'WH-1',
    qtyOnHand: 10 + n,
    qtyAvailable: 8 + n,
    lastModified,
  }));

describe('Bulk sync: ERP and shop stock into our stock levels', () => {
  it('sets the levels from an ERP inventory load, and a re-run of it is all unchanged', {
    timeout: 40_000,
  }, async () => {
    // Prepare
    const prefix = fresh('ES');
    erp.setResponder(
      listResponder({ path: '/api/inventory', records: erpCounts(prefix, 5), style: 'offset', key: ERP_KEY }),
    );
    const first = await run({ source: 'erp', target: 'local', entity: 'inventory', batch_size: 2 });
    // Act
    const again = await run({ source: 'erp', target: 'local', entity: 'inventory', batch_size: 2 });
    // Assess
    expect(first).toMatchObject({ status: 'completed', processed: 5, created: 5, errors: 0, pages: 3 });
    expect(again).toMatchObject({ status: 'completed', processed: 5, created: 0, updated: 0, unchanged: 5 });
    expect(await stockOf(`${prefix}-4`, 'WH-1')).toMatchObject({
      quantity_on_hand: 14,
      quantity_available: 12,
      last_adjustment_source: 'erp',
      last_adjustment_type: 'count',
      version: 1,
    });
  });

  it('loads shop inventory_levels by Link cursor paging, keeping a bad sku as an error of its record', {
    timeout: 40_000,
  }, async () => {
    // Prepare
    const prefix = fresh('SH');
    const levels = Array.from({ length: 5 }, (_, n) => ({
      sku: `${prefix}-${n}`,
      location_id: 7001,
      inventory_item_id: 900 + n,
      available: n,
      updated_at: '2026-11-02T10:00:00Z',
    }));
    levels[2] = { ...levels[2], sku: `${prefix} 2/bad` } as (typeof levels)[number];
    shop.setResponder(listResponder({ path: '/inventory_levels', records: levels, style: 'link', key: SHOP_KEY }));
    // Act
    const job = await run({ source: 'ecommerce', target: 'local', entity: 'inventory_levels', batch_size: 2 });
    const errors = await admin<{ items: { record_id: string; reason: string }[] }>(
      stack.url,
      'GET',
      `/admin/bulk-jobs/${job.job_id}/errors`,
    );
    // Assess
    expect(job).toMatchObject({ status: 'completed', processed: 5, created: 4, errors: 1, pages: 3 });
    expect(shop.requests.some((r) => r.path.includes('cursor=4'))).toBe(true);
    expect(errors.body.items).toEqual([
      expect.objectContaining({ record_id: `${prefix} 2/bad~7001`, reason: expect.stringContaining('sku:') }),
    ]);
    expect(await stockOf(`${prefix}-3`, '7001')).toMatchObject({
      quantity_on_hand: 3,
      last_adjustment_source: 'ecommerce',
    });
  });

  it('writes nothing in a dry run, and reports what would be created', { timeout: 40_000 }, async () => {
    // Prepare
    const prefix = fresh('DS');
    erp.setResponder(
      listResponder({ path: '/api/inventory', records: erpCounts(prefix, 3), style: 'offset', key: ERP_KEY }),
    );
    // Act
    const job = await run({ source: 'erp', target: 'local', entity: 'inventory', dry_run: true });
    // Assess
    expect(job).toMatchObject({ status: 'completed', processed: 3, created: 3 });
    expect(job.samples?.created?.[0]?.changes).toMatchObject({ quantity_on_hand: { from: null } });
    expect(await stockOf(`${prefix}-0`, 'WH-1')).toBeUndefined();
  });
});

describe('Bulk sync: ERP orders and customers into the erp table', () => {
  it('loads customers and orders without a mail, and a later webhook change of an order mails as ever', {
    timeout: 60_000,
  }, async () => {
    // Prepare
    const customerId = fresh('C');
    const email = `${fresh('ann')}@example.com`;
    const orderIds = [fresh('SO'), fresh('SO')];
    erp.setResponder(
      listResponder({
        path: '/api/customers',
        records: [{ id: customerId, name: 'Ann Lee', email, lastModified: '2026-11-01T10:00:00Z' }],
        style: 'offset',
        key: ERP_KEY,
      }),
    );
    const customers = await run({ source: 'erp', target: 'local', entity: 'customers' });
    erp.setResponder(
      listResponder({
        path: '/api/orders',
        records: orderIds.map((id) => ({
          id,
          orderNumber: `N-${id}`,
          customerId,
          status: 'open',
          total: 50,
          currency: 'EUR',
          lineItems: [{ sku: 'SKU-1', quantity: 1 }],
          lastModified: '2026-11-01T10:00:00Z',
        })),
        style: 'offset',
        key: ERP_KEY,
      }),
    );
    // Act
    const orders = await run({ source: 'erp', target: 'local', entity: 'orders' });
    // Assess: stored, readable, logged, and mailed to nobody.
    expect(customers).toMatchObject({ status: 'completed', created: 1, errors: 0 });
    expect(orders).toMatchObject({ status: 'completed', processed: 2, created: 2, errors: 0 });
    const read = await admin<{ order: Record<string, unknown> }>(stack.url, 'GET', `/admin/orders/${orderIds[0]}`);
    expect(read).toMatchObject({ status: 200, body: { order: { id: orderIds[0], status: 'open' } } });
    expect(await erpItemOf(stack, 'salesOrder', orderIds[1] as string)).toMatchObject({
      bulk_job_id: orders.job_id,
      last_delivery_id: `bulk:${orders.job_id}:1:${orderIds[1]}`,
    });
    await eventually(async () => (await syncEventsOf(orderIds[0] as string)).find((e) => e.source === 'erp'), 'logged');
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await mailsTo(SALES)).toEqual([]);
    expect(await mailsTo(email)).toEqual([]);

    // Act: the ERP changes one of them live.
    const webhook = await postErpWebhook(stack, {
      eventType: 'updated',
      entity: 'salesOrder',
      entityId: orderIds[0],
      eventId: fresh('evt'),
      payload: { orderNumber: `N-${orderIds[0]}`, status: 'shipped', lastModified: '2026-12-01T10:00:00Z' },
    });
    // Assess
    expect(webhook.status).toBe(200);
    const mail = await eventually(async () => (await mailsTo(email))[0], 'the order update mail');
    expect(mail.subject).toBe(`Order Update: N-${orderIds[0]}`);
    expect((await erpItemOf(stack, 'salesOrder', orderIds[0] as string))?.bulk_job_id).toBeUndefined();
  });

  it('writes no erp item in a dry run', { timeout: 30_000 }, async () => {
    // Prepare
    const id = fresh('SO');
    erp.setResponder(
      listResponder({ path: '/api/orders', records: [{ id, orderNumber: `N-${id}` }], style: 'offset', key: ERP_KEY }),
    );
    // Act
    const job = await run({ source: 'erp', target: 'local', entity: 'orders', dry_run: true });
    // Assess
    expect(job).toMatchObject({ status: 'completed', processed: 1, created: 1 });
    expect(await erpItemOf(stack, 'salesOrder', id)).toBeUndefined();
  });

  it('refuses shop products for our store with a 400 naming target and saying why', async () => {
    // Act
    const answer = await startJob({ source: 'ecommerce', target: 'local', entity: 'products' });
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain('target');
    expect(answer.body.error).toContain('no product record');
  });
});

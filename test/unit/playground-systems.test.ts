import { describe, expect, it } from 'vitest';
import { crmPlayground } from '../../local/playground/crm.js';
import { erpPlayground } from '../../local/playground/erp.js';
import type { RecordedRequest, Responder } from '../../local/playground/fake-http-server.js';
import { pagerDutyPlayground } from '../../local/playground/pagerduty.js';
import type { PlaygroundSystem } from '../../local/playground/playground-system.js';
import { posPlayground } from '../../local/playground/pos.js';
import { shopPlayground } from '../../local/playground/shop.js';
import { slackPlayground } from '../../local/playground/slack.js';
import { wmsPlayground } from '../../local/playground/wms.js';

/** The settings of .env.example: the keys each playground system checks. */
const ENV = {
  CRM_API_KEY: 'crm-local-key',
  ERP_API_KEY: 'erp-local-key',
  ECOMMERCE_API_KEY: 'shop-local-key',
  POS_API_KEY: 'pos-local-key',
  WMS_API_KEY: 'wms-local-key',
  SLACK_WEBHOOK_URL: 'http://127.0.0.1:4015/slack',
  PAGERDUTY_EVENTS_URL: 'http://127.0.0.1:4016/v2/enqueue',
  PAGERDUTY_ROUTING_KEY: 'pd-local-routing-key',
};
const NOW = new Date('2026-12-03T10:00:00.000Z');

const responderOf = (system: PlaygroundSystem, now: () => Date = () => NOW): Responder =>
  system.responder({ env: ENV, now });

const aRequest = (overrides: Partial<RecordedRequest> & Pick<RecordedRequest, 'method' | 'path'>): RecordedRequest => ({
  headers: {},
  body: undefined,
  at: NOW.getTime(),
  ...overrides,
});
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('playground CRM', () => {
  const crmCall = (method: string, path: string, body?: unknown, key = 'crm-local-key') =>
    aRequest({ method, path, body, headers: bearer(key) });

  it('creates a contact with 201 and an id, then answers it by id', () => {
    // Prepare
    const crm = responderOf(crmPlayground);
    // Act
    const created = crm(crmCall('POST', '/api/contacts', { firstName: 'Ana', email: 'ana@example.com' }));
    const id = (created.body as { id: string }).id;
    const read = crm(crmCall('GET', `/api/contacts/${id}`));
    // Assess
    expect(created.status).toBe(201);
    expect(id).toEqual(expect.any(String));
    expect(read).toMatchObject({ status: 200, body: { id, firstName: 'Ana', email: 'ana@example.com' } });
  });

  it('replaces a contact on PUT and merges it on PATCH', () => {
    // Prepare
    const crm = responderOf(crmPlayground);
    const id = (crm(crmCall('POST', '/api/contacts', { firstName: 'Ana', title: 'CTO' })).body as { id: string }).id;
    // Act
    crm(crmCall('PUT', `/api/contacts/${id}`, { firstName: 'Ana', phone: '123' }));
    crm(crmCall('PATCH', `/api/contacts/${id}`, { title: 'CEO' }));
    // Assess
    const read = crm(crmCall('GET', `/api/contacts/${id}`)).body as Record<string, unknown>;
    expect(read).toMatchObject({ id, firstName: 'Ana', phone: '123', title: 'CEO' });
  });

  it('stores a PUT to an id it never saw under that id, and refuses a PATCH to one with 404', () => {
    // Prepare
    const crm = responderOf(crmPlayground);
    // Act
    const put = crm(crmCall('PUT', '/api/contacts/003A', { email: 'ana@example.com' }));
    const patch = crm(crmCall('PATCH', '/api/contacts/003B', { email: 'bo@example.com' }));
    // Assess
    expect(put).toMatchObject({ status: 200, body: { id: '003A', email: 'ana@example.com' } });
    expect(crm(crmCall('GET', '/api/contacts/003A')).status).toBe(200);
    expect(patch.status).toBe(404);
    expect(crm(crmCall('GET', '/api/contacts/003B')).status).toBe(404);
  });

  it('lists contacts with offset paging, has_more and total', () => {
    // Prepare
    const crm = responderOf(crmPlayground);
    for (let n = 0; n < 5; n += 1) crm(crmCall('POST', '/api/contacts', { email: `p${n}@example.com` }));
    // Act
    const first = crm(crmCall('GET', '/api/contacts?limit=2&offset=0')).body as Record<string, unknown>;
    const last = crm(crmCall('GET', '/api/contacts?limit=2&offset=4')).body as Record<string, unknown>;
    // Assess
    expect(first).toMatchObject({ has_more: true, total: 5 });
    expect((first.data as { email: string }[]).map((c) => c.email)).toEqual(['p0@example.com', 'p1@example.com']);
    expect(last).toMatchObject({ has_more: false, total: 5 });
    expect((last.data as { email: string }[]).map((c) => c.email)).toEqual(['p4@example.com']);
  });

  it('lists only contacts changed at or after updated_since', () => {
    // Prepare
    let now = new Date('2026-12-01T00:00:00.000Z');
    const crm = responderOf(crmPlayground, () => now);
    crm(crmCall('POST', '/api/contacts', { email: 'old@example.com' }));
    now = new Date('2026-12-03T00:00:00.000Z');
    crm(crmCall('POST', '/api/contacts', { email: 'new@example.com' }));
    // Act
    const page = crm(crmCall('GET', '/api/contacts?updated_since=2026-12-02T00:00:00.000Z')).body as {
      data: { email: string }[];
    };
    // Assess
    expect(page.data.map((c) => c.email)).toEqual(['new@example.com']);
  });

  it('answers 401 to a wrong or missing bearer key and keeps nothing', () => {
    // Prepare
    const crm = responderOf(crmPlayground);
    // Act
    const wrong = crm(crmCall('POST', '/api/contacts', { email: 'ana@example.com' }, 'not-the-key'));
    const missing = crm(aRequest({ method: 'GET', path: '/api/contacts' }));
    // Assess
    expect(wrong.status).toBe(401);
    expect(missing.status).toBe(401);
    expect((crm(crmCall('GET', '/api/contacts')).body as { total: number }).total).toBe(0);
  });

  it('answers 400 naming the field for a bad email and 404 for an unknown collection', () => {
    // Prepare
    const crm = responderOf(crmPlayground);
    // Act
    const bad = crm(crmCall('POST', '/api/contacts', { email: 'not-an-email' }));
    const unknown = crm(crmCall('GET', '/api/widgets'));
    // Assess
    expect(bad).toMatchObject({ status: 400, body: { field: 'email' } });
    expect(unknown.status).toBe(404);
  });
});

describe('playground ERP', () => {
  const erpCall = (method: string, path: string, body?: unknown, key = 'erp-local-key') =>
    aRequest({ method, path, body, headers: bearer(key) });

  it('answers an id-only fetch with the entity named by the id', () => {
    // Prepare
    const erp = responderOf(erpPlayground);
    // Act
    const invoice = erp(erpCall('GET', '/api/invoice/INV-7'));
    const order = erp(erpCall('GET', '/api/salesOrder/SO-1'));
    // Assess
    expect(invoice).toMatchObject({ status: 200, body: { invoiceNumber: 'INV-7', currency: 'EUR' } });
    expect(order).toMatchObject({ status: 200, body: { orderNumber: 'SO-1' } });
  });

  it('stores a stock level put to /api/inventory/{sku} and answers it back', () => {
    // Prepare
    const erp = responderOf(erpPlayground);
    // Act
    const put = erp(erpCall('PUT', '/api/inventory/SKU-1', { sku: 'SKU-1', warehouseCode: 'WH-1', qtyOnHand: 7 }));
    const read = erp(erpCall('GET', '/api/inventory/SKU-1'));
    // Assess
    expect(put.status).toBe(200);
    expect(read).toMatchObject({ status: 200, body: { warehouse: 'WH-1', qtyOnHand: 7 } });
  });

  it('answers 404 for the stock of a sku it was never sent, so a fetch cannot zero it', () => {
    // Prepare
    const erp = responderOf(erpPlayground);
    // Act
    const read = erp(erpCall('GET', '/api/inventory/SKU-404'));
    // Assess
    expect(read.status).toBe(404);
  });

  it('answers 400 naming qtyOnHand when it is not a number, and 401 to a wrong key', () => {
    // Prepare
    const erp = responderOf(erpPlayground);
    // Act
    const bad = erp(erpCall('PUT', '/api/inventory/SKU-1', { sku: 'SKU-1', warehouseCode: 'WH-1', qtyOnHand: 'x' }));
    const refused = erp(erpCall('GET', '/api/invoice/INV-7', undefined, 'wrong'));
    // Assess
    expect(bad).toMatchObject({ status: 400, body: { field: 'qtyOnHand' } });
    expect(refused.status).toBe(401);
  });
});

describe('playground shop, POS and WMS', () => {
  it('accepts the shop stock update with the bearer key and lists it in inventory_levels', () => {
    // Prepare
    const shop = responderOf(shopPlayground);
    // Act
    const put = shop(
      aRequest({
        method: 'PUT',
        path: '/products/SKU-1/inventory',
        body: { inventory_quantity: 4 },
        headers: bearer('shop-local-key'),
      }),
    );
    const listed = shop(aRequest({ method: 'GET', path: '/inventory_levels', headers: bearer('shop-local-key') }));
    // Assess
    expect(put.status).toBe(200);
    expect(listed.body).toEqual({
      items: [{ sku: 'SKU-1', inventory_quantity: 4, updated_at: NOW.toISOString() }],
    });
  });

  it('refuses the shop update with 401 for a wrong key and 400 for a fractional quantity', () => {
    // Prepare
    const shop = responderOf(shopPlayground);
    const update = (key: string, quantity: number) =>
      shop(
        aRequest({
          method: 'PUT',
          path: '/products/SKU-1/inventory',
          body: { inventory_quantity: quantity },
          headers: bearer(key),
        }),
      );
    // Act
    const refused = update('wrong', 4);
    const bad = update('shop-local-key', 1.5);
    // Assess
    expect(refused.status).toBe(401);
    expect(bad).toMatchObject({ status: 400, body: { field: 'inventory_quantity' } });
  });

  it('accepts the POS update with its key in X-API-Key and refuses it as a bearer token', () => {
    // Prepare
    const pos = responderOf(posPlayground);
    const body = { item_id: 'SKU-1', quantity: 4, location_id: 'WH-1' };
    // Act
    const accepted = pos(
      aRequest({ method: 'POST', path: '/inventory/update', body, headers: { 'x-api-key': 'pos-local-key' } }),
    );
    const asBearer = pos(
      aRequest({ method: 'POST', path: '/inventory/update', body, headers: bearer('pos-local-key') }),
    );
    // Assess
    expect(accepted).toMatchObject({ status: 200, body: { success: true, item_id: 'SKU-1', quantity: 4 } });
    expect(asBearer.status).toBe(401);
  });

  it('answers 400 naming location_id when the POS update has none', () => {
    // Prepare
    const pos = responderOf(posPlayground);
    // Act
    const answer = pos(
      aRequest({
        method: 'POST',
        path: '/inventory/update',
        body: { item_id: 'SKU-1', quantity: 4 },
        headers: { 'x-api-key': 'pos-local-key' },
      }),
    );
    // Assess
    expect(answer).toMatchObject({ status: 400, body: { field: 'location_id' } });
  });

  it('accepts the WMS update with the bearer key, refuses a wrong key and names a missing qty', () => {
    // Prepare
    const wms = responderOf(wmsPlayground);
    const put = (key: string, body: unknown) =>
      wms(aRequest({ method: 'PUT', path: '/api/inventory', body, headers: bearer(key) }));
    // Act
    const accepted = put('wms-local-key', { sku: 'SKU-1', location: 'WH-1', qty: 4 });
    const refused = put('wrong', { sku: 'SKU-1', location: 'WH-1', qty: 4 });
    const bad = put('wms-local-key', { sku: 'SKU-1', location: 'WH-1' });
    // Assess
    expect(accepted).toMatchObject({ status: 200, body: { sku: 'SKU-1', location: 'WH-1', qty: 4 } });
    expect(refused.status).toBe(401);
    expect(bad).toMatchObject({ status: 400, body: { field: 'qty' } });
  });
});

describe('playground Slack and PagerDuty', () => {
  it('answers a Slack post to the webhook path with a plain ok, and any other path with 404 no_service', () => {
    // Prepare
    const slack = responderOf(slackPlayground);
    // Act
    const posted = slack(aRequest({ method: 'POST', path: '/slack', body: { text: 'SKU-1 is low' } }));
    const elsewhere = slack(aRequest({ method: 'POST', path: '/other', body: { text: 'hi' } }));
    const empty = slack(aRequest({ method: 'POST', path: '/slack', body: {} }));
    // Assess
    expect(posted).toEqual({ status: 200, text: 'ok' });
    expect(elsewhere).toEqual({ status: 404, text: 'no_service' });
    expect(empty).toEqual({ status: 400, text: 'no_text' });
  });

  it('answers a PagerDuty trigger with 202, success and its dedup_key', () => {
    // Prepare
    const pagerDuty = responderOf(pagerDutyPlayground);
    const event = {
      routing_key: 'pd-local-routing-key',
      event_action: 'trigger',
      dedup_key: 'monitor#dlq',
      payload: { summary: 'DLQ not empty', source: 'sync-tools', severity: 'critical' },
    };
    // Act
    const answer = pagerDuty(aRequest({ method: 'POST', path: '/v2/enqueue', body: event }));
    // Assess
    expect(answer).toEqual({
      status: 202,
      body: { status: 'success', message: 'Event processed', dedup_key: 'monitor#dlq' },
    });
  });

  it('gives a trigger without a dedup_key a new one', () => {
    // Prepare
    const pagerDuty = responderOf(pagerDutyPlayground);
    const event = {
      routing_key: 'pd-local-routing-key',
      event_action: 'trigger',
      payload: { summary: 'DLQ not empty', source: 'sync-tools', severity: 'critical' },
    };
    // Act
    const answer = pagerDuty(aRequest({ method: 'POST', path: '/v2/enqueue', body: event }));
    // Assess
    expect(answer.status).toBe(202);
    expect((answer.body as { dedup_key: string }).dedup_key).toMatch(/^[0-9a-f]{32}$/);
  });

  it('refuses a wrong routing key with 400 invalid event, as PagerDuty does', () => {
    // Prepare
    const pagerDuty = responderOf(pagerDutyPlayground);
    // Act
    const answer = pagerDuty(
      aRequest({
        method: 'POST',
        path: '/v2/enqueue',
        body: { routing_key: 'wrong', event_action: 'resolve', dedup_key: 'monitor#dlq' },
      }),
    );
    // Assess
    expect(answer).toMatchObject({ status: 400, body: { status: 'invalid event', errors: ['Invalid routing key'] } });
  });

  it('refuses a resolve without a dedup_key', () => {
    // Prepare
    const pagerDuty = responderOf(pagerDutyPlayground);
    // Act
    const answer = pagerDuty(
      aRequest({
        method: 'POST',
        path: '/v2/enqueue',
        body: { routing_key: 'pd-local-routing-key', event_action: 'resolve' },
      }),
    );
    // Assess
    expect(answer).toMatchObject({ status: 400, body: { errors: ["'dedup_key' is missing"] } });
  });
});

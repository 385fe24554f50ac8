import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TEST_ADMIN_TOKEN,
  TEST_CRM_SECRET,
  TEST_INVENTORY_SECRET,
  admin,
  postSignedWebhook,
} from '../helpers/http-client.js';
import { webhookEnv } from '../helpers/stack-env.js';
import { type TestStack, startTestStack } from '../helpers/test-stack.js';

/**
 * Item 3 and 9 of "Nothing lost", through the real routes on DynamoDB
 * Local: a value we can store is stored exactly (a large revenue), and a
 * value we cannot is refused with a 4xx naming the field, with nothing
 * written. The property-based sweep over the same routes is
 * fuzz-routes.test.ts.
 */
let stack: TestStack;

const crmId = (): string => `001${randomUUID().slice(0, 8)}`;
const RECENT = '2026-11-24T10:00:00.000Z';

const sendCrm = (raw: string) =>
  postSignedWebhook(`${stack.url}/webhooks/crm`, undefined, { secret: TEST_CRM_SECRET, raw });
const sendInventory = (body: unknown) =>
  postSignedWebhook(`${stack.url}/webhooks/inventory`, body, { secret: TEST_INVENTORY_SECRET });

/** A CRM account change, its data written as raw JSON text so numbers go out exactly as typed. */
const accountChange = (id: string, dataJson: string, timestamp = RECENT) =>
  `{"event":"created","type":"account","id":"${id}","timestamp":"${timestamp}","data":${dataJson}}`;

const rawGet = async (path: string): Promise<{ status: number; text: string }> => {
  const response = await fetch(`${stack.url}${path}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
  return { status: response.status, text: await response.text() };
};

beforeAll(async () => {
  stack = await startTestStack({ env: webhookEnv() });
});

afterAll(async () => {
  await stack?.stop();
});

describe('exact figures', () => {
  it('stores a revenue of 12345678901234567890123 exactly, and GET /admin/records answers it digit for digit', async () => {
    // Prepare
    const id = crmId();
    // Act
    const answer = await sendCrm(accountChange(id, '{"name":"Big Co","annualRevenue":12345678901234567890123}'));
    const read = await rawGet(`/admin/records/account/crm-${id}`);
    // Assess
    expect(answer.status).toBe(200);
    expect(read.status).toBe(200);
    expect(read.text).toContain('"annual_revenue":"12345678901234567890123"');
    expect((JSON.parse(read.text) as { data: Record<string, unknown> }).data.annual_revenue).toBe(
      '12345678901234567890123',
    );
  });

  it('keeps a revenue a double holds exactly as a number', async () => {
    // Prepare
    const id = crmId();
    // Act
    await sendCrm(accountChange(id, '{"name":"Small Co","annualRevenue":2500000.5}'));
    const read = await admin<{ data: Record<string, unknown> }>(stack.url, 'GET', `/admin/records/account/crm-${id}`);
    // Assess
    expect(read.body.data.annual_revenue).toBe(2500000.5);
  });
});

describe('POST /webhooks/crm refuses what it cannot store, naming the field, writing nothing', () => {
  it.each([
    [
      'an integer beyond 2^53 in a number field',
      '{"name":"X","numberOfEmployees":12345678901234567890}',
      400,
      'data.numberOfEmployees',
    ],
    ['a number below 1e-130', '{"name":"X","annualRevenue":1e-200}', 400, 'data.annualRevenue'],
    [
      'a revenue of 39 digits',
      '{"name":"X","annualRevenue":123456789012345678901234567890123456789}',
      400,
      'data.annualRevenue',
    ],
    [
      'nesting deeper than 24 levels',
      `{"name":"X","billingAddress":${'{"a":'.repeat(30)}1${'}'.repeat(30)}}`,
      400,
      `data.billingAddress${'.a'.repeat(22)}`,
    ],
    [
      'a __proto__ key',
      '{"name":"X","billingAddress":{"__proto__":{"admin":true}}}',
      400,
      'data.billingAddress.__proto__',
    ],
    ['a constructor key', '{"name":"X","constructor":{"prototype":1}}', 400, 'data.constructor'],
    ['an empty key', '{"name":"X","billingAddress":{"":"x"}}', 400, 'data.billingAddress'],
    ['a lone surrogate', '{"name":"X\\ud800"}', 400, 'data.name'],
    [
      'an exact figure in a free-form field',
      '{"name":"X","billingAddress":{"zip":1.00000000000000000001}}',
      400,
      'data.billing_address.zip',
    ],
    ['a field too large to store', `{"name":"X","industry":"${'i'.repeat(120_000)}"}`, 413, 'data.industry'],
  ])('refuses %s', async (_what, dataJson, status, field) => {
    // Prepare
    const id = crmId();
    // Act
    const answer = await sendCrm(accountChange(id, dataJson));
    const read = await rawGet(`/admin/records/account/crm-${id}`);
    // Assess
    expect(answer.status).toBe(status);
    expect(answer.body.error).toContain(`${field}: `);
    expect(read.status).toBe(404);
  });

  it.each([
    ['the year 9999', '9999-12-31T23:59:59Z', 'timestamp: is more than 5 minutes ahead of now'],
    [
      'ten minutes ahead',
      new Date(Date.now() + 10 * 60_000).toISOString(),
      'timestamp: is more than 5 minutes ahead of now',
    ],
    ['a date that does not exist', '2026-02-30T10:00:00Z', 'timestamp: must be an ISO 8601 date-time with an offset'],
  ])('refuses a change time of %s and stores nothing', async (_what, timestamp, message) => {
    // Prepare
    const id = crmId();
    // Act
    const answer = await sendCrm(accountChange(id, '{"name":"Future Co"}', timestamp));
    const read = await rawGet(`/admin/records/account/crm-${id}`);
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain(message);
    expect(read.status).toBe(404);
  });

  it('refuses an opportunity probability over 100, naming the field', async () => {
    // Prepare
    const id = crmId();
    const raw = `{"event":"created","type":"opportunity","id":"${id}","timestamp":"${RECENT}","data":{"name":"Deal","probability":150}}`;
    // Act
    const answer = await sendCrm(raw);
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain('data.probability: ');
    expect((await rawGet(`/admin/records/opportunity/crm-${id}`)).status).toBe(404);
  });
});

describe('POST /webhooks/inventory: whole quantities', () => {
  it.each([
    ['a fractional quantity', 2.5],
    ['a quantity beyond 2^53', 2 ** 60],
  ])('refuses %s, naming the field, and leaves the stock alone', async (_what, quantity) => {
    // Prepare
    const sku = `SKU-${randomUUID().slice(0, 8)}`;
    // Act
    const answer = await sendInventory({ source: 'erp', sku, warehouse: 'WH-1', type: 'receipt', quantity });
    const stock = await admin(stack.url, 'GET', `/admin/inventory/${sku}/WH-1`);
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain('quantity: ');
    expect(stock.status).toBe(404);
  });
});

describe('admin routes that write refuse what they cannot store', () => {
  it.each([
    ['a number beyond 2^53', '{"n":12345678901234567890123}', 400, 'n'],
    ['a tiny number', '{"ratio":1e-200}', 400, 'ratio'],
    ['a prototype key', '{"prototype":{"x":1}}', 400, 'prototype'],
    ['deep nesting', `{"deep":${'['.repeat(30)}${']'.repeat(30)}}`, 400, 'deep.0'],
  ])('PUT /admin/records refuses %s naming the field, writing nothing', async (_what, raw, status, field) => {
    // Prepare
    const id = `n-${randomUUID().slice(0, 8)}`;
    // Act
    const response = await fetch(`${stack.url}/admin/records/product/${id}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: raw,
    });
    const body = (await response.json()) as { error: string };
    // Assess
    expect(response.status).toBe(status);
    expect(body.error).toContain(`${field}`);
    expect((await rawGet(`/admin/records/product/${id}`)).status).toBe(404);
  });

  it('PUT /admin/settings refuses a __proto__ key naming it', async () => {
    // Act
    const response = await fetch(`${stack.url}/admin/settings`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: '{"__proto__":{"conflict_window_minutes":1}}',
    });
    // Assess
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toContain('__proto__: is a reserved name');
  });

  it('POST /admin/conflicts/{id}/resolve refuses a chosen value it cannot store, before looking the conflict up', async () => {
    // Act
    const answer = await admin(stack.url, 'POST', '/admin/conflicts/c-none/resolve', {
      fields: { email: { value: 1e-200 } },
    });
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain('fields.email.value: ');
  });
});

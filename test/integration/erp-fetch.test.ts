import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { erpItemOf, postErpWebhook } from '../helpers/erp-client.js';
import { customerPayload, newErpId, salesOrderPayload } from '../helpers/erp-factories.js';
import type { RecordedRequest } from '../helpers/fake-http-server.js';
import { type FakeSystems, startFakeSystems } from '../helpers/fake-systems.js';
import { TEST_ADMIN_TOKEN, admin, eventually } from '../helpers/http-client.js';
import { type TestStack, startTestStack } from '../helpers/test-stack.js';

/**
 * Id-only ERP notifications: answered 202 at once, the entity fetched
 * through the outbound queue from a local server playing the ERP (which
 * checks the bearer key), then applied as a pushed payload; a failing
 * fetch retried and dead-lettered; a body that is not the entity recorded,
 * not looped on. And the subscription validation call.
 */
let systems: FakeSystems;
let stack: TestStack;
const savedEnv = { ...process.env };

/** What the fake ERP answers to GET /api/{entity}/{id}, by path. */
const entities = new Map<string, { status: number; body?: unknown }>();

const erpResponder = (request: RecordedRequest) => {
  if (request.method !== 'GET') return { status: 200, body: {} };
  if (request.headers.authorization !== 'Bearer erp-test-key') return { status: 401, body: { error: 'bad key' } };
  return entities.get(request.path) ?? { status: 404, body: { error: 'not found' } };
};

const fetchesOf = (path: string) => systems.erp.requests.filter((r) => r.method === 'GET' && r.path === path);

beforeAll(async () => {
  systems = await startFakeSystems();
  systems.erp.setResponder(erpResponder);
  const env = {
    ...systems.env,
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    OUTBOUND_BACKOFF_BASE_SECONDS: '1',
    OUTBOUND_TIMEOUT_MS: '1000',
    OUTBOUND_FAILURE_BUDGET: '2',
  };
  Object.assign(process.env, env);
  stack = await startTestStack({ env });
});

afterAll(async () => {
  await stack?.stop();
  await systems?.close();
  process.env = savedEnv;
});

describe('POST /webhooks/erp: id-only notifications', () => {
  it('answers 202 queued, fetches the order with the bearer key and stores it as a pushed one', async () => {
    // Prepare
    const id = newErpId('SO');
    const order = salesOrderPayload({ status: 'released' }, 10);
    entities.set(`/api/salesOrder/${id}`, { status: 200, body: order });
    // Act
    const answer = await postErpWebhook(stack, { eventType: 'updated', entity: 'salesOrder', entityId: id });
    // Assess
    expect(answer).toEqual({ status: 202, body: { status: 'queued', entity: 'salesOrder', entity_id: id } });
    const item = await eventually(() => erpItemOf(stack, 'salesOrder', id), `order ${id} stored`);
    expect(item).toMatchObject({ status: 'released', version: 1, data: { orderNumber: order.orderNumber } });
    expect((item.data.lineItems as unknown[]).length).toBe(10);
    expect(fetchesOf(`/api/salesOrder/${id}`)[0]?.headers.authorization).toBe('Bearer erp-test-key');
  });

  it('applies a second notification of an unchanged entity as a duplicate, by its fingerprint', async () => {
    // Prepare
    const id = newErpId('CUST');
    entities.set(`/api/customer/${id}`, { status: 200, body: customerPayload() });
    await postErpWebhook(stack, { eventType: 'created', entity: 'customer', entityId: id });
    await eventually(() => erpItemOf(stack, 'customer', id), `customer ${id} stored`);
    // Act
    await postErpWebhook(stack, { eventType: 'updated', entity: 'customer', entityId: id });
    await eventually(async () => (fetchesOf(`/api/customer/${id}`).length >= 2 ? true : undefined), 'second fetch');
    // Assess: give the action time to apply, then the item is still version 1.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await erpItemOf(stack, 'customer', id)).toMatchObject({ version: 1 });
  });

  it('retries a fetch the ERP fails with 503, then dead-letters it', async () => {
    // Prepare
    const id = newErpId('INV');
    entities.set(`/api/invoice/${id}`, { status: 503, body: { error: 'maintenance' } });
    // Act
    await postErpWebhook(stack, { eventType: 'created', entity: 'invoice', entityId: id });
    // Assess
    const url = stack.resources.queues.outbound?.dlq.url;
    const dead = await eventually(
      async () => {
        const out = await stack.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
            VisibilityTimeout: 0,
          }),
        );
        return out.Messages?.find((m) => m.Body?.includes(`/api/invoice/${id}`));
      },
      `the fetch of invoice ${id} in the outbound DLQ`,
      30_000,
    );
    await stack.sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: dead.ReceiptHandle }));
    expect(fetchesOf(`/api/invoice/${id}`).length).toBe(2);
    expect(JSON.parse(dead.Body ?? '{}')).toMatchObject({ action: { name: 'erp.fetchEntity' } });
    expect(await erpItemOf(stack, 'invoice', id)).toBeUndefined();
  }, 40_000);

  it('records a fetched body that is not the entity as rejected, once, and stores nothing', async () => {
    // Prepare
    const id = newErpId('SO');
    entities.set(`/api/salesOrder/${id}`, { status: 200, body: { orderNumber: 42 } });
    // Act
    await postErpWebhook(stack, { eventType: 'created', entity: 'salesOrder', entityId: id });
    // Assess
    const events = await eventually(async () => {
      const answer = await admin<{ items: { outcome: string; detail?: { reason?: string } }[] }>(
        stack.url,
        'GET',
        `/admin/events?record_id=${id}`,
      );
      return answer.body.items?.some((e) => e.outcome === 'rejected') ? answer.body.items : undefined;
    }, `a rejected sync event for ${id}`);
    expect(events.find((e) => e.outcome === 'rejected')?.detail?.reason).toContain('orderNumber');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(fetchesOf(`/api/salesOrder/${id}`).length).toBe(1);
    expect(await erpItemOf(stack, 'salesOrder', id)).toBeUndefined();
  });
});

describe('POST /webhooks/erp: subscription validation', () => {
  it('answers the validationToken as plain text, without a key, and writes nothing', async () => {
    // Act
    const response = await stack.fetch('/webhooks/erp?validationToken=abc-123_XYZ', { method: 'POST' });
    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(await response.text()).toBe('abc-123_XYZ');
  });

  it('answers 400 to an empty validationToken', async () => {
    // Act
    const response = await stack.fetch('/webhooks/erp?validationToken=', { method: 'POST' });
    // Assess
    expect(response.status).toBe(400);
  });
});

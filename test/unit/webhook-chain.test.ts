import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { clearSecretCache, requireIntegration } from '../../functions/kernel/config/secrets.js';
import { httpErrors } from '../../functions/kernel/http/http-errors.js';
import { json } from '../../functions/kernel/http/responses.js';
import { webhookChain, webhookRequestOf, type WebhookDelivery } from '../../functions/kernel/http/webhook.js';
import { apiKeyVerifier } from '../../functions/kernel/signatures/api-key.js';
import { signStandardWebhook, standardWebhookVerifier } from '../../functions/kernel/signatures/standard-webhooks.js';
import type { WebhookVerifier } from '../../functions/kernel/signatures/verification.js';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const SECRET = `whsec_${Buffer.from('webhook-chain-unit-test-secret-1').toString('base64')}`;
const OTHER_SECRET = `whsec_${Buffer.from('webhook-chain-unit-test-secret-2').toString('base64')}`;

const contactEvent = z.object({
  type: z.literal('contact.updated'),
  data: z.object({ id: z.string(), email: z.email() }),
});
type ContactEvent = z.output<typeof contactEvent>;

const VALID = { type: 'contact.updated', data: { id: 'c-1', email: 'ana@example.com' } };

/** A payload-format-2.0 event as API Gateway (and the offline gateway) sends it. */
const aWebhookEvent = (
  body: string,
  headers: Record<string, string> = {},
  overrides: Partial<APIGatewayProxyEventV2> = {},
): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: 'POST /webhooks/crm',
    rawPath: '/webhooks/crm',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', host: 'hooks.example.test', ...headers },
    requestContext: {
      requestId: 'req-1',
      domainName: 'hooks.example.test',
      http: { method: 'POST', path: '/webhooks/crm', protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'test' },
    },
    body,
    isBase64Encoded: false,
    ...overrides,
  }) as APIGatewayProxyEventV2;

const signed = (body: string, secret = SECRET, at = NOW, id = 'msg_1'): APIGatewayProxyEventV2 =>
  aWebhookEvent(body, signStandardWebhook({ secret, id, timestamp: new Date(at), body }));

/** A handler wired as a real webhook route is: middy, the chain, httpErrors. */
const aWebhookHandler = (verify: WebhookVerifier = standardWebhookVerifier(async () => SECRET)) => {
  const domain = vi.fn(async (_delivery: WebhookDelivery<ContactEvent>) => json(202, { accepted: true }));
  const receive = webhookChain({ verify, schema: contactEvent });
  const handler = middy((event: APIGatewayProxyEventV2) => receive(event, domain)).use(httpErrors());
  const invoke = async (event: APIGatewayProxyEventV2) =>
    (await handler(event, {} as Context)) as APIGatewayProxyStructuredResultV2;
  return { invoke, domain };
};

const bodyOf = (response: APIGatewayProxyStructuredResultV2): Record<string, unknown> =>
  JSON.parse(String(response.body));

describe('Function: webhookChain()', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('hands the domain the parsed payload, the delivery id and the signed timestamp', async () => {
    // Prepare
    const { invoke, domain } = aWebhookHandler();
    // Act
    const response = await invoke(signed(JSON.stringify(VALID), SECRET, NOW - 10_000, 'msg_7'));
    // Assess
    expect(response.statusCode).toBe(202);
    expect(domain).toHaveBeenCalledOnce();
    expect(domain.mock.calls[0]?.[0]).toMatchObject({
      payload: VALID,
      deliveryId: 'msg_7',
      timestamp: new Date(NOW - 10_000),
    });
  });

  it('verifies a base64-encoded body on its decoded bytes', async () => {
    // Prepare
    const { invoke, domain } = aWebhookHandler();
    const body = JSON.stringify(VALID);
    const event = { ...signed(body), body: Buffer.from(body).toString('base64'), isBase64Encoded: true };
    // Act
    const response = await invoke(event);
    // Assess
    expect(response.statusCode).toBe(202);
    expect(domain).toHaveBeenCalledOnce();
  });

  it('finds signature headers sent in any case', async () => {
    // Prepare
    const { invoke } = aWebhookHandler();
    const body = JSON.stringify(VALID);
    const headers = Object.fromEntries(
      Object.entries(signStandardWebhook({ secret: SECRET, id: 'msg_1', body })).map(([k, v]) => [k.toUpperCase(), v]),
    );
    // Act
    const response = await invoke(aWebhookEvent(body, headers));
    // Assess
    expect(response.statusCode).toBe(202);
  });

  describe.each([
    ['no signature headers', () => aWebhookEvent(JSON.stringify(VALID)), 'missing webhook-id header'],
    ['another secret', () => signed(JSON.stringify(VALID), OTHER_SECRET), 'signature mismatch'],
    [
      'a tampered body',
      () => ({
        ...signed(JSON.stringify(VALID)),
        body: JSON.stringify({ ...VALID, data: { id: 'c-2', email: 'eve@example.com' } }),
      }),
      'signature mismatch',
    ],
    ['a stale timestamp', () => signed(JSON.stringify(VALID), SECRET, NOW - 6 * 60_000), 'timestamp too old'],
    ['a future timestamp', () => signed(JSON.stringify(VALID), SECRET, NOW + 6 * 60_000), 'timestamp in the future'],
  ])('a request with %s', (_case, event, reason) => {
    it('answers 401 naming the reason and writes nothing', async () => {
      // Prepare
      const { invoke, domain } = aWebhookHandler();
      // Act
      const response = await invoke(event());
      // Assess
      expect(response.statusCode).toBe(401);
      expect(bodyOf(response)).toEqual({ error: `Invalid signature: ${reason}` });
      expect(domain).not.toHaveBeenCalled();
    });
  });

  it('checks the signature before the JSON, so an unsigned bad body is a 401', async () => {
    // Prepare
    const { invoke, domain } = aWebhookHandler();
    // Act
    const response = await invoke(aWebhookEvent('{not json'));
    // Assess
    expect(response.statusCode).toBe(401);
    expect(domain).not.toHaveBeenCalled();
  });

  it.each(['{not json', '', 'null,'])('answers 400 for a signed body that is not JSON: %j', async (body) => {
    // Prepare
    const { invoke, domain } = aWebhookHandler();
    // Act
    const response = await invoke(signed(body));
    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toEqual({ error: 'Body is not valid JSON' });
    expect(domain).not.toHaveBeenCalled();
  });

  it.each([
    ['a bad email', { ...VALID, data: { id: 'c-1', email: 'not-an-email' } }, ['data.email']],
    ['a missing id', { ...VALID, data: { email: 'ana@example.com' } }, ['data.id']],
    ['an unknown type and no data', { type: 'contact.deleted' }, ['type', 'data']],
    ['a JSON array', [VALID], ['(root)']],
  ])('answers 400 naming the failing paths for %s', async (_case, payload, paths) => {
    // Prepare
    const { invoke, domain } = aWebhookHandler();
    // Act
    const response = await invoke(signed(JSON.stringify(payload)));
    // Assess
    const body = bodyOf(response) as { error: string; issues: { path: string; message: string }[] };
    expect(response.statusCode).toBe(400);
    expect(body.issues.map((issue) => issue.path)).toEqual(paths);
    for (const path of paths) expect(body.error).toContain(path);
    expect(body.error).toMatch(/^Invalid payload: /);
    expect(domain).not.toHaveBeenCalled();
  });

  it('answers 400 when neither the scheme nor the route gives a delivery id', async () => {
    // Prepare
    const { invoke, domain } = aWebhookHandler(
      apiKeyVerifier(async () => 'erp-key-0123456789', { header: 'x-api-key' }),
    );
    // Act
    const response = await invoke(aWebhookEvent(JSON.stringify(VALID), { 'x-api-key': 'erp-key-0123456789' }));
    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toEqual({ error: 'Missing delivery id' });
    expect(domain).not.toHaveBeenCalled();
  });

  it('takes the delivery id from the route when the scheme has none', async () => {
    // Prepare
    const receive = webhookChain({
      verify: apiKeyVerifier(async () => 'erp-key-0123456789', { header: 'x-api-key' }),
      schema: contactEvent,
      deliveryId: (_payload, request) => request.headers['idempotency-key'],
    });
    const domain = vi.fn(async (delivery: WebhookDelivery<ContactEvent>) => delivery.deliveryId);
    const event = aWebhookEvent(JSON.stringify(VALID), {
      'x-api-key': 'erp-key-0123456789',
      'Idempotency-Key': 'erp-991',
    });
    // Act
    const deliveryId = await receive(event, domain);
    // Assess
    expect(deliveryId).toBe('erp-991');
  });

  it('answers 500 with a correlation id and no stack when the domain fails', async () => {
    // Prepare
    const { invoke, domain } = aWebhookHandler();
    domain.mockRejectedValueOnce(new Error('connect ECONNREFUSED 10.0.0.7:8000 at /var/task/index.mjs'));
    // Act
    const response = await invoke(signed(JSON.stringify(VALID)));
    // Assess
    expect(response.statusCode).toBe(500);
    expect(bodyOf(response)).toEqual({ error: 'Internal error', correlation_id: 'req-1' });
    expect(response.body).not.toMatch(/ECONNREFUSED|index\.mjs|\bat\b/);
  });

  describe('with the secret from the integration settings', () => {
    const saved = { ...process.env };

    beforeEach(() => {
      clearSecretCache();
      delete process.env.INVENTORY_SECRET_ARN;
      delete process.env.INVENTORY_WEBHOOK_SECRET;
    });

    afterEach(() => {
      process.env = { ...saved };
    });

    const inventoryHandler = () =>
      aWebhookHandler(standardWebhookVerifier(async () => (await requireIntegration('inventory')).webhookSecret));

    it('answers 503 and writes nothing while the integration is not configured', async () => {
      // Prepare
      const { invoke, domain } = inventoryHandler();
      // Act
      const response = await invoke(signed(JSON.stringify(VALID)));
      // Assess
      expect(response.statusCode).toBe(503);
      expect(String(bodyOf(response).error)).toContain('INVENTORY_WEBHOOK_SECRET');
      expect(domain).not.toHaveBeenCalled();
    });

    it('accepts deliveries once the secret is set, without a new handler', async () => {
      // Prepare
      const { invoke } = inventoryHandler();
      await invoke(signed(JSON.stringify(VALID)));
      process.env.INVENTORY_WEBHOOK_SECRET = SECRET;
      // Act
      const response = await invoke(signed(JSON.stringify(VALID)));
      // Assess
      expect(response.statusCode).toBe(202);
    });
  });
});

describe('Function: webhookRequestOf()', () => {
  it('rebuilds the public URL the sender called, query included', () => {
    // Prepare
    const event = aWebhookEvent(
      '{}',
      { 'x-forwarded-proto': 'http', host: 'localhost:3000' },
      { rawQueryString: 'portal=1&a=%40' },
    );
    // Act
    const request = webhookRequestOf(event);
    // Assess
    expect(request.url).toBe('http://localhost:3000/webhooks/crm?portal=1&a=%40');
    expect(request.method).toBe('POST');
  });

  it('lower-cases header names and keeps the body bytes', () => {
    // Prepare
    const event = aWebhookEvent('{"a":1}', { 'X-Shopify-Topic': 'orders/create' });
    // Act
    const request = webhookRequestOf(event);
    // Assess
    expect(request.headers['x-shopify-topic']).toBe('orders/create');
    expect(request.rawBody.equals(Buffer.from('{"a":1}'))).toBe(true);
  });
});

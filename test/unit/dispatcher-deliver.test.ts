import { describe, expect, it, vi } from 'vitest';
import { backoffSeconds, deliver, retryAfterSeconds } from '../../functions/platform/dispatcher/deliver.js';
import { anOutboundMessage, fakeDeliveryPorts } from '../helpers/outbound-factories.js';

const answering = (status: number, headers: Record<string, string> = {}, body = '{}') =>
  vi.fn(async () => new Response(body, { status, headers }));

describe('Function: deliver()', () => {
  it('calls the integration base URL with its bearer key and the JSON body', async () => {
    // Prepare
    const ports = fakeDeliveryPorts();
    // Act
    const outcome = await deliver(anOutboundMessage(), 1, ports);
    // Assess
    expect(outcome).toEqual({ kind: 'delivered', status: 200 });
    const [url, init] = vi.mocked(ports.fetch).mock.calls[0] as [string, RequestInit];
    expect(url).toBe('http://crm.test/api/contacts/ext-1');
    expect(init.method).toBe('PUT');
    expect((init.headers as Record<string, string>).authorization).toBe('Bearer k-123');
    expect((init.headers as Record<string, string>)['idempotency-key']).toBe('crm#contact#c-1#v1');
    expect(JSON.parse(String(init.body))).toEqual({ email: 'ana@example.com' });
  });

  it('asks only for the settings an outbound call uses, not the inbound webhook secret', async () => {
    // Prepare
    const ports = fakeDeliveryPorts();
    // Act
    await deliver(anOutboundMessage(), 1, ports);
    // Assess
    expect(ports.settingsOf).toHaveBeenCalledWith('crm', ['apiUrl', 'apiKey']);
  });

  it('sends the API key in X-API-Key for integrations that use a header scheme', async () => {
    // Prepare
    const ports = fakeDeliveryPorts();
    const message = anOutboundMessage({
      request: { integration: 'pos', method: 'POST', path: '/inventory/update', body: {} },
    });
    // Act
    await deliver(message, 1, ports);
    // Assess
    const [, init] = vi.mocked(ports.fetch).mock.calls[0] as [string, RequestInit];
    expect((init.headers as Record<string, string>)['x-api-key']).toBe('k-123');
    expect((init.headers as Record<string, string>).authorization).toBeUndefined();
  });

  it.each([
    [429, '7', 7],
    [503, '30', 30],
    [429, 'Tue, 24 Nov 2026 12:01:00 GMT', 60],
  ])('waits for Retry-After on HTTP %i (%s)', async (status, header, expected) => {
    // Prepare
    const ports = fakeDeliveryPorts({ fetch: answering(status, { 'retry-after': header }) });
    // Act
    const outcome = await deliver(anOutboundMessage(), 1, ports);
    // Assess
    expect(outcome).toMatchObject({ kind: 'retry', delaySeconds: expected, status });
  });

  it('backs off exponentially on a 500 without Retry-After', async () => {
    // Prepare
    const ports = fakeDeliveryPorts({ fetch: answering(500) });
    // Act
    const first = await deliver(anOutboundMessage(), 1, ports);
    const third = await deliver(anOutboundMessage(), 3, ports);
    // Assess
    expect(first).toMatchObject({ kind: 'retry', status: 500 });
    expect(third).toMatchObject({ kind: 'retry', status: 500 });
    expect((third as { delaySeconds: number }).delaySeconds).toBeGreaterThan(
      (first as { delaySeconds: number }).delaySeconds,
    );
  });

  it('treats a call that outlives the timeout as retryable', async () => {
    // Prepare
    const hanging = vi.fn(
      (_url: string | URL | Request, init?: RequestInit) =>
        new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
        }),
    );
    const ports = fakeDeliveryPorts({ fetch: hanging as unknown as typeof fetch, timeoutMs: 20 });
    // Act
    const outcome = await deliver(anOutboundMessage(), 1, ports);
    // Assess
    expect(outcome).toMatchObject({ kind: 'retry', reason: 'no answer within 20 ms' });
  });

  it('records any other 4xx as permanent with the answer in the reason', async () => {
    // Prepare
    const ports = fakeDeliveryPorts({ fetch: answering(422, {}, '{"error":"email taken"}') });
    // Act
    const outcome = await deliver(anOutboundMessage(), 1, ports);
    // Assess
    expect(outcome).toEqual({ kind: 'rejected', status: 422, reason: 'HTTP 422: {"error":"email taken"}' });
  });

  it('keeps retrying while the integration is not configured, naming what is missing', async () => {
    // Prepare
    const ports = fakeDeliveryPorts({
      settingsOf: vi.fn(async () => ({ ok: false as const, problems: ['CRM_API_URL is not set'] })),
    });
    // Act
    const outcome = await deliver(anOutboundMessage(), 1, ports);
    // Assess
    expect(outcome).toMatchObject({ kind: 'retry', reason: expect.stringContaining('CRM_API_URL is not set') });
    expect(ports.fetch).not.toHaveBeenCalled();
  });

  it('drops a message whose state the target already received in a newer version', async () => {
    // Prepare
    const ports = fakeDeliveryPorts({ deliveredVersion: vi.fn(async () => 9) });
    const message = anOutboundMessage({ supersede: { key: 'erp#SKU-1#WH-1', version: 8 } });
    // Act
    const outcome = await deliver(message, 1, ports);
    // Assess
    expect(outcome).toEqual({ kind: 'superseded', deliveredVersion: 9 });
    expect(ports.fetch).not.toHaveBeenCalled();
  });

  it('remembers the delivered version after a successful call', async () => {
    // Prepare
    const ports = fakeDeliveryPorts();
    const message = anOutboundMessage({ supersede: { key: 'erp#SKU-1#WH-1', version: 10 } });
    // Act
    await deliver(message, 1, ports);
    // Assess
    expect(ports.markDelivered).toHaveBeenCalledWith('erp#SKU-1#WH-1', 10);
  });

  it('lets a named action rewrite the request and see the answer', async () => {
    // Prepare
    const afterSuccess = vi.fn(async () => undefined);
    const ports = fakeDeliveryPorts({
      fetch: answering(201, { 'content-type': 'application/json' }, '{"id":"crm-77"}'),
      actions: {
        'test.create': {
          prepare: async () => ({
            request: { kind: 'http', integration: 'crm', method: 'POST', path: '/api/contacts' },
            state: { version: 3 },
          }),
          afterSuccess,
        },
      },
    });
    const message = anOutboundMessage({ action: { name: 'test.create', params: {} } });
    // Act
    await deliver(message, 1, ports);
    // Assess
    const [url, init] = vi.mocked(ports.fetch).mock.calls[0] as [string, RequestInit];
    expect([init.method, url]).toEqual(['POST', 'http://crm.test/api/contacts']);
    expect(afterSuccess).toHaveBeenCalledWith(message, { status: 201, body: { id: 'crm-77' } }, { version: 3 });
  });

  it('sends mail from the configured sender', async () => {
    // Prepare
    const ports = fakeDeliveryPorts();
    const message = anOutboundMessage({
      request: { kind: 'mail', to: ['sales@example.com'], subject: 'Hi', text: 'x' },
    });
    // Act
    const outcome = await deliver(message, 1, ports);
    // Assess
    expect(outcome).toEqual({ kind: 'delivered', status: 200 });
    expect(ports.sendMail).toHaveBeenCalledWith(
      expect.objectContaining({ to: ['sales@example.com'] }),
      'sync@example.com',
    );
  });
});

describe('Function: backoffSeconds()', () => {
  it.each([
    [1, 0, 3],
    [1, 1, 5],
    [4, 0.5, 30],
    [20, 1, 900],
  ])('on attempt %i with random %f waits %i s', (attempt, random, expected) => {
    expect(backoffSeconds(attempt, 5, () => random)).toBe(expected);
  });
});

describe('Function: retryAfterSeconds()', () => {
  it('ignores an unreadable header so the caller falls back to backoff', () => {
    expect(retryAfterSeconds('soon', Date.now())).toBeUndefined();
  });

  it('caps a huge delay at the 12 hours SQS allows', () => {
    expect(retryAfterSeconds('999999', Date.now())).toBe(43_200);
  });
});

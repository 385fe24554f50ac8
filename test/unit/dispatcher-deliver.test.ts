import { describe, expect, it, vi } from 'vitest';
import { deliver, retryAfterSeconds } from '../../functions/platform/dispatcher/deliver.js';
import { anOutboundMessage, fakeDeliveryPorts } from '../helpers/outbound-factories.js';

const answering = (status: number, headers: Record<string, string> = {}, body = '{}') =>
  vi.fn(async () => new Response(body, { status, headers }));

describe('Function: deliver()', () => {
  it('calls the integration base URL with its bearer key and the JSON body', async () => {
    // Prepare
    const ports = fakeDeliveryPorts();
    // Act
    const { outcome } = await deliver(anOutboundMessage(), ports);
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
    await deliver(anOutboundMessage(), ports);
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
    await deliver(message, ports);
    // Assess
    const [, init] = vi.mocked(ports.fetch).mock.calls[0] as [string, RequestInit];
    expect((init.headers as Record<string, string>)['x-api-key']).toBe('k-123');
    expect((init.headers as Record<string, string>).authorization).toBeUndefined();
  });

  it.each([
    [429, '7', 7],
    [503, '30', 30],
    [429, 'Tue, 24 Nov 2026 12:01:00 GMT', 60],
  ])('reads HTTP %i with Retry-After %s as a rate limit of %i s, not a failure', async (status, header, expected) => {
    // Prepare
    const ports = fakeDeliveryPorts({ fetch: answering(status, { 'retry-after': header }) });
    // Act
    const { outcome } = await deliver(anOutboundMessage(), ports);
    // Assess
    expect(outcome).toMatchObject({ kind: 'retry', rateLimited: true, retryAfterSeconds: expected, status });
  });

  it('reads a 429 without Retry-After as a rate limit that waits its own backoff', async () => {
    // Prepare
    const ports = fakeDeliveryPorts({ fetch: answering(429) });
    // Act
    const { outcome } = await deliver(anOutboundMessage(), ports);
    // Assess
    expect(outcome).toEqual({ kind: 'retry', rateLimited: true, reason: 'HTTP 429', status: 429 });
  });

  it.each([500, 502, 503])(
    'reads HTTP %i without Retry-After as a failure, with the answer in the reason',
    async (status) => {
      // Prepare
      const ports = fakeDeliveryPorts({ fetch: answering(status, {}, '{"error":"boom"}') });
      // Act
      const { outcome } = await deliver(anOutboundMessage(), ports);
      // Assess
      expect(outcome).toEqual({
        kind: 'retry',
        rateLimited: false,
        status,
        reason: `HTTP ${status}: {"error":"boom"}`,
      });
    },
  );

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
    const { outcome } = await deliver(anOutboundMessage(), ports);
    // Assess
    expect(outcome).toMatchObject({ kind: 'retry', rateLimited: false, reason: 'no answer within 20 ms' });
  });

  it('records any other 4xx as permanent with the answer in the reason', async () => {
    // Prepare
    const ports = fakeDeliveryPorts({ fetch: answering(422, {}, '{"error":"email taken"}') });
    // Act
    const { outcome } = await deliver(anOutboundMessage(), ports);
    // Assess
    expect(outcome).toEqual({ kind: 'rejected', status: 422, reason: 'HTTP 422: {"error":"email taken"}' });
  });

  it('keeps retrying while the integration is not configured, naming what is missing', async () => {
    // Prepare
    const ports = fakeDeliveryPorts({
      settingsOf: vi.fn(async () => ({ ok: false as const, problems: ['CRM_API_URL is not set'] })),
    });
    // Act
    const { outcome } = await deliver(anOutboundMessage(), ports);
    // Assess
    expect(outcome).toMatchObject({ kind: 'retry', reason: expect.stringContaining('CRM_API_URL is not set') });
    expect(ports.fetch).not.toHaveBeenCalled();
  });

  it('drops a message whose state the target already received in a newer version', async () => {
    // Prepare
    const ports = fakeDeliveryPorts({ deliveredVersion: vi.fn(async () => 9) });
    const message = anOutboundMessage({ supersede: { key: 'erp#SKU-1#WH-1', version: 8 } });
    // Act
    const { outcome } = await deliver(message, ports);
    // Assess
    expect(outcome).toEqual({ kind: 'superseded', deliveredVersion: 9 });
    expect(ports.fetch).not.toHaveBeenCalled();
  });

  it('remembers the delivered version after a successful call', async () => {
    // Prepare
    const ports = fakeDeliveryPorts();
    const message = anOutboundMessage({ supersede: { key: 'erp#SKU-1#WH-1', version: 10 } });
    // Act
    await deliver(message, ports);
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
    await deliver(message, ports);
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
    const { outcome } = await deliver(message, ports);
    // Assess
    expect(outcome).toEqual({ kind: 'delivered', status: 200 });
    expect(ports.sendMail).toHaveBeenCalledWith(
      expect.objectContaining({ to: ['sales@example.com'] }),
      'sync@example.com',
    );
  });
});

/** A 200 whose headers arrive and whose body then sends `first` and stalls, or breaks off with `breakWith`. */
const stallingBody = (status: number, first: string, breakWith?: Error) =>
  vi.fn(async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(first));
        if (breakWith) controller.error(breakWith);
      },
    });
    return new Response(body, { status, headers: { 'content-type': 'application/json' } });
  });

const createAction = (afterSuccess: () => Promise<void>) => ({
  'test.create': {
    prepare: async () => ({
      request: { kind: 'http' as const, integration: 'crm' as const, method: 'POST' as const, path: '/api/contacts' },
    }),
    afterSuccess,
  },
});

describe('Function: deliver() with an answer whose body does not arrive', () => {
  it('does not count a create whose 2xx body stalls past the timeout as delivered, and skips its write-back', async () => {
    // Prepare
    const afterSuccess = vi.fn(async () => undefined);
    const ports = fakeDeliveryPorts({
      fetch: stallingBody(201, '{"id":"cr'),
      timeoutMs: 30,
      actions: createAction(afterSuccess),
    });
    const message = anOutboundMessage({ action: { name: 'test.create', params: {} } });
    // Act
    const { outcome } = await deliver(message, ports);
    // Assess
    expect(outcome).toEqual({
      kind: 'retry',
      rateLimited: false,
      status: 201,
      errorName: 'TimeoutError',
      reason: 'HTTP 201 but its body could not be read: no answer within 30 ms',
    });
    expect(afterSuccess).not.toHaveBeenCalled();
  });

  it('retries a 2xx whose connection closes mid-body, with the same Idempotency-Key next time', async () => {
    // Prepare
    const ports = fakeDeliveryPorts({ fetch: stallingBody(200, '{"id":', new TypeError('terminated')) });
    // Act
    const { outcome } = await deliver(anOutboundMessage(), ports);
    // Assess
    expect(outcome).toMatchObject({
      kind: 'retry',
      rateLimited: false,
      status: 200,
      reason: 'HTTP 200 but its body could not be read: network error: terminated',
    });
    const [, init] = vi.mocked(ports.fetch).mock.calls[0] as [string, RequestInit];
    expect((init.headers as Record<string, string>)['idempotency-key']).toBe(anOutboundMessage().id);
  });

  it('keeps a 4xx whose body breaks off a permanent refusal', async () => {
    // Prepare
    const ports = fakeDeliveryPorts({ fetch: stallingBody(422, '{"err', new TypeError('terminated')) });
    // Act
    const { outcome } = await deliver(anOutboundMessage(), ports);
    // Assess
    expect(outcome).toEqual({ kind: 'rejected', status: 422, reason: 'HTTP 422: (body unreadable)' });
  });

  it('gives the timeout to the body read, not a fresh one after the headers', async () => {
    // Prepare: headers come at once; the body would take longer than the whole call may.
    const ports = fakeDeliveryPorts({ fetch: stallingBody(200, ''), timeoutMs: 40 });
    const started = Date.now();
    // Act
    const { outcome } = await deliver(anOutboundMessage(), ports);
    // Assess
    expect(outcome.kind).toBe('retry');
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('Function: deliver() on answers that settle a call', () => {
  it.each([404, 410])('counts HTTP %i to a DELETE as delivered: the thing is already gone', async (status) => {
    // Prepare
    const ports = fakeDeliveryPorts({ fetch: answering(status, {}, '{"error":"not found"}') });
    const message = anOutboundMessage({ request: { integration: 'crm', method: 'DELETE', path: '/api/contacts/x' } });
    // Act
    const { outcome } = await deliver(message, ports);
    // Assess
    expect(outcome).toEqual({ kind: 'delivered', status, note: 'already gone' });
  });

  it.each([401, 403, 404, 409, 422])('rejects HTTP %i to a PUT as permanent', async (status) => {
    // Prepare
    const ports = fakeDeliveryPorts({ fetch: answering(status, {}, '{"error":"no"}') });
    // Act
    const { outcome } = await deliver(anOutboundMessage(), ports);
    // Assess
    expect(outcome).toEqual({ kind: 'rejected', status, reason: `HTTP ${status}: {"error":"no"}` });
  });

  it.each([
    ['TooManyRequestsException', 'retry', true],
    ['InternalFailure', 'retry', false],
  ])('reads the mail error %s as %s, rate-limited %s', async (name, kind, rateLimited) => {
    // Prepare
    const error = Object.assign(new Error('nope'), { name });
    const ports = fakeDeliveryPorts({ sendMail: vi.fn(async () => Promise.reject(error)) });
    const message = anOutboundMessage({ request: { kind: 'mail', to: ['a@example.com'], subject: 'Hi', text: 'x' } });
    // Act
    const { outcome } = await deliver(message, ports);
    // Assess
    expect(outcome).toEqual({ kind, rateLimited, errorName: name, reason: `${name}: nope` });
  });

  it('rejects a mail SES refuses, naming the SES error', async () => {
    // Prepare
    const error = Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' });
    const ports = fakeDeliveryPorts({ sendMail: vi.fn(async () => Promise.reject(error)) });
    const message = anOutboundMessage({ request: { kind: 'mail', to: ['a@example.com'], subject: 'Hi', text: 'x' } });
    // Act
    const { outcome } = await deliver(message, ports);
    // Assess
    expect(outcome).toEqual({
      kind: 'rejected',
      status: 400,
      errorName: 'MessageRejected',
      reason: 'MessageRejected: Email address is not verified.',
    });
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

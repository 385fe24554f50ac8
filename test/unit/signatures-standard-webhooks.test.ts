import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  signStandardWebhook,
  standardWebhookVerifier,
  verifyStandardWebhook,
} from '../../functions/kernel/signatures/standard-webhooks.js';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const SECRET = `whsec_${Buffer.from('current-secret-for-unit-tests-01').toString('base64')}`;
const OTHER = `whsec_${Buffer.from('another-secret-for-unit-tests-02').toString('base64')}`;
const BODY = '{"type":"contact.updated","data":{"id":"c-1"}}';

const v1Of = (secret: string, id = 'msg_1', at = NOW, body = BODY): string =>
  signStandardWebhook({ secret, id, timestamp: new Date(at), body })['webhook-signature'];

describe('Function: verifyStandardWebhook()', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('agrees with the test vector of the Standard Webhooks reference libraries', () => {
    // Prepare
    vi.setSystemTime(1614265330 * 1000);
    const headers = {
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    };
    // Act
    const result = verifyStandardWebhook({
      secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
      headers,
      rawBody: '{"test": 2432232314}',
    });
    // Assess
    expect(result).toEqual({ ok: true, id: 'msg_p5jXN8AQM9LWM0D4loKWxJek', timestamp: new Date(1614265330 * 1000) });
  });

  it('returns the delivery id and the signed timestamp', () => {
    // Prepare
    const headers = signStandardWebhook({
      secret: SECRET,
      id: 'msg_42',
      timestamp: new Date(NOW - 30_000),
      body: BODY,
    });
    // Act
    const result = verifyStandardWebhook({ secrets: [SECRET], headers, rawBody: Buffer.from(BODY) });
    // Assess
    expect(result).toEqual({ ok: true, id: 'msg_42', timestamp: new Date(NOW - 30_000) });
  });

  it.each([
    ['the stale signature first', () => `${v1Of(OTHER)} ${v1Of(SECRET)}`],
    ['the valid signature first', () => `${v1Of(SECRET)} ${v1Of(OTHER)}`],
    ['a signature of another version beside it', () => `v1a,c2lnbmVkIHdpdGggZWQyNTUxOQ== ${v1Of(SECRET)}`],
  ])('accepts a header with several signatures, %s', (_case, header) => {
    // Prepare
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(NOW / 1000), 'webhook-signature': header() };
    // Act
    const result = verifyStandardWebhook({ secrets: [SECRET], headers, rawBody: BODY });
    // Assess
    expect(result.ok).toBe(true);
  });

  it('refuses a header whose only signature is of another version', () => {
    // Prepare
    const headers = {
      ...signStandardWebhook({ secret: SECRET, id: 'msg_1', body: BODY }),
      'webhook-signature': 'v1a,c2ln',
    };
    // Act
    const result = verifyStandardWebhook({ secrets: [SECRET], headers, rawBody: BODY });
    // Assess
    expect(result).toEqual({ ok: false, reason: 'malformed webhook-signature header' });
  });

  it.each([
    ['webhook-id', 'msg_2'],
    ['webhook-timestamp', String(NOW / 1000 - 1)],
  ])('refuses a request whose %s was changed after signing', (header, value) => {
    // Prepare
    const headers = { ...signStandardWebhook({ secret: SECRET, id: 'msg_1', body: BODY }), [header]: value };
    // Act
    const result = verifyStandardWebhook({ secrets: [SECRET], headers, rawBody: BODY });
    // Assess
    expect(result).toEqual({ ok: false, reason: 'signature mismatch' });
  });

  it('reports a stale timestamp before a bad signature', () => {
    // Prepare
    const headers = signStandardWebhook({ secret: OTHER, id: 'msg_1', timestamp: new Date(NOW - 600_000), body: BODY });
    // Act
    const result = verifyStandardWebhook({ secrets: [SECRET], headers, rawBody: BODY });
    // Assess
    expect(result).toEqual({ ok: false, reason: 'timestamp too old' });
  });

  it('throws a message without the secret when a secret is not base64', () => {
    // Prepare
    const headers = signStandardWebhook({ secret: SECRET, id: 'msg_1', body: BODY });
    // Act
    const verifying = () => verifyStandardWebhook({ secrets: ['whsec_not*base64*at*all'], headers, rawBody: BODY });
    // Assess
    expect(verifying).toThrow('a Standard Webhooks secret is not "whsec_" followed by base64');
  });
});

describe('Function: signStandardWebhook()', () => {
  it('signs as the reference package does, whole seconds in the timestamp', () => {
    // Prepare
    const at = new Date('2026-11-24T12:00:00.750Z');
    // Act
    const headers = signStandardWebhook({ secret: SECRET, id: 'msg_1', timestamp: at, body: BODY });
    // Assess
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(at.getTime() / 1000)));
    expect(headers['webhook-signature']).toBe(new Webhook(SECRET).sign('msg_1', at, BODY));
  });
});

describe('Agreement with the reference standardwebhooks package', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  const aSecret = fc
    .uint8Array({ minLength: 1, maxLength: 64 })
    .map((bytes) => `whsec_${Buffer.from(bytes).toString('base64')}`);
  const anId = fc.string({ minLength: 1, maxLength: 40 }).filter((id) => !/[\s]/.test(id));
  const aBody = fc.string({ unit: 'grapheme', maxLength: 200 });
  const aTime = fc.integer({ min: 1_000_000_000, max: 4_000_000_000 }).map((seconds) => new Date(seconds * 1000));

  it('signs every delivery exactly as the reference package does', () => {
    fc.assert(
      fc.property(aSecret, anId, aBody, aTime, (secret, id, body, at) => {
        // Act
        const ours = signStandardWebhook({ secret, id, timestamp: at, body })['webhook-signature'];
        // Assess
        expect(ours).toBe(new Webhook(secret).sign(id, at, body));
      }),
    );
  });

  it('accepts what the reference package signs, the body given as bytes, and refuses it once a byte changes', () => {
    fc.assert(
      fc.property(aSecret, anId, aBody, aTime, (secret, id, body, at) => {
        // Prepare
        vi.setSystemTime(at);
        const headers = {
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': new Webhook(secret).sign(id, at, body),
        };
        // Act
        const accepted = verifyStandardWebhook({ secrets: [secret], headers, rawBody: Buffer.from(body) });
        const tampered = verifyStandardWebhook({ secrets: [secret], headers, rawBody: `${body} ` });
        // Assess
        expect(accepted.ok).toBe(true);
        expect(tampered).toEqual({ ok: false, reason: 'signature mismatch' });
      }),
    );
  });

  it('takes a secret whose base64 has no padding, as the reference package does', () => {
    // Prepare
    const padded = `whsec_${Buffer.from('a 22-byte secret value').toString('base64')}`;
    const unpadded = padded.replace(/=+$/, '');
    const headers = signStandardWebhook({ secret: padded, id: 'msg_1', timestamp: new Date(NOW), body: BODY });
    // Act
    const result = verifyStandardWebhook({ secrets: [unpadded], headers, rawBody: BODY });
    // Assess
    expect(unpadded).not.toBe(padded);
    expect(result.ok).toBe(true);
    expect(headers['webhook-signature']).toBe(new Webhook(unpadded).sign('msg_1', new Date(NOW), BODY));
  });
});

describe('Function: standardWebhookVerifier()', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads the secrets when a request arrives, so a rotation needs no cold start', async () => {
    // Prepare
    let configured = OTHER;
    const verify = standardWebhookVerifier(async () => configured);
    const request = {
      method: 'POST',
      url: 'https://hooks.example.test/webhooks/crm',
      headers: signStandardWebhook({ secret: SECRET, id: 'msg_1', body: BODY }),
      rawBody: Buffer.from(BODY),
    };
    // Act
    const before = await verify(request);
    configured = `${OTHER} ${SECRET}`;
    const after = await verify(request);
    // Assess
    expect(before).toEqual({ ok: false, reason: 'signature mismatch' });
    expect(after.ok).toBe(true);
  });

  it('lets an error of the secret source through (a 503 for a missing integration)', async () => {
    // Prepare
    const unavailable = new Error('CRM integration is not configured');
    const verify = standardWebhookVerifier(async () => {
      throw unavailable;
    });
    // Act
    const verifying = verify({ method: 'POST', url: 'https://x.test/', headers: {}, rawBody: Buffer.from(BODY) });
    // Assess
    await expect(verifying).rejects.toBe(unavailable);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { verifyApiKey } from '../../functions/kernel/signatures/api-key.js';
import { signHubSpotV3, verifyHubSpotV3 } from '../../functions/kernel/signatures/hubspot.js';
import { signShopifyWebhook, verifyShopifyWebhook } from '../../functions/kernel/signatures/shopify.js';
import { signStandardWebhook, verifyStandardWebhook } from '../../functions/kernel/signatures/standard-webhooks.js';
import type { Verification } from '../../functions/kernel/signatures/verification.js';

/**
 * One matrix over every scheme, so a case added here (a new trap) is
 * checked against all of them. Scheme-specific behaviour has its own file.
 */

const NOW = Date.parse('2026-11-24T12:00:00Z');
const FIVE_MINUTES = 5 * 60_000;
const BODY = '{"type":"contact.updated","data":{"id":"c-1","email":"ana@example.com"}}';
const whsec = (seed: string): string => `whsec_${Buffer.from(seed.padEnd(32, '.')).toString('base64')}`;

interface Scheme {
  readonly name: string;
  readonly secrets: { readonly old: string; readonly current: string; readonly wrong: string };
  readonly sign: (secret: string, body: string, atMs: number) => Record<string, string>;
  readonly verify: (secrets: readonly string[], headers: Record<string, string>, body: string) => Verification;
  /** Reason when the signature or key does not match. */
  readonly mismatch: string;
  readonly required: readonly { readonly header: string; readonly reason: string }[];
  readonly malformed: readonly { readonly header: string; readonly value: string; readonly reason: string }[];
}

const standardWebhooks: Scheme = {
  name: 'Standard Webhooks',
  secrets: { old: whsec('old'), current: whsec('current'), wrong: whsec('wrong') },
  sign: (secret, body, atMs) => signStandardWebhook({ secret, id: 'msg_1', timestamp: new Date(atMs), body }),
  verify: (secrets, headers, body) => verifyStandardWebhook({ secrets, headers, rawBody: body }),
  mismatch: 'signature mismatch',
  required: [
    { header: 'webhook-id', reason: 'missing webhook-id header' },
    { header: 'webhook-timestamp', reason: 'missing webhook-timestamp header' },
    { header: 'webhook-signature', reason: 'missing webhook-signature header' },
  ],
  malformed: [
    { header: 'webhook-timestamp', value: '1795003200abc', reason: 'malformed webhook-timestamp header' },
    { header: 'webhook-timestamp', value: '-1', reason: 'malformed webhook-timestamp header' },
    { header: 'webhook-signature', value: 'bm90IHNpZ25lZA==', reason: 'malformed webhook-signature header' },
    { header: 'webhook-signature', value: 'v1,%%%%', reason: 'malformed webhook-signature header' },
  ],
};

const HUBSPOT_URI = 'https://hooks.example.test/webhooks/crm?portal=62515';
const hubSpot: Scheme = {
  name: 'HubSpot v3',
  secrets: { old: 'old-client-secret', current: 'current-client-secret', wrong: 'wrong-client-secret' },
  sign: (secret, body, atMs) => signHubSpotV3({ secret, method: 'POST', uri: HUBSPOT_URI, body, timestamp: atMs }),
  verify: (secrets, headers, body) =>
    verifyHubSpotV3({ secrets, method: 'POST', uri: HUBSPOT_URI, headers, rawBody: body }),
  mismatch: 'signature mismatch',
  required: [
    { header: 'x-hubspot-signature-v3', reason: 'missing X-HubSpot-Signature-v3 header' },
    { header: 'x-hubspot-request-timestamp', reason: 'missing X-HubSpot-Request-Timestamp header' },
  ],
  malformed: [
    {
      header: 'x-hubspot-request-timestamp',
      value: '2026-11-24T12:00:00Z',
      reason: 'malformed X-HubSpot-Request-Timestamp header',
    },
    { header: 'x-hubspot-signature-v3', value: 'deadbeef', reason: 'malformed X-HubSpot-Signature-v3 header' },
  ],
};

const shopify: Scheme = {
  name: 'Shopify',
  secrets: { old: 'old-shop-secret', current: 'current-shop-secret', wrong: 'wrong-shop-secret' },
  sign: (secret, body) => ({ ...signShopifyWebhook({ secret, body }), 'x-shopify-webhook-id': 'd-1' }),
  verify: (secrets, headers, body) => verifyShopifyWebhook({ secrets, headers, rawBody: body }),
  mismatch: 'signature mismatch',
  required: [{ header: 'x-shopify-hmac-sha256', reason: 'missing X-Shopify-Hmac-SHA256 header' }],
  malformed: [
    // Hex instead of base64: a common sender-side mistake.
    { header: 'x-shopify-hmac-sha256', value: 'ab'.repeat(32), reason: 'malformed X-Shopify-Hmac-SHA256 header' },
  ],
};

const apiKey: Scheme = {
  name: 'static API key',
  secrets: { old: 'old-erp-key-0123456789', current: 'current-erp-key-0123456789', wrong: 'wrong-erp-key-0123456789' },
  sign: (secret) => ({ 'x-api-key': secret }),
  verify: (keys, headers) => verifyApiKey({ keys, header: 'x-api-key', headers }),
  mismatch: 'API key mismatch',
  required: [{ header: 'x-api-key', reason: 'missing x-api-key header' }],
  malformed: [],
};

const everyScheme = [standardWebhooks, hubSpot, shopify, apiKey];
/** Schemes whose signature covers the body (an API key does not). */
const bodySigned = [standardWebhooks, hubSpot, shopify];
/** Schemes whose signature covers a timestamp. */
const timestamped = [standardWebhooks, hubSpot];
const withMalformed = everyScheme.filter((scheme) => scheme.malformed.length > 0);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
});

describe.each(everyScheme)('Scheme: $name', (scheme) => {
  it('accepts a request signed with the current secret', () => {
    // Prepare
    const headers = scheme.sign(scheme.secrets.current, BODY, NOW);
    // Act
    const result = scheme.verify([scheme.secrets.current], headers, BODY);
    // Assess
    expect(result.ok).toBe(true);
  });

  it('refuses a request signed with another secret', () => {
    // Prepare
    const headers = scheme.sign(scheme.secrets.wrong, BODY, NOW);
    // Act
    const result = scheme.verify([scheme.secrets.current], headers, BODY);
    // Assess
    expect(result).toEqual({ ok: false, reason: scheme.mismatch });
  });

  it.each(['old', 'current'] as const)('accepts the %s secret while both are configured for a rotation', (which) => {
    // Prepare
    const headers = scheme.sign(scheme.secrets[which], BODY, NOW);
    // Act
    const result = scheme.verify([scheme.secrets.old, scheme.secrets.current], headers, BODY);
    // Assess
    expect(result.ok).toBe(true);
  });

  it('accepts both secrets of a rotation given as one space- or comma-separated value', () => {
    // Prepare
    const configured = [`${scheme.secrets.old}, ${scheme.secrets.current}`];
    const headers = scheme.sign(scheme.secrets.current, BODY, NOW);
    // Act
    const result = scheme.verify(configured, headers, BODY);
    // Assess
    expect(result.ok).toBe(true);
  });

  it('finds its headers whatever their case', () => {
    // Prepare
    const headers = Object.fromEntries(
      Object.entries(scheme.sign(scheme.secrets.current, BODY, NOW)).map(([name, value]) => [
        name.toUpperCase(),
        value,
      ]),
    );
    // Act
    const result = scheme.verify([scheme.secrets.current], headers, BODY);
    // Assess
    expect(result.ok).toBe(true);
  });

  it.each(scheme.required)('refuses a request without $header', ({ header, reason }) => {
    // Prepare
    const { [header]: _removed, ...headers } = scheme.sign(scheme.secrets.current, BODY, NOW);
    // Act
    const result = scheme.verify([scheme.secrets.current], headers, BODY);
    // Assess
    expect(result).toEqual({ ok: false, reason });
  });

  it('throws rather than refusing every request when no secret is configured', () => {
    // Prepare
    const headers = scheme.sign(scheme.secrets.current, BODY, NOW);
    // Act
    const verifying = () => scheme.verify([' ', ''], headers, BODY);
    // Assess
    expect(verifying).toThrow(/no .* configured/);
  });
});

describe.each(withMalformed)('Scheme: $name, malformed headers', (scheme) => {
  it.each(scheme.malformed)('refuses $header: "$value"', ({ header, value, reason }) => {
    // Prepare
    const headers = { ...scheme.sign(scheme.secrets.current, BODY, NOW), [header]: value };
    // Act
    const result = scheme.verify([scheme.secrets.current], headers, BODY);
    // Assess
    expect(result).toEqual({ ok: false, reason });
  });
});

describe.each(bodySigned)('Scheme: $name, body integrity', (scheme) => {
  it.each([
    ['a changed value', BODY.replace('ana@', 'eve@')],
    ['added whitespace (a re-serialised body)', JSON.stringify(JSON.parse(BODY), null, 2)],
    ['an empty body', ''],
  ])('refuses a body with %s', (_case, tampered) => {
    // Prepare
    const headers = scheme.sign(scheme.secrets.current, BODY, NOW);
    // Act
    const result = scheme.verify([scheme.secrets.current], headers, tampered);
    // Assess
    expect(result).toEqual({ ok: false, reason: 'signature mismatch' });
  });
});

describe.each(timestamped)('Scheme: $name, timestamp window', (scheme) => {
  it.each([
    ['5 minutes old', NOW - FIVE_MINUTES],
    ['5 minutes ahead', NOW + FIVE_MINUTES],
  ])('accepts a request signed %s (the edge of the window)', (_case, signedAt) => {
    // Prepare
    const headers = scheme.sign(scheme.secrets.current, BODY, signedAt);
    // Act
    const result = scheme.verify([scheme.secrets.current], headers, BODY);
    // Assess
    expect(result.ok).toBe(true);
  });

  it.each([
    ['older than 5 minutes', NOW - FIVE_MINUTES - 1_000, 'timestamp too old'],
    ['an hour old', NOW - 3_600_000, 'timestamp too old'],
    ['more than 5 minutes in the future', NOW + FIVE_MINUTES + 1_000, 'timestamp in the future'],
    ['a day in the future', NOW + 86_400_000, 'timestamp in the future'],
  ])('refuses a correctly signed request %s', (_case, signedAt, reason) => {
    // Prepare
    const headers = scheme.sign(scheme.secrets.current, BODY, signedAt);
    // Act
    const result = scheme.verify([scheme.secrets.current], headers, BODY);
    // Assess
    expect(result).toEqual({ ok: false, reason });
  });

  it('reports the timestamp it verified', () => {
    // Prepare
    const headers = scheme.sign(scheme.secrets.current, BODY, NOW - 60_000);
    // Act
    const result = scheme.verify([scheme.secrets.current], headers, BODY);
    // Assess
    expect(result).toMatchObject({ ok: true, timestamp: new Date(NOW - 60_000) });
  });
});

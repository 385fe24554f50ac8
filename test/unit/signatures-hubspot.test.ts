import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  hubSpotSignedUri,
  hubSpotVerifier,
  signHubSpotV3,
  verifyHubSpotV3,
} from '../../functions/kernel/signatures/hubspot.js';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const BODY = '[{"eventId":1,"subscriptionType":"contact.creation","objectId":123}]';
const URI = 'https://hooks.example.test/webhooks/hubspot';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('Function: hubSpotSignedUri()', () => {
  it.each([
    ['%3A', ':'],
    ['%2F', '/'],
    ['%3F', '?'],
    ['%40', '@'],
    ['%21', '!'],
    ['%24', '$'],
    ['%27', "'"],
    ['%28', '('],
    ['%29', ')'],
    ['%2A', '*'],
    ['%2C', ','],
    ['%3B', ';'],
    ['%3b', ';'],
  ])('decodes %s to %s, as HubSpot does before signing', (encoded, decoded) => {
    // Prepare
    const uri = `${URI}?q=a${encoded}b`;
    // Act
    const signed = hubSpotSignedUri(uri);
    // Assess
    expect(signed).toBe(`${URI}?q=a${decoded}b`);
  });

  it.each(['%20', '%23', '%26', '%3D', '%2B', '%25', '%7E'])('leaves %s encoded', (encoded) => {
    // Prepare
    const uri = `${URI}?q=a${encoded}b`;
    // Act
    const signed = hubSpotSignedUri(uri);
    // Assess
    expect(signed).toBe(uri);
  });

  it('decodes once: %2540 stays %2540', () => {
    // Prepare
    const uri = `${URI}?q=a%2540b`;
    // Act
    const signed = hubSpotSignedUri(uri);
    // Assess
    expect(signed).toBe(uri);
  });
});

describe('Function: verifyHubSpotV3()', () => {
  it('checks HMAC-SHA256 of method + decoded uri + body + timestamp, in base64', () => {
    // Prepare
    const uri = `${URI}?email=ana%40example.com`;
    const timestamp = String(NOW);
    const independent = createHmac('sha256', SECRET)
      .update(`POST${URI}?email=ana@example.com${BODY}${timestamp}`)
      .digest('base64');
    const headers = { 'X-HubSpot-Signature-v3': independent, 'X-HubSpot-Request-Timestamp': timestamp };
    // Act
    const result = verifyHubSpotV3({ secrets: [SECRET], method: 'POST', uri, headers, rawBody: BODY });
    // Assess
    expect(result).toEqual({ ok: true, id: undefined, timestamp: new Date(NOW) });
  });

  it.each([
    ['another method', { method: 'PUT', uri: URI }],
    ['another host', { method: 'POST', uri: 'https://evil.example.test/webhooks/hubspot' }],
    ['another query', { method: 'POST', uri: `${URI}?portal=2` }],
  ])('refuses a signature made for %s', (_case, target) => {
    // Prepare
    const headers = signHubSpotV3({ secret: SECRET, method: 'POST', uri: URI, body: BODY });
    // Act
    const result = verifyHubSpotV3({ secrets: [SECRET], ...target, headers, rawBody: BODY });
    // Assess
    expect(result).toEqual({ ok: false, reason: 'signature mismatch' });
  });

  it('refuses a timestamp sent in seconds rather than milliseconds', () => {
    // Prepare
    const headers = signHubSpotV3({ secret: SECRET, method: 'POST', uri: URI, body: BODY, timestamp: NOW / 1000 });
    // Act
    const result = verifyHubSpotV3({ secrets: [SECRET], method: 'POST', uri: URI, headers, rawBody: BODY });
    // Assess
    expect(result).toEqual({ ok: false, reason: 'timestamp too old' });
  });

  it('applies a narrower tolerance when one is given', () => {
    // Prepare
    const headers = signHubSpotV3({ secret: SECRET, method: 'POST', uri: URI, body: BODY, timestamp: NOW - 120_000 });
    // Act
    const result = verifyHubSpotV3({
      secrets: [SECRET],
      method: 'POST',
      uri: URI,
      headers,
      rawBody: BODY,
      toleranceMs: 60_000,
    });
    // Assess
    expect(result).toEqual({ ok: false, reason: 'timestamp too old' });
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])(
    'throws for a tolerance of %s instead of disabling the check',
    (toleranceMs) => {
      // Prepare
      const headers = signHubSpotV3({
        secret: SECRET,
        method: 'POST',
        uri: URI,
        body: BODY,
        timestamp: NOW - 3_600_000,
      });
      // Act
      const verifying = () =>
        verifyHubSpotV3({ secrets: [SECRET], method: 'POST', uri: URI, headers, rawBody: BODY, toleranceMs });
      // Assess
      expect(verifying).toThrow(RangeError);
    },
  );
});

describe('Function: hubSpotVerifier()', () => {
  it('verifies against the URL of the request unless told the public one', async () => {
    // Prepare
    const publicUri = 'https://sync.example.com/crm/webhooks/hubspot';
    const headers = signHubSpotV3({ secret: SECRET, method: 'POST', uri: publicUri, body: BODY });
    const request = { method: 'POST', url: URI, headers, rawBody: Buffer.from(BODY) };
    // Act
    const byRequestUrl = await hubSpotVerifier(async () => SECRET)(request);
    const byPublicUri = await hubSpotVerifier(async () => SECRET, { uri: () => publicUri })(request);
    // Assess
    expect(byRequestUrl).toEqual({ ok: false, reason: 'signature mismatch' });
    expect(byPublicUri.ok).toBe(true);
  });
});

import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signShopifyWebhook, verifyShopifyWebhook } from '../../functions/kernel/signatures/shopify.js';

const SECRET = 'shpss_0123456789abcdef0123456789abcdef';
const BODY = '{"id":820982911946154508,"email":"jon@example.com"}';

describe('Function: verifyShopifyWebhook()', () => {
  it('checks base64 HMAC-SHA256 of the raw body and passes the webhook id on', () => {
    // Prepare
    const headers = {
      'X-Shopify-Hmac-SHA256': createHmac('sha256', SECRET).update(BODY).digest('base64'),
      'X-Shopify-Webhook-Id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
      'X-Shopify-Triggered-At': '2026-11-24T12:00:00.000Z',
    };
    // Act
    const result = verifyShopifyWebhook({ secrets: [SECRET], headers, rawBody: BODY });
    // Assess
    expect(result).toEqual({ ok: true, id: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043', timestamp: undefined });
  });

  it('claims no timestamp and no id the scheme did not give', () => {
    // Prepare
    const headers = signShopifyWebhook({ secret: SECRET, body: BODY });
    // Act
    const result = verifyShopifyWebhook({ secrets: [SECRET], headers, rawBody: BODY });
    // Assess
    expect(result).toEqual({ ok: true, id: undefined, timestamp: undefined });
  });

  it('verifies the bytes received, not their text decoding', () => {
    // Prepare: two bodies that differ only in invalid UTF-8, which decodes to the same text.
    const signedBytes = Buffer.from([0x7b, 0xff, 0x7d]);
    const otherBytes = Buffer.from([0x7b, 0xfe, 0x7d]);
    const headers = signShopifyWebhook({ secret: SECRET, body: signedBytes });
    // Act
    const original = verifyShopifyWebhook({ secrets: [SECRET], headers, rawBody: signedBytes });
    const altered = verifyShopifyWebhook({ secrets: [SECRET], headers, rawBody: otherBytes });
    // Assess
    expect(signedBytes.toString('utf8')).toBe(otherBytes.toString('utf8'));
    expect(original.ok).toBe(true);
    expect(altered).toEqual({ ok: false, reason: 'signature mismatch' });
  });
});

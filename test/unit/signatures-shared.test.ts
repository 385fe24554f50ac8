import { describe, expect, it } from 'vitest';
import { apiKeyVerifier, verifyApiKey } from '../../functions/kernel/signatures/api-key.js';
import {
  constantTimeEqual,
  constantTimeIncludes,
  signatureEqual,
} from '../../functions/kernel/signatures/constant-time.js';
import { assertTolerance, headerValue, secretList } from '../../functions/kernel/signatures/verification.js';

describe('Function: constantTimeEqual()', () => {
  it.each([
    ['equal strings', 'k-0123456789', 'k-0123456789', true],
    ['a prefix', 'k-0123456789', 'k-01234', false],
    ['a longer value', 'k-0123456789', 'k-0123456789-and-more', false],
    ['empty and non-empty', '', 'k', false],
    ['two empty values', '', '', true],
    ['equal bytes', Buffer.from([1, 2, 3]), Buffer.from([1, 2, 3]), true],
  ])('compares %s without throwing on a length difference', (_case, a, b, expected) => {
    // Act
    const equal = constantTimeEqual(a, b);
    // Assess
    expect(equal).toBe(expected);
  });
});

describe('Function: constantTimeIncludes()', () => {
  it('finds a match at any position of a rotation', () => {
    // Act
    const found = [0, 1, 2].map((i) =>
      constantTimeIncludes(['a-key', 'b-key', 'c-key'], ['a-key', 'b-key', 'c-key'][i] ?? ''),
    );
    // Assess
    expect(found).toEqual([true, true, true]);
    expect(constantTimeIncludes(['a-key', 'b-key'], 'd-key')).toBe(false);
  });
});

describe('Function: secretList()', () => {
  it.each([
    ['one secret', 'whsec_a', ['whsec_a']],
    ['space separated', 'whsec_a whsec_b', ['whsec_a', 'whsec_b']],
    ['comma separated', 'whsec_a,whsec_b', ['whsec_a', 'whsec_b']],
    ['comma and newline', 'whsec_a,\n whsec_b ', ['whsec_a', 'whsec_b']],
    ['a repeated secret', 'whsec_a whsec_a', ['whsec_a']],
    ['blank', '  , ', []],
  ])('splits %s', (_case, value, expected) => {
    // Act
    const secrets = secretList(value);
    // Assess
    expect(secrets).toEqual(expected);
  });
});

describe('Function: headerValue()', () => {
  it('finds a header whatever the case of its key', () => {
    // Prepare
    const headers = { 'X-Api-Key': 'k', 'webhook-id': 'msg_1' };
    // Act / Assess
    expect(headerValue(headers, 'x-api-key')).toBe('k');
    expect(headerValue(headers, 'Webhook-Id')).toBe('msg_1');
    expect(headerValue(headers, 'x-missing')).toBeUndefined();
  });
});

describe('Function: assertTolerance()', () => {
  it.each([0, -300_000, Number.NaN])('refuses %s', (toleranceMs) => {
    // Act / Assess
    expect(() => assertTolerance(toleranceMs)).toThrow(RangeError);
  });
});

describe('Function: verifyApiKey()', () => {
  const KEY = 'erp-webhook-key-0123456789';

  it('reads the header named by the caller, whatever its case', () => {
    // Act
    const result = verifyApiKey({ keys: [KEY], header: 'X-ERP-Key', headers: { 'x-erp-key': KEY } });
    // Assess
    expect(result).toEqual({ ok: true, id: undefined, timestamp: undefined });
  });

  it.each([
    ['a prefix of the key', KEY.slice(0, 10)],
    ['the key with a suffix', `${KEY}x`],
    ['the key in another case', KEY.toUpperCase()],
  ])('refuses %s', (_case, presented) => {
    // Act
    const result = verifyApiKey({ keys: [KEY], header: 'x-api-key', headers: { 'x-api-key': presented } });
    // Assess
    expect(result).toEqual({ ok: false, reason: 'API key mismatch' });
  });

  it('serves the chain with keys read per request', async () => {
    // Prepare
    const verify = apiKeyVerifier(async () => `old-key-0123456789 ${KEY}`, { header: 'x-api-key' });
    // Act
    const result = await verify({
      method: 'POST',
      url: 'https://x.test/',
      headers: { 'x-api-key': KEY },
      rawBody: Buffer.from('{}'),
    });
    // Assess
    expect(result.ok).toBe(true);
  });
});

describe('Function: signatureEqual()', () => {
  it.each([
    ['equal signatures', 'c2lnbmF0dXJl', 'c2lnbmF0dXJl', true],
    ['one character changed', 'c2lnbmF0dXJl', 'c2lnbmF0dXJm', false],
    ['different lengths, without throwing', 'c2lnbmF0dXJl', 'c2ln', false],
  ])('compares %s', (_case, computed, presented, expected) => {
    // Act
    const equal = signatureEqual(computed, presented);
    // Assess
    expect(equal).toBe(expected);
  });
});

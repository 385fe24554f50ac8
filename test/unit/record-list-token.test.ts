import { describe, expect, it } from 'vitest';
import { decodeNext, encodeNext } from '../../functions/kernel/records/record-list.js';

const key = { pk: 'contact#c-1', record_type: 'contact', record_id: 'c-1' };

describe('the next-page token of a record listing', () => {
  it('gives back the page key it was made from, for the same type', () => {
    // Act
    const token = encodeNext(key);
    // Assess
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeNext(token, 'contact')).toEqual(key);
  });

  it("refuses a token of another type's listing", () => {
    // Act
    const decoded = decodeNext(encodeNext(key), 'account');
    // Assess
    expect(decoded).toBeUndefined();
  });

  it.each([
    ['not base64url', 'a b'],
    ['not JSON', Buffer.from('{').toString('base64url')],
    ['an object', Buffer.from('{"pk":"contact#c-1"}').toString('base64url')],
    ['a key whose pk is not its type and id', Buffer.from('["contact","c-1","contact#c-2"]').toString('base64url')],
    ['a non-string part', Buffer.from('["contact",1,"contact#1"]').toString('base64url')],
    ['an overlong token', 'a'.repeat(2001)],
  ])('refuses %s', (_what, token) => {
    // Act
    const decoded = decodeNext(token, 'contact');
    // Assess
    expect(decoded).toBeUndefined();
  });
});

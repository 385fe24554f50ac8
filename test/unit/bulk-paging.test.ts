import { describe, expect, it } from 'vitest';
import { firstPageUrl, sources } from '../../functions/bulk/sources/index.js';
import { nextLink, readPage, retryAfterSeconds } from '../../functions/bulk/sources/paging.js';

const CRM = 'https://crm.example/api/contacts?limit=2&offset=0';

describe('Function: readPage', () => {
  it('moves the offset on by the records read while has_more holds, and keeps the total', () => {
    // Act
    const page = readPage({ data: [{ id: '1' }, { id: '2' }], has_more: true, total: 5 }, null, CRM);
    // Assess
    expect(page).toEqual({
      records: [{ id: '1' }, { id: '2' }],
      next: 'https://crm.example/api/contacts?limit=2&offset=2',
      total: 5,
    });
  });

  it('ends when has_more is false', () => {
    // Act
    const page = readPage({ data: [{ id: '1' }], has_more: false }, null, CRM);
    // Assess
    expect(page.next).toBeNull();
  });

  it('ends on an empty page even when has_more says otherwise, so a wrong flag cannot loop', () => {
    // Act
    const page = readPage({ data: [], has_more: true }, null, CRM);
    // Assess
    expect(page.next).toBeNull();
  });

  it('turns an opaque body cursor into a cursor parameter in place of the offset', () => {
    // Act
    const page = readPage({ data: [{ id: '1' }], next: 'abc=' }, null, CRM);
    // Assess
    expect(page.next).toBe('https://crm.example/api/contacts?limit=2&cursor=abc%3D');
  });

  it('takes a body cursor that is a path as the next page, on the same origin', () => {
    // Act
    const page = readPage({ data: [{ id: '1' }], next: '/api/contacts?page=2' }, null, CRM);
    // Assess
    expect(page.next).toBe('https://crm.example/api/contacts?page=2');
  });

  it('prefers a Link header rel="next" and reads a list named after the entity', () => {
    // Act
    const page = readPage(
      { products: [{ id: 'p1' }] },
      '<https://shop.example/products?page_info=xyz>; rel="next"',
      'https://shop.example/products?limit=1',
    );
    // Assess
    expect(page).toEqual({ records: [{ id: 'p1' }], next: 'https://shop.example/products?page_info=xyz' });
  });

  it('throws on a body without a list of records', () => {
    // Act / Assess
    expect(() => readPage({ message: 'maintenance' }, null, CRM)).toThrow('without a list');
  });
});

describe('Function: nextLink', () => {
  it.each([
    ['<https://s/p?page_info=2>; rel="next"', 'https://s/p?page_info=2'],
    ['<https://s/p?page_info=1>; rel="previous", <https://s/p?page_info=3>; rel="next"', 'https://s/p?page_info=3'],
    ['</p?page_info=4>; rel=next', 'https://s/p?page_info=4'],
    ['<https://s/p?page_info=1>; rel="previous"', null],
    ['', null],
  ])('reads %j as %j', (header, expected) => {
    // Act / Assess
    expect(nextLink(header, 'https://s/p')).toBe(expected);
  });
});

describe('Function: retryAfterSeconds', () => {
  it('reads seconds, an HTTP date, and falls back when absent or unreadable', () => {
    // Prepare
    const now = Date.parse('2026-12-03T10:00:00Z');
    // Act / Assess
    expect(retryAfterSeconds('7', now)).toBe(7);
    expect(retryAfterSeconds('Thu, 03 Dec 2026 10:00:30 GMT', now)).toBe(30);
    expect(retryAfterSeconds(undefined, now)).toBe(30);
    expect(retryAfterSeconds('soon', now, 12)).toBe(12);
    expect(retryAfterSeconds('0', now)).toBe(1);
  });
});

describe('Function: firstPageUrl', () => {
  it('asks an offset source for offset 0 with the page size and its own since parameter', () => {
    // Act
    const url = firstPageUrl(sources.crm as never, 'https://crm.example/', 'contacts', 200, '2026-11-01T00:00:00Z');
    // Assess
    expect(url).toBe('https://crm.example/api/contacts?limit=200&offset=0&updated_since=2026-11-01T00%3A00%3A00Z');
  });

  it('asks a cursor source for no position', () => {
    // Act
    const url = firstPageUrl(sources.ecommerce as never, 'https://shop.example', 'products', 50);
    // Assess
    expect(url).toBe('https://shop.example/products?limit=50');
  });
});

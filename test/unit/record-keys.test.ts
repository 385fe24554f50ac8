import { describe, expect, it } from 'vitest';
import { aliasFor, isAlias, localIdFor, matchKey, recordId } from '../../functions/kernel/records/record.js';
import * as z from '../../functions/kernel/validation.js';

describe('Record keys', () => {
  it('derives our id from the vendor id, escaping what our ids may not hold', () => {
    // Act
    const id = localIdFor('crm', '003/A B');
    // Assess
    expect(id).toBe('crm-003+2FA+20B');
    expect(z.safeParse(recordId, id).success).toBe(true);
  });

  it.each([
    ['an id of safe characters, as it is', '003A.b_c:d@e-f', 'crm-003A.b_c:d@e-f'],
    ['a slash, escaped', 'X/1', 'crm-X+2F1'],
    ['an underscore, kept', 'X_1', 'crm-X_1'],
    ['the escape character itself, escaped', 'X+2F1', 'crm-X+2B2F1'],
    ['a character past Latin-1, by its code unit', 'Zoë', 'crm-Zo+EB'],
    ['a character past 0xFF, with the u form', 'a€', 'crm-a+u20AC'],
    ['a lone surrogate, by its code unit', 'a\uD800', 'crm-a+uD800'],
  ])('derives %s', (_case, externalId, expected) => {
    // Act
    const id = localIdFor('crm', externalId);
    // Assess
    expect(id).toBe(expected);
    expect(z.safeParse(recordId, id).success).toBe(true);
  });

  it('gives X/1 and X_1 (the ids that used to meet) two records', () => {
    // Act
    const ids = [localIdFor('crm', 'X/1'), localIdFor('crm', 'X_1')];
    // Assess
    expect(new Set(ids).size).toBe(2);
  });

  it('derives distinct, valid ids from every string of up to four characters over a tricky alphabet', () => {
    // Prepare: characters that are kept, escaped, the escape itself, hex digits that follow it, and non-ASCII.
    const alphabet = ['a', '_', '/', '+', '2', 'F', 'u', ' ', 'é', '\uD800'];
    const strings: string[] = [''];
    for (let length = 1; length <= 4; length++) {
      for (const prefix of strings.filter((s) => [...s].length === length - 1)) {
        for (const char of alphabet) strings.push(prefix + char);
      }
    }
    const externalIds = strings.slice(1);
    // Act
    const ids = externalIds.map((externalId) => localIdFor('crm', externalId));
    // Assess
    expect(externalIds.length).toBe(10 + 100 + 1000 + 10_000);
    expect(new Set(ids).size).toBe(externalIds.length);
    expect(ids.filter((id) => !z.safeParse(recordId, id).success)).toEqual([]);
  });

  it('cuts a long id to 200 characters and keeps two that share a 200-character prefix apart', () => {
    // Prepare
    const prefix = 'x'.repeat(200);
    // Act
    const ids = [localIdFor('crm', `${prefix}A`), localIdFor('crm', `${prefix}B`), localIdFor('crm', prefix)];
    // Assess
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) {
      expect(id.length).toBeLessThanOrEqual(200);
      expect(id).toMatch(/\+\+[0-9a-f]{24}$/);
      expect(z.safeParse(recordId, id).success).toBe(true);
    }
  });

  it('never cuts an id in the middle of an escape', () => {
    // Prepare: escapes of three and six characters at every offset around the cut.
    const ids = Array.from({ length: 12 }, (_, shift) => `${'y'.repeat(165 + shift)}${'/€'.repeat(20)}`);
    // Act
    const derived = ids.map((externalId) => localIdFor('crm', externalId));
    // Assess
    for (const id of derived) {
      const kept = id.slice(0, id.indexOf('++'));
      expect(kept).toMatch(/^crm-(?:[A-Za-z0-9._:@-]|\+[0-9A-F]{2}|\+u[0-9A-F]{4})*$/);
    }
    expect(new Set(derived).size).toBe(ids.length);
  });

  it('derives distinct, valid ids from 5,000 random vendor ids of any code units and lengths', () => {
    // Prepare: a seeded generator, so a failure is reproducible.
    let seed = 0x2f6e2b1;
    const next = (below: number): number => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return seed % below;
    };
    const pool = 'aZ09._:@-+/ #%u';
    const randomId = (): string =>
      Array.from({ length: 1 + next(320) }, () =>
        next(4) === 0 ? String.fromCharCode(next(0x10000)) : (pool[next(pool.length)] as string),
      ).join('');
    const externalIds = [...new Set(Array.from({ length: 5_000 }, randomId))];
    // Act
    const ids = externalIds.map((externalId) => localIdFor('erp', externalId));
    // Assess
    expect(new Set(ids).size).toBe(externalIds.length);
    expect(ids.filter((id) => !z.safeParse(recordId, id).success)).toEqual([]);
  });

  it('points the derived key of a vendor id at the record linked to it', () => {
    // Act
    const alias = aliasFor('contact', 'c-42', 'crm', '003A', '2026-11-24T10:00:00.000Z');
    // Assess
    expect(alias).toEqual({
      pk: 'contact#crm-003A',
      alias_of: 'c-42',
      external_id: '003A',
      external_source: 'crm',
      created_at: '2026-11-24T10:00:00.000Z',
    });
    expect(isAlias(alias)).toBe(true);
  });

  it('keeps the aliases of two vendors with the same id apart', () => {
    // Act: crm-003A is the id the CRM's 003A derives; the ERP's 003A has a key of its own.
    const keys = [
      aliasFor('contact', 'c-1', 'crm', '003A', 'now').pk,
      aliasFor('contact', 'c-1', 'erp', '003A', 'now').pk,
    ];
    // Assess
    expect(keys).toEqual(['contact#crm-003A', 'contact#erp-003A']);
  });

  it('matches emails and names whatever their case and surrounding spaces', () => {
    // Act
    const keys = [matchKey('contact', 'email', ' Ana@Example.com '), matchKey('contact', 'email', 'ana@example.com')];
    // Assess
    expect(keys[0]).toBe(keys[1]);
  });
});

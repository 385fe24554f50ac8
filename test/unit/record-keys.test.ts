import { describe, expect, it } from 'vitest';
import { aliasFor, isAlias, localIdFor, matchKey, recordId } from '../../functions/kernel/records/record.js';
import * as z from '../../functions/kernel/validation.js';

describe('Record keys', () => {
  it('derives our id from the vendor id, replacing what our ids may not hold', () => {
    // Act
    const id = localIdFor('crm', '003/A B');
    // Assess
    expect(id).toBe('crm-003_A_B');
    expect(z.safeParse(recordId, id).success).toBe(true);
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

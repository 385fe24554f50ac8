import { describe, expect, it } from 'vitest';
import { externalKeyFor, localIdFor, matchKey, recordId } from '../../functions/shared/records/record.js';
import * as z from '../../functions/shared/validation.js';

describe('Record keys', () => {
  it('derives our id from the vendor id, replacing what our ids may not hold', () => {
    // Act
    const id = localIdFor('crm', '003/A B');
    // Assess
    expect(id).toBe('crm-003_A_B');
    expect(z.safeParse(recordId, id).success).toBe(true);
  });

  it('keeps a record whose id derives from the vendor id out of the external-id index', () => {
    // Prepare
    const id = localIdFor('crm', '003A');
    // Act
    const key = externalKeyFor('contact', id, 'crm', '003A');
    // Assess
    expect(key).toBeUndefined();
  });

  it('puts a record with an id of its own in the external-id index, under type, source and vendor id', () => {
    // Act
    const key = externalKeyFor('contact', 'c-42', 'crm', '003A');
    // Assess
    expect(key).toBe('contact#crm#003A');
  });

  it('indexes a record under the external-id key even when another vendor id would derive its id', () => {
    // Act: crm-003A is the id the CRM's 003A derives; for the ERP's 003A it is just an id.
    const key = externalKeyFor('contact', localIdFor('crm', '003A'), 'erp', '003A');
    // Assess
    expect(key).toBe('contact#erp#003A');
  });

  it('matches emails and names whatever their case and surrounding spaces', () => {
    // Act
    const keys = [matchKey('contact', 'email', ' Ana@Example.com '), matchKey('contact', 'email', 'ana@example.com')];
    // Assess
    expect(keys[0]).toBe(keys[1]);
  });
});

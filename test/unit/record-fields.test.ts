import { describe, expect, it } from 'vitest';
import {
  knownRecordTypes,
  recordDataSchema,
  unknownTypeProblem,
} from '../../functions/kernel/records/record-fields.js';
import * as z from '../../functions/kernel/validation.js';

/** The issues a record body raises for its type, as `path: message`. */
const problems = (type: string, data: unknown): string[] => {
  const schema = recordDataSchema(type);
  if (!schema) throw new Error(`no schema for ${type}`);
  const parsed = z.safeParse(schema, data);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('record types', () => {
  it('knows the CRM mapped types and product, sorted', () => {
    // Assess
    expect(knownRecordTypes).toEqual(['account', 'contact', 'opportunity', 'product']);
  });

  it('names an unknown type and lists the known ones', () => {
    // Act
    const problem = unknownTypeProblem('note');
    // Assess
    expect(problem).toBe('unknown record type note (known: account, contact, opportunity, product)');
    expect(unknownTypeProblem('contact')).toBeUndefined();
    expect(recordDataSchema('note')).toBeUndefined();
  });
});

describe('recordDataSchema', () => {
  it('accepts a contact in its local field names, with null clearing a field', () => {
    // Act
    const found = problems('contact', { first_name: 'Ana', email: 'ana@example.com', phone: null });
    // Assess
    expect(found).toEqual([]);
  });

  it('names each unknown field: the CRM name of a field is not ours', () => {
    // Act
    const found = problems('contact', { firstName: 'Ana', email: 'ana@example.com', nickname: 'A' });
    // Assess
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('firstName');
    expect(found[0]).toContain('nickname');
  });

  it('names a field of the wrong type', () => {
    // Act
    const found = problems('contact', { first_name: 42, email: 'not-an-email' });
    // Assess
    expect(found).toEqual([expect.stringMatching(/^email: /), expect.stringMatching(/^first_name: /)]);
  });

  it('refuses an empty body, and one whose fields are all null, listing the fields it may hold', () => {
    // Act
    const empty = problems('contact', {});
    const allNull = problems('contact', { first_name: null });
    // Assess
    expect(empty).toEqual([expect.stringContaining('is empty; a contact needs at least one of company, email')]);
    expect(allNull).toEqual(empty);
  });

  it('checks an account with its mapping types: an integer employee count, an exact revenue', () => {
    // Act
    const good = problems('account', { company_name: 'Acme', employee_count: 12, annual_revenue: 1000 });
    const bad = problems('account', { company_name: 'Acme', employee_count: 1.5 });
    // Assess
    expect(good).toEqual([]);
    expect(bad).toEqual([expect.stringMatching(/^employee_count: /)]);
  });

  it('accepts a product with reorder thresholds as numbers or digit strings, and refuses a negative one', () => {
    // Act
    const good = problems('product', { name: 'Blue mug', reorder_point: 10, reorder_quantity: '50' });
    const bad = problems('product', { name: 'Blue mug', reorder_point: -1 });
    // Assess
    expect(good).toEqual([]);
    expect(bad).toEqual([expect.stringMatching(/^reorder_point: /)]);
  });
});

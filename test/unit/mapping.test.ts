import { describe, expect, it } from 'vitest';
import { mappingFor, mappings } from '../../functions/kernel/mappings/crm/index.js';
import { defineMapping, remoteSchema, toLocal, toRemote } from '../../functions/kernel/mappings/mapping.js';
import * as z from '../../functions/kernel/validation.js';

const contact = mappingFor('crm', 'contact');
if (!contact) throw new Error('the CRM contact mapping is missing');

describe('Mapping: CRM contact', () => {
  it('maps every CRM field to its local name, nested paths included', () => {
    // Prepare
    const remote = {
      firstName: 'Ana',
      lastName: 'Lima',
      email: 'ana@example.com',
      phone: '+351 21 000 0000',
      account: { name: 'Acme' },
      title: 'CTO',
      leadSource: 'web',
      status: 'qualified',
    };
    // Act
    const local = toLocal(contact, remote);
    // Assess
    expect(local).toEqual({
      first_name: 'Ana',
      last_name: 'Lima',
      email: 'ana@example.com',
      phone: '+351 21 000 0000',
      company: 'Acme',
      title: 'CTO',
      source: 'web',
      status: 'qualified',
    });
  });

  it('keeps only the fields a partial update carries', () => {
    expect(toLocal(contact, { email: 'new@example.com' })).toEqual({ email: 'new@example.com' });
  });

  it('sends back only fields that flow both ways', () => {
    // Prepare
    const local = { first_name: 'Ana', email: 'ana@example.com', company: 'Acme', status: 'qualified', source: 'web' };
    // Act
    const remote = toRemote(contact, local);
    // Assess
    expect(remote).toEqual({ firstName: 'Ana', email: 'ana@example.com', leadSource: 'web' });
  });

  it.each([
    [{ email: 42 }, 'email'],
    [{ email: 'not-an-email' }, 'email'],
    [{ account: { name: 7 } }, 'account.name'],
  ])('rejects %j naming the field %s', (data, path) => {
    // Act
    const parsed = z.safeParse(remoteSchema(contact), data);
    // Assess
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path.join('.')).toBe(path);
  });

  it('accepts null to clear a field', () => {
    expect(z.safeParse(remoteSchema(contact), { phone: null }).success).toBe(true);
  });
});

describe('Mapping: CRM account and opportunity', () => {
  it.each([
    [
      'account',
      { name: 'Acme', annualRevenue: 1e6, numberOfEmployees: 40, billingAddress: { city: 'Porto' } },
      { company_name: 'Acme', annual_revenue: 1e6, employee_count: 40, billing_address: { city: 'Porto' } },
    ],
    [
      'opportunity',
      { name: 'Deal', accountId: 'a1', amount: 5000, stageName: 'won', probability: 100, closeDate: '2026-12-01' },
      { name: 'Deal', account_id: 'a1', amount: 5000, stage: 'won', probability: 100, close_date: '2026-12-01' },
    ],
  ])('maps a CRM %s to local fields', (type, remote, expected) => {
    const mapping = mappingFor('crm', type);
    expect(mapping && toLocal(mapping, remote)).toEqual(expected);
  });

  it('rejects a fractional employee count', () => {
    const mapping = mappingFor('crm', 'account');
    expect(mapping && z.safeParse(remoteSchema(mapping), { numberOfEmployees: 4.5 }).success).toBe(false);
  });
});

describe('Function: defineMapping()', () => {
  it('refuses a declaration that maps one local field twice', () => {
    expect(() =>
      defineMapping({
        system: 'crm',
        recordType: 'lead',
        fields: [
          { remote: 'a', local: 'x', type: 'string' },
          { remote: 'b', local: 'x', type: 'string' },
        ],
      }),
    ).toThrow('maps x twice');
  });

  it('holds only valid declarations in the registry', () => {
    expect(mappings.map((m) => `${m.system}/${m.recordType}`)).toEqual([
      'crm/contact',
      'crm/account',
      'crm/opportunity',
    ]);
  });
});

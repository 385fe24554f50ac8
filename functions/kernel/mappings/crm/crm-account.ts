import { defineMapping } from '../mapping.js';

/** CRM account -> local account (inbound only: the CRM owns accounts). */
export const crmAccount = defineMapping({
  system: 'crm',
  recordType: 'account',
  fields: [
    { remote: 'name', local: 'company_name', type: 'string', direction: 'inbound' },
    { remote: 'industry', local: 'industry', type: 'string', direction: 'inbound' },
    { remote: 'website', local: 'website', type: 'string', direction: 'inbound' },
    { remote: 'annualRevenue', local: 'annual_revenue', type: 'decimal', direction: 'inbound' },
    { remote: 'numberOfEmployees', local: 'employee_count', type: 'integer', direction: 'inbound' },
    { remote: 'billingAddress', local: 'billing_address', type: 'object', direction: 'inbound' },
  ],
});

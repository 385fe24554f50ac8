import { defineMapping } from '../mapping.js';

/** CRM contact <-> local contact. The company name belongs to the CRM account, so it only flows in. */
export const crmContact = defineMapping({
  system: 'crm',
  recordType: 'contact',
  fields: [
    { remote: 'firstName', local: 'first_name', type: 'string' },
    { remote: 'lastName', local: 'last_name', type: 'string' },
    { remote: 'email', local: 'email', type: 'email' },
    { remote: 'phone', local: 'phone', type: 'string' },
    { remote: 'account.name', local: 'company', type: 'string', direction: 'inbound' },
    { remote: 'title', local: 'title', type: 'string' },
    { remote: 'leadSource', local: 'source', type: 'string' },
    { remote: 'status', local: 'status', type: 'string', direction: 'inbound' },
  ],
  outbound: { createPath: '/api/contacts', updatePath: '/api/contacts/{external_id}' },
});

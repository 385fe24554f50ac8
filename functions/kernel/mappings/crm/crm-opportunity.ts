import { defineMapping } from '../mapping.js';

/** CRM opportunity -> local opportunity (inbound only). */
export const crmOpportunity = defineMapping({
  system: 'crm',
  recordType: 'opportunity',
  fields: [
    { remote: 'name', local: 'name', type: 'string', direction: 'inbound' },
    { remote: 'accountId', local: 'account_id', type: 'string', direction: 'inbound' },
    { remote: 'amount', local: 'amount', type: 'decimal', direction: 'inbound' },
    { remote: 'stageName', local: 'stage', type: 'string', direction: 'inbound' },
    { remote: 'probability', local: 'probability', type: 'percent', direction: 'inbound' },
    { remote: 'closeDate', local: 'close_date', type: 'date', direction: 'inbound' },
  ],
});

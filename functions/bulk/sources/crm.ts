import type { SourceSystem } from './source-system.js';

/** The CRM: `GET {CRM_API_URL}/api/{entity}?limit=&offset=`, offset paging with `has_more` (a cursor also read). */
export const crmSource: SourceSystem = {
  integration: 'crm',
  entities: { contacts: '/api/contacts', accounts: '/api/accounts', opportunities: '/api/opportunities' },
  sinceParam: 'updated_since',
  paging: 'offset',
};

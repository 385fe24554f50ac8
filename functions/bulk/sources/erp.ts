import type { SourceSystem } from './source-system.js';

/** The ERP: `GET {ERP_API_URL}/api/{entity}`, offset paging like the CRM. */
export const erpSource: SourceSystem = {
  integration: 'erp',
  entities: { orders: '/api/orders', customers: '/api/customers', inventory: '/api/inventory' },
  sinceParam: 'modified_since',
  paging: 'offset',
};

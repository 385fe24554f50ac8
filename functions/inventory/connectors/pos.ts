import { defineStockConnector } from './connector.js';

/** Point of sale: `POST /inventory/update` `{item_id, quantity, location_id}`, `X-API-Key`. */
export const posStock = defineStockConnector({
  system: 'pos',
  method: 'POST',
  path: '/inventory/update',
  body: { item_id: 'sku', quantity: 'quantity', location_id: 'warehouse' },
});

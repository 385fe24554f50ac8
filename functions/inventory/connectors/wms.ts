import { defineStockConnector } from './connector.js';

/** Warehouse system: `PUT /api/inventory` `{sku, location, qty}`, bearer key. */
export const wmsStock = defineStockConnector({
  system: 'wms',
  method: 'PUT',
  path: '/api/inventory',
  body: { sku: 'sku', location: 'warehouse', qty: 'quantity' },
});

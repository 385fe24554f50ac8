import { defineStockConnector } from './connector.js';

/** ERP: `PUT /api/inventory/{sku}` `{sku, warehouseCode, qtyOnHand}`, bearer key. */
export const erpStock = defineStockConnector({
  system: 'erp',
  method: 'PUT',
  path: '/api/inventory/{sku}',
  body: { sku: 'sku', warehouseCode: 'warehouse', qtyOnHand: 'quantity' },
});

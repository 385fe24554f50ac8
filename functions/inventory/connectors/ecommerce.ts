import { defineStockConnector } from './connector.js';

/**
 * Shop: `PUT /products/{sku}/inventory` `{inventory_quantity}`, bearer key.
 * The shop keeps one quantity per product, with no warehouse.
 */
export const ecommerceStock = defineStockConnector({
  system: 'ecommerce',
  method: 'PUT',
  path: '/products/{sku}/inventory',
  body: { inventory_quantity: 'quantity' },
});

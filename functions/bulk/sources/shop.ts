import type { SourceSystem } from './source-system.js';

/** The shop: `GET {ECOMMERCE_API_URL}/products` and inventory levels, cursor paging by `Link` header (Shopify style). */
export const shopSource: SourceSystem = {
  integration: 'ecommerce',
  entities: { products: '/products', inventory_levels: '/inventory_levels' },
  sinceParam: 'updated_at_min',
  paging: 'cursor',
};

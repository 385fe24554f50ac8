import { getRecord } from '../../kernel/records/record-reads.js';
import { type ProductInfo, productInfo } from '../domain/alerts.js';

/**
 * A product as the alerts need it, from the `records` table (type
 * `product`, id = sku; written offline with `PUT /admin/records/product/{sku}`).
 * Undefined for an unknown, deleted or malformed product: the caller then
 * skips the alerts and says so in the log.
 */
const findProduct = async (sku: string): Promise<ProductInfo | undefined> => {
  const record = await getRecord('product', sku);
  if (!record || record.deleted_at) return undefined;
  return productInfo(sku, record.data);
};

export { findProduct };

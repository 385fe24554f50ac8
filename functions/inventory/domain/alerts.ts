import * as z from '../../kernel/validation.js';

/**
 * When a stock change deserves a human's attention. Alerts fire on a change
 * of status, never on every run: crossing the reorder point downwards, and
 * reaching zero. A level that stays below the reorder point says nothing
 * more, so a busy sku does not flood the channel.
 */

/** What the store knows about a product (record type `product`, id = sku). */
export interface ProductInfo {
  readonly name: string;
  readonly reorder_point?: number;
  readonly reorder_quantity?: number;
}

export type StockAlert = 'low_stock' | 'out_of_stock';

/** Numbers typed into an admin form sometimes arrive as strings; accept both, refuse anything else. */
const amount = () =>
  z.union([z.number().check(z.gte(0)), z.pipe(z.string().check(z.regex(/^\d+(\.\d+)?$/)), z.transform(Number))]);

/**
 * A product record's data, leniently: a product without a name is still a
 * product (the sku stands in), one without a reorder point gets no low-stock
 * alert but still an out-of-stock one.
 */
// Built on first use (z.lazy), not at import (issue 15).
const productData = z.lazy(() =>
  z.object({
    name: z.optional(z.string().check(z.minLength(1))),
    reorder_point: z.optional(amount()),
    reorder_quantity: z.optional(amount()),
  }),
);

/**
 * The product info from a record's data, or undefined when the data is not
 * a product's at all.
 *
 * @example
 * productInfo('SKU-1', { name: 'Blue mug', reorder_point: 10 }); // { name: 'Blue mug', reorder_point: 10 }
 */
const productInfo = (sku: string, data: unknown): ProductInfo | undefined => {
  const parsed = z.safeParse(productData, data);
  if (!parsed.success) return undefined;
  const { name, reorder_point, reorder_quantity } = parsed.data;
  return {
    name: name ?? sku,
    ...(reorder_point === undefined ? {} : { reorder_point }),
    ...(reorder_quantity === undefined ? {} : { reorder_quantity }),
  };
};

/**
 * The alerts a change from `before` to `after` raises, in the order to send
 * them. A fall from above the reorder point straight to zero raises both:
 * each rule is about its own threshold.
 *
 * @example
 * stockAlerts(12, 8, { name: 'Mug', reorder_point: 10 }); // ['low_stock']
 * stockAlerts(8, 5, { name: 'Mug', reorder_point: 10 });  // [] (was already low)
 * stockAlerts(3, 0, { name: 'Mug', reorder_point: 10 });  // ['out_of_stock']
 */
const stockAlerts = (before: number, after: number, product: ProductInfo): StockAlert[] => {
  const alerts: StockAlert[] = [];
  const point = product.reorder_point;
  if (point !== undefined && before > point && after <= point) alerts.push('low_stock');
  if (before > 0 && after <= 0) alerts.push('out_of_stock');
  return alerts;
};

export interface AlertSubject {
  readonly sku: string;
  readonly warehouse: string;
  readonly quantity: number;
}

/**
 * The Slack text of an alert: what, which product, where, how many, and
 * the threshold, so the reader can act without opening another tool.
 */
const alertText = (alert: StockAlert, subject: AlertSubject, product: ProductInfo): string => {
  const what = `${product.name} (SKU ${subject.sku}) in warehouse ${subject.warehouse}`;
  if (alert === 'low_stock') {
    const reorder =
      product.reorder_quantity === undefined ? '' : ` Suggested reorder quantity: ${product.reorder_quantity}.`;
    return `:warning: Low Stock: ${what} is down to ${subject.quantity}, at or below its reorder point of ${product.reorder_point}.${reorder}`;
  }
  return `:rotating_light: Out of Stock: ${what} has ${subject.quantity} on hand. The product has been disabled in the shop.`;
};

export { productInfo, stockAlerts, alertText };

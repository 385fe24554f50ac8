import type { MailRequestSpec } from '../../kernel/outbound/message.js';
import type { ProductInfo } from './alerts.js';
import { escapeHtml } from '../../kernel/outbound/html-escape.js';

/**
 * The purchasing mail of a low-stock crossing, beside the Slack post: the
 * people who reorder get the product, where, how many are left, the
 * reorder point and how many to reorder. Pure; sent once per crossing like
 * the Slack alert (the fan-out gives it an id from the stock version).
 */
export interface LowStockSubject {
  readonly sku: string;
  readonly warehouse: string;
  /** The level that crossed: available when the stock item has it, else on hand. */
  readonly quantity: number;
}

/**
 * The mail to the purchasing recipients: "Low Stock Alert: {sku}", with a
 * plain-text and an HTML body (values HTML-escaped).
 *
 * @example
 * lowStockMail({ sku: 'SKU-1', warehouse: 'WH-1', quantity: 8 }, { name: 'Mug', reorder_point: 10 }, ['buy@example.com']);
 * // { kind: 'mail', to: ['buy@example.com'], subject: 'Low Stock Alert: SKU-1', text: '...', html: '...' }
 */
const lowStockMail = (
  subject: LowStockSubject,
  product: ProductInfo,
  to: readonly string[],
): Omit<MailRequestSpec, 'integration'> => {
  const facts: [string, string][] = [
    ['Product', product.name],
    ['SKU', subject.sku],
    ['Warehouse', subject.warehouse],
    ['Quantity', String(subject.quantity)],
    ['Reorder point', String(product.reorder_point ?? '')],
    ...(product.reorder_quantity === undefined
      ? []
      : ([['Reorder quantity', String(product.reorder_quantity)]] as [string, string][])),
  ];
  const intro = `${product.name} (SKU ${subject.sku}) is down to ${subject.quantity} in warehouse ${subject.warehouse}, at or below its reorder point.`;
  const text = [intro, '', ...facts.map(([label, value]) => `${label}: ${value}`)].join('\n');
  const items = facts.map(([label, value]) => `<li><strong>${label}:</strong> ${escapeHtml(value)}</li>`).join('');
  const html = `<html><body><p>${escapeHtml(intro)}</p><ul>${items}</ul></body></html>`;
  return { kind: 'mail', to: [...to], subject: `Low Stock Alert: ${subject.sku}`, text, html };
};

export { lowStockMail };

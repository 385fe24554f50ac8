import { describe, expect, it } from 'vitest';
import { lowStockMail } from '../../functions/inventory/domain/low-stock-mail.js';
import {
  alertMessages,
  crossesReorderPoint,
  lowStockMailMessage,
  newestVersions,
  stockChangeOf,
  stockMessages,
} from '../../functions/inventory/fanout/plan-fanout.js';
import { outboundMessage } from '../../functions/kernel/outbound/message.js';
import * as z from '../../functions/kernel/validation.js';
import { aStockStreamRecord } from '../helpers/inventory-factories.js';

const MUG = { name: 'Blue <mug>', reorder_point: 10, reorder_quantity: 50 };
const CHANGE = { sku: 'SKU-1', warehouse: 'WH-1', version: 7, before: 12, after: 8, source: 'erp' };

describe('Function: lowStockMail()', () => {
  it('names the product, quantity, reorder point and reorder quantity, HTML-escaped in the HTML body', () => {
    // Act
    const mail = lowStockMail({ sku: 'SKU-1', warehouse: 'WH-1', quantity: 8 }, MUG, ['buy@example.com']);
    // Assess
    expect(mail).toMatchObject({ kind: 'mail', to: ['buy@example.com'], subject: 'Low Stock Alert: SKU-1' });
    for (const line of ['Product: Blue <mug>', 'Quantity: 8', 'Reorder point: 10', 'Reorder quantity: 50'])
      expect(mail.text).toContain(line);
    expect(mail.html).toContain('Blue &lt;mug&gt;');
    expect(mail.html).not.toContain('<mug>');
  });

  it('leaves the reorder quantity out when the product has none', () => {
    // Act
    const mail = lowStockMail({ sku: 'SKU-1', warehouse: 'WH-1', quantity: 8 }, { name: 'Mug', reorder_point: 10 }, [
      'buy@example.com',
    ]);
    // Assess
    expect(mail.text).not.toContain('Reorder quantity');
  });
});

describe('Function: crossesReorderPoint()', () => {
  it.each([
    ['on hand crossing, no available quantity', CHANGE, true],
    ['on hand staying below', { ...CHANGE, before: 9, after: 5 }, false],
    [
      'available crossing while on hand stays above',
      { ...CHANGE, before: 20, after: 20, available_before: 12, available_after: 8 },
      true,
    ],
    ['on hand crossing while available stays below', { ...CHANGE, available_before: 5, available_after: 4 }, false],
    ['available rising', { ...CHANGE, before: 20, after: 20, available_before: 8, available_after: 12 }, false],
  ])('%s', (_what, change, expected) => {
    // Assess
    expect(crossesReorderPoint(change, MUG)).toBe(expected);
  });
});

describe('Function: stockChangeOf() with an available quantity', () => {
  it('reads the available quantity before and after', () => {
    // Act
    const change = stockChangeOf(
      aStockStreamRecord(
        { version: 7, quantity_on_hand: 15, quantity_available: 8 },
        { version: 6, quantity_on_hand: 15, quantity_available: 12 },
      ),
    );
    // Assess
    expect(change).toMatchObject({ available_before: 12, available_after: 8, level_only: true });
  });

  it('sends the other systems nothing when only the available quantity moved', () => {
    // Prepare
    const record = aStockStreamRecord(
      { version: 7, quantity_on_hand: 15, quantity_available: 8 },
      { version: 6, quantity_on_hand: 15, quantity_available: 12 },
    );
    const change = stockChangeOf(record);
    if ('skip' in change) throw new Error('skipped');
    // Assess
    expect(stockMessages(change)).toEqual([]);
    expect(newestVersions([record]).size).toBe(0);
  });

  it('still skips a version that changed neither quantity', () => {
    // Assess
    expect(
      stockChangeOf(
        aStockStreamRecord(
          { version: 7, quantity_on_hand: 15, quantity_available: 8 },
          { version: 6, quantity_on_hand: 15, quantity_available: 8 },
        ),
      ),
    ).toEqual({ skip: 'quantity unchanged' });
  });
});

describe('Function: lowStockMailMessage()', () => {
  it('is a valid outbound mail with an id of its own per stock version, the available quantity in it', () => {
    // Act
    const message = lowStockMailMessage({ ...CHANGE, available_before: 12, available_after: 6 }, MUG, [
      'buy@example.com',
    ]);
    // Assess
    expect(() => z.parse(outboundMessage, message)).not.toThrow();
    expect(message).toMatchObject({
      id: 'inventory#mail#low_stock#SKU-1#WH-1#v7',
      supersede: { key: 'inventory#mail#low_stock#SKU-1#WH-1#v7', version: 7 },
    });
    expect((message.request as { text: string }).text).toContain('Quantity: 6');
  });
});

describe('Function: alertMessages() with an available quantity', () => {
  it('posts Low Stock naming the available quantity that crossed, and no Out of Stock while some are on hand', () => {
    // Act
    const messages = alertMessages({ ...CHANGE, before: 20, after: 20, available_before: 12, available_after: 0 }, MUG);
    // Assess
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect((message?.request as { body: { text: string } } | undefined)?.body.text).toContain('is down to 0');
  });
});

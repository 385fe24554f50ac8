import { describe, expect, it } from 'vitest';
import { transactionOf } from '../../functions/kernel/stock/stock.js';
import { aStockItem } from '../helpers/inventory-factories.js';

describe('Function: transactionOf()', () => {
  it('records the before and after the atomic update wrote, keyed by the version it made', () => {
    // Prepare
    const stock = aStockItem({
      version: 7,
      last_quantity_before: 12,
      quantity_on_hand: 9,
      last_adjustment_type: 'shipment',
    });
    // Act
    const transaction = transactionOf(stock);
    // Assess
    expect(transaction).toEqual({
      pk: 'SKU-1#WH-1',
      sk: 'TX#000000000007',
      sku: 'SKU-1',
      warehouse: 'WH-1',
      adjustment_type: 'shipment',
      quantity_before: 12,
      quantity_change: -3,
      quantity_after: 9,
      source: 'erp',
      created_at: '2026-11-24T12:00:00.000Z',
      delivery_id: 'msg_3',
      version: 7,
    });
  });

  it('gives a count that set the level the difference it made, and keeps its reason and reference', () => {
    // Prepare
    const stock = aStockItem({
      last_adjustment_type: 'count',
      last_quantity_before: 10,
      quantity_on_hand: 4,
      last_reason: 'cycle count',
      last_reference: 'CC-9',
    });
    // Act
    const transaction = transactionOf(stock);
    // Assess
    expect(transaction).toMatchObject({ quantity_change: -6, reason: 'cycle count', reference: 'CC-9' });
  });
});

import { describe, expect, it } from 'vitest';
import { alertText, productInfo, stockAlerts } from '../../functions/inventory/domain/alerts.js';

const MUG = { name: 'Blue mug', reorder_point: 10, reorder_quantity: 50 };

describe('Function: stockAlerts()', () => {
  it.each([
    ['crossing from above the reorder point to below it', 12, 8, ['low_stock']],
    ['landing exactly on the reorder point', 11, 10, ['low_stock']],
    ['staying below the reorder point', 8, 5, []],
    ['starting on the reorder point and falling', 10, 9, []],
    ['staying above the reorder point', 30, 11, []],
    ['rising back above it', 5, 40, []],
    ['falling from below the reorder point to zero', 3, 0, ['out_of_stock']],
    ['falling from above the reorder point straight to zero', 40, 0, ['low_stock', 'out_of_stock']],
    ['staying at zero', 0, 0, []],
    ['a first receipt below the reorder point', 0, 4, []],
  ])('%s', (_what, before, after, expected) => {
    // Act
    const alerts = stockAlerts(before, after, MUG);
    // Assess
    expect(alerts).toEqual(expected);
  });

  it('raises no low-stock alert for a product without a reorder point, but still an out-of-stock one', () => {
    // Assess
    expect(stockAlerts(20, 1, { name: 'Mug' })).toEqual([]);
    expect(stockAlerts(20, 0, { name: 'Mug' })).toEqual(['out_of_stock']);
  });
});

describe('Function: productInfo()', () => {
  it('reads name, reorder point and reorder quantity, numbers typed as strings included', () => {
    // Assess
    expect(productInfo('SKU-1', { name: 'Mug', reorder_point: '10', reorder_quantity: 50 })).toEqual({
      name: 'Mug',
      reorder_point: 10,
      reorder_quantity: 50,
    });
  });

  it('uses the sku when the product has no name', () => {
    // Assess
    expect(productInfo('SKU-1', { reorder_point: 3 })).toEqual({ name: 'SKU-1', reorder_point: 3 });
  });

  it('gives up on data that is not a product', () => {
    // Assess
    expect(productInfo('SKU-1', { reorder_point: 'lots' })).toBeUndefined();
    expect(productInfo('SKU-1', 'nope')).toBeUndefined();
  });
});

describe('Function: alertText()', () => {
  it('names Low Stock, the sku, the product, the warehouse, the quantity and the reorder point', () => {
    // Act
    const text = alertText('low_stock', { sku: 'SKU-1', warehouse: 'WH-1', quantity: 8 }, MUG);
    // Assess
    expect(text).toContain('Low Stock');
    for (const part of ['SKU-1', 'Blue mug', 'WH-1', ' 8,', 'reorder point of 10', '50']) expect(text).toContain(part);
  });

  it('names Out of Stock, the sku, the product and the warehouse', () => {
    // Act
    const text = alertText('out_of_stock', { sku: 'SKU-1', warehouse: 'WH-1', quantity: 0 }, MUG);
    // Assess
    expect(text).toContain('Out of Stock');
    for (const part of ['SKU-1', 'Blue mug', 'WH-1']) expect(text).toContain(part);
  });
});

import { describe, expect, it } from 'vitest';
import {
  type AdjustmentType,
  adjustmentKind,
  inventoryAdjustment,
  quantityAfter,
} from '../../functions/kernel/stock/adjustment.js';
import * as z from '../../functions/kernel/validation.js';

const VALID = {
  source: 'erp',
  sku: 'SKU-1',
  warehouse: 'WH-1',
  type: 'receipt',
  quantity: 5,
  reason: 'PO 12',
  reference: 'PO-12',
};

const issuesOf = (body: unknown): { path: string; message: string }[] => {
  const parsed = z.safeParse(inventoryAdjustment, body);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
};

describe('Schema: inventoryAdjustment', () => {
  it('accepts a complete adjustment, reason and reference included', () => {
    // Act
    const parsed = z.parse(inventoryAdjustment, VALID);
    // Assess
    expect(parsed).toEqual(VALID);
  });

  it('accepts an adjustment without reason or reference, and a quantity of 0', () => {
    // Act
    const parsed = z.safeParse(inventoryAdjustment, { ...VALID, reason: undefined, reference: undefined, quantity: 0 });
    // Assess
    expect(parsed.success).toBe(true);
  });

  it.each([
    [
      'an unknown type',
      { type: 'theft' },
      'type',
      'must be one of receipt, transfer_in, shipment, transfer_out, adjustment, count',
    ],
    ['a quantity that is a string', { quantity: '5' }, 'quantity', 'must be a whole number from 0 to 1000000000000'],
    ['a fractional quantity', { quantity: 2.5 }, 'quantity', 'must be a whole number from 0 to 1000000000000'],
    ['a negative quantity', { quantity: -1 }, 'quantity', 'must be at least 0'],
    ['a missing quantity', { quantity: undefined }, 'quantity', 'must be a whole number from 0 to 1000000000000'],
    ['a missing sku', { sku: undefined }, 'sku', 'is required'],
    ['an empty sku', { sku: '' }, 'sku', 'is required'],
    ['a sku with #', { sku: 'A#B' }, 'sku', 'may hold letters, digits and . _ : @ + - only'],
    ['a missing warehouse', { warehouse: undefined }, 'warehouse', 'is required'],
    ['a missing source', { source: undefined }, 'source', 'must be one of erp, ecommerce, pos, wms'],
    ['an unknown source', { source: 'crm' }, 'source', 'must be one of erp, ecommerce, pos, wms'],
  ])('refuses %s, naming the field', (_what, change, path, message) => {
    // Act
    const issues = issuesOf({ ...VALID, ...change });
    // Assess
    expect(issues).toEqual([{ path, message }]);
  });

  it('names every failing field at once', () => {
    // Act
    const issues = issuesOf({ type: 'receipt', quantity: 'x' });
    // Assess
    expect(issues.map((i) => i.path).sort()).toEqual(['quantity', 'sku', 'source', 'warehouse']);
  });
});

describe('Function: quantityAfter()', () => {
  it.each<[AdjustmentType, number, number, { change: number; after: number }]>([
    ['receipt', 10, 5, { change: 5, after: 15 }],
    ['transfer_in', 0, 3, { change: 3, after: 3 }],
    ['shipment', 10, 4, { change: -4, after: 6 }],
    ['transfer_out', 10, 10, { change: -10, after: 0 }],
    ['shipment', 2, 5, { change: -5, after: -3 }],
    ['adjustment', 10, 7, { change: -3, after: 7 }],
    ['count', 4, 9, { change: 5, after: 9 }],
    ['count', 4, 0, { change: -4, after: 0 }],
  ])('applies %s to %d with quantity %d', (type, before, quantity, expected) => {
    // Act
    const result = quantityAfter(before, type, quantity);
    // Assess
    expect(result).toEqual({ before, ...expected });
  });

  it('classifies every type as add, subtract or set', () => {
    // Assess
    expect(
      (['receipt', 'transfer_in', 'shipment', 'transfer_out', 'adjustment', 'count'] as const).map(adjustmentKind),
    ).toEqual(['add', 'add', 'subtract', 'subtract', 'set', 'set']);
  });
});

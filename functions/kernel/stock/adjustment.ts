import * as z from '../validation.js';

/**
 * A stock adjustment as the ERP, the shop, the POS or the WMS reports it,
 * and the arithmetic of its three kinds. Pure: the store applies the same
 * rules atomically in one UpdateItem; this module is what tests, the 400
 * answer (`attempted_qty`) and the transaction record reason with.
 */

/** The systems that send and receive stock levels. */
const inventorySystems = ['erp', 'ecommerce', 'pos', 'wms'] as const;
export type InventorySystem = (typeof inventorySystems)[number];

/** receipt and transfer_in add; shipment and transfer_out subtract; adjustment and count set. */
const adjustmentTypes = ['receipt', 'transfer_in', 'shipment', 'transfer_out', 'adjustment', 'count'] as const;
export type AdjustmentType = (typeof adjustmentTypes)[number];
export type AdjustmentKind = 'add' | 'subtract' | 'set';

const kinds: Readonly<Record<AdjustmentType, AdjustmentKind>> = {
  receipt: 'add',
  transfer_in: 'add',
  shipment: 'subtract',
  transfer_out: 'subtract',
  adjustment: 'set',
  count: 'set',
};

/**
 * Sku and warehouse become the key `${sku}#${warehouse}`, URL path segments
 * and part of a FIFO message group (128 characters at most), hence the
 * character set without `#` or `/` and the lengths.
 */
const code = (max: number) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .check(
      z.minLength(1, { error: 'is required', abort: true }),
      z.maxLength(max, `must be at most ${max} characters`),
      z.regex(/^[A-Za-z0-9._:@+-]+$/, 'may hold letters, digits and . _ : @ + - only'),
    );

/**
 * Quantities are whole units (a fractional one is a unit mix-up at the
 * sender: 400), from 0 to 10^12: larger ones are typos, and stock totals
 * must stay far below 2^53, where JavaScript numbers stop counting exactly.
 */
const MAX_QUANTITY = 1e12;

/**
 * The most one stock level may hold: 10^15. Each adjustment is bounded
 * ({@link MAX_QUANTITY}) but a running total is not, and about 9,000
 * maximal receipts would pass 2^53 (about 9.007 * 10^15), past which the
 * stock is read back into a JavaScript number inexactly. 10^15 leaves room
 * for a total plus one maximal adjustment (what a refusal reports as
 * attempted) to stay exact, and is still a thousand maximal receipts: no
 * real warehouse reaches it, only a runaway sender.
 */
const MAX_STOCK_QUANTITY = 1e15;

/**
 * The webhook body. Unknown fields are ignored; `reason` and `reference`
 * are free text kept on the transaction.
 *
 * @example
 * z.parse(inventoryAdjustment, { source: 'erp', sku: 'SKU-1', warehouse: 'WH-1', type: 'receipt', quantity: 5 });
 */
// Built on first use: the dispatcher and the stream consumers load this module and never parse a body (issue 15).
const inventoryAdjustment = z.lazy(() =>
  z.object({
    source: z.enum(inventorySystems, { error: `must be one of ${inventorySystems.join(', ')}` }),
    sku: code(64),
    warehouse: code(32),
    type: z.enum(adjustmentTypes, { error: `must be one of ${adjustmentTypes.join(', ')}` }),
    quantity: z
      .int({ error: `must be a whole number from 0 to ${MAX_QUANTITY}` })
      .check(z.gte(0, 'must be at least 0'), z.lte(MAX_QUANTITY, `must be at most ${MAX_QUANTITY}`)),
    reason: z.optional(z.string().check(z.maxLength(500))),
    reference: z.optional(z.string().check(z.maxLength(200))),
  }),
);

export type InventoryAdjustment = z.output<typeof inventoryAdjustment>;

/** Whether a type adds, subtracts or sets. */
const adjustmentKind = (type: AdjustmentType): AdjustmentKind => kinds[type];

/** The outcome of an adjustment on a quantity: `after` may be negative, which the store refuses. */
export interface QuantityChange {
  readonly before: number;
  readonly change: number;
  readonly after: number;
}

/**
 * What an adjustment does to `before` (0 for an item never seen).
 *
 * @example
 * quantityAfter(10, 'shipment', 3); // { before: 10, change: -3, after: 7 }
 * quantityAfter(10, 'count', 4);    // { before: 10, change: -6, after: 4 }
 */
const quantityAfter = (before: number, type: AdjustmentType, quantity: number): QuantityChange => {
  switch (kinds[type]) {
    case 'add':
      return { before, change: quantity, after: before + quantity };
    case 'subtract':
      return { before, change: -quantity, after: before - quantity };
    case 'set':
      return { before, change: quantity - before, after: quantity };
  }
};

export { inventoryAdjustment, adjustmentKind, quantityAfter, MAX_STOCK_QUANTITY };

import type { AdjustmentType, InventorySystem } from './adjustment.js';

/**
 * The two kinds of item in the `inventory` table, and their keys. Both live
 * under the partition `${sku}#${warehouse}`, so a stock level and its whole
 * history are one Query away.
 */

/** The stock level of one sku in one warehouse (sk `STOCK`); the stream consumer fans it out. */
export interface StockItem {
  readonly pk: string;
  readonly sk: typeof STOCK_SK;
  readonly sku: string;
  readonly warehouse: string;
  readonly quantity_on_hand: number;
  /** Grows by one on every applied adjustment; orders transactions and outbound messages. */
  readonly version: number;
  readonly created_at: string;
  readonly updated_at: string;
  readonly last_adjustment_type: AdjustmentType;
  readonly last_adjustment_source: InventorySystem;
  /** The delivery that made this version: recognises a retry of the very same update. */
  readonly last_delivery_id: string;
  /** `quantity_on_hand` just before this version, written by the same update expression. */
  readonly last_quantity_before: number;
}

/**
 * One applied adjustment (sk `TX#<version>`). Keyed by the stock version it
 * produced, so transactions list in the order they were applied and each
 * one's `quantity_before` is the previous one's `quantity_after`.
 */
export interface StockTransaction {
  readonly pk: string;
  readonly sk: string;
  readonly sku: string;
  readonly warehouse: string;
  readonly adjustment_type: AdjustmentType;
  readonly quantity_before: number;
  readonly quantity_change: number;
  readonly quantity_after: number;
  readonly reason?: string;
  readonly reference?: string;
  readonly source: InventorySystem;
  readonly created_at: string;
  readonly delivery_id: string;
  readonly version: number;
}

const STOCK_SK = 'STOCK';
const TX_PREFIX = 'TX#';

/** The partition of a sku in a warehouse; sku and warehouse cannot hold `#` (see the webhook schema). */
const stockKey = (sku: string, warehouse: string): string => `${sku}#${warehouse}`;

/** Zero-padded so that string order is version order. */
const transactionSortKey = (version: number): string => `${TX_PREFIX}${String(version).padStart(12, '0')}`;

export { STOCK_SK, TX_PREFIX, stockKey, transactionSortKey };

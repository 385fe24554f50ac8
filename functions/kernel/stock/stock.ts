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
  /** The reason and reference the adjustment gave, if any: with the fields above, its whole transaction. */
  readonly last_reason?: string;
  readonly last_reference?: string;
  /**
   * What the ERP reports beside the count it owns (an ERP `inventory` event),
   * kept as the last ERP event left them: available (on hand less reserved),
   * reserved, on order, the bin and the last physical count. Low-stock alerts
   * use `quantity_available` when it is there.
   */
  readonly quantity_available?: number;
  readonly quantity_reserved?: number;
  readonly quantity_on_order?: number;
  readonly bin_location?: string;
  readonly last_count_date?: string;
  /** The change time (epoch ms) of the ERP count this item last took: an older ERP count is stale. */
  readonly erp_change_time?: number;
  /** The fingerprint of the ERP event this item last took: the same one again is a duplicate. */
  readonly erp_fingerprint?: string;
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

/**
 * The transaction of the adjustment that made this version of the stock
 * item, from the item alone: its before and after are those the atomic
 * update itself wrote, so the change is exact for every kind of adjustment.
 * The webhook builds it from the item its update returned; the stream
 * consumer from the item's new image, when the webhook died before writing it.
 *
 * @example
 * transactionOf(stock); // { quantity_before: 10, quantity_change: -3, quantity_after: 7, version: 2, ... }
 */
const transactionOf = (stock: StockItem): StockTransaction => ({
  pk: stockKey(stock.sku, stock.warehouse),
  sk: transactionSortKey(stock.version),
  sku: stock.sku,
  warehouse: stock.warehouse,
  adjustment_type: stock.last_adjustment_type,
  quantity_before: stock.last_quantity_before,
  quantity_change: stock.quantity_on_hand - stock.last_quantity_before,
  quantity_after: stock.quantity_on_hand,
  ...(stock.last_reason === undefined ? {} : { reason: stock.last_reason }),
  ...(stock.last_reference === undefined ? {} : { reference: stock.last_reference }),
  source: stock.last_adjustment_source,
  created_at: stock.updated_at,
  delivery_id: stock.last_delivery_id,
  version: stock.version,
});

export { STOCK_SK, TX_PREFIX, stockKey, transactionSortKey, transactionOf };

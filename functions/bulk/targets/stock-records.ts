import { HttpError } from '../../kernel/http/responses.js';
import { parseOr400 } from '../../kernel/http/parse-or-400.js';
import { erpFingerprint } from '../../kernel/erp/erp-decision.js';
import { changeTimeOf, erpPayloads } from '../../kernel/erp/erp-events.js';
import { type InventoryAdjustment, inventoryAdjustment } from '../../kernel/stock/adjustment.js';
import type { ErpStockExtras } from '../../kernel/stock/stock-updates.js';

/**
 * How a source's stock record becomes a stock change (pure): an absolute
 * count from that source, held to the inventory webhook's own rules (sku
 * and warehouse character set and lengths, a whole quantity from 0 to
 * 10^12; `kernel/stock/adjustment.ts`), with the change time that orders
 * it against other timed counts and the fingerprint that makes the same
 * count again a duplicate (the ERP path's `erp_change_time` /
 * `erp_fingerprint`, `kernel/stock/stock-updates.ts`).
 *
 * - ERP `inventory`: `{sku, warehouse, qtyOnHand, qtyAvailable?,
 *   qtyReserved?, qtyOnOrder?, binLocation?, lastCountDate?, lastModified?
 *   | updatedAt?}`, the ERP webhook's inventory payload plus its sku; its
 *   fingerprint is the webhook's, so a count the webhook already applied is
 *   a duplicate.
 * - shop `inventory_levels`: `{sku, warehouse | location_id, available |
 *   quantity, updated_at?}`. Shopify's level names an `inventory_item_id`,
 *   not a sku, and we keep no map from one to the other: as on the
 *   inventory webhook, the shop names the sku (and the location as the
 *   warehouse).
 */

/** One record as a stock change, or why it is not one. */
export type StockRecord =
  | {
      readonly ok: true;
      /** `${sku}~${warehouse}`: the stock level's own key, the record's id in outcomes and delivery ids. */
      readonly recordId: string;
      readonly adjustment: InventoryAdjustment;
      readonly extras: ErpStockExtras;
    }
  | { readonly ok: false; readonly recordId: string; readonly reason: string };

const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Never ahead of now: a source clock running fast must not make its counts win forever. */
const notAhead = (epochMs: number, now: number): number => Math.min(epochMs, now);

const idOf = (sku: unknown, warehouse: unknown): string => {
  const parts = [text(sku), text(warehouse)];
  return parts.every((part) => part !== undefined && part !== '') ? parts.join('~') : (parts[0] ?? '');
};

const erpStockRecord = (record: Readonly<Record<string, unknown>>, now: number): StockRecord => {
  const recordId = idOf(record.sku, record.warehouse);
  try {
    const payload = parseOr400(erpPayloads.inventory, record, 'record');
    const adjustment = parseOr400(
      inventoryAdjustment,
      { source: 'erp', sku: record.sku, warehouse: payload.warehouse, type: 'count', quantity: payload.qtyOnHand },
      'record',
    );
    const stamp = changeTimeOf(payload) ?? (payload.lastCountDate ? Date.parse(payload.lastCountDate) : undefined);
    const extras: ErpStockExtras = {
      ...(payload.qtyAvailable === undefined ? {} : { quantity_available: payload.qtyAvailable }),
      ...(payload.qtyReserved === undefined ? {} : { quantity_reserved: payload.qtyReserved }),
      ...(payload.qtyOnOrder === undefined ? {} : { quantity_on_order: payload.qtyOnOrder }),
      ...(payload.binLocation === undefined ? {} : { bin_location: payload.binLocation }),
      ...(payload.lastCountDate === undefined ? {} : { last_count_date: payload.lastCountDate }),
      ...(stamp === undefined ? {} : { erp_change_time: notAhead(stamp, now) }),
      erp_fingerprint: erpFingerprint({ eventType: 'updated', payload }),
    };
    return { ok: true, recordId, adjustment: { ...adjustment, reason: 'ERP count (bulk sync)' }, extras };
  } catch (error) {
    return { ok: false, recordId, reason: reasonOf(error) };
  }
};

const shopStockRecord = (record: Readonly<Record<string, unknown>>, now: number): StockRecord => {
  const warehouse = text(record.warehouse) ?? text(record.location_id);
  const recordId = idOf(record.sku, warehouse);
  if (record.sku === undefined && record.inventory_item_id !== undefined) {
    return {
      ok: false,
      recordId: text(record.inventory_item_id) ?? '',
      reason: 'Invalid record: sku: is required (an inventory_item_id alone is not mapped to a sku)',
    };
  }
  const updatedAt = record.updated_at;
  const stamp = typeof updatedAt === 'string' ? Date.parse(updatedAt) : undefined;
  if (updatedAt !== undefined && (stamp === undefined || Number.isNaN(stamp))) {
    return { ok: false, recordId, reason: 'Invalid record: updated_at: must be an ISO 8601 date-time' };
  }
  const quantity = record.available ?? record.quantity;
  try {
    const adjustment = parseOr400(
      inventoryAdjustment,
      { source: 'ecommerce', sku: record.sku, warehouse, type: 'count', quantity },
      'record',
    );
    const extras: ErpStockExtras = {
      ...(stamp === undefined ? {} : { erp_change_time: notAhead(stamp, now) }),
      erp_fingerprint: erpFingerprint({
        eventType: 'updated',
        payload: { source: 'ecommerce', quantity: adjustment.quantity, updated_at: updatedAt },
      }),
    };
    return { ok: true, recordId, adjustment: { ...adjustment, reason: 'shop count (bulk sync)' }, extras };
  } catch (error) {
    const message = reasonOf(error);
    // The webhook's field is `quantity`; a Shopify level calls it `available`.
    const named = record.quantity === undefined ? message.replace('quantity:', 'available:') : message;
    return { ok: false, recordId, reason: error instanceof HttpError ? named : message };
  }
};

/**
 * The stock change a bulk record of `source` stands for.
 *
 * @example
 * stockRecordOf('ecommerce', { sku: 'SKU-1', location_id: 7, available: 4, updated_at: '2026-11-01T10:00:00Z' }, Date.now());
 * // { ok: true, recordId: 'SKU-1~7', adjustment: { source: 'ecommerce', type: 'count', quantity: 4, ... }, extras }
 */
const stockRecordOf = (source: string, record: Readonly<Record<string, unknown>>, now: number): StockRecord =>
  source === 'erp' ? erpStockRecord(record, now) : shopStockRecord(record, now);

export { stockRecordOf };

import type { FieldChange, Outcome } from '../domain/job.js';
import { getStock } from '../../kernel/stock/stock-reads.js';
import { applyStockChange } from '../../kernel/stock/stock-updates.js';
import type { StockItem } from '../../kernel/stock/stock.js';
import type { LocalApply, RecordOutcome } from './local.js';
import { stockRecordOf } from './stock-records.js';

/**
 * The `local` target for stock records (ERP `inventory`, shop
 * `inventory_levels`): each record is an absolute count from its source
 * through the shared stock path (`kernel/stock`), the same one UpdateItem
 * the inventory webhook and the ERP's `inventory` events use. The delivery
 * id `bulk:<job>:<page>:<sku~warehouse>` makes a page applied twice write
 * nothing twice; the count's change time makes an older count stale and its
 * fingerprint makes the same count again a duplicate, so a re-run writes
 * nothing. The inventory stream consumer then fans the level out to every
 * other system, as for a webhook.
 */

const deliveryIdOf = (job: LocalApply, recordId: string): string => `bulk:${job.jobId}:${job.page}:${recordId}`;

/** What an applied count did to the level: new, changed, or the level it already had. */
const appliedOutcome = (stock: StockItem): Outcome => {
  if (stock.version === 1) return 'created';
  return stock.last_quantity_before === stock.quantity_on_hand ? 'unchanged' : 'updated';
};

const levelChange = (before: number | undefined, after: number): Record<string, FieldChange> =>
  before === after ? {} : { quantity_on_hand: { from: before ?? null, to: after } };

/**
 * A dry run: what the count would do to the level as read, writing nothing.
 * The same rules as the update's condition: the same count again
 * (fingerprint) is unchanged, an older one than the level took is stale.
 */
const decideDry = (
  stock: StockItem | undefined,
  quantity: number,
  extras: { readonly erp_change_time?: number; readonly erp_fingerprint: string },
): { outcome: Outcome; reason?: string } => {
  if (!stock) return { outcome: 'created' };
  if (stock.erp_fingerprint === extras.erp_fingerprint) return { outcome: 'unchanged' };
  const stale =
    extras.erp_change_time !== undefined &&
    stock.erp_change_time !== undefined &&
    stock.erp_change_time > extras.erp_change_time;
  if (stale) return staleOutcome(stock, quantity);
  return { outcome: stock.quantity_on_hand === quantity ? 'unchanged' : 'updated' };
};

/** Older than the count the level holds: left alone; unchanged when it says the same anyway. */
const staleOutcome = (stock: StockItem, quantity: number): { outcome: Outcome; reason?: string } =>
  stock.quantity_on_hand === quantity
    ? { outcome: 'unchanged' }
    : { outcome: 'skipped', reason: 'stale: the level holds a newer count' };

/**
 * Applies (or, in a dry run, only decides) one stock record of a bulk page.
 * A record that fails the webhook's rules is an error of that record.
 *
 * @example
 * await applyToStock(job, { sku: 'SKU-1', warehouse: 'WH-1', qtyOnHand: 12, lastModified: '2026-11-01T10:00:00Z' });
 * // { outcome: 'created', recordId: 'SKU-1~WH-1' }
 */
const applyToStock = async (job: LocalApply, record: Record<string, unknown>): Promise<RecordOutcome> => {
  const mapped = stockRecordOf(job.source, record, Date.now());
  if (!mapped.ok) return { outcome: 'errors', recordId: mapped.recordId, reason: mapped.reason };
  const { recordId, adjustment, extras } = mapped;
  if (job.dryRun) {
    const stock = await getStock(adjustment.sku, adjustment.warehouse);
    const decided = decideDry(stock, adjustment.quantity, extras);
    return {
      ...decided,
      recordId,
      changes:
        decided.outcome === 'created' || decided.outcome === 'updated'
          ? levelChange(stock?.quantity_on_hand, adjustment.quantity)
          : {},
    };
  }
  const result = await applyStockChange(adjustment, deliveryIdOf(job, recordId), new Date().toISOString(), extras);
  switch (result.kind) {
    case 'applied':
      // Its transaction is written by the inventory stream consumer, from the update's new image.
      return { outcome: appliedOutcome(result.stock), recordId };
    case 'already-applied':
      // This page's crashed attempt applied it: its first outcome (the stream consumer wrote its transaction).
      return { outcome: appliedOutcome(result.stock), recordId };
    case 'erp-duplicate':
      return { outcome: 'unchanged', recordId };
    case 'erp-stale':
      return { ...staleOutcome(result.stock, adjustment.quantity), recordId };
    case 'negative':
    case 'too-large':
      // A count sets the level within the webhook's bounds: neither can happen; kept as the record's error.
      return { outcome: 'errors', recordId, reason: `quantity: refused as ${result.kind}` };
  }
};

export { applyToStock };

import type { DynamoDBRecord } from 'aws-lambda';
import { findProduct } from '../store/products.js';
import { transactionOf } from '../../kernel/stock/stock.js';
import { putTransaction } from '../../kernel/stock/transaction-writes.js';
import { logger } from '../../kernel/observability.js';
import { enqueueOutbound } from '../../kernel/outbound/outbound-queue.js';
import { readSettings } from '../../kernel/settings/read-settings.js';
import type { ProductInfo } from '../domain/alerts.js';
import {
  type StockChange,
  alertMessages,
  crossesReorderPoint,
  lowStockMailMessage,
  mayAlert,
  newStockVersionOf,
  stockChangeOf,
  stockMessages,
} from './plan-fanout.js';

/** The low-stock mail to purchasing, none (logged) when no purchasing recipient is configured. */
const purchasingMail = async (change: StockChange, product: ProductInfo) => {
  const to = (await readSettings()).recipients.purchasing;
  if (to.length > 0) return [lowStockMailMessage(change, product, to)];
  logger.warn('low stock: no purchasing recipient configured, mail not sent', {
    sku: change.sku,
    version: change.version,
  });
  return [];
};

/**
 * Handles one stream record of a stock level: the new quantity to every
 * other system and any alert, in ONE enqueue call (one SendMessageBatch: at
 * most three quantities, two Slack posts and a shop disable). A failure
 * throws, so the record is retried by the stream; the deterministic message
 * ids and supersede versions make that retry harmless. Quantities that a
 * later record of the same batch replaces are not sent (`newestInBatch`).
 *
 * @example
 * await fanOutStockChange(streamRecord, newestVersions(event.Records));
 */
const fanOutStockChange = async (
  record: DynamoDBRecord,
  newestInBatch: ReadonlyMap<string, number> = new Map(),
): Promise<void> => {
  const change = stockChangeOf(record);
  if ('skip' in change) {
    logger.debug('stock change not sent', { reason: change.skip, event_id: record.eventID });
    return;
  }
  const messages = stockMessages(change, newestInBatch);
  if (mayAlert(change)) {
    const product = await findProduct(change.sku);
    if (product) {
      messages.push(...alertMessages(change, product));
      if (crossesReorderPoint(change, product)) messages.push(...(await purchasingMail(change, product)));
    } else {
      // The adjustment stands; only the alerts need a product (name, reorder point).
      logger.warn('unknown product: stock alerts skipped', {
        sku: change.sku,
        warehouse: change.warehouse,
        quantity: change.after,
      });
    }
  }
  if (messages.length === 0) {
    logger.debug('stock change superseded within its batch', { sku: change.sku, version: change.version });
    return;
  }
  await enqueueOutbound(messages);
  logger.info('stock change queued for other systems', {
    sku: change.sku,
    warehouse: change.warehouse,
    quantity: change.after,
    version: change.version,
    source: change.source,
    messages: messages.map((m) => m.id),
  });
};

/**
 * Every new stock version's transaction, its ledger entry, built from the
 * new image: the before and after the atomic update itself wrote. This is
 * the one place the ledger is written (the webhook, the ERP and bulk loads
 * only update the stock item), so an adjustment costs one write here and
 * two before its answer. Keyed by the version, a redelivered record writes
 * the same item again; a put costs no more than the read that would check.
 *
 * @example
 * await recordTransaction(streamRecord);
 */
const recordTransaction = async (record: DynamoDBRecord): Promise<void> => {
  const stock = newStockVersionOf(record);
  if (stock) await putTransaction(transactionOf(stock));
};

export { fanOutStockChange, recordTransaction };

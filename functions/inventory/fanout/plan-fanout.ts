import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { type AlertSubject, type ProductInfo, type StockAlert, alertText, stockAlerts } from '../domain/alerts.js';
import { lowStockMail } from '../domain/low-stock-mail.js';
import { connectorsExcept } from '../connectors/index.js';
import { stockRequest } from '../connectors/connector.js';
import { STOCK_SK, type StockItem } from '../../kernel/stock/stock.js';
import type { OutboundMessageInput } from '../../kernel/outbound/message.js';

/**
 * What a change of a stock level sends, as plain data; the handler only
 * reads the product and enqueues. Pure, so every rule here is unit tested.
 *
 * Ordering and "never an older quantity": each system gets one FIFO group
 * per sku and warehouse, and every message carries `supersede` with the
 * stock version, so the dispatcher drops a quantity older than one the
 * system already received (racing adjustments, a redelivered stream record,
 * a retry that outlived a newer message).
 *
 * Alerts are ordinary outbound messages (retries, DLQ) whose ids derive
 * from the stock version, and each is its own supersede key: a redelivered
 * stream record never alerts twice, and a later alert never stands in for
 * an earlier one (unlike a quantity, every crossing is news).
 */

/** One stock change as the stream shows it. */
export interface StockChange {
  readonly sku: string;
  readonly warehouse: string;
  readonly version: number;
  readonly before: number;
  readonly after: number;
  readonly source: string;
  /**
   * The level low-stock alerts watch when the stock item carries the ERP's
   * available quantity (on hand less reserved): before and after. Absent,
   * they watch the quantity on hand.
   */
  readonly available_before?: number;
  readonly available_after?: number;
  /** Only the available quantity changed: nothing to send the other systems, but it may cross the reorder point. */
  readonly level_only?: true;
}

const imageOf = (image: Record<string, unknown> | undefined): StockItem | undefined =>
  image ? (unmarshall(image as Record<string, AttributeValue>) as StockItem) : undefined;

/**
 * The change a stream record carries, or why it sends nothing. The stream
 * filter already passes only `STOCK` items; the check is repeated here
 * because a filter is configuration and the rule must hold if it drifts.
 * A change that leaves the quantity as it was (a count confirming the
 * level, often a system echoing what we sent it) sends nothing: every
 * system already has that quantity, and answering echoes with more messages
 * would let two systems ping-pong forever. One whose ERP available
 * quantity moved is the exception (`level_only`): it sends no quantity but
 * may cross the reorder point.
 *
 * @example
 * const change = stockChangeOf(streamRecord);
 * if ('skip' in change) return;
 */
const stockChangeOf = (record: DynamoDBRecord): StockChange | { readonly skip: string } => {
  if (record.eventName === 'REMOVE') return { skip: 'removed items are not sent' };
  const now = imageOf(record.dynamodb?.NewImage);
  if (!now) return { skip: 'no new image' };
  if (now.sk !== STOCK_SK) return { skip: 'not a stock level' };
  const old = imageOf(record.dynamodb?.OldImage);
  if (now.version <= (old?.version ?? 0)) return { skip: 'version did not grow' };
  const before = old?.quantity_on_hand ?? 0;
  const available =
    now.quantity_available === undefined
      ? {}
      : {
          available_before: old?.quantity_available ?? before,
          available_after: now.quantity_available,
        };
  const availableChanged = available.available_after !== available.available_before;
  if (now.quantity_on_hand === before && !availableChanged) return { skip: 'quantity unchanged' };
  return {
    sku: now.sku,
    warehouse: now.warehouse,
    version: now.version,
    before,
    after: now.quantity_on_hand,
    source: now.last_adjustment_source,
    ...available,
    ...(now.quantity_on_hand === before ? { level_only: true as const } : {}),
  };
};

/**
 * The stock item a stream record carries when it holds a new version of a
 * stock level, whatever the quantity did: every version has a transaction,
 * even a count that confirmed the level.
 */
const newStockVersionOf = (record: DynamoDBRecord): StockItem | undefined => {
  if (record.eventName === 'REMOVE') return undefined;
  const now = imageOf(record.dynamodb?.NewImage);
  if (now?.sk !== STOCK_SK) return undefined;
  const old = imageOf(record.dynamodb?.OldImage);
  return now.version > (old?.version ?? 0) ? now : undefined;
};

/** A key naming one target of one sku and warehouse: the FIFO group and the supersede key. */
const targetKey = (target: string, change: StockChange): string =>
  `inventory#${target}#${change.sku}#${change.warehouse}`;

/**
 * The sync-log subject of a sku in a warehouse, `SKU-1~WH-1`: the id its
 * delivery attempts are logged under. Joined by `~`, a character neither a
 * sku nor a warehouse may hold (`kernel/stock/adjustment.ts`), so two pairs never
 * share a history (under `@`, which both may hold, `A@B` in `C` and `A` in
 * `B@C` did), and no record id holds it either. `GET /admin/events`
 * accepts it (`kernel/sync-log/sync-log-subject.ts`).
 *
 * @example
 * stockSubject('SKU-1', 'WH-1'); // 'SKU-1~WH-1'
 */
const stockSubject = (sku: string, warehouse: string): string => `${sku}~${warehouse}`;

const contextOf = (change: StockChange, system: string, extra: Record<string, string> = {}) => ({
  system,
  sku: change.sku,
  warehouse: change.warehouse,
  quantity: change.after,
  version: change.version,
  // The sync log files delivery attempts under record_id.
  record_type: 'inventory',
  record_id: stockSubject(change.sku, change.warehouse),
  ...extra,
});

/**
 * The new quantity for every system except the one it came from (and
 * except those a later record of the same batch updates anyway).
 *
 * @example
 * stockMessages({ sku: 'SKU-1', warehouse: 'WH-1', version: 3, before: 5, after: 7, source: 'erp' });
 * // three messages: ecommerce, pos, wms
 */
const stockMessages = (
  change: StockChange,
  newestInBatch: ReadonlyMap<string, number> = new Map(),
): OutboundMessageInput[] => {
  // Every system already has this quantity on hand; only the available quantity moved.
  if (change.level_only) return [];
  const level = { sku: change.sku, warehouse: change.warehouse, quantity: change.after };
  return connectorsExcept(change.source)
    .filter((connector) => !supersededInBatch(change, connector.system, newestInBatch))
    .map((connector) => {
      const key = targetKey(connector.system, change);
      return {
        id: `${key}#v${change.version}`,
        group: key,
        request: { integration: connector.system, ...stockRequest(connector, level) },
        supersede: { key, version: change.version },
        context: contextOf(change, connector.system),
      };
    });
};

const slackAlert = (alert: StockAlert, change: StockChange, product: ProductInfo): OutboundMessageInput => {
  // Low stock names the level that crossed (available when the ERP sends it), out of stock the quantity on hand.
  const quantity = alert === 'low_stock' ? lowStockLevels(change).after : change.after;
  const subject: AlertSubject = { sku: change.sku, warehouse: change.warehouse, quantity };
  const id = `${targetKey(`slack#${alert}`, change)}#v${change.version}`;
  return {
    id,
    group: targetKey('slack', change),
    request: { integration: 'slack', method: 'POST', path: '', body: { text: alertText(alert, subject, product) } },
    // Keyed by the alert itself: stream records of one batch are handled concurrently, so the alert of
    // a later crossing can be delivered first, and a key per kind of alert would then drop this one.
    supersede: { key: id, version: change.version },
    context: contextOf(change, 'slack', { alert }),
  };
};

/** Out of stock: the shop stops selling the product. Same group as the shop's quantities, so they stay in order. */
const shopDisable = (change: StockChange): OutboundMessageInput => {
  const key = targetKey('ecommerce#disable', change);
  return {
    id: `${key}#v${change.version}`,
    group: targetKey('ecommerce', change),
    request: {
      integration: 'ecommerce',
      method: 'PUT',
      path: `/products/${encodeURIComponent(change.sku)}`,
      body: { available: false, inventory_policy: 'deny' },
    },
    supersede: { key, version: change.version },
    context: contextOf(change, 'ecommerce', { alert: 'out_of_stock' }),
  };
};

/**
 * The low-stock level of a change: the available quantity when the stock
 * item carries it, else the quantity on hand.
 *
 * @example
 * lowStockLevels({ ...change, available_before: 12, available_after: 7 }); // { before: 12, after: 7 }
 */
const lowStockLevels = (change: StockChange): { before: number; after: number } => ({
  before: change.available_before ?? change.before,
  after: change.available_after ?? change.after,
});

/** Low stock on the low-stock level, out of stock on the quantity on hand (what the shop can sell). */
const alertsOf = (change: StockChange, product: ProductInfo): StockAlert[] => {
  const low = lowStockLevels(change);
  return [
    ...stockAlerts(low.before, low.after, product).filter((alert) => alert === 'low_stock'),
    ...stockAlerts(change.before, change.after, product).filter((alert) => alert === 'out_of_stock'),
  ];
};

/**
 * Whether a change crosses the product's reorder point downwards: the
 * purchasing mail goes with the Slack post, once per crossing.
 *
 * @example
 * crossesReorderPoint({ ...change, before: 12, after: 8 }, { name: 'Mug', reorder_point: 10 }); // true
 */
const crossesReorderPoint = (change: StockChange, product: ProductInfo): boolean =>
  alertsOf(change, product).includes('low_stock');

/**
 * The alert messages of a change for a known product: a Slack post per
 * alert, and the shop disable when it is out of stock.
 *
 * @example
 * alertMessages(change, { name: 'Mug', reorder_point: 10 });
 */
const alertMessages = (change: StockChange, product: ProductInfo): OutboundMessageInput[] =>
  alertsOf(change, product).flatMap((alert) =>
    alert === 'out_of_stock'
      ? [slackAlert(alert, change, product), shopDisable(change)]
      : [slackAlert(alert, change, product)],
  );

/**
 * The purchasing mail of a low-stock crossing: its own id per stock version
 * and its own supersede key, like the Slack alert, so a redelivered stream
 * record never mails twice and each crossing mails once.
 *
 * @example
 * lowStockMailMessage(change, { name: 'Mug', reorder_point: 10 }, ['buy@example.com']);
 */
const lowStockMailMessage = (
  change: StockChange,
  product: ProductInfo,
  to: readonly string[],
): OutboundMessageInput => {
  const id = `${targetKey('mail#low_stock', change)}#v${change.version}`;
  const quantity = lowStockLevels(change).after;
  return {
    id,
    group: targetKey('mail', change),
    request: lowStockMail({ sku: change.sku, warehouse: change.warehouse, quantity }, product, to),
    supersede: { key: id, version: change.version },
    context: contextOf(change, 'mail', { alert: 'low_stock' }),
  };
};

/**
 * For each stock item and target system, the newest version in a stream
 * batch that sends that system a quantity. A quantity that a later record
 * of the same batch sends the same system need not be sent at all: that
 * record comes after it on the shard, so it is processed (or retried) after
 * it, and the system ends on its quantity either way. Per system, because a
 * later change *from* a system is not sent to it and so cannot stand in for
 * an earlier one. Alerts are still judged on every change, as each crossing
 * counts.
 *
 * @example
 * const newest = newestVersions(event.Records);
 */
const newestVersions = (records: readonly DynamoDBRecord[]): ReadonlyMap<string, number> => {
  const newest = new Map<string, number>();
  for (const record of records) {
    // Only records that send a quantity themselves may stand in for an earlier one.
    const change = stockChangeOf(record);
    if ('skip' in change || change.level_only) continue;
    for (const connector of connectorsExcept(change.source)) {
      const key = targetKey(connector.system, change);
      newest.set(key, Math.max(newest.get(key) ?? 0, change.version));
    }
  }
  return newest;
};

/** Whether a later record of the same batch sends this system a newer quantity of this item. */
const supersededInBatch = (change: StockChange, system: string, newest: ReadonlyMap<string, number>): boolean =>
  (newest.get(targetKey(system, change)) ?? 0) > change.version;

/** Only a fall can raise an alert, so only then is the product worth reading. */
const mayAlert = (change: StockChange): boolean =>
  change.after < change.before || lowStockLevels(change).after < lowStockLevels(change).before;

export {
  stockChangeOf,
  newStockVersionOf,
  stockMessages,
  stockSubject,
  alertMessages,
  crossesReorderPoint,
  lowStockLevels,
  lowStockMailMessage,
  mayAlert,
  newestVersions,
  supersededInBatch,
};

import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { logger } from '../../kernel/observability.js';
import {
  type StoredSyncEvent,
  decodeSyncEvent,
  putSyncLogItem,
  syncLogItem,
} from '../../kernel/sync-log/sync-events.js';
import { ENTITY_SK, type ErpItem } from '../../kernel/erp/erp-items.js';
import { orderUpdateOf, pendingOrderUpdates } from '../domain/order-derivations.js';
import { erpMailIntents } from '../mail/erp-mail-intents.js';
import { handleMailIntent } from '../mail/handle-mail-intent.js';
import { retryMailsWaitingFor, retryWaitingMail } from '../mail/mail-waits.js';
import { parkWaitingMail } from '../mail/park-mail.js';
import { applyOrderUpdate, itemsOfOrder } from './order-updates.js';

const imageOf = (image: Record<string, unknown> | undefined): ErpItem | undefined =>
  image ? (unmarshall(image as Record<string, AttributeValue>) as ErpItem) : undefined;

/**
 * Everything one committed ERP write sets off, in an order that makes a
 * retry harmless (every step is idempotent):
 *
 * 1. its carried sync event into the sync log (keyed by the event's id);
 * 2. the order update an invoice paid / a shipment delivered owes its
 *    order, and, for a newly known order, those owed by the invoices and
 *    shipments that came before it;
 * 3. the mails it triggers (queued, parked to wait, or skipped);
 * 4. for a newly known order or customer, the mails that waited for it.
 *
 * @returns the sync log item it wrote, when new (for the health counters).
 *
 * @example
 * const logged = await followUpErpWrite(streamRecord);
 */
const followUpErpWrite = async (
  record: DynamoDBRecord,
  now: Date = new Date(),
): Promise<StoredSyncEvent | undefined> => {
  const item = imageOf(record.dynamodb?.NewImage);
  // The stream filter passes entity items only; repeated here as a filter is configuration.
  if (record.eventName === 'REMOVE' || !item || item.sk !== ENTITY_SK) return undefined;
  const old = imageOf(record.dynamodb?.OldImage);

  let logged: StoredSyncEvent | undefined;
  if (item.sync_event && item.sync_event !== old?.sync_event) {
    const entry = syncLogItem(item.entity, item.entity_id, decodeSyncEvent(item.sync_event));
    if (await putSyncLogItem(entry)) logged = entry;
  }

  const update = orderUpdateOf(old, item);
  const owed =
    item.entity === 'salesOrder' && !old ? pendingOrderUpdates(item.entity_id, await itemsOfOrder(item.entity_id)) : [];
  // A bulk-loaded item's derived changes keep the order's bulk mark: no mail for old news.
  const keepBulkMark = item.bulk_job_id !== undefined;
  for (const change of [...(update ? [update] : []), ...owed]) {
    if (await applyOrderUpdate(change, now, { keepBulkMark })) logger.info('order updated from ERP', { ...change });
  }

  for (const intent of erpMailIntents(old, item)) {
    const decision = await handleMailIntent(intent, { final: false, at: item.updated_at });
    if (decision.kind !== 'wait') continue;
    const parked = await parkWaitingMail(intent, decision, now);
    // The order or customer may have come between the look above and the parking, its retry missing the mail.
    if (parked) await retryWaitingMail(parked, false, now);
  }

  if (!old && (item.entity === 'salesOrder' || item.entity === 'customer')) {
    await retryMailsWaitingFor(item.pk, now);
  }
  return logged;
};

export { followUpErpWrite };

import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamo-client.js';
import { tableName } from '../aws/resource-names.js';
import { isConditionFailure } from '../aws/condition-failure.js';
import { eventsKey } from './events-key.js';
import { countSyncEvents } from './sync-counters.js';

/**
 * The sync event log: one item per attempt to move a change in or out, kept
 * for {@link RETENTION_DAYS} days. It answers "what happened to record X?"
 * (`GET /admin/events?record_id=X`, see `list-sync-events.ts`) and holds outbound delivery attempts.
 *
 * Items are grouped by the subject they concern (a record id, or a sku and
 * warehouse) and sorted by the time we received the change, so one Query
 * returns a record's history in order.
 */
const RETENTION_DAYS = 30;

export type Direction = 'inbound' | 'outbound';

export interface SyncEvent {
  readonly direction: Direction;
  /** The outside system: `crm`, `erp`, `ecommerce`, ... */
  readonly source: string;
  /** What happened at the source or what we attempted: `created`, `PUT /api/contacts/1`, ... */
  readonly event: string;
  readonly record_type: string;
  readonly record_id: string;
  /** The outcome: `synced`, `duplicate`, `stale`, `conflict`, `delivered`, `retry`, `failed`, ... */
  readonly outcome: string;
  /** The source's change time, when it gave one. */
  readonly timestamp?: string;
  readonly delivery_id?: string;
  /** Small searchable details: HTTP status, attempt number, conflict id. */
  readonly detail?: Readonly<Record<string, string | number | boolean | undefined>>;
}

export interface StoredSyncEvent extends SyncEvent {
  readonly pk: string;
  readonly sk: string;
  readonly received_at: string;
  readonly expires_at: number;
}

/**
 * A sync event carried on the record write it describes (`sync_event`), so
 * an inbound change costs one write on the hot path: the `syncLogWriter`
 * stream consumer copies it into the log. Record type and id are the
 * record's own; `id` makes the log item's key, so a redelivered stream
 * record writes the same item again rather than a second one.
 */
export interface CarriedSyncEvent extends Omit<SyncEvent, 'record_type' | 'record_id'> {
  readonly id: string;
  readonly received_at: string;
}

/** The event to carry on a record write, stamped now. */
const carriedSyncEvent = (
  event: Omit<SyncEvent, 'record_type' | 'record_id'>,
  now: Date = new Date(),
): CarriedSyncEvent => ({
  ...event,
  id: randomUUID().slice(0, 8),
  received_at: now.toISOString(),
});

/**
 * The event as the record carries it: one JSON string rather than a map,
 * which DynamoDB (Local above all) reads and writes for less than a nested
 * map of ten attributes; nothing queries inside it.
 */
const encodeSyncEvent = (event: CarriedSyncEvent): string => JSON.stringify(event);

const decodeSyncEvent = (text: string): CarriedSyncEvent => JSON.parse(text) as CarriedSyncEvent;

/** The log item of an event: keyed by subject, then time and id, expiring {@link RETENTION_DAYS} days after it was received. */
const syncLogItem = (recordType: string, recordId: string, carried: CarriedSyncEvent): StoredSyncEvent => {
  const { id, ...event } = carried;
  return {
    ...event,
    record_type: recordType,
    record_id: recordId,
    pk: eventsKey(recordId),
    sk: `${carried.received_at}#${id}`,
    expires_at: Math.floor(Date.parse(carried.received_at) / 1000) + RETENTION_DAYS * 86_400,
  };
};

/**
 * Writes one log item; writing the same item again (a redelivery) leaves one.
 *
 * @returns whether the item is new: false when it was already there, so a
 * redelivered stream record is not counted twice by the health counters.
 */
const putSyncLogItem = async (item: StoredSyncEvent): Promise<boolean> => {
  try {
    await dynamo().send(
      new PutCommand({ TableName: tableName('syncLog'), Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/**
 * Appends one event directly, for an attempt that writes no record (a
 * duplicate delivery, an outbound call). Each attempt is its own item (a
 * random suffix keeps two attempts in the same millisecond apart), so
 * redeliveries show in the log. The attempt is added to the health
 * counters too (`sync-counters.ts`): one more small write, in parallel.
 *
 * @example
 * await appendSyncEvent({ direction: 'inbound', source: 'crm', event: 'updated',
 *   record_type: 'contact', record_id: id, outcome: 'duplicate' });
 */
const appendSyncEvent = async (event: SyncEvent, now: Date = new Date()): Promise<StoredSyncEvent> => {
  const { record_type, record_id, ...rest } = event;
  const item = syncLogItem(record_type, record_id, carriedSyncEvent(rest, now));
  // The health counter is written alongside, not after: no added latency, and it never fails the append.
  await Promise.all([putSyncLogItem(item), countSyncEvents([item])]);
  return item;
};

export { appendSyncEvent, carriedSyncEvent, decodeSyncEvent, encodeSyncEvent, putSyncLogItem, syncLogItem };

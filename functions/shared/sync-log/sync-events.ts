import { randomUUID } from 'node:crypto';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../store/dynamo-client.js';
import { tableName } from '../store/names.js';

/**
 * The sync event log: one item per attempt to move a change in or out, kept
 * for {@link RETENTION_DAYS} days. It answers "what happened to record X?"
 * (`GET /admin/events?record_id=X`) and holds outbound delivery attempts.
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

const eventsKey = (recordId: string): string => `EVENTS#${recordId}`;

/**
 * Appends one event. Each attempt is its own item (a random suffix keeps two
 * attempts in the same millisecond apart), so redeliveries show in the log.
 *
 * @example
 * await appendSyncEvent({ direction: 'inbound', source: 'crm', event: 'updated',
 *   record_type: 'contact', record_id: id, outcome: 'synced' });
 */
const appendSyncEvent = async (event: SyncEvent, now: Date = new Date()): Promise<StoredSyncEvent> => {
  const receivedAt = now.toISOString();
  const item: StoredSyncEvent = {
    ...event,
    pk: eventsKey(event.record_id),
    sk: `${receivedAt}#${randomUUID().slice(0, 8)}`,
    received_at: receivedAt,
    expires_at: Math.floor(now.getTime() / 1000) + RETENTION_DAYS * 86_400,
  };
  await dynamo().send(new PutCommand({ TableName: tableName('syncLog'), Item: item }));
  return item;
};

/** A record's events, oldest first; pages through all of them. */
const listSyncEvents = async (recordId: string): Promise<StoredSyncEvent[]> => {
  const items: StoredSyncEvent[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: tableName('syncLog'),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': eventsKey(recordId) },
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...((out.Items ?? []) as StoredSyncEvent[]));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return items;
};

export { appendSyncEvent, listSyncEvents };

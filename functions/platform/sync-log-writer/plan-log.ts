import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { StoredRecord } from '../../kernel/records/record.js';
import { type StoredSyncEvent, decodeSyncEvent, syncLogItem } from '../../kernel/sync-log/sync-events.js';

const imageOf = (image: Record<string, unknown> | undefined): StoredRecord | undefined =>
  image ? (unmarshall(image as Record<string, AttributeValue>) as StoredRecord) : undefined;

/**
 * The sync log item a records change carries, if it brings a new one: an
 * inbound write sets `sync_event`, and later writes by others (a local edit,
 * a write-back) keep it, so only an event that differs from the old
 * image's is new (each holds its own id and time). The filter criteria only pass records that carry one.
 *
 * @returns the item to write, or why there is none.
 *
 * @example
 * const plan = planSyncLog(streamRecord);
 * if ('item' in plan) await putSyncLogItem(plan.item);
 */
const planSyncLog = (record: DynamoDBRecord): { item: StoredSyncEvent } | { skip: string } => {
  if (record.eventName === 'REMOVE') return { skip: 'removed items carry no new event' };
  const now = imageOf(record.dynamodb?.NewImage);
  const event = now?.sync_event;
  if (!now || !event) return { skip: 'no sync event' };
  if (imageOf(record.dynamodb?.OldImage)?.sync_event === event) return { skip: 'event already logged' };
  return { item: syncLogItem(now.record_type, now.record_id, decodeSyncEvent(event)) };
};

export { planSyncLog };

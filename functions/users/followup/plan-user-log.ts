import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { type StoredSyncEvent, decodeSyncEvent, syncLogItem } from '../../kernel/sync-log/sync-events.js';

interface LoggedItem {
  readonly sk?: string;
  readonly id?: string;
  readonly sync_event?: string;
}

const imageOf = (image: Record<string, unknown> | undefined): LoggedItem | undefined =>
  image ? (unmarshall(image as Record<string, AttributeValue>) as LoggedItem) : undefined;

/** The sync log's record type of a users-table item: `user` or `group`, nothing for lookups and members. */
const RECORD_TYPES: Readonly<Record<string, string>> = { USER: 'user', GROUP: 'group' };

/**
 * The sync log item a change of a user or group carries, if it brings a
 * new one: each SCIM write sets its own `sync_event` (own id and time), so
 * an event equal to the old image's was logged already. Lookup and member
 * items carry none.
 *
 * @returns the item to write, or why there is none.
 *
 * @example
 * const plan = planUserLog(streamRecord);
 * if ('item' in plan) await putSyncLogItem(plan.item);
 */
const planUserLog = (record: DynamoDBRecord): { item: StoredSyncEvent } | { skip: string } => {
  if (record.eventName === 'REMOVE') return { skip: 'removed items carry no new event' };
  const now = imageOf(record.dynamodb?.NewImage);
  const recordType = RECORD_TYPES[now?.sk ?? ''];
  if (!now?.sync_event || !now.id || !recordType) return { skip: 'no sync event' };
  if (imageOf(record.dynamodb?.OldImage)?.sync_event === now.sync_event) return { skip: 'event already logged' };
  return { item: syncLogItem(recordType, now.id, decodeSyncEvent(now.sync_event)) };
};

export { planUserLog };

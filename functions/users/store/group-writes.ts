import { BatchWriteCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { isTransactionConflict, refusalOf } from '../../kernel/aws/condition-failure.js';
import { dynamo } from '../../kernel/aws/dynamo-client.js';
import { tableName } from '../../kernel/aws/resource-names.js';
import { type CarriedSyncEvent, encodeSyncEvent } from '../../kernel/sync-log/sync-events.js';
import { type GroupItem, type MemberItem, type ScimDocument, VersionMovedError, keys } from './items.js';

/**
 * Writes of groups. The group item and its name lookup move together in
 * one transaction, conditional on the version read; members are items of
 * their own, written after it with BatchWriteItem (25 a call, not atomic:
 * a PATCH adding 1,000 members cannot fit in a 100-item transaction). Each
 * member write is idempotent (put or delete of one key), so a failure half
 * way is repaired by the identity provider's retry of the same request.
 */

/** BatchWriteItem calls in flight at once for one group's members. */
const PARALLEL_BATCHES = 4;

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

export interface GroupWrite {
  readonly id: string;
  /** The group's SCIM document without members: `displayName` required. */
  readonly resource: ScimDocument;
  /** The group as read before the change; absent for a create. */
  readonly previous?: GroupItem;
  readonly event: CarriedSyncEvent;
  readonly now: Date;
}

const groupItemOf = ({ id, resource, previous, event, now }: GroupWrite): GroupItem => {
  const createdAt = previous?.created_at ?? now.toISOString();
  const externalId =
    typeof resource.externalId === 'string' && resource.externalId !== '' ? resource.externalId : undefined;
  return {
    ...keys.group(id),
    id,
    resource,
    version: (previous?.version ?? 0) + 1,
    created_at: createdAt,
    updated_at: now.toISOString(),
    resource_type: 'Group',
    listed_at: `${createdAt}#${id}`,
    display_name_key: String(resource.displayName).toLowerCase(),
    ...(externalId === undefined ? {} : { external_id: externalId }),
    sync_event: encodeSyncEvent(event),
  };
};

const commit = async (items: TransactItem[], id: string): Promise<void> => {
  try {
    await dynamo().send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    if (refusalOf(error) || isTransactionConflict(error)) throw new VersionMovedError(id);
    throw error;
  }
};

/**
 * Stores a group's own item (not its members): creates it when `previous`
 * is absent, else replaces it if still at `previous.version`; the
 * displayName lookup moves with it. A PATCH that changes only members
 * still writes the group, so its version and lastModified move.
 *
 * @throws VersionMovedError when the group changed or was deleted since it was read.
 *
 * @example
 * const group = await writeGroup({ id, resource: { schemas, displayName }, event, now });
 */
const writeGroup = async (write: GroupWrite): Promise<GroupItem> => {
  const table = tableName('users');
  const item = groupItemOf(write);
  const { previous } = write;
  const items: TransactItem[] = [
    previous
      ? {
          Put: {
            TableName: table,
            Item: item,
            ConditionExpression: 'version = :v AND attribute_not_exists(deleted_at)',
            ExpressionAttributeValues: { ':v': previous.version },
          },
        }
      : { Put: { TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
  ];
  if (previous?.display_name_key !== item.display_name_key) {
    if (previous) items.push({ Delete: { TableName: table, Key: keys.groupName(previous.display_name_key, item.id) } });
    items.push({
      Put: { TableName: table, Item: { ...keys.groupName(item.display_name_key, item.id), group_id: item.id } },
    });
  }
  if (previous?.external_id !== item.external_id) {
    if (previous?.external_id !== undefined) {
      items.push({ Delete: { TableName: table, Key: keys.groupExternalId(previous.external_id, item.id) } });
    }
    if (item.external_id !== undefined) {
      items.push({
        Put: { TableName: table, Item: { ...keys.groupExternalId(item.external_id, item.id), group_id: item.id } },
      });
    }
  }
  await commit(items, item.id);
  return item;
};

/**
 * Deletes a group as SCIM sees it: the item stays for its history but
 * leaves lists and reads, its name lookup goes; members are removed after.
 *
 * @throws VersionMovedError when the group changed since it was read.
 *
 * @example
 * await deleteGroup(group, memberIds, event);
 */
const deleteGroup = async (
  previous: GroupItem,
  memberIds: readonly string[],
  event: CarriedSyncEvent,
  now: Date = new Date(),
): Promise<void> => {
  const table = tableName('users');
  await commit(
    [
      {
        Update: {
          TableName: table,
          Key: keys.group(previous.id),
          UpdateExpression:
            'SET deleted_at = :now, updated_at = :now, version = :next, sync_event = :event REMOVE resource_type, listed_at',
          ConditionExpression: 'version = :v AND attribute_not_exists(deleted_at)',
          ExpressionAttributeValues: {
            ':now': now.toISOString(),
            ':next': previous.version + 1,
            ':v': previous.version,
            ':event': encodeSyncEvent(event),
          },
        },
      },
      { Delete: { TableName: table, Key: keys.groupName(previous.display_name_key, previous.id) } },
      ...(previous.external_id === undefined
        ? []
        : [{ Delete: { TableName: table, Key: keys.groupExternalId(previous.external_id, previous.id) } }]),
    ],
    previous.id,
  );
  await changeMembers(previous.id, [], memberIds, now);
};

/**
 * Adds and removes members of a group: one item each, 25 per
 * BatchWriteItem, unprocessed items sent again with backoff.
 *
 * @example
 * await changeMembers(groupId, ['u1', 'u2'], ['u3']);
 */
const changeMembers = async (
  groupId: string,
  add: readonly string[],
  remove: readonly string[],
  now: Date = new Date(),
): Promise<void> => {
  const table = tableName('users');
  type WriteRequest = NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']>[string][number];
  const requests: WriteRequest[] = [
    ...add.map((userId): WriteRequest => {
      const item: MemberItem = {
        ...keys.member(groupId, userId),
        group_id: groupId,
        member_user_id: userId,
        added_at: now.toISOString(),
      };
      return { PutRequest: { Item: item } };
    }),
    ...remove.map((userId): WriteRequest => ({ DeleteRequest: { Key: keys.member(groupId, userId) } })),
  ];
  const writeBatch = async (batch: WriteRequest[]): Promise<void> => {
    let pending = batch;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** attempt)));
      const out = await dynamo().send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (out.UnprocessedItems?.[table] ?? []) as WriteRequest[];
    }
  };
  // A few batches at once: 1,000 members are 40 batches, too slow one after the other, and a
  // group's members share one partition (1,000 WCU a second), so more at once would only be throttled.
  for (let start = 0; start < requests.length; start += 25 * PARALLEL_BATCHES) {
    const round: WriteRequest[][] = [];
    for (let at = start; at < Math.min(requests.length, start + 25 * PARALLEL_BATCHES); at += 25) {
      round.push(requests.slice(at, at + 25));
    }
    await Promise.all(round.map(writeBatch));
  }
};

export { writeGroup, deleteGroup, changeMembers };

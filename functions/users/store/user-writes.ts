import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { isTransactionConflict, refusalOf } from '../../kernel/aws/condition-failure.js';
import { dynamo } from '../../kernel/aws/dynamo-client.js';
import { tableName } from '../../kernel/aws/resource-names.js';
import { type CarriedSyncEvent, encodeSyncEvent } from '../../kernel/sync-log/sync-events.js';
import { type ScimDocument, type UserItem, UserNameTakenError, VersionMovedError, keys } from './items.js';
import { type PersonAttributes, personAttributesOf } from './person-items.js';
import { claimUserName, clearOrphanLock, releaseUserName } from './user-name-locks.js';

/**
 * Writes of users: create, replace (PUT and PATCH both end here) and
 * delete. The userName lock is the only lookup item a user write moves:
 * externalId and work email are attributes of the user item, found through
 * the sparse `byExternalId` and `byWorkEmail` indexes, so they can never
 * disagree with the user. A create takes the lock with one conditional
 * PutItem, then writes the user with another (see `user-name-locks.ts` for
 * why, and for the orphan a crash between them leaves); a replace or
 * delete is one TransactWriteItems of the user and its lock moves,
 * conditional on the version read.
 */

export type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

export interface UserWrite {
  readonly id: string;
  /** The SCIM document to store; `userName` required, `externalId` and `active` read from it. */
  readonly resource: ScimDocument;
  /** The user as read before the change; absent for a create. */
  readonly previous?: UserItem;
  /** The sync event the write carries (source `idp`). */
  readonly event: CarriedSyncEvent;
  readonly now: Date;
  /** HR half: person attributes to set (undefined removes one); the others are carried from `previous`. */
  readonly person?: PersonAttributes;
  /** HR half: its lookup and pending items, written in the same transaction (after the user's own). */
  readonly extraItems?: readonly TransactItem[];
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The item a write leaves, from the document and what was there before. */
const userItemOf = ({ id, resource, previous, event, now, person }: UserWrite): UserItem => {
  const userName = String(resource.userName);
  const createdAt = previous?.created_at ?? now.toISOString();
  const externalId = text(resource.externalId);
  return {
    ...keys.user(id),
    id,
    resource,
    version: (previous?.version ?? 0) + 1,
    created_at: createdAt,
    updated_at: now.toISOString(),
    resource_type: 'User',
    listed_at: `${createdAt}#${id}`,
    user_name_key: userName.toLowerCase(),
    // Only an explicit false deactivates: an omitted `active` is an active user (RFC 7643 leaves the default to us).
    active: resource.active !== false,
    ...(externalId === undefined ? {} : { external_id: externalId }),
    sync_event: encodeSyncEvent(event),
    // The HR half's attributes survive every write (an IdP PUT included).
    ...Object.fromEntries(
      Object.entries({ ...personAttributesOf(previous), ...person }).filter(([, value]) => value !== undefined),
    ),
  };
};

/** The lock moves of a replace that changed the userName; index of the new lock when one is taken. */
const lookupChanges = (item: UserItem, previous: UserItem | undefined, table: string) => {
  const changes: TransactItem[] = [];
  let lockIndex: number | undefined;
  const userName = String(item.resource.userName);
  if (previous?.user_name_key !== item.user_name_key) {
    if (previous) {
      changes.push({
        Delete: {
          TableName: table,
          Key: keys.userNameLock(previous.user_name_key),
          ConditionExpression: 'user_id = :id',
          ExpressionAttributeValues: { ':id': item.id },
        },
      });
    }
    lockIndex = changes.length;
    changes.push({
      Put: {
        TableName: table,
        Item: { ...keys.userNameLock(userName), user_id: item.id, user_name: userName },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }
  return { changes, lockIndex };
};

/** Runs a user transaction; a refusal on the lock is a taken userName, on the user a moved version. */
const commit = async (items: TransactItem[], lockIndex: number | undefined, id: string, userName: string) => {
  try {
    await dynamo().send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    const refusal = refusalOf(error);
    // Another transaction held one of the items: nothing was written, reading again and retrying is right.
    if (isTransactionConflict(error)) throw new VersionMovedError(id);
    if (!refusal) throw error;
    // The user item is item 0: a change since it was read (or a create of an id that exists) wins over the lock.
    if (refusal.failedItems.includes(0)) throw new VersionMovedError(id);
    if (lockIndex !== undefined && refusal.failedItems.includes(lockIndex + 1)) throw new UserNameTakenError(userName);
    throw new VersionMovedError(id);
  }
};

/**
 * Creates a user: its userName lock first, then the user alone (one
 * PutItem), or with the caller's extra items in one transaction (HR's
 * lookups). When the user cannot be written the lock is given back.
 */
const createUser = async (write: UserWrite, item: UserItem, table: string): Promise<void> => {
  const userName = String(item.resource.userName);
  await claimUserName(userName, item.id, write.now);
  const userPut = { TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' };
  try {
    const extra = write.extraItems ?? [];
    if (extra.length === 0) {
      try {
        await dynamo().send(new PutCommand(userPut));
      } catch (error) {
        if (refusalOf(error) || isTransactionConflict(error)) throw new VersionMovedError(item.id);
        throw error;
      }
    } else {
      await commit([{ Put: userPut }, ...extra], undefined, item.id, userName);
    }
  } catch (error) {
    await releaseUserName(userName, item.id);
    throw error;
  }
};

/**
 * Stores a user: creates it when `previous` is absent, else replaces it if
 * it is still at `previous.version` (the userName lock moving with it in
 * the same transaction; an orphan lock on the new userName is cleared and
 * the write tried once more).
 *
 * @throws UserNameTakenError when another user holds the userName (any case).
 * @throws VersionMovedError when the user changed or was deleted since it was read.
 *
 * @example
 * const item = await writeUser({ id, resource, event, now: new Date() });
 */
const writeUser = async (write: UserWrite): Promise<UserItem> => {
  const table = tableName('users');
  const item = userItemOf(write);
  const { previous } = write;
  if (!previous) {
    await createUser(write, item, table);
    return item;
  }
  const userWrite: TransactItem = {
    Put: {
      TableName: table,
      Item: item,
      ConditionExpression: 'version = :v AND attribute_not_exists(deleted_at)',
      ExpressionAttributeValues: { ':v': previous.version },
    },
  };
  const { changes, lockIndex } = lookupChanges(item, previous, table);
  const userName = String(item.resource.userName);
  const run = () => commit([userWrite, ...changes, ...(write.extraItems ?? [])], lockIndex, item.id, userName);
  try {
    await run();
  } catch (error) {
    if (!(error instanceof UserNameTakenError) || !(await clearOrphanLock(userName, write.now))) throw error;
    await run();
  }
  return item;
};

/**
 * Deletes a user as SCIM sees it: the item stays (its history, for the sync
 * log and the downstream push) but leaves the `byType` index and every
 * read (the index lookups read the user and pass it over), and its
 * userName lock goes, so the userName is free again.
 *
 * @throws VersionMovedError when the user changed since it was read.
 *
 * @example
 * await deleteUser(user, carriedSyncEvent({ direction: 'inbound', source: 'idp', event: 'deleted', outcome: 'synced' }));
 */
const deleteUser = async (previous: UserItem, event: CarriedSyncEvent, now: Date = new Date()): Promise<void> => {
  const table = tableName('users');
  const items: TransactItem[] = [
    {
      Update: {
        TableName: table,
        Key: keys.user(previous.id),
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
    {
      Delete: {
        TableName: table,
        Key: keys.userNameLock(previous.user_name_key),
        ConditionExpression: 'user_id = :id',
        ExpressionAttributeValues: { ':id': previous.id },
      },
    },
  ];
  await commit(items, undefined, previous.id, previous.user_name_key);
};

export { writeUser, deleteUser };

import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, isTransactionConflict } from '../../kernel/aws/condition-failure.js';
import { dynamo } from '../../kernel/aws/dynamo-client.js';
import { tableName } from '../../kernel/aws/resource-names.js';
import { type UserItem, UserNameTakenError, VersionMovedError, keys } from './items.js';

/**
 * The userName lock of a create, written on its own before the user (two
 * conditional PutItems instead of one TransactWriteItems: a transaction
 * costs DynamoDB twice the work per item, and a create is the hot path an
 * identity provider's initial import hammers). Uniqueness stays exact: the
 * lock's `attribute_not_exists` is the one arbiter, and a user is only
 * written once its lock is held.
 *
 * A crash between the two writes leaves an orphan lock: one whose user
 * does not exist. Reads through it answer "not found" (`findUserByUserName`
 * reads the user), and a later write of the same userName clears it, but
 * only once it is older than {@link ORPHAN_LOCK_GRACE_MS}, so a create
 * still between its two writes is never robbed of its lock.
 */

/**
 * How old an orphan lock must be before another write may clear it: longer
 * than any function that creates users can run (scimApi 29 s, hrWebhook
 * 10 s, usersHrScheduler 60 s), so its creator is certainly gone.
 */
const ORPHAN_LOCK_GRACE_MS = 120_000;

interface LockItem {
  readonly user_id: string;
  readonly user_name: string;
  /** When the lock was taken; absent on locks written inside a user's transaction (never orphans). */
  readonly locked_at?: string;
}

/**
 * Takes the userName lock for a user about to be created.
 *
 * @throws UserNameTakenError when another user (or a create in flight) holds it, in any case.
 * @throws VersionMovedError when a concurrent transaction held the lock item: read again and retry.
 *
 * @example
 * await claimUserName('Ada@Example.com', id, now);
 * await putUser(item); // then the user
 */
const claimUserName = async (userName: string, userId: string, now: Date): Promise<void> => {
  const put = () =>
    dynamo().send(
      new PutCommand({
        TableName: tableName('users'),
        Item: { ...keys.userNameLock(userName), user_id: userId, user_name: userName, locked_at: now.toISOString() },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  try {
    await put();
    return;
  } catch (error) {
    if (isTransactionConflict(error)) throw new VersionMovedError(userId);
    if (!isConditionFailure(error)) throw error;
  }
  if (!(await clearOrphanLock(userName, now))) throw new UserNameTakenError(userName);
  try {
    await put();
  } catch (error) {
    // Another create cleared the same orphan and took the lock first: exactly one of them wins.
    if (isConditionFailure(error)) throw new UserNameTakenError(userName);
    if (isTransactionConflict(error)) throw new VersionMovedError(userId);
    throw error;
  }
};

/**
 * Gives back a lock this create took, when its user could not be written:
 * conditional on still being ours, so it never frees someone else's.
 *
 * @example
 * catch (error) { await releaseUserName(userName, id); throw error; }
 */
const releaseUserName = async (userName: string, userId: string): Promise<void> => {
  try {
    await dynamo().send(
      new DeleteCommand({
        TableName: tableName('users'),
        Key: keys.userNameLock(userName),
        ConditionExpression: 'user_id = :id',
        ExpressionAttributeValues: { ':id': userId },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
};

/**
 * Deletes the lock of a userName when it is an orphan (no live user holds
 * that userName through it) older than the grace period; conditional on the
 * lock being the one read, so a lock taken meanwhile stays. True when the
 * lock is gone (cleared here, or by someone else), so the caller may try
 * its own write again; false when a user holds the userName.
 *
 * @example
 * if (await clearOrphanLock(userName, now)) await retryWrite();
 */
const clearOrphanLock = async (userName: string, now: Date): Promise<boolean> => {
  const table = tableName('users');
  const read = await dynamo().send(
    new GetCommand({ TableName: table, Key: keys.userNameLock(userName), ConsistentRead: true }),
  );
  const lock = read.Item as LockItem | undefined;
  if (!lock) return true;
  const userRead = await dynamo().send(
    new GetCommand({ TableName: table, Key: keys.user(lock.user_id), ConsistentRead: true }),
  );
  const user = userRead.Item as UserItem | undefined;
  const held = user !== undefined && user.deleted_at === undefined && user.user_name_key === userName.toLowerCase();
  if (held) return false;
  const age = lock.locked_at === undefined ? Number.POSITIVE_INFINITY : now.getTime() - Date.parse(lock.locked_at);
  if (age < ORPHAN_LOCK_GRACE_MS) return false;
  try {
    await dynamo().send(
      new DeleteCommand({
        TableName: table,
        Key: keys.userNameLock(userName),
        ConditionExpression:
          lock.locked_at === undefined
            ? 'user_id = :id AND attribute_not_exists(locked_at)'
            : 'user_id = :id AND locked_at = :at',
        ExpressionAttributeValues: {
          ':id': lock.user_id,
          ...(lock.locked_at === undefined ? {} : { ':at': lock.locked_at }),
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error) || isTransactionConflict(error)) return false;
    throw error;
  }
};

export { ORPHAN_LOCK_GRACE_MS, claimUserName, clearOrphanLock, releaseUserName };

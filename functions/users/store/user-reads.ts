import { BatchGetCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../kernel/aws/dynamo-client.js';
import { tableName } from '../../kernel/aws/resource-names.js';
import { type UserItem, keys } from './items.js';

/**
 * Reads of users, strongly consistent where a SCIM client reads its own
 * write (a GET right after a POST, a `userName eq` check before a create).
 * A deleted user reads as absent everywhere.
 */

/**
 * A user by id, or undefined when there is none or it was deleted.
 *
 * @example
 * const user = await getUser(id);
 * if (!user) throw notFound('User', id);
 */
const getUser = async (id: string): Promise<UserItem | undefined> => {
  const out = await dynamo().send(
    new GetCommand({ TableName: tableName('users'), Key: keys.user(id), ConsistentRead: true }),
  );
  const item = out.Item as UserItem | undefined;
  return item && item.deleted_at === undefined ? item : undefined;
};

/**
 * The user holding a userName, compared case-insensitively: one GetItem on
 * the lock, one on the user. The cost does not grow with the number of users.
 *
 * @example
 * const user = await findUserByUserName('Ada@Example.com');
 */
const findUserByUserName = async (userName: string): Promise<UserItem | undefined> => {
  const out = await dynamo().send(
    new GetCommand({ TableName: tableName('users'), Key: keys.userNameLock(userName), ConsistentRead: true }),
  );
  const id = out.Item?.user_id as string | undefined;
  return id === undefined ? undefined : getUser(id);
};

/**
 * The users whose externalId is this one (exact match: RFC 7643 makes
 * externalId case-sensitive): one Query of the sparse `byExternalId` index
 * (user items only, by its sort key), then the users themselves, read
 * consistently and kept only if they still carry that externalId. The index
 * is eventually consistent: a user created or changed a moment ago may be
 * missing from the answer for that moment. Acceptable: externalId is no
 * uniqueness check (RFC 7643 leaves it to the client, and the userName
 * lock, read consistently, is what refuses a duplicate), and a stale entry
 * is filtered out by the consistent read.
 *
 * @example
 * const users = await findUsersByExternalId('00u1abcd');
 */
const findUsersByExternalId = async (externalId: string): Promise<UserItem[]> => {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: tableName('users'),
      IndexName: 'byExternalId',
      KeyConditionExpression: 'external_id = :external AND sk = :user',
      ExpressionAttributeValues: { ':external': externalId, ':user': 'USER' },
    }),
  );
  const ids = (out.Items ?? []).map((item) => item.id as string);
  return (await getUsers(ids)).filter((user) => user.external_id === externalId);
};

/**
 * Users by id, in the order asked, leaving out those missing or deleted;
 * 100 keys per BatchGetItem (its limit), unprocessed keys asked again.
 *
 * @example
 * const members = await getUsers(memberIds);
 */
const getUsers = async (ids: readonly string[]): Promise<UserItem[]> => {
  const found = new Map<string, UserItem>();
  const unique = [...new Set(ids)];
  const chunks: string[][] = [];
  for (let start = 0; start < unique.length; start += 100) chunks.push(unique.slice(start, start + 100));
  const readChunk = async (chunk: readonly string[]): Promise<void> => {
    let pending: Record<string, unknown>[] = chunk.map((id) => keys.user(id));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** attempt)));
      const table = tableName('users');
      const out = await dynamo().send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of (out.Responses?.[table] ?? []) as UserItem[]) {
        if (item.deleted_at === undefined) found.set(item.id, item);
      }
      pending = (out.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
    }
  };
  // Users are spread over many partitions: the chunks can all be read at once.
  await Promise.all(chunks.map(readChunk));
  return ids.flatMap((id) => {
    const user = found.get(id);
    return user ? [user] : [];
  });
};

export { getUser, getUsers, findUserByUserName, findUsersByExternalId };

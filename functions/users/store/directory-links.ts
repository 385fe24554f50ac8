import { BatchGetCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { refusalOf } from '../../kernel/aws/condition-failure.js';
import { dynamo } from '../../kernel/aws/dynamo-client.js';
import { tableName } from '../../kernel/aws/resource-names.js';
import type { DirectoryLink, DirectoryResource } from '../push/plan-request.js';
import { type GroupItem, type ScimDocument, type UserItem, keys } from './items.js';

/**
 * What the downstream directory holds of each user and group: its id
 * there, the document last sent and the version it came from. One item
 * beside the resource (pk `user#<id>` or `group#<id>`, sk `DIRECTORY`),
 * never on the resource itself: a SCIM or HR write replaces the whole
 * resource item and would drop it, and the push's consumer listens to
 * `USER`/`GROUP` items only, so writing a link can never trigger a push.
 */

/**
 * A user or group item as it is, deleted ones included (a DELETE here is
 * pushed as a DELETE there), strongly consistent.
 *
 * @example
 * const item = await getResourceForPush('user', id);
 */
const getResourceForPush = async (
  resource: DirectoryResource,
  id: string,
): Promise<UserItem | GroupItem | undefined> => {
  const out = await dynamo().send(
    new GetCommand({
      TableName: tableName('users'),
      Key: resource === 'user' ? keys.user(id) : keys.group(id),
      ConsistentRead: true,
    }),
  );
  return out.Item as UserItem | GroupItem | undefined;
};

/**
 * The directory link of one resource, or undefined before its first push.
 *
 * @example
 * const link = await getDirectoryLink('user', id);
 */
const getDirectoryLink = async (resource: DirectoryResource, id: string): Promise<DirectoryLink | undefined> => {
  const out = await dynamo().send(
    new GetCommand({ TableName: tableName('users'), Key: keys.directoryLink(resource, id), ConsistentRead: true }),
  );
  return out.Item as DirectoryLink | undefined;
};

/**
 * The directory links of many users (a group's members), by user id; 100
 * keys per BatchGetItem, unprocessed keys asked again.
 *
 * @example
 * const links = await getUserDirectoryLinks(memberIds);
 */
const getUserDirectoryLinks = async (userIds: readonly string[]): Promise<Map<string, DirectoryLink>> => {
  const table = tableName('users');
  const found = new Map<string, DirectoryLink>();
  const unique = [...new Set(userIds)];
  for (let start = 0; start < unique.length; start += 100) {
    let pending: Record<string, unknown>[] = unique
      .slice(start, start + 100)
      .map((id) => keys.directoryLink('user', id));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** attempt)));
      const out = await dynamo().send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of out.Responses?.[table] ?? []) {
        found.set(String(item.pk).slice('user#'.length), item as unknown as DirectoryLink);
      }
      pending = (out.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return found;
};

export interface LinkWrite {
  readonly resource: DirectoryResource;
  readonly id: string;
  readonly directoryId: string;
  readonly pushed: ScimDocument;
  /** The resource's version the pushed document was read from. */
  readonly version: number;
  readonly now: Date;
  /** A confirmed DELETE: the link stays, marked, so nothing is sent for the resource again. */
  readonly deleted?: boolean;
}

/**
 * Records what the directory now holds, unless a later version was already
 * recorded (one resource's pushes run one after the other, so that only
 * guards a redelivered older attempt).
 *
 * @returns false when a later version was recorded already.
 *
 * @example
 * await writeDirectoryLink({ resource: 'user', id, directoryId: 'd-9', pushed, version: 3, now: new Date() });
 */
const writeDirectoryLink = async (write: LinkWrite): Promise<boolean> => {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName('users'),
        Key: keys.directoryLink(write.resource, write.id),
        UpdateExpression: `SET directory_id = :did, pushed = :pushed, pushed_version = :v, updated_at = :now${
          write.deleted ? ', deleted_at = :now' : ''
        }`,
        ConditionExpression: 'attribute_not_exists(pushed_version) OR pushed_version <= :v',
        ExpressionAttributeValues: {
          ':did': write.directoryId,
          ':pushed': write.pushed,
          ':v': write.version,
          ':now': write.now.toISOString(),
        },
      }),
    );
    return true;
  } catch (error) {
    if (refusalOf(error)) return false;
    throw error;
  }
};

export { getDirectoryLink, getResourceForPush, getUserDirectoryLinks, writeDirectoryLink };

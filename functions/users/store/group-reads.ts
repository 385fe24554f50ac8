import { GetCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../kernel/aws/dynamo-client.js';
import { tableName } from '../../kernel/aws/resource-names.js';
import { type GroupItem, type MemberItem, keys } from './items.js';

/**
 * Reads of groups and their members. A group's members are the items of
 * its partition after the group itself, so all of them are one Query
 * (paged by DynamoDB at 1 MB, about 10,000 members a page).
 */

const queryAll = async (input: QueryCommandInput): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
};

/**
 * A group's own item, without members, or undefined when there is none or
 * it was deleted: what `excludedAttributes=members` needs.
 *
 * @example
 * const group = await getGroup(id);
 */
const getGroup = async (id: string): Promise<GroupItem | undefined> => {
  const out = await dynamo().send(
    new GetCommand({ TableName: tableName('users'), Key: keys.group(id), ConsistentRead: true }),
  );
  const item = out.Item as GroupItem | undefined;
  return item && item.deleted_at === undefined ? item : undefined;
};

/**
 * The user ids of a group's members, in id order.
 *
 * @example
 * const memberIds = await groupMemberIds(groupId);
 */
const groupMemberIds = async (groupId: string): Promise<string[]> => {
  const items = (await queryAll({
    TableName: tableName('users'),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :member)',
    ExpressionAttributeValues: { ':pk': keys.groupPartition(groupId), ':member': 'member#' },
    ProjectionExpression: 'member_user_id',
    ConsistentRead: true,
  })) as Pick<MemberItem, 'member_user_id'>[];
  return items.map((item) => item.member_user_id);
};

/**
 * The ids of the groups a user is a member of, from the `byMember` index
 * (eventually consistent, as every index read).
 *
 * @example
 * const groupIds = await groupIdsOfUser(userId);
 */
const groupIdsOfUser = async (userId: string): Promise<string[]> => {
  const items = (await queryAll({
    TableName: tableName('users'),
    IndexName: 'byMember',
    KeyConditionExpression: 'member_user_id = :id',
    ExpressionAttributeValues: { ':id': userId },
  })) as Pick<MemberItem, 'group_id'>[];
  return items.map((item) => item.group_id);
};

/**
 * Groups whose displayName is this one, case-insensitively: one Query on
 * the lookup partition, then each group.
 *
 * @example
 * const groups = await findGroupsByDisplayName('Engineering');
 */
const findGroupsByDisplayName = async (displayName: string): Promise<GroupItem[]> => {
  const lookups = await queryAll({
    TableName: tableName('users'),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.groupNamePartition(displayName) },
    ConsistentRead: true,
  });
  const groups = await Promise.all(lookups.map((lookup) => getGroup(lookup.group_id as string)));
  return groups.filter((group): group is GroupItem => group !== undefined);
};

/**
 * Groups whose externalId is this one (exact match): one Query on the
 * lookup partition, then each group.
 *
 * @example
 * const groups = await findGroupsByExternalId('a1b2');
 */
const findGroupsByExternalId = async (externalId: string): Promise<GroupItem[]> => {
  const lookups = await queryAll({
    TableName: tableName('users'),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :group)',
    ExpressionAttributeValues: { ':pk': keys.externalIdPartition(externalId), ':group': 'group#' },
    ConsistentRead: true,
  });
  const groups = await Promise.all(lookups.map((lookup) => getGroup(lookup.group_id as string)));
  return groups.filter((group): group is GroupItem => group !== undefined);
};

export { findGroupsByExternalId, getGroup, groupMemberIds, groupIdsOfUser, findGroupsByDisplayName };

import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../kernel/aws/dynamo-client.js';
import { tableName } from '../../kernel/aws/resource-names.js';
import type { GroupItem, ResourceType, UserItem } from './items.js';

/**
 * SCIM lists from the sparse `byType` index (partition `resource_type`,
 * sort `listed_at` = `created_at#id`): only listed (not deleted) users and
 * groups are in it, oldest first, so `startIndex` pages are stable while
 * resources are added. Index reads are eventually consistent: a user
 * created a moment ago may be missing from a list for that moment (a
 * filter on userName, externalId or displayName reads the table itself).
 *
 * DynamoDB has no offset, so `startIndex` skips by reading keys only, and
 * `totalResults` is a COUNT over the partition: both grow with the number
 * of resources, which a directory of some thousands pays in one or two
 * 1 MB pages. Filters that are no index lookup read every listed resource
 * (`listAll`) and are evaluated in memory.
 */

type Listed<T extends ResourceType> = T extends 'User' ? UserItem : GroupItem;

const base = (type: ResourceType) => ({
  TableName: tableName('users'),
  IndexName: 'byType',
  KeyConditionExpression: 'resource_type = :type',
  ExpressionAttributeValues: { ':type': type },
});

/**
 * How many resources of a type are listed.
 *
 * @example
 * const totalResults = await countListed('User');
 */
const countListed = async (type: ResourceType): Promise<number> => {
  let total = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(new QueryCommand({ ...base(type), Select: 'COUNT', ExclusiveStartKey: start }));
    total += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return total;
};

/**
 * One SCIM page: `count` resources from the 1-based `startIndex`, oldest first.
 *
 * @example
 * const users = await listedPage('User', 1, 2); // Okta's connection probe
 */
const listedPage = async <T extends ResourceType>(type: T, startIndex: number, count: number): Promise<Listed<T>[]> => {
  if (count <= 0) return [];
  let start: Record<string, unknown> | undefined;
  // Skip startIndex - 1 resources, reading their keys only.
  for (let toSkip = startIndex - 1; toSkip > 0; ) {
    const out = await dynamo().send(
      new QueryCommand({
        ...base(type),
        ProjectionExpression: 'pk',
        Limit: Math.min(toSkip, 1000),
        ExclusiveStartKey: start,
      }),
    );
    toSkip -= out.Count ?? 0;
    start = out.LastEvaluatedKey;
    if (!start) return [];
  }
  const items: Listed<T>[] = [];
  do {
    const out = await dynamo().send(
      new QueryCommand({ ...base(type), Limit: count - items.length, ExclusiveStartKey: start }),
    );
    items.push(...((out.Items ?? []) as Listed<T>[]));
    start = out.LastEvaluatedKey;
  } while (start && items.length < count);
  return items;
};

/**
 * Every listed resource of a type, for a filter no index answers.
 *
 * @example
 * const users = (await listAll('User')).filter(matches);
 */
const listAll = async <T extends ResourceType>(type: T): Promise<Listed<T>[]> => {
  const items: Listed<T>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(new QueryCommand({ ...base(type), ExclusiveStartKey: start }));
    items.push(...((out.Items ?? []) as Listed<T>[]));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
};

export { countListed, listedPage, listAll };

import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../kernel/aws/dynamo-client.js';
import { tableName } from '../../kernel/aws/resource-names.js';
import { LOCAL_ENTITIES } from '../targets/local-types.js';
import type { PageFetch } from './fetch-page.js';

/**
 * Our own store as a source (`local`), for a system target: the records of
 * one type, paged by a Scan whose `LastEvaluatedKey` is the cursor
 * (`local:` and its base64 JSON). A Scan because the records table has no
 * index by type; a bulk push is rare and reads each item once. `Limit`
 * bounds the items read per page, so a page may hold fewer records than
 * the batch size (the other types it read past), never more.
 */
const PREFIX = 'local:';

const encode = (key: Record<string, unknown>): string =>
  `${PREFIX}${Buffer.from(JSON.stringify(key)).toString('base64url')}`;
const decode = (cursor: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(cursor.slice(PREFIX.length), 'base64url').toString('utf8')) as Record<string, unknown>;

/**
 * One page of our records of `entity`, not deleted, as stored.
 *
 * @example
 * const fetched = await fetchLocalPage({ entity: 'contacts', batchSize: 200, cursor: null });
 */
const fetchLocalPage = async (request: {
  readonly entity: string;
  readonly batchSize: number;
  readonly cursor: string | null;
}): Promise<PageFetch> => {
  const type = LOCAL_ENTITIES[request.entity];
  if (!type) throw new Error(`Our store has no ${request.entity}`);
  const out = await dynamo().send(
    new ScanCommand({
      TableName: tableName('records'),
      Limit: request.batchSize,
      FilterExpression: 'record_type = :type AND attribute_exists(version) AND attribute_not_exists(deleted_at)',
      ExpressionAttributeValues: { ':type': type },
      ...(request.cursor === null ? {} : { ExclusiveStartKey: decode(request.cursor) }),
    }),
  );
  return {
    kind: 'page',
    url: request.cursor ?? `${PREFIX}start`,
    page: { records: out.Items ?? [], next: out.LastEvaluatedKey ? encode(out.LastEvaluatedKey) : null },
  };
};

export { fetchLocalPage };

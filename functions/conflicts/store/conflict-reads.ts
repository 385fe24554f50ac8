import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../kernel/aws/dynamo-client.js';
import { tableName } from '../../kernel/aws/resource-names.js';
import type { Conflict, ConflictStatus } from '../../kernel/conflicts/conflict-store.js';

/**
 * Reads of the conflicts table: one conflict by id, and a page of the
 * conflicts in a status, oldest first, through the `byStatus` index.
 */
export interface ConflictPage {
  readonly items: Conflict[];
  /** Where the next page starts; absent on the last page. */
  readonly next?: Record<string, unknown>;
}

const withoutKey = (raw: Record<string, unknown>): Conflict => {
  const { pk: _pk, ...conflict } = raw;
  return conflict as unknown as Conflict;
};

/**
 * @example
 * let page = await listConflictPage('pending', { limit: 100 });
 * while (page.next) page = await listConflictPage('pending', { limit: 100, after: page.next });
 */
const listConflictPage = async (
  status: ConflictStatus,
  options: { readonly limit?: number; readonly after?: Record<string, unknown> } = {},
): Promise<ConflictPage> => {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: tableName('conflicts'),
      IndexName: 'byStatus',
      KeyConditionExpression: '#status = :status',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': status },
      ...(options.limit === undefined ? {} : { Limit: options.limit }),
      ...(options.after === undefined ? {} : { ExclusiveStartKey: options.after }),
    }),
  );
  return {
    items: (out.Items ?? []).map(withoutKey),
    ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey } : {}),
  };
};

/**
 * One conflict by id (strongly consistent), or undefined.
 *
 * @example
 * const conflict = await getConflict('crm-msg_1');
 */
const getConflict = async (id: string): Promise<Conflict | undefined> => {
  const out = await dynamo().send(
    new GetCommand({ TableName: tableName('conflicts'), Key: { pk: `CONFLICT#${id}` }, ConsistentRead: true }),
  );
  return out.Item ? withoutKey(out.Item) : undefined;
};

export { getConflict, listConflictPage };

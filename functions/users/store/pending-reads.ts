import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../kernel/aws/dynamo-client.js';
import { tableName } from '../../kernel/aws/resource-names.js';
import { DUE_PARTITION } from './person-items.js';

/**
 * Reads of future-dated HR changes. Each carries `due`/`due_at` for the
 * sparse `pendingByDue` index, so the schedule finds what is due with one
 * Query (never a scan), then reads each again by key.
 */
export interface PendingChange {
  readonly pk: string;
  readonly sk: string;
  /** The HR event as received (JSON), applied as it is when it comes due. */
  readonly change: string;
  readonly delivery_id: string;
  readonly effective_at: string;
  readonly received_at: string;
  readonly due: string;
  /** `effective_at#delivery_id`: the index sort key. */
  readonly due_at: string;
}

/**
 * The pending changes of one partition, earliest first.
 *
 * @example
 * const pending = await listPendingChanges(`user#${id}`);
 */
const listPendingChanges = async (partition: string): Promise<PendingChange[]> => {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: tableName('users'),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :pending)',
      ExpressionAttributeValues: { ':pk': partition, ':pending': 'pending#' },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []) as PendingChange[];
};

/**
 * The keys of changes due at `now`, earliest first, at most `limit`.
 *
 * @example
 * for (const key of await dueChangeKeys(new Date(), 100)) await applyDue(key);
 */
const dueChangeKeys = async (now: Date, limit: number): Promise<{ pk: string; sk: string }[]> => {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: tableName('users'),
      IndexName: 'pendingByDue',
      KeyConditionExpression: 'due = :due AND due_at <= :now',
      // `#` sorts below every character of a delivery id: `<now>#~` is after every change due at `now`.
      ExpressionAttributeValues: { ':due': DUE_PARTITION, ':now': `${now.toISOString()}#~` },
      Limit: limit,
    }),
  );
  return (out.Items ?? []).map((item) => ({ pk: item.pk as string, sk: item.sk as string }));
};

/**
 * A pending change read again (the index is eventually consistent): undefined once applied.
 *
 * @example
 * const change = await getPendingChange(key);
 */
const getPendingChange = async (key: { pk: string; sk: string }): Promise<PendingChange | undefined> =>
  (await dynamo().send(new GetCommand({ TableName: tableName('users'), Key: key, ConsistentRead: true }))).Item as
    | PendingChange
    | undefined;

export { dueChangeKeys, getPendingChange, listPendingChanges };

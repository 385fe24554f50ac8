import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamo-client.js';
import { tableName } from '../aws/resource-names.js';
import { SETTINGS_AUDIT_PK } from './settings-keys.js';
import type { SettingKey } from './settings-schema.js';

/** One audit entry: a key's effective value before and after one change. */
export interface SettingsAuditEntry {
  readonly key: SettingKey;
  readonly old_value: unknown;
  readonly new_value: unknown;
  readonly changed_at: string;
  /** The settings version the change produced: entries of one PUT share it. */
  readonly version: number;
  /** API Gateway's request id of the PUT, when there was one. */
  readonly request_id?: string;
}

/** One page of the history, newest first. */
export interface SettingsHistoryPage {
  readonly items: SettingsAuditEntry[];
  /** The sort key to continue after, when there may be more. */
  readonly nextAfter?: string;
}

export interface SettingsHistoryQuery {
  /** Only this key's changes. */
  readonly key?: SettingKey;
  readonly limit: number;
  /** Continue after this sort key (a previous page's `nextAfter`). */
  readonly after?: string;
}

/**
 * With a key filter, DynamoDB's `Limit` counts entries read, not entries
 * kept; reading at least this many per call keeps a rarely changed key from
 * costing one round trip per few entries.
 */
const FILTERED_PAGE_SIZE = 200;

/**
 * The audit entries, newest first, at most `limit`, optionally of one key.
 * Settings change rarely, so one partition sorted by time serves both the
 * whole history and one key's (filtered) without an index.
 *
 * @example
 * const { items, nextAfter } = await listSettingsHistory({ key: 'recipients', limit: 100 });
 */
const listSettingsHistory = async ({ key, limit, after }: SettingsHistoryQuery): Promise<SettingsHistoryPage> => {
  const items: SettingsAuditEntry[] = [];
  let lastServed: string | undefined;
  let leftOver = false;
  let startKey: Record<string, unknown> | undefined = after ? { pk: SETTINGS_AUDIT_PK, sk: after } : undefined;
  do {
    const wanted = limit - items.length;
    const out = await dynamo().send(
      new QueryCommand({
        TableName: tableName('control'),
        KeyConditionExpression: 'pk = :pk',
        ...(key
          ? {
              FilterExpression: '#key = :key',
              ExpressionAttributeNames: { '#key': 'key' },
              ExpressionAttributeValues: { ':pk': SETTINGS_AUDIT_PK, ':key': key },
            }
          : { ExpressionAttributeValues: { ':pk': SETTINGS_AUDIT_PK } }),
        ScanIndexForward: false,
        ExclusiveStartKey: startKey,
        Limit: key ? Math.max(wanted, FILTERED_PAGE_SIZE) : wanted,
        ConsistentRead: true,
      }),
    );
    for (const raw of out.Items ?? []) {
      if (items.length === limit) {
        leftOver = true;
        break;
      }
      const { pk: _pk, sk, ...entry } = raw;
      items.push(entry as SettingsAuditEntry);
      lastServed = sk as string;
    }
    startKey = out.LastEvaluatedKey;
  } while (startKey && items.length < limit);
  return (leftOver || startKey) && lastServed ? { items, nextAfter: lastServed } : { items };
};

export { listSettingsHistory };

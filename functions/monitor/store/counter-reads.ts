import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../kernel/aws/dynamo-client.js';
import { tableName } from '../../kernel/aws/resource-names.js';
import { COUNTER_ATTRIBUTES, counterPk } from '../../kernel/sync-log/sync-counter-keys.js';
import type { HourCounters } from '../domain/health-rules.js';

/**
 * One integration's health counters from hour `fromHour` to `toHour` (both
 * included, `2026-12-03T13` form): one Query of its partition, at most 24
 * small items for a day, however many events were counted into them.
 *
 * @example
 * await readHourCounters('crm', '2026-12-02T14', '2026-12-03T13');
 */
const readHourCounters = async (integration: string, fromHour: string, toHour: string): Promise<HourCounters[]> => {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: tableName('control'),
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': counterPk(integration), ':from': fromHour, ':to': toHour },
    }),
  );
  return (out.Items ?? []).map((item) => ({
    hour: String(item.sk),
    counts: Object.fromEntries(COUNTER_ATTRIBUTES.map((name) => [name, Number(item[name] ?? 0)])),
    ...(item.last_in_at ? { last_in_at: String(item.last_in_at) } : {}),
    ...(item.last_out_at ? { last_out_at: String(item.last_out_at) } : {}),
  }));
};

export { readHourCounters };

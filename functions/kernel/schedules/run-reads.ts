import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamo-client.js';
import { tableName } from '../aws/resource-names.js';
import { lastRunKey, type ScheduleRun } from './schedule-run.js';

/**
 * The last run of a schedule, or null when it has never run. A strongly
 * consistent read: an operator who has just asked for a run expects to see
 * it listed.
 *
 * @example
 * const last = await lastRunOf('tick'); // { run_id, trigger: 'manual', outcome: 'succeeded', ... } | null
 */
const lastRunOf = async (schedule: string): Promise<ScheduleRun | null> => {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: tableName('control'), Key: lastRunKey(schedule), ConsistentRead: true }),
  );
  if (!Item) return null;
  const { pk: _pk, sk: _sk, schedule: _schedule, ...run } = Item;
  return run as ScheduleRun;
};

export { lastRunOf };

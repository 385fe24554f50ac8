import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../kernel/aws/dynamo-client.js';
import { tableName } from '../../kernel/aws/resource-names.js';
import type { HealthReport } from '../domain/health-report.js';
import { REPORTS_PK } from './monitor-keys.js';

/**
 * Stored health reports, newest first: those checked at or after `since`
 * (all kept, 30 days, without it), at most `limit`. One Query.
 *
 * @example
 * const [latest] = await listReports({ limit: 1 });
 */
const listReports = async (options: { readonly since?: string; readonly limit: number }): Promise<HealthReport[]> => {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: tableName('control'),
      KeyConditionExpression: options.since === undefined ? 'pk = :pk' : 'pk = :pk AND sk >= :since',
      ExpressionAttributeValues: {
        ':pk': REPORTS_PK,
        ...(options.since === undefined ? {} : { ':since': options.since }),
      },
      ScanIndexForward: false,
      Limit: options.limit,
    }),
  );
  return (out.Items ?? []).map((item) => JSON.parse(String(item.report)) as HealthReport);
};

export { listReports };

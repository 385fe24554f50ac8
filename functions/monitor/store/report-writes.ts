import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../kernel/aws/dynamo-client.js';
import { tableName } from '../../kernel/aws/resource-names.js';
import type { HealthReport } from '../domain/health-report.js';
import { REPORT_RETENTION_DAYS, REPORTS_PK } from './monitor-keys.js';

/**
 * Stores one report, kept {@link REPORT_RETENTION_DAYS} days. A JSON string,
 * not a map: nothing queries inside it, and it is read whole.
 *
 * @example
 * await putReport(report);
 */
const putReport = async (report: HealthReport): Promise<void> => {
  await dynamo().send(
    new PutCommand({
      TableName: tableName('control'),
      Item: {
        pk: REPORTS_PK,
        sk: report.checked_at,
        status: report.status,
        report: JSON.stringify(report),
        expires_at: Math.floor(Date.parse(report.checked_at) / 1000) + REPORT_RETENTION_DAYS * 86_400,
      },
    }),
  );
};

export { putReport };

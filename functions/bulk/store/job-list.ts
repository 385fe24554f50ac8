import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../kernel/aws/dynamo-client.js';
import { tableName } from '../../kernel/aws/resource-names.js';
import type { BulkJob } from '../domain/job.js';

/** A record that failed its mapping or that the target refused. */
export interface RecordError {
  readonly record_id: string;
  readonly page: number;
  readonly index: number;
  readonly reason: string;
}

/**
 * Jobs newest first, from the sparse `byCreated` index.
 *
 * @example
 * const jobs = await listJobs(50);
 */
const listJobs = async (limit: number): Promise<BulkJob[]> => {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: tableName('bulk'),
      IndexName: 'byCreated',
      KeyConditionExpression: 'job_list = :all',
      ExpressionAttributeValues: { ':all': 'JOB' },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (out.Items ?? []) as BulkJob[];
};

/**
 * Every per-record error of a job, in page and record order.
 *
 * @example
 * const errors = await listErrors(jobId);
 */
const listErrors = async (jobId: string): Promise<RecordError[]> => {
  const errors: RecordError[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: tableName('bulk'),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :errors)',
        ExpressionAttributeValues: { ':pk': `job#${jobId}`, ':errors': 'error#' },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) {
      errors.push({ record_id: item.record_id, page: item.page, index: item.index, reason: item.reason });
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return errors;
};

export { listJobs, listErrors };

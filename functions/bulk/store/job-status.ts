import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../kernel/aws/dynamo-client.js';
import { isConditionFailure } from '../../kernel/aws/condition-failure.js';
import { tableName } from '../../kernel/aws/resource-names.js';
import { type BulkJob, type JobStatus, jobKey, lockKey } from '../domain/job.js';

/**
 * Moves a job to `status` (with `fields`) on condition that it is still at
 * the version read: a pause racing a page's completion, or a cancel racing
 * a resume, never overwrites the other. Answers the job as written, or
 * `undefined` when it moved.
 *
 * @example
 * await setJobStatus(job, 'paused', { updated_at: now });
 */
const setJobStatus = async (
  job: BulkJob,
  status: JobStatus,
  fields: Readonly<Record<string, unknown>> = {},
): Promise<BulkJob | undefined> => {
  const all: Record<string, unknown> = { ...fields, status, version: job.version + 1 };
  const names = Object.keys(all);
  try {
    const out = await dynamo().send(
      new UpdateCommand({
        TableName: tableName('bulk'),
        Key: jobKey(job.job_id),
        UpdateExpression: `SET ${names.map((_, i) => `#f${i} = :f${i}`).join(', ')}`,
        ConditionExpression: '#version = :read',
        ExpressionAttributeNames: { ...Object.fromEntries(names.map((n, i) => [`#f${i}`, n])), '#version': 'version' },
        ExpressionAttributeValues: {
          ...Object.fromEntries(names.map((n, i) => [`:f${i}`, all[n]])),
          ':read': job.version,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return out.Attributes as BulkJob;
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
};

/**
 * Releases the running lock of a job's source, target and entity, only if
 * it is this job's (a later job may hold it already).
 *
 * @example
 * await releaseLock(job);
 */
const releaseLock = async (job: BulkJob): Promise<void> => {
  try {
    await dynamo().send(
      new DeleteCommand({
        TableName: tableName('bulk'),
        Key: lockKey(job.source, job.target, job.entity),
        ConditionExpression: 'job_id = :job',
        ExpressionAttributeValues: { ':job': job.job_id },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
};

export { setJobStatus, releaseLock };

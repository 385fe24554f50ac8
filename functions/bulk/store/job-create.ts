import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../kernel/aws/dynamo-client.js';
import { refusalOf } from '../../kernel/aws/condition-failure.js';
import { tableName } from '../../kernel/aws/resource-names.js';
import { type BulkJob, jobKey, lockKey } from '../domain/job.js';

/**
 * Stores a new job together with the lock of its source, target and
 * entity, in one transaction: the lock is put on condition that none
 * exists, so of two racing starts one wins. Answers `false` when a job for
 * the same three runs.
 *
 * @example
 * if (!(await createJob(job))) throw new HttpError(409, 'A job for crm/local/contacts runs');
 */
const createJob = async (job: BulkJob): Promise<boolean> => {
  const table = tableName('bulk');
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table,
              Item: { ...lockKey(job.source, job.target, job.entity), job_id: job.job_id, created_at: job.created_at },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: table,
              Item: { ...jobKey(job.job_id), job_list: 'JOB', ...job },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
    return true;
  } catch (error) {
    if ((refusalOf(error)?.failedItems.length ?? 0) > 0) return false;
    throw error;
  }
};

export { createJob };

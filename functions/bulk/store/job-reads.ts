import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../kernel/aws/dynamo-client.js';
import { tableName } from '../../kernel/aws/resource-names.js';
import { type BulkJob, jobKey, pageKey } from '../domain/job.js';

/** A committed page: the cursor it was read with, the one for the next page, and its counts. */
export interface Checkpoint {
  readonly page: number;
  readonly cursor: string | null;
  readonly next_cursor: string | null;
  readonly processed: number;
}

/**
 * A job by id (strongly consistent: the worker decides on its status).
 *
 * @example
 * const job = await getJob('01J...'); // undefined when there is none
 */
const getJob = async (jobId: string): Promise<BulkJob | undefined> => {
  const out = await dynamo().send(
    new GetCommand({ TableName: tableName('bulk'), Key: jobKey(jobId), ConsistentRead: true }),
  );
  return out.Item as BulkJob | undefined;
};

/**
 * A page's checkpoint, present once the page was committed.
 *
 * @example
 * if (await getCheckpoint(jobId, 3)) { ... page 3 counted already ... }
 */
const getCheckpoint = async (jobId: string, page: number): Promise<Checkpoint | undefined> => {
  const out = await dynamo().send(
    new GetCommand({ TableName: tableName('bulk'), Key: pageKey(jobId, page), ConsistentRead: true }),
  );
  return out.Item as Checkpoint | undefined;
};

export { getJob, getCheckpoint };

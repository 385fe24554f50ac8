import { BatchWriteCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../kernel/aws/dynamo-client.js';
import { refusalOf } from '../../kernel/aws/condition-failure.js';
import { tableName } from '../../kernel/aws/resource-names.js';
import { type Counts, type Sample, errorKey, jobKey, pageKey } from '../domain/job.js';
import type { RecordError } from './job-list.js';

/** What one processed page adds to its job. */
export interface PageResult {
  readonly jobId: string;
  readonly page: number;
  readonly cursor: string | null;
  readonly nextCursor: string | null;
  readonly counts: Counts & { readonly processed: number };
  readonly total?: number;
  readonly samples?: Readonly<Record<string, readonly Sample[]>>;
  readonly at: string;
}

const MAX_BATCH = 25;

/**
 * Keeps a page's per-record errors. Each error's key is its page and index,
 * so writing them again (a page processed twice) overwrites them with the
 * same; unprocessed items are retried with a short backoff.
 *
 * @example
 * await putRecordErrors(jobId, [{ record_id: '7', page: 2, index: 6, reason: 'email: Invalid email address' }]);
 */
const putRecordErrors = async (jobId: string, errors: readonly RecordError[]): Promise<void> => {
  const table = tableName('bulk');
  for (let i = 0; i < errors.length; i += MAX_BATCH) {
    let pending: Record<string, unknown[]> = {
      [table]: errors
        .slice(i, i + MAX_BATCH)
        .map((e) => ({ PutRequest: { Item: { ...errorKey(jobId, e.page, e.index), ...e } } })),
    };
    for (let attempt = 0; (pending[table]?.length ?? 0) > 0; attempt++) {
      if (attempt > 8) throw new Error('BatchWriteItem kept returning unprocessed error items');
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      const out = await dynamo().send(new BatchWriteCommand({ RequestItems: pending as never }));
      pending = (out.UnprocessedItems ?? {}) as Record<string, unknown[]>;
    }
  }
};

/**
 * Commits a page: its checkpoint (put on condition that it does not exist)
 * and its counts added to the job, with the cursor of the next page, in one
 * transaction. Answers `false` when the page was committed before (a
 * redelivery): nothing is added twice.
 *
 * @example
 * const first = await commitPage(result); // true; a second call with the same page: false
 */
const commitPage = async (result: PageResult): Promise<boolean> => {
  const table = tableName('bulk');
  const { counts } = result;
  // Every attribute by name: several of the counters (`processed`, `errors`) are DynamoDB reserved words.
  const added = {
    processed: counts.processed,
    created: counts.created,
    updated: counts.updated,
    unchanged: counts.unchanged,
    skipped: counts.skipped,
    errors: counts.errors,
    pages: 1,
  };
  const set: Record<string, unknown> = {
    next_page: result.page + 1,
    next_cursor: result.nextCursor,
    updated_at: result.at,
    ...(result.total === undefined ? {} : { total: result.total }),
    ...(result.samples === undefined ? {} : { samples: result.samples }),
  };
  const names: Record<string, string> = { '#version': 'version' };
  const values: Record<string, unknown> = { ':one': 1 };
  const setParts = ['#version = #version + :one'];
  for (const [name, value] of Object.entries(set)) {
    names[`#s_${name}`] = name;
    values[`:s_${name}`] = value;
    setParts.push(`#s_${name} = :s_${name}`);
  }
  const addParts: string[] = [];
  for (const [name, value] of Object.entries(added)) {
    names[`#a_${name}`] = name;
    values[`:a_${name}`] = value;
    addParts.push(`#a_${name} :a_${name}`);
  }
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table,
              Item: {
                ...pageKey(result.jobId, result.page),
                page: result.page,
                cursor: result.cursor,
                next_cursor: result.nextCursor,
                ...counts,
                committed_at: result.at,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Update: {
              TableName: table,
              Key: jobKey(result.jobId),
              UpdateExpression: `SET ${setParts.join(', ')} REMOVE waiting_until ADD ${addParts.join(', ')}`,
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: values,
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

export { commitPage, putRecordErrors };

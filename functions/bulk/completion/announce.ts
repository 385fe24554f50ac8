import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../kernel/aws/dynamo-client.js';
import { isConditionFailure } from '../../kernel/aws/condition-failure.js';
import { tableName } from '../../kernel/aws/resource-names.js';
import { logger } from '../../kernel/observability.js';
import { enqueueOutbound } from '../../kernel/outbound/outbound-queue.js';
import { readSettings } from '../../kernel/settings/read-settings.js';
import { appendSyncEvent } from '../../kernel/sync-log/sync-events.js';
import { type BulkJob, isFinished, jobKey } from '../domain/job.js';
import { completionMessages } from './completion-messages.js';

/**
 * Marks the job announced, once: a conditional write on the attribute
 * itself, so it never races the job's versioned status changes.
 */
const markAnnounced = async (jobId: string, at: string): Promise<void> => {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName('bulk'),
        Key: jobKey(jobId),
        UpdateExpression: 'SET announced_at = :at',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(announced_at)',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
};

/**
 * Announces a completed, failed or cancelled job: the Slack post and the
 * mail to the `data_admin` recipients on the outbound queue (deterministic
 * ids and supersede keys: enqueued again after a crash, still delivered
 * once), then the job marked `announced_at` so a redelivered page does not
 * enqueue again. No recipient: the mail is skipped and a sync event says why.
 * A cancel is announced by the page worker too: the cancel queues a page
 * message the worker answers by announcing (admin/job-controls.ts), so a
 * page in flight and the cancel's message both land here, and the two
 * enqueue the same ids: one mail and one post.
 *
 * @example
 * await announceJob(completedJob);
 */
const announceJob = async (job: BulkJob): Promise<void> => {
  const announced = (job as BulkJob & { announced_at?: string }).announced_at;
  if (announced !== undefined || !isFinished(job.status)) return;
  const to = (await readSettings()).recipients.data_admin;
  await enqueueOutbound(completionMessages(job, to));
  if (to.length === 0) {
    logger.warn('bulk job finished: no data_admin recipient configured, completion mail not sent', {
      job_id: job.job_id,
    });
    await appendSyncEvent({
      direction: 'outbound',
      source: 'bulk',
      event: `bulk job ${job.status}`,
      record_type: 'bulk_job',
      record_id: job.job_id,
      outcome: 'skipped',
      detail: { reason: 'no data_admin recipient configured (recipients.data_admin): completion mail not sent' },
    });
  }
  await markAnnounced(job.job_id, new Date().toISOString());
  logger.info('bulk job announced', { job_id: job.job_id, status: job.status, mail: to.length > 0 });
};

export { announceJob };

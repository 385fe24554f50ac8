import { HttpError } from '../../kernel/http/responses.js';
import { type BulkJob, isFinished } from '../domain/job.js';
import { getJob } from '../store/job-reads.js';
import { releaseLock, setJobStatus } from '../store/job-status.js';
import { sendPage } from '../store/page-queue.js';

const MAX_ROUNDS = 5;
/** Who cancels through the admin API: it has one shared token, so a request names no person. */
const CANCELLED_BY = 'admin';

const jobOr404 = async (jobId: string): Promise<BulkJob> => {
  const job = await getJob(jobId);
  if (!job) throw new HttpError(404, `No bulk job ${jobId}`);
  return job;
};

const isAnnounced = (job: BulkJob): boolean => (job as BulkJob & { announced_at?: string }).announced_at !== undefined;

/**
 * The worker reads the cancelled job from this message and announces it
 * (once, see completion/announce.ts). Queued behind a page in flight (one
 * message group per job), never beside it; deduplicated by the job's
 * version, so a repeat of the same state is the same message (and any
 * other is dropped by the once-only announcement).
 */
const queueAnnouncement = (cancelled: BulkJob): Promise<void> =>
  sendPage(
    { job_id: cancelled.job_id, page: cancelled.next_page, cursor: cancelled.next_cursor },
    `c${cancelled.version}`,
  );

/**
 * Pause, resume or cancel a job, each a conditional status change retried
 * on a race with the worker. Pause keeps the lock and the cursor (the
 * worker drops the page it next receives); resume queues that page again;
 * cancel releases the lock and queues a message for the job's next page,
 * which the worker answers by announcing the cancelled job (the Slack post
 * and the `data_admin` mail, once, as for a completed one). Announcing from
 * the worker rather than here keeps one announcer per job: a page in flight
 * at the cancel ends on the cancelled job too, and both land in the same
 * once-only `announceJob`.
 *
 * @example
 * await controlJob(jobId, 'pause', new Date()); // the job, paused
 */
const controlJob = async (jobId: string, action: 'pause' | 'resume' | 'cancel', now: Date): Promise<BulkJob> => {
  const at = now.toISOString();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const job = await jobOr404(jobId);
    if (isFinished(job.status)) {
      // A cancel tried again after its announcement failed to queue: queued again (the same message), still 409.
      if (action === 'cancel' && job.status === 'cancelled' && !isAnnounced(job)) await queueAnnouncement(job);
      throw new HttpError(409, `Bulk job ${jobId} is ${job.status}`);
    }
    if (action === 'pause') {
      if (job.status === 'paused') return job;
      const paused = await setJobStatus(job, 'paused', { updated_at: at });
      if (paused) return paused;
    } else if (action === 'resume') {
      if (job.status !== 'paused') throw new HttpError(409, `Bulk job ${jobId} is ${job.status}, not paused`);
      const resumed = await setJobStatus(job, job.started_at ? 'running' : 'queued', { updated_at: at });
      if (resumed) {
        // A new message for the page the pause stopped at (the earlier one was dropped while paused).
        await sendPage({ job_id: jobId, page: resumed.next_page, cursor: resumed.next_cursor }, `r${resumed.version}`);
        return resumed;
      }
    } else {
      const cancelled = await setJobStatus(job, 'cancelled', {
        updated_at: at,
        completed_at: at,
        cancelled_by: CANCELLED_BY,
      });
      if (cancelled) {
        await releaseLock(job);
        await queueAnnouncement(cancelled);
        return cancelled;
      }
    }
  }
  throw new HttpError(409, `Bulk job ${jobId} kept changing; try again`);
};

export { controlJob, jobOr404 };

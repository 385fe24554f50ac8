import { HttpError } from '../../kernel/http/responses.js';
import { type BulkJob, isFinished } from '../domain/job.js';
import { getJob } from '../store/job-reads.js';
import { releaseLock, setJobStatus } from '../store/job-status.js';
import { sendPage } from '../store/page-queue.js';

const MAX_ROUNDS = 5;

const jobOr404 = async (jobId: string): Promise<BulkJob> => {
  const job = await getJob(jobId);
  if (!job) throw new HttpError(404, `No bulk job ${jobId}`);
  return job;
};

/**
 * Pause, resume or cancel a job, each a conditional status change retried
 * on a race with the worker. Pause keeps the lock and the cursor (the
 * worker drops the page it next receives); resume queues that page again;
 * cancel releases the lock.
 *
 * @example
 * await controlJob(jobId, 'pause', new Date()); // the job, paused
 */
const controlJob = async (jobId: string, action: 'pause' | 'resume' | 'cancel', now: Date): Promise<BulkJob> => {
  const at = now.toISOString();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const job = await jobOr404(jobId);
    if (isFinished(job.status)) throw new HttpError(409, `Bulk job ${jobId} is ${job.status}`);
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
      const cancelled = await setJobStatus(job, 'cancelled', { updated_at: at, completed_at: at });
      if (cancelled) {
        await releaseLock(job);
        return cancelled;
      }
    }
  }
  throw new HttpError(409, `Bulk job ${jobId} kept changing; try again`);
};

export { controlJob, jobOr404 };

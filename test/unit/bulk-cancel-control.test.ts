import { beforeEach, describe, expect, it, vi } from 'vitest';
import { controlJob } from '../../functions/bulk/admin/job-controls.js';
import type { BulkJob } from '../../functions/bulk/domain/job.js';

/**
 * A cancel through the admin API (`controlJob(id, 'cancel')`) marks the job
 * cancelled by `admin`, frees its lock and queues the message the worker
 * answers by announcing the cancelled job; a cancel tried again on a job
 * not yet announced queues it again and still answers 409.
 */
const getJob = vi.hoisted(() => vi.fn());
const setJobStatus = vi.hoisted(() => vi.fn());
const releaseLock = vi.hoisted(() => vi.fn(async () => undefined));
const sendPage = vi.hoisted(() => vi.fn(async () => undefined));

vi.mock('../../functions/bulk/store/job-reads.js', () => ({ getJob }));
vi.mock('../../functions/bulk/store/job-status.js', () => ({ setJobStatus, releaseLock }));
vi.mock('../../functions/bulk/store/page-queue.js', () => ({ sendPage }));

const NOW = new Date('2026-12-03T10:00:30.000Z');

const aJob = (overrides: Partial<BulkJob> = {}): BulkJob => ({
  job_id: 'j1',
  status: 'running',
  source: 'crm',
  target: 'local',
  entity: 'contacts',
  batch_size: 100,
  dry_run: false,
  processed: 300,
  created: 300,
  updated: 0,
  unchanged: 0,
  skipped: 0,
  errors: 0,
  pages: 3,
  next_page: 4,
  next_cursor: 'https://crm/api/contacts?offset=300',
  created_at: '2026-12-03T09:58:00.000Z',
  started_at: '2026-12-03T09:58:00.000Z',
  updated_at: '2026-12-03T10:00:00.000Z',
  version: 5,
  ...overrides,
});

/** The store's conditional write: the job as written, or `undefined` when `raced` says it moved. */
const writes = (raced = 0) => {
  let left = raced;
  return async (job: BulkJob, status: BulkJob['status'], fields: Record<string, unknown> = {}) => {
    if (left-- > 0) return undefined;
    return { ...job, ...fields, status, version: job.version + 1 };
  };
};

beforeEach(() => {
  vi.clearAllMocks();
});

describe('Function: controlJob cancel', () => {
  it('cancels the job as by admin, frees its lock and queues the message that gets it announced', async () => {
    // Prepare
    getJob.mockResolvedValue(aJob());
    setJobStatus.mockImplementation(writes());
    // Act
    const cancelled = await controlJob('j1', 'cancel', NOW);
    // Assess
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelled_by: 'admin', completed_at: NOW.toISOString() });
    expect(releaseLock).toHaveBeenCalledWith(expect.objectContaining({ job_id: 'j1' }));
    expect(sendPage).toHaveBeenCalledTimes(1);
    expect(sendPage).toHaveBeenCalledWith(
      { job_id: 'j1', page: 4, cursor: 'https://crm/api/contacts?offset=300' },
      'c6',
    );
  });

  it('queues the announcement once when the cancel raced a page commit and was written on the second round', async () => {
    // Prepare
    getJob.mockResolvedValueOnce(aJob()).mockResolvedValueOnce(aJob({ pages: 4, next_page: 5, version: 6 }));
    setJobStatus.mockImplementation(writes(1));
    // Act
    await controlJob('j1', 'cancel', NOW);
    // Assess
    expect(setJobStatus).toHaveBeenCalledTimes(2);
    expect(sendPage).toHaveBeenCalledTimes(1);
    expect(sendPage).toHaveBeenCalledWith(expect.objectContaining({ page: 5 }), 'c7');
  });

  it('answers 409 to a second cancel and queues the announcement again while the job is not announced', async () => {
    // Prepare
    getJob.mockResolvedValue(aJob({ status: 'cancelled', version: 6 }));
    // Act
    const answer = controlJob('j1', 'cancel', NOW);
    // Assess
    await expect(answer).rejects.toMatchObject({ statusCode: 409 });
    expect(setJobStatus).not.toHaveBeenCalled();
    expect(sendPage).toHaveBeenCalledWith(expect.objectContaining({ job_id: 'j1', page: 4 }), 'c6');
  });

  it('answers 409 and queues nothing for a cancelled job already announced, or a completed one', async () => {
    // Prepare
    getJob
      .mockResolvedValueOnce({ ...aJob({ status: 'cancelled' }), announced_at: '2026-12-03T10:00:31.000Z' })
      .mockResolvedValueOnce(aJob({ status: 'completed' }));
    // Act
    const answers = [controlJob('j1', 'cancel', NOW), controlJob('j1', 'cancel', NOW)];
    // Assess
    for (const answer of answers) await expect(answer).rejects.toMatchObject({ statusCode: 409 });
    expect(sendPage).not.toHaveBeenCalled();
  });

  it('does not queue an announcement for a pause', async () => {
    // Prepare
    getJob.mockResolvedValue(aJob());
    setJobStatus.mockImplementation(writes());
    // Act
    await controlJob('j1', 'pause', NOW);
    // Assess
    expect(sendPage).not.toHaveBeenCalled();
  });
});

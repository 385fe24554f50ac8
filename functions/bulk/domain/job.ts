/**
 * A bulk sync job as stored in the `bulk` table (`job#<id>` / `JOB`), and
 * the keys of everything else a job owns there. The job's counters only
 * grow by a committed page's counts (`store/page-commit.ts`), in the same
 * transaction that writes the page's checkpoint on condition that it does
 * not exist yet: a page counted once, however often it is processed.
 */
export const jobStatuses = ['queued', 'running', 'paused', 'completed', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof jobStatuses)[number];

/** What one record came to: the counters a job keeps. */
export const outcomes = ['created', 'updated', 'unchanged', 'skipped', 'errors'] as const;
export type Outcome = (typeof outcomes)[number];
export type Counts = Readonly<Record<Outcome, number>>;

/** A field's value before and after, for a dry run's sample. */
export interface FieldChange {
  readonly from: unknown;
  readonly to: unknown;
}
export interface Sample {
  readonly record_id: string;
  readonly changes: Readonly<Record<string, FieldChange>>;
}

export interface BulkJob {
  readonly job_id: string;
  readonly status: JobStatus;
  readonly source: string;
  readonly target: string;
  readonly entity: string;
  readonly batch_size: number;
  readonly since?: string;
  readonly dry_run: boolean;
  readonly total?: number;
  readonly processed: number;
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly skipped: number;
  readonly errors: number;
  /** Pages committed. */
  readonly pages: number;
  /** The page to fetch next and its URL (`null`: the first page, built by the worker). */
  readonly next_page: number;
  readonly next_cursor: string | null;
  readonly created_at: string;
  readonly started_at?: string;
  readonly updated_at: string;
  readonly completed_at?: string;
  /** Set while the source asked us to wait (429/503 with Retry-After): until when. */
  readonly waiting_until?: string;
  readonly failure?: string;
  /** A cancelled job: who cancelled it (`admin`: the admin API's token names no person). */
  readonly cancelled_by?: string;
  /** Dry runs: up to {@link SAMPLES_PER_OUTCOME} field-level changes per outcome. */
  readonly samples?: Readonly<Partial<Record<Outcome, readonly Sample[]>>>;
  readonly version: number;
}

export const SAMPLES_PER_OUTCOME = 5;

const jobKey = (jobId: string) => ({ pk: `job#${jobId}`, sk: 'JOB' });
const pageKey = (jobId: string, page: number) => ({ pk: `job#${jobId}`, sk: `page#${String(page).padStart(6, '0')}` });
const errorKey = (jobId: string, page: number, index: number) => ({
  pk: `job#${jobId}`,
  sk: `error#${String(page).padStart(6, '0')}#${String(index).padStart(4, '0')}`,
});
/** One running job per source, target and entity: this item exists while one runs. */
const lockKey = (source: string, target: string, entity: string) => ({
  pk: `lock#${source}#${target}#${entity}`,
  sk: 'LOCK',
});

/** Statuses after which nothing more happens to a job. */
const isFinished = (status: JobStatus): boolean =>
  status === 'completed' || status === 'failed' || status === 'cancelled';

/**
 * What a job shows: its item without keys and bookkeeping, with the
 * records-per-second rate from its start to its last update.
 *
 * @example
 * jobView(item); // { job_id, status: 'running', processed: 400, records_per_second: 812.5, ... }
 */
const jobView = (job: BulkJob): Record<string, unknown> => {
  const { next_cursor: _cursor, ...rest } = job as BulkJob & { pk?: string; sk?: string; job_list?: string };
  const { pk: _pk, sk: _sk, job_list: _list, ...shown } = rest as Record<string, unknown>;
  const end = Date.parse(job.completed_at ?? job.updated_at);
  const start = job.started_at ? Date.parse(job.started_at) : Number.NaN;
  const seconds = (end - start) / 1000;
  const rate = Number.isFinite(seconds) && seconds > 0 ? Math.round((job.processed / seconds) * 10) / 10 : 0;
  return { ...shown, records_per_second: rate };
};

/** What a job is asked to do: the part of a job its starter chooses. */
export type JobRequest = Pick<BulkJob, 'source' | 'target' | 'entity' | 'batch_size' | 'dry_run'> &
  Partial<Pick<BulkJob, 'since'>>;

/**
 * A job as it is queued: nothing read, nothing counted, the first page next.
 * The one place a job's starting state is written down (the admin API, the
 * bench and the tests build jobs with it).
 *
 * @example
 * const job = newJob({ source: 'crm', target: 'local', entity: 'contacts', batch_size: 200, dry_run: false }, randomUUID(), now);
 */
const newJob = (request: JobRequest, jobId: string, now: Date): BulkJob => {
  const at = now.toISOString();
  return {
    job_id: jobId,
    status: 'queued',
    source: request.source,
    target: request.target,
    entity: request.entity,
    batch_size: request.batch_size,
    ...(request.since === undefined ? {} : { since: request.since }),
    dry_run: request.dry_run,
    processed: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    skipped: 0,
    errors: 0,
    pages: 0,
    next_page: 1,
    next_cursor: null,
    created_at: at,
    updated_at: at,
    version: 1,
  };
};

export { jobKey, pageKey, errorKey, lockKey, isFinished, jobView, newJob };

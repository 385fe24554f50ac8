import { logger } from '../../kernel/observability.js';
import { countOutcomes } from '../domain/counts.js';
import { type BulkJob, type Outcome, SAMPLES_PER_OUTCOME, type Sample, isFinished } from '../domain/job.js';
import type { PageFetch } from '../sources/fetch-page.js';
import type { RecordError } from '../store/job-list.js';
import type { Checkpoint } from '../store/job-reads.js';
import type { PageResult } from '../store/page-commit.js';
import type { PageMessage } from '../store/page-queue.js';
import type { LocalApply, RecordOutcome } from '../targets/local.js';
import type { Prefetched } from '../targets/record-prefetch.js';

/**
 * One page of one job, start to end: read the job (a paused or finished job
 * stops here; a paused job keeps its next page and cursor, so resume sends
 * it again), fetch the page (a 429/503 hands the message back after its
 * Retry-After and marks the job waiting), apply every record, commit the
 * checkpoint with the counts, hand on the next page or complete the job.
 *
 * A page already committed (a redelivery) is not applied again: only its
 * hand-on is repeated, under the same deduplication id.
 */
export interface PagePorts {
  readonly getJob: (jobId: string) => Promise<BulkJob | undefined>;
  readonly getCheckpoint: (jobId: string, page: number) => Promise<Checkpoint | undefined>;
  readonly setJobStatus: (
    job: BulkJob,
    status: BulkJob['status'],
    fields?: Readonly<Record<string, unknown>>,
  ) => Promise<BulkJob | undefined>;
  readonly releaseLock: (job: BulkJob) => Promise<void>;
  readonly fetchPage: (request: {
    source: string;
    entity: string;
    batchSize: number;
    since?: string;
    cursor: string | null;
  }) => Promise<PageFetch>;
  readonly applyRecord: (
    job: LocalApply,
    record: Record<string, unknown>,
    prefetched?: Prefetched,
  ) => Promise<RecordOutcome>;
  /** Reads a page's records at once before they are applied (BatchGetItem), handed to each `applyRecord`; optional. */
  readonly prefetch?: (job: LocalApply, records: readonly Record<string, unknown>[]) => Promise<Prefetched | undefined>;
  readonly putRecordErrors: (jobId: string, errors: readonly RecordError[]) => Promise<void>;
  readonly commitPage: (result: PageResult) => Promise<boolean>;
  readonly sendPage: (message: PageMessage) => Promise<void>;
  /** Tells people a job completed or failed (completion/announce.ts); a no-op once announced. */
  readonly announce: (job: BulkJob) => Promise<void>;
  readonly now: () => Date;
}

/** What the worker did with a message; `wait` hands it back for `seconds`. */
export type PageStep =
  | { readonly kind: 'done'; readonly detail: string }
  | { readonly kind: 'wait'; readonly seconds: number };

/** A dry run's samples with this page's added, up to {@link SAMPLES_PER_OUTCOME} per outcome. */
const withSamples = (
  before: BulkJob['samples'],
  outcomes: readonly RecordOutcome[],
): Record<string, readonly Sample[]> => {
  const samples: Record<string, Sample[]> = {};
  for (const [outcome, list] of Object.entries(before ?? {})) samples[outcome] = [...(list ?? [])];
  for (const result of outcomes) {
    samples[result.outcome] ??= [];
    const list = samples[result.outcome] as Sample[];
    if (list.length >= SAMPLES_PER_OUTCOME) continue;
    list.push({
      record_id: result.recordId,
      changes: result.changes ?? {},
      ...(result.reason === undefined ? {} : { reason: result.reason }),
    });
  }
  return samples;
};

/** Records of one page applied at once: `BULK_PAGE_CONCURRENCY`, default 8 (each record is a few round trips). */
const PAGE_CONCURRENCY = Math.max(1, Number(process.env.BULK_PAGE_CONCURRENCY ?? 8));

/** The keys that make two records of a page possibly the same record: the source's id, the email it matches on. */
const sameRecordKeys = (record: Record<string, unknown>): string[] =>
  [
    ['id', record.id ?? record.Id ?? record.external_id],
    [
      'email',
      typeof (record.email ?? record.Email) === 'string'
        ? String(record.email ?? record.Email).toLowerCase()
        : undefined,
    ],
  ].flatMap(([kind, value]) =>
    value === undefined || value === null || value === '' ? [] : [`${kind}:${String(value)}`],
  );

/**
 * Applies a page's records, several at a time, and answers their outcomes
 * in page order. Records that may be the same record (the same id, or the
 * same email the rules match on) share one lane and are applied one after
 * another, in page order, so the rules decide on each write as before;
 * different records run side by side.
 */
const applyPage = async (
  ports: PagePorts,
  apply: LocalApply,
  records: readonly Record<string, unknown>[],
): Promise<RecordOutcome[]> => {
  // Union-find over record indexes: joined when they share a key.
  const parent = records.map((_, index) => index);
  const root = (index: number): number => {
    let at = index;
    while (parent[at] !== at) at = parent[at] as number;
    return at;
  };
  const owner = new Map<string, number>();
  records.forEach((record, index) => {
    for (const key of sameRecordKeys(record)) {
      const seen = owner.get(key);
      if (seen === undefined) owner.set(key, index);
      else parent[root(index)] = root(seen);
    }
  });
  const lanes = new Map<number, number[]>();
  records.forEach((_, index) => {
    const lane = lanes.get(root(index));
    if (lane) lane.push(index);
    else lanes.set(root(index), [index]);
  });
  const pending = [...lanes.values()];
  const outcomes: RecordOutcome[] = new Array(records.length);
  // Read before any record of the page is written: a lane's later record re-reads (its key was just written).
  const prefetched = ports.prefetch ? await ports.prefetch(apply, records) : undefined;
  const applyOne = (index: number, first: boolean): Promise<RecordOutcome> => {
    const record = records[index] as Record<string, unknown>;
    return first && prefetched ? ports.applyRecord(apply, record, prefetched) : ports.applyRecord(apply, record);
  };
  const worker = async (): Promise<void> => {
    for (let lane = pending.shift(); lane; lane = pending.shift()) {
      for (const [at, index] of lane.entries()) outcomes[index] = await applyOne(index, at === 0);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PAGE_CONCURRENCY, pending.length) }, worker));
  return outcomes;
};

const finish = async (ports: PagePorts, jobId: string): Promise<PageStep> => {
  const job = await ports.getJob(jobId);
  if (!job) return { kind: 'done', detail: 'finished already' };
  if (isFinished(job.status)) {
    // A crash between completing and announcing: the redelivered last page announces (still once).
    await ports.announce(job);
    return { kind: 'done', detail: 'finished already' };
  }
  const at = ports.now().toISOString();
  // The lock first: whoever sees the job completed may start the next one for the same source at once.
  await ports.releaseLock(job);
  const done = await ports.setJobStatus(job, 'completed', { completed_at: at, updated_at: at });
  // A pause or resume that moved the job in between: read it again; nothing is left to do either way.
  if (!done) return finish(ports, jobId);
  await ports.announce(done);
  logger.info('bulk job completed', { job_id: jobId, processed: done.processed, errors: done.errors });
  return { kind: 'done', detail: 'completed' };
};

const handOn = async (ports: PagePorts, jobId: string, page: number, next: string | null): Promise<PageStep> => {
  if (next === null) return finish(ports, jobId);
  await ports.sendPage({ job_id: jobId, page: page + 1, cursor: next });
  return { kind: 'done', detail: `page ${page + 1} handed on` };
};

/**
 * Processes one page message.
 *
 * @example
 * const step = await processPage({ job_id, page: 1, cursor: null }, workerPorts());
 */
const processPage = async (message: PageMessage, ports: PagePorts): Promise<PageStep> => {
  let job = await ports.getJob(message.job_id);
  if (!job) return { kind: 'done', detail: 'no such job' };
  if (isFinished(job.status) || job.status === 'paused') {
    // A job that ended before it was announced (a crash in between): announce now; once either way.
    if (isFinished(job.status)) await ports.announce(job);
    return { kind: 'done', detail: `job ${job.status}` };
  }
  const committed = await ports.getCheckpoint(job.job_id, message.page);
  if (committed) return handOn(ports, job.job_id, message.page, committed.next_cursor);
  const at = ports.now().toISOString();
  if (job.status === 'queued') {
    job = await ports.setJobStatus(job, 'running', { started_at: at, updated_at: at });
    if (!job) return processPage(message, ports);
  }
  const fetched = await ports.fetchPage({
    source: job.source,
    entity: job.entity,
    batchSize: job.batch_size,
    ...(job.since === undefined ? {} : { since: job.since }),
    cursor: message.cursor,
  });
  if (fetched.kind === 'wait') {
    const until = new Date(ports.now().getTime() + fetched.seconds * 1000).toISOString();
    await ports.setJobStatus(job, job.status, { waiting_until: until, updated_at: at });
    logger.info('bulk source asked to wait', { job_id: job.job_id, page: message.page, seconds: fetched.seconds });
    return { kind: 'wait', seconds: fetched.seconds };
  }
  const apply: LocalApply = {
    source: job.source,
    target: job.target,
    entity: job.entity,
    jobId: job.job_id,
    page: message.page,
    asOf: job.created_at,
    dryRun: job.dry_run,
  };
  const outcomes = await applyPage(ports, apply, fetched.page.records);
  const errors = outcomes.flatMap((o, index) =>
    o.outcome === 'errors' ? [{ record_id: o.recordId, page: message.page, index, reason: o.reason ?? 'refused' }] : [],
  );
  if (errors.length > 0) await ports.putRecordErrors(job.job_id, errors);
  const counts = countOutcomes(outcomes.map((o) => o.outcome as Outcome));
  await ports.commitPage({
    jobId: job.job_id,
    page: message.page,
    cursor: message.cursor,
    nextCursor: fetched.page.next,
    counts,
    ...(fetched.page.total === undefined ? {} : { total: fetched.page.total }),
    ...(job.dry_run ? { samples: withSamples(job.samples, outcomes) } : {}),
    at: ports.now().toISOString(),
  });
  return handOn(ports, job.job_id, message.page, fetched.page.next);
};

/**
 * Marks a job failed (its page spent its receives): the message then goes
 * to the DLQ with the job's reason kept, and the lock is released.
 *
 * @example
 * await failJob(ports, jobId, 'crm answered 500 to GET /api/contacts');
 */
const failJob = async (ports: PagePorts, jobId: string, reason: string): Promise<void> => {
  for (let round = 0; round < 5; round++) {
    const job = await ports.getJob(jobId);
    if (!job) return;
    if (isFinished(job.status)) return ports.announce(job);
    const at = ports.now().toISOString();
    const failed = await ports.setJobStatus(job, 'failed', { failure: reason, completed_at: at, updated_at: at });
    if (failed) {
      await ports.releaseLock(job);
      await ports.announce(failed);
      return;
    }
  }
};

export { processPage, failJob };

/**
 * The progress display of `npm run bulk -- status <id> --follow`
 * (local/bulk.ts): on a terminal one bar redrawn in place, fitted to the
 * terminal's width; otherwise (a pipe, a file, a CI log) one plain line
 * per change, without control characters. The output stream and the way
 * the job is read are handed in, so the display is tested without a
 * terminal or a stack.
 */
import type { BulkJob } from '../functions/bulk/domain/job.js';

/** A bulk job as the admin API shows it (`GET /admin/bulk-jobs/{id}`): what the CLI prints of it. */
export type BulkJobView = Pick<
  BulkJob,
  | 'job_id'
  | 'source'
  | 'target'
  | 'entity'
  | 'dry_run'
  | 'total'
  | 'processed'
  | 'created'
  | 'updated'
  | 'unchanged'
  | 'skipped'
  | 'errors'
  | 'pages'
  | 'created_at'
  | 'waiting_until'
  | 'failure'
> & {
  /** A string, not the job's union: the CLI prints whatever status a newer stack answers. */
  readonly status: string;
  readonly records_per_second: number;
};

/** Where progress goes: `process.stdout` fits; a test hands in a recorder with the columns it wants. */
export interface ProgressOutput {
  write(text: string): unknown;
  /** A terminal: the bar is redrawn in place. */
  readonly isTTY?: boolean;
  /** The terminal's width, read again on every redraw (a resized window). */
  readonly columns?: number;
}

/** How `followJob` reads the job and waits between reads. */
export interface FollowOptions {
  /** Time between two reads of the job. */
  readonly intervalMs: number;
  /** Waits `ms`; `setTimeout` by default (fake timers drive it in tests). */
  readonly sleep?: (ms: number) => Promise<void>;
}

const FINISHED = new Set(['completed', 'failed', 'cancelled']);
/** Not a terminal: nothing wraps, so lines are as wide as a usual terminal, as before. */
const PLAIN_COLUMNS = 100;
const MAX_BAR = 40;
/** Below this many cells a bar says nothing the percentage does not: it is left out. */
const MIN_BAR = 10;
const CLEAR_LINE = '\r\x1b[2K';

const seconds = (value: number): string => {
  if (!Number.isFinite(value)) return '?';
  const s = Math.round(value);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
};

/**
 * One column is kept free: a line filling the last column leaves some
 * terminals at a pending wrap, and the next `\r` then redraws a line below.
 */
const withinColumns = (line: string, columns: number): string => line.slice(0, Math.max(1, Math.floor(columns) - 1));

/**
 * One progress line, at most `columns - 1` characters: a bar, the share
 * done, the count of the total, the rate and an ETA while the job runs and
 * the source told its total (the bar as wide as the terminal leaves room
 * for, up to 40 cells, and left out when narrower than 10); the status, the
 * count and the rate otherwise. A completed job shows 100 % even when the
 * source's total was an estimate it did not reach.
 *
 * @example
 * progressLine({ ...job, status: 'running', processed: 500, total: 1000, records_per_second: 12.5 }, 100);
 * // '[####################--------------------] 50%  500/1000  12.5 rec/s  ETA 40s  running'
 */
const progressLine = (job: BulkJobView, columns: number): string => {
  const rate = `${job.records_per_second} rec/s`;
  if (job.total === undefined || job.total <= 0)
    return withinColumns(`${job.status}  ${job.processed} records  ${rate}`, columns);
  const share = job.status === 'completed' ? 1 : Math.min(1, job.processed / job.total);
  const running = !FINISHED.has(job.status);
  const remaining = Math.max(0, job.total - job.processed);
  const eta = !running ? '' : `  ETA ${job.records_per_second > 0 ? seconds(remaining / job.records_per_second) : '?'}`;
  const text = `${Math.floor(share * 100)}%  ${job.processed}/${job.total}  ${rate}${eta}  ${job.status}`;
  // The bar, its brackets and the space after it share what the text leaves of the line.
  const barWidth = Math.min(MAX_BAR, Math.floor(columns) - 1 - text.length - 3);
  if (barWidth < MIN_BAR) return withinColumns(text, columns);
  const filled = Math.round(share * barWidth);
  return `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${text}`;
};

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Reads the job every `intervalMs` until it ends and shows its progress: on
 * a terminal the line is cleared and redrawn in place (and ended with a
 * newline when the job ends); otherwise a line is written only when it
 * differs from the last one. Answers the job as last read.
 *
 * @example
 * const job = await followJob(() => admin.call('GET', `/admin/bulk-jobs/${id}`) as Promise<BulkJobView>, process.stdout, { intervalMs: 1000 });
 */
const followJob = async (
  read: () => Promise<BulkJobView>,
  out: ProgressOutput,
  options: FollowOptions,
): Promise<BulkJobView> => {
  const sleep = options.sleep ?? defaultSleep;
  const tty = out.isTTY === true;
  let last = '';
  for (;;) {
    const job = await read();
    const line = progressLine(job, tty ? (out.columns ?? PLAIN_COLUMNS) : PLAIN_COLUMNS);
    if (tty) out.write(`${CLEAR_LINE}${line}`);
    else if (line !== last) out.write(`${line}\n`);
    last = line;
    if (FINISHED.has(job.status)) {
      if (tty) out.write('\n');
      return job;
    }
    await sleep(options.intervalMs);
  }
};

/**
 * The exit code of `status --follow`: 0 only for a completed job, so a
 * script waiting on a job stops on a failed or cancelled one.
 *
 * @example
 * process.exitCode = followExitCode(await followJob(read, process.stdout, { intervalMs: 1000 }));
 */
const followExitCode = (job: Pick<BulkJobView, 'status'>): number => (job.status === 'completed' ? 0 : 1);

export { followExitCode, followJob, progressLine };

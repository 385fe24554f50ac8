import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type BulkJobView,
  type ProgressOutput,
  followExitCode,
  followJob,
  progressLine,
} from '../../local/bulk-progress.js';

/**
 * The live progress of `npm run bulk -- status <id> --follow`, without a
 * terminal: the bar fitted to the columns, the ETA only with a total,
 * 100 % at completion, plain lines off a terminal, and the follow loop on
 * fake timers ending with the job.
 */
const INTERVAL_MS = 1000;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for exactly these control characters.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

const aJob = (overrides: Partial<BulkJobView> = {}): BulkJobView => ({
  job_id: 'j1',
  status: 'running',
  source: 'crm',
  target: 'local',
  entity: 'contacts',
  dry_run: false,
  total: 1000,
  processed: 500,
  created: 500,
  updated: 0,
  unchanged: 0,
  skipped: 0,
  errors: 0,
  pages: 5,
  records_per_second: 12.5,
  created_at: '2026-12-03T10:00:00.000Z',
  ...overrides,
});

/** A stream that records what is written, a terminal of `columns` or not one. */
const recorder = (isTTY: boolean, columns?: number): ProgressOutput & { writes: string[]; columns?: number } => {
  const writes: string[] = [];
  return { writes, isTTY, ...(columns === undefined ? {} : { columns }), write: (text: string) => writes.push(text) };
};

/** A job read that answers `jobs` one after another, then the last one again. */
const readsOf = (jobs: readonly BulkJobView[]) => {
  let at = 0;
  return vi.fn(async () => jobs[Math.min(at++, jobs.length - 1)] as BulkJobView);
};

const barOf = (line: string): string => /^\[([#-]*)\]/.exec(line)?.[1] ?? '';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('Function: progressLine', () => {
  it('draws the bar as wide as the columns leave room for, up to 40 cells', () => {
    // Prepare
    const job = aJob();
    // Act
    const wide = progressLine(job, 200);
    const usual = progressLine(job, 100);
    const smaller = progressLine(job, 80);
    const small = progressLine(job, 70);
    // Assess
    expect(barOf(wide)).toHaveLength(40);
    expect(barOf(usual)).toHaveLength(40);
    expect(barOf(smaller)).toHaveLength(33);
    expect(barOf(small)).toHaveLength(23);
    expect(smaller).toHaveLength(79);
    expect(smaller).toBe(`[${'#'.repeat(17)}${'-'.repeat(16)}] 50%  500/1000  12.5 rec/s  ETA 40s  running`);
  });

  it('shows a bar, the share and the ETA when the source told its total', () => {
    // Prepare
    const job = aJob({ processed: 250, records_per_second: 10 });
    // Act
    const line = progressLine(job, 100);
    // Assess
    expect(line).toBe(`[${'#'.repeat(10)}${'-'.repeat(30)}] 25%  250/1000  10 rec/s  ETA 1m15s  running`);
  });

  it('shows the count and rate without a bar or ETA when the total is unknown or zero', () => {
    // Prepare
    const unknown = aJob({ total: undefined });
    const zero = aJob({ total: 0 });
    // Act
    const lines = [progressLine(unknown, 100), progressLine(zero, 100)];
    // Assess
    expect(lines).toEqual(['running  500 records  12.5 rec/s', 'running  500 records  12.5 rec/s']);
  });

  it('shows an unknown ETA while nothing has been processed yet', () => {
    // Prepare
    const job = aJob({ processed: 0, records_per_second: 0 });
    // Act
    const line = progressLine(job, 100);
    // Assess
    expect(line).toContain('0%  0/1000  0 rec/s  ETA ?  running');
  });

  it('shows a full bar and 100 % without an ETA once the job completed, even short of an estimated total', () => {
    // Prepare
    const done = aJob({ status: 'completed', processed: 1000 });
    const shortOfEstimate = aJob({ status: 'completed', processed: 990 });
    // Act
    const lines = [progressLine(done, 100), progressLine(shortOfEstimate, 100)];
    // Assess
    expect(lines[0]).toBe(`[${'#'.repeat(40)}] 100%  1000/1000  12.5 rec/s  completed`);
    expect(lines[1]).toBe(`[${'#'.repeat(40)}] 100%  990/1000  12.5 rec/s  completed`);
  });

  it('does not show 100 % before the job completed, nor more than 100 % past the total', () => {
    // Prepare
    const almost = aJob({ processed: 999 });
    const past = aJob({ processed: 1200 });
    // Act
    const lines = [progressLine(almost, 100), progressLine(past, 100)];
    // Assess
    expect(lines[0]).toContain('] 99%  999/1000');
    expect(lines[1]).toContain(`[${'#'.repeat(40)}] 100%  1200/1000`);
    expect(lines[1]).toContain('ETA 0s');
  });

  it('keeps a failed or cancelled job’s share and drops the ETA', () => {
    // Prepare
    const failed = aJob({ status: 'failed' });
    // Act
    const line = progressLine(failed, 100);
    // Assess
    expect(line).toBe(`[${'#'.repeat(20)}${'-'.repeat(20)}] 50%  500/1000  12.5 rec/s  failed`);
  });

  it.each([60, 50, 40, 30, 20, 10, 2])('never fills or overflows a terminal of %i columns', (columns) => {
    // Prepare
    const jobs = [aJob(), aJob({ total: undefined }), aJob({ status: 'completed', processed: 123456, total: 123456 })];
    // Act
    const lines = jobs.map((job) => progressLine(job, columns));
    // Assess
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(columns - 1);
  });

  it('leaves the bar out when the terminal is too narrow for one, keeping the share', () => {
    // Prepare
    const job = aJob();
    // Act
    const line = progressLine(job, 55);
    // Assess
    expect(line).toBe('50%  500/1000  12.5 rec/s  ETA 40s  running');
  });
});

describe('Function: followJob', () => {
  it('writes one plain line per change off a terminal, without control characters, until the job completes', async () => {
    // Prepare
    const out = recorder(false);
    const read = readsOf([
      aJob({ status: 'queued', processed: 0, records_per_second: 0 }),
      aJob({ processed: 400, records_per_second: 10 }),
      aJob({ processed: 400, records_per_second: 10 }),
      aJob({ status: 'completed', processed: 1000, records_per_second: 10 }),
    ]);
    // Act
    const followed = followJob(read, out, { intervalMs: INTERVAL_MS });
    await vi.advanceTimersByTimeAsync(3 * INTERVAL_MS);
    const job = await followed;
    // Assess
    expect(job.status).toBe('completed');
    expect(read).toHaveBeenCalledTimes(4);
    expect(out.writes).toEqual([
      `[${'-'.repeat(40)}] 0%  0/1000  0 rec/s  ETA ?  queued\n`,
      `[${'#'.repeat(16)}${'-'.repeat(24)}] 40%  400/1000  10 rec/s  ETA 1m00s  running\n`,
      `[${'#'.repeat(40)}] 100%  1000/1000  10 rec/s  completed\n`,
    ]);
    for (const text of out.writes) expect(text.slice(0, -1)).not.toMatch(CONTROL);
  });

  it('reads the job again only after the interval', async () => {
    // Prepare
    const out = recorder(false);
    const read = readsOf([aJob(), aJob({ status: 'completed', processed: 1000 })]);
    // Act
    const followed = followJob(read, out, { intervalMs: INTERVAL_MS });
    await vi.advanceTimersByTimeAsync(INTERVAL_MS - 1);
    const readsBefore = read.mock.calls.length;
    await vi.advanceTimersByTimeAsync(1);
    await followed;
    // Assess
    expect(readsBefore).toBe(1);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('redraws the bar in place on a terminal, fitted to its width as it is resized, and ends the line at the end', async () => {
    // Prepare
    const out = recorder(true, 100);
    const read = vi.fn(async () => {
      // The window is made narrower after the first draw.
      if (read.mock.calls.length === 2) out.columns = 70;
      return read.mock.calls.length < 3 ? aJob() : aJob({ status: 'completed', processed: 1000 });
    });
    // Act
    const followed = followJob(read, out, { intervalMs: INTERVAL_MS });
    await vi.advanceTimersByTimeAsync(2 * INTERVAL_MS);
    await followed;
    // Assess
    expect(out.writes).toHaveLength(4);
    const draws = out.writes.slice(0, 3);
    for (const draw of draws) expect(draw.startsWith('\r\x1b[2K')).toBe(true);
    const lines = draws.map((draw) => draw.slice('\r\x1b[2K'.length));
    expect(barOf(lines[0] as string)).toHaveLength(40);
    expect(barOf(lines[1] as string)).toHaveLength(23);
    expect((lines[1] as string).length).toBeLessThanOrEqual(69);
    expect(lines[2]).toContain('100%  1000/1000');
    expect(out.writes[3]).toBe('\n');
  });

  it('redraws on a terminal even when nothing changed, so the line stays after other output', async () => {
    // Prepare
    const out = recorder(true, 100);
    const read = readsOf([aJob(), aJob(), aJob({ status: 'cancelled' })]);
    // Act
    const followed = followJob(read, out, { intervalMs: INTERVAL_MS });
    await vi.advanceTimersByTimeAsync(2 * INTERVAL_MS);
    await followed;
    // Assess
    expect(out.writes.filter((text) => text.startsWith('\r'))).toHaveLength(3);
  });

  it('ends with a failed job at once, reading it no more', async () => {
    // Prepare
    const out = recorder(false);
    const read = readsOf([aJob({ status: 'failed', failure: 'crm answered 500' })]);
    // Act
    const job = await followJob(read, out, { intervalMs: INTERVAL_MS });
    await vi.advanceTimersByTimeAsync(5 * INTERVAL_MS);
    // Assess
    expect(job).toMatchObject({ status: 'failed', failure: 'crm answered 500' });
    expect(read).toHaveBeenCalledTimes(1);
    expect(out.writes).toEqual([`[${'#'.repeat(20)}${'-'.repeat(20)}] 50%  500/1000  12.5 rec/s  failed\n`]);
  });

  it('passes on a failed read of the job', async () => {
    // Prepare
    const out = recorder(false);
    const read = vi.fn(async (): Promise<BulkJobView> => {
      throw new Error('unknown job j1');
    });
    // Act
    const followed = followJob(read, out, { intervalMs: INTERVAL_MS });
    // Assess
    await expect(followed).rejects.toThrow('unknown job j1');
    expect(out.writes).toEqual([]);
  });
});

describe('Function: followExitCode', () => {
  it.each([
    ['completed', 0],
    ['failed', 1],
    ['cancelled', 1],
  ])('answers for a %s job exit code %i', (status, code) => {
    // Act
    const answer = followExitCode({ status });
    // Assess
    expect(answer).toBe(code);
  });
});

import { describe, expect, it, vi } from 'vitest';
import { type BulkJob, newJob } from '../../functions/bulk/domain/job.js';
import { type PagePorts, failJob, processPage } from '../../functions/bulk/worker/process-page.js';

const NOW = new Date('2026-12-03T10:00:00.000Z');

const aJob = (overrides: Partial<BulkJob> = {}): BulkJob => ({
  ...newJob({ source: 'crm', target: 'local', entity: 'contacts', batch_size: 2, dry_run: false }, 'j1', NOW),
  status: 'running',
  started_at: NOW.toISOString(),
  version: 3,
  ...overrides,
});

/** Ports over one job held in memory, with spies on every write. */
const portsFor = (job: BulkJob | undefined, overrides: Partial<PagePorts> = {}): PagePorts => {
  let current = job;
  return {
    getJob: vi.fn(async () => current),
    getCheckpoint: vi.fn(async () => undefined),
    setJobStatus: vi.fn(async (read, status, fields = {}) => {
      current = { ...read, ...fields, status, version: read.version + 1 };
      return current;
    }),
    releaseLock: vi.fn(async () => undefined),
    fetchPage: vi.fn(async () => ({
      kind: 'page' as const,
      url: 'https://crm/api/contacts?limit=2&offset=0',
      page: { records: [{ id: 'a' }, { id: 'b' }], next: 'https://crm/api/contacts?limit=2&offset=2' },
    })),
    applyRecord: vi.fn(async (_job, record) =>
      record.id === 'b'
        ? { outcome: 'errors' as const, recordId: 'b', reason: 'email: Invalid email address' }
        : { outcome: 'created' as const, recordId: String(record.id) },
    ),
    putRecordErrors: vi.fn(async () => undefined),
    commitPage: vi.fn(async () => true),
    sendPage: vi.fn(async () => undefined),
    announce: vi.fn(async () => undefined),
    now: () => NOW,
    ...overrides,
  };
};

describe('Function: processPage', () => {
  it('applies every record, keeps the failing one as an error, commits the counts and hands on the next page', async () => {
    // Prepare
    const ports = portsFor(aJob());
    // Act
    const step = await processPage({ job_id: 'j1', page: 1, cursor: null }, ports);
    // Assess
    expect(step).toEqual({ kind: 'done', detail: 'page 2 handed on' });
    expect(ports.putRecordErrors).toHaveBeenCalledWith('j1', [
      { record_id: 'b', page: 1, index: 1, reason: 'email: Invalid email address' },
    ]);
    expect(ports.commitPage).toHaveBeenCalledWith(
      expect.objectContaining({
        page: 1,
        nextCursor: 'https://crm/api/contacts?limit=2&offset=2',
        counts: { created: 1, updated: 0, unchanged: 0, skipped: 0, errors: 1, processed: 2 },
      }),
    );
    expect(ports.sendPage).toHaveBeenCalledWith({
      job_id: 'j1',
      page: 2,
      cursor: 'https://crm/api/contacts?limit=2&offset=2',
    });
  });

  it('does not apply a page committed before, and only hands on its next page again', async () => {
    // Prepare
    const ports = portsFor(aJob(), {
      getCheckpoint: vi.fn(async () => ({ page: 1, cursor: null, next_cursor: 'https://crm/next', processed: 2 })),
    });
    // Act
    await processPage({ job_id: 'j1', page: 1, cursor: null }, ports);
    // Assess
    expect(ports.fetchPage).not.toHaveBeenCalled();
    expect(ports.applyRecord).not.toHaveBeenCalled();
    expect(ports.commitPage).not.toHaveBeenCalled();
    expect(ports.sendPage).toHaveBeenCalledWith({ job_id: 'j1', page: 2, cursor: 'https://crm/next' });
  });

  it.each(['paused', 'cancelled', 'completed'] as const)('drops the page of a %s job', async (status) => {
    // Prepare
    const ports = portsFor(aJob({ status }));
    // Act
    const step = await processPage({ job_id: 'j1', page: 3, cursor: 'https://crm/x' }, ports);
    // Assess
    expect(step).toEqual({ kind: 'done', detail: `job ${status}` });
    expect(ports.fetchPage).not.toHaveBeenCalled();
  });

  it('answers a wait with the seconds the source asked for and marks the job waiting, not failed', async () => {
    // Prepare
    const ports = portsFor(aJob(), { fetchPage: vi.fn(async () => ({ kind: 'wait' as const, seconds: 7 })) });
    // Act
    const step = await processPage({ job_id: 'j1', page: 2, cursor: 'https://crm/x' }, ports);
    // Assess
    expect(step).toEqual({ kind: 'wait', seconds: 7 });
    expect(ports.setJobStatus).toHaveBeenCalledWith(expect.anything(), 'running', {
      waiting_until: '2026-12-03T10:00:07.000Z',
      updated_at: NOW.toISOString(),
    });
    expect(ports.commitPage).not.toHaveBeenCalled();
  });

  it('completes the job and releases its lock after the last page', async () => {
    // Prepare
    const ports = portsFor(aJob({ status: 'queued', started_at: undefined }), {
      fetchPage: vi.fn(async () => ({
        kind: 'page' as const,
        url: 'https://crm/x',
        page: { records: [], next: null },
      })),
    });
    // Act
    const step = await processPage({ job_id: 'j1', page: 1, cursor: null }, ports);
    // Assess
    expect(step).toEqual({ kind: 'done', detail: 'completed' });
    expect(ports.setJobStatus).toHaveBeenCalledWith(expect.anything(), 'running', expect.anything());
    expect(ports.setJobStatus).toHaveBeenLastCalledWith(expect.anything(), 'completed', expect.anything());
    expect(ports.releaseLock).toHaveBeenCalledTimes(1);
    expect(ports.sendPage).not.toHaveBeenCalled();
  });
});

describe('Function: failJob', () => {
  it('marks the job failed with the reason and releases its lock', async () => {
    // Prepare
    const ports = portsFor(aJob());
    // Act
    await failJob(ports, 'j1', 'crm answered 500');
    // Assess
    expect(ports.setJobStatus).toHaveBeenCalledWith(
      expect.anything(),
      'failed',
      expect.objectContaining({ failure: 'crm answered 500' }),
    );
    expect(ports.releaseLock).toHaveBeenCalledTimes(1);
  });
});

import { describe, expect, it, vi } from 'vitest';
import { type BulkJob, newJob } from '../../functions/bulk/domain/job.js';
import { type PagePorts, processPage } from '../../functions/bulk/worker/process-page.js';
import type { RecordOutcome } from '../../functions/bulk/targets/local.js';

const NOW = new Date('2026-12-03T10:00:00.000Z');

const aJob = (): BulkJob => ({
  ...newJob({ source: 'crm', target: 'local', entity: 'contacts', batch_size: 6, dry_run: false }, 'j1', NOW),
  status: 'running',
  started_at: NOW.toISOString(),
  version: 3,
});

/** Ports whose applyRecord takes a while and logs when each record starts and ends. */
const portsWith = (records: Record<string, unknown>[], log: string[]): PagePorts => ({
  getJob: vi.fn(async () => aJob()),
  getCheckpoint: vi.fn(async () => undefined),
  setJobStatus: vi.fn(async (read, status, fields = {}) => ({ ...read, ...fields, status, version: read.version + 1 })),
  releaseLock: vi.fn(async () => undefined),
  fetchPage: vi.fn(async () => ({ kind: 'page' as const, url: 'https://crm/x', page: { records, next: 'n2' } })),
  applyRecord: vi.fn(async (_job, record): Promise<RecordOutcome> => {
    const tag = String(record.tag);
    log.push(`start ${tag}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
    log.push(`end ${tag}`);
    return { outcome: 'created', recordId: tag };
  }),
  putRecordErrors: vi.fn(async () => undefined),
  commitPage: vi.fn(async () => true),
  sendPage: vi.fn(async () => undefined),
  announce: vi.fn(async () => undefined),
  now: () => NOW,
});

describe('Function: processPage applies a page several records at a time', () => {
  it('runs different records side by side but the same id or email one after another, in page order', async () => {
    // Prepare
    const records = [
      { id: 'a', email: 'a@x.com', tag: 'a1' },
      { id: 'b', email: 'b@x.com', tag: 'b' },
      { id: 'a', email: 'a@x.com', tag: 'a2' },
      { id: 'c', email: 'B@X.com', tag: 'c' },
      { id: 'd', email: 'd@x.com', tag: 'd' },
    ];
    const log: string[] = [];
    const ports = portsWith(records, log);
    // Act
    await processPage({ job_id: 'j1', page: 1, cursor: null }, ports);
    // Assess
    const at = (entry: string) => log.indexOf(entry);
    // Different records overlap: d starts before a1 ends.
    expect(at('start d')).toBeLessThan(at('end a1'));
    // The same id: a2 starts only after a1 ended; the same email (any case): c only after b.
    expect(at('start a2')).toBeGreaterThan(at('end a1'));
    expect(at('start c')).toBeGreaterThan(at('end b'));
    // The checkpoint counts every record once.
    expect(ports.commitPage).toHaveBeenCalledWith(
      expect.objectContaining({ counts: expect.objectContaining({ created: 5 }) }),
    );
  });
});

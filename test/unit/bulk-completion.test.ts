import { describe, expect, it, vi } from 'vitest';
import { completionMessages } from '../../functions/bulk/completion/completion-messages.js';
import type { BulkJob } from '../../functions/bulk/domain/job.js';
import type { OutboundMessageInput } from '../../functions/kernel/outbound/message.js';
import { type PagePorts, failJob, processPage } from '../../functions/bulk/worker/process-page.js';

const NOW = new Date('2026-12-03T10:00:00.000Z');

const aJob = (overrides: Partial<BulkJob> = {}): BulkJob => ({
  job_id: 'j1',
  status: 'completed',
  source: 'crm',
  target: 'local',
  entity: 'contacts',
  batch_size: 100,
  dry_run: false,
  total: 250,
  processed: 250,
  created: 200,
  updated: 30,
  unchanged: 15,
  skipped: 3,
  errors: 2,
  pages: 3,
  next_page: 4,
  next_cursor: null,
  created_at: '2026-12-03T09:58:00.000Z',
  started_at: '2026-12-03T09:58:00.000Z',
  updated_at: '2026-12-03T10:00:05.000Z',
  completed_at: '2026-12-03T10:00:05.000Z',
  version: 9,
  ...overrides,
});

/** Ports over one job in memory; the last page's fetch answers no next page. */
const portsFor = (job: BulkJob, overrides: Partial<PagePorts> = {}): PagePorts => {
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
      page: { records: [{ id: 'a' }], next: null },
    })),
    applyRecord: vi.fn(async (_job, record) => ({ outcome: 'created' as const, recordId: String(record.id) })),
    putRecordErrors: vi.fn(async () => undefined),
    commitPage: vi.fn(async () => true),
    sendPage: vi.fn(async () => undefined),
    announce: vi.fn(async () => undefined),
    now: () => NOW,
    ...overrides,
  };
};

describe('Function: completionMessages', () => {
  it('builds one Slack post and one mail with the counts, the job id and how to read its errors', () => {
    // Prepare
    const job = aJob();
    // Act
    const [slack, mail] = completionMessages(job, ['data@example.com']);
    // Assess
    expect(slack).toMatchObject({
      id: 'bulk#j1#completed#slack',
      supersede: { key: 'bulk#j1#completed#slack', version: 1 },
      request: { integration: 'slack', method: 'POST', path: '' },
    });
    const text = ((slack as OutboundMessageInput).request as unknown as { body: { text: string } }).body.text;
    expect(text).toContain('Bulk sync crm -> local contacts completed');
    expect(text).toContain('Created: 200 | Updated: 30 | Unchanged: 15 | Skipped: 3 | Errors: 2 | Pages: 3');
    expect(text).toContain('Duration: 2 min 5 s');
    expect(text).toContain('Rate: 2 records/s');
    expect(text).toContain('/admin/bulk-jobs/j1/errors');
    expect(mail).toMatchObject({
      id: 'bulk#j1#completed#mail',
      supersede: { key: 'bulk#j1#completed#mail', version: 1 },
      request: { kind: 'mail', to: ['data@example.com'], subject: 'Bulk sync crm -> local contacts completed' },
    });
    expect(((mail as OutboundMessageInput).request as { text: string }).text).toContain('Processed: 250');
  });

  it('says dry run and what would happen, and sends only the Slack post when nobody is to be mailed', () => {
    // Prepare
    const job = aJob({ dry_run: true });
    // Act
    const messages = completionMessages(job, []);
    // Assess
    expect(messages).toHaveLength(1);
    const text = ((messages[0] as OutboundMessageInput).request as unknown as { body: { text: string } }).body.text;
    expect(text).toContain('(dry run: nothing was written)');
    expect(text).toContain('Dry run: 200 would be created, 30 updated, 15 left unchanged, 3 skipped and 2 refused.');
    expect(text).toContain('Would create: 200');
  });

  it('escapes values from outside systems in the HTML body and names the failure', () => {
    // Prepare
    const job = aJob({ status: 'failed', failure: 'crm answered <b>500</b> & "gave up"' });
    // Act
    const [, mail] = completionMessages(job, ['data@example.com']);
    // Assess
    const request = mail?.request as { subject: string; html: string; text: string };
    expect(mail?.id).toBe('bulk#j1#failed#mail');
    expect(request.subject).toBe('Bulk sync crm -> local contacts failed');
    expect(request.html).toContain('crm answered &lt;b&gt;500&lt;/b&gt; &amp; &quot;gave up&quot;');
    expect(request.html).not.toContain('<b>500</b>');
    expect(request.text).toContain('Failure: crm answered <b>500</b> & "gave up"');
  });
});

describe('Function: processPage announces a finished job', () => {
  it('announces the job once it completes on its last page', async () => {
    // Prepare
    const ports = portsFor(aJob({ status: 'running', completed_at: undefined }));
    // Act
    await processPage({ job_id: 'j1', page: 3, cursor: 'c' }, ports);
    // Assess
    expect(ports.announce).toHaveBeenCalledTimes(1);
    expect(ports.announce).toHaveBeenCalledWith(expect.objectContaining({ job_id: 'j1', status: 'completed' }));
  });

  it('announces again when a page of a completed job is redelivered (announce itself is once per job)', async () => {
    // Prepare
    const ports = portsFor(aJob({ status: 'completed' }));
    // Act
    const step = await processPage({ job_id: 'j1', page: 3, cursor: 'c' }, ports);
    // Assess
    expect(step).toEqual({ kind: 'done', detail: 'job completed' });
    expect(ports.fetchPage).not.toHaveBeenCalled();
    expect(ports.announce).toHaveBeenCalledWith(expect.objectContaining({ status: 'completed' }));
  });

  it('announces a job it fails, and a job that failed before', async () => {
    // Prepare
    const running = portsFor(aJob({ status: 'running' }));
    const failed = portsFor(aJob({ status: 'failed', failure: 'x' }));
    // Act
    await failJob(running, 'j1', 'crm answered 500');
    await failJob(failed, 'j1', 'again');
    // Assess
    expect(running.announce).toHaveBeenCalledWith(
      expect.objectContaining({ status: 'failed', failure: 'crm answered 500' }),
    );
    expect(failed.announce).toHaveBeenCalledWith(expect.objectContaining({ status: 'failed', failure: 'x' }));
  });

  it('does not announce a paused job', async () => {
    // Prepare
    const ports = portsFor(aJob({ status: 'paused' }));
    // Act
    await processPage({ job_id: 'j1', page: 2, cursor: 'c' }, ports);
    // Assess
    expect(ports.announce).not.toHaveBeenCalled();
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { announceJob } from '../../functions/bulk/completion/announce.js';
import { completionMessages } from '../../functions/bulk/completion/completion-messages.js';
import type { BulkJob } from '../../functions/bulk/domain/job.js';
import type { PagePorts } from '../../functions/bulk/worker/process-page.js';
import { processPage } from '../../functions/bulk/worker/process-page.js';
import type { OutboundMessageInput } from '../../functions/kernel/outbound/message.js';

/**
 * A cancelled bulk job is announced like a finished one: its own subject
 * and text (cancelled, the counts so far, when and by whom), its own
 * message ids, through the same once-only `announceJob`, which the page
 * worker calls for any finished job it reads.
 */
const enqueueOutbound = vi.hoisted(() => vi.fn(async (messages: unknown[]) => messages));
const dynamoSend = vi.hoisted(() => vi.fn(async () => ({})));
const recipients = vi.hoisted(() => ({ data_admin: ['data@example.com'] as string[] }));

vi.mock('../../functions/kernel/outbound/outbound-queue.js', () => ({ enqueueOutbound }));
vi.mock('../../functions/kernel/settings/read-settings.js', () => ({
  readSettings: async () => ({ recipients: { sales: [], purchasing: [], ops: [], ...recipients } }),
}));
vi.mock('../../functions/kernel/aws/dynamo-client.js', () => ({ dynamo: () => ({ send: dynamoSend }) }));
vi.mock('../../functions/kernel/sync-log/sync-events.js', async (original) => ({
  ...(await original<object>()),
  appendSyncEvent: vi.fn(async () => ({})),
}));

const aCancelledJob = (overrides: Partial<BulkJob> = {}): BulkJob => ({
  job_id: 'j1',
  status: 'cancelled',
  source: 'crm',
  target: 'local',
  entity: 'contacts',
  batch_size: 100,
  dry_run: false,
  total: 1000,
  processed: 300,
  created: 250,
  updated: 40,
  unchanged: 6,
  skipped: 1,
  errors: 3,
  pages: 3,
  next_page: 4,
  next_cursor: 'https://crm/api/contacts?limit=100&offset=300',
  created_at: '2026-12-03T09:58:00.000Z',
  started_at: '2026-12-03T09:58:00.000Z',
  updated_at: '2026-12-03T10:00:30.000Z',
  completed_at: '2026-12-03T10:00:30.000Z',
  cancelled_by: 'admin',
  version: 7,
  ...overrides,
});

const slackTextOf = (message: OutboundMessageInput | undefined): string =>
  (message?.request as unknown as { body?: { text: string } } | undefined)?.body?.text ?? '';
const mailOf = (message: OutboundMessageInput | undefined) =>
  message?.request as unknown as { subject: string; text: string; html: string; to: string[] };

beforeEach(() => {
  vi.stubEnv('BULK_TABLE', 'bulk-test');
  enqueueOutbound.mockClear();
  dynamoSend.mockClear();
  recipients.data_admin = ['data@example.com'];
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('Function: completionMessages for a cancelled job', () => {
  it('says cancelled in the subject and text, with the counts so far, when and by whom', () => {
    // Prepare
    const job = aCancelledJob();
    // Act
    const [slack, mail] = completionMessages(job, ['data@example.com']);
    // Assess
    expect(mailOf(mail).subject).toBe('Bulk sync crm -> local contacts cancelled');
    expect(mailOf(mail).text).toContain(
      'Cancelled at 2026-12-03T10:00:30.000Z by admin after 300 records: 250 created, 40 updated, 6 unchanged, 1 skipped, 3 errors.',
    );
    expect(mailOf(mail).text).toContain('Status: cancelled');
    expect(mailOf(mail).text).toContain('Cancelled: at 2026-12-03T10:00:30.000Z by admin');
    expect(mailOf(mail).html).toContain('<strong>Cancelled:</strong> at 2026-12-03T10:00:30.000Z by admin');
    expect(slackTextOf(slack)).toMatch(/^:no_entry_sign: Bulk sync crm -> local contacts cancelled\n/);
    expect(slackTextOf(slack)).toContain('Processed: 300 | Created: 250');
    expect(slackTextOf(slack)).not.toContain('completed');
  });

  it('gives the cancel message ids and supersede keys of its own, the same each time it is built', () => {
    // Prepare
    const job = aCancelledJob();
    // Act
    const first = completionMessages(job, ['data@example.com']);
    const again = completionMessages({ ...job, processed: 400, created: 350, version: 8 }, ['data@example.com']);
    // Assess
    expect(first.map((m) => [m.id, m.supersede])).toEqual([
      ['bulk#j1#cancelled#slack', { key: 'bulk#j1#cancelled#slack', version: 1 }],
      ['bulk#j1#cancelled#mail', { key: 'bulk#j1#cancelled#mail', version: 1 }],
    ]);
    expect(again.map((m) => m.id)).toEqual(first.map((m) => m.id));
  });

  it('says when without a who when the job names nobody, and marks a cancelled dry run as one', () => {
    // Prepare
    const job = aCancelledJob({ dry_run: true, cancelled_by: undefined });
    // Act
    const [slack, mail] = completionMessages(job, ['data@example.com']);
    // Assess
    expect(mailOf(mail).subject).toBe('Bulk sync crm -> local contacts cancelled (dry run: nothing was written)');
    expect(mailOf(mail).text).toContain(
      'Dry run cancelled (at 2026-12-03T10:00:30.000Z); so far 250 would be created, 40 updated, 6 left unchanged, 1 skipped and 3 refused.',
    );
    expect(mailOf(mail).text).not.toContain(' by ');
    expect(slackTextOf(slack)).toContain('Status: cancelled (dry run)');
  });

  it('falls back to the last update as the cancel time when the job has no end time', () => {
    // Prepare
    const job = aCancelledJob({ completed_at: undefined, updated_at: '2026-12-03T10:01:00.000Z' });
    // Act
    const [, mail] = completionMessages(job, ['data@example.com']);
    // Assess
    expect(mailOf(mail).text).toContain('Cancelled: at 2026-12-03T10:01:00.000Z by admin');
  });
});

describe('Function: announceJob for a cancelled job', () => {
  it('enqueues the Slack post and the mail of a cancelled job, then marks it announced', async () => {
    // Prepare
    const job = aCancelledJob();
    // Act
    await announceJob(job);
    // Assess
    expect(enqueueOutbound).toHaveBeenCalledTimes(1);
    const messages = enqueueOutbound.mock.calls[0]?.[0] as OutboundMessageInput[];
    expect(messages.map((m) => m.id)).toEqual(['bulk#j1#cancelled#slack', 'bulk#j1#cancelled#mail']);
    expect(dynamoSend).toHaveBeenCalledTimes(1);
    const mark = (dynamoSend.mock.calls[0] as unknown[] | undefined)?.[0] as { input: Record<string, unknown> };
    expect(mark.input).toMatchObject({
      UpdateExpression: 'SET announced_at = :at',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(announced_at)',
    });
  });

  it('does nothing for a cancelled job already announced', async () => {
    // Prepare
    const job = { ...aCancelledJob(), announced_at: '2026-12-03T10:00:31.000Z' } as BulkJob;
    // Act
    await announceJob(job);
    // Assess
    expect(enqueueOutbound).not.toHaveBeenCalled();
    expect(dynamoSend).not.toHaveBeenCalled();
  });

  it('does nothing for a job still running or paused', async () => {
    // Prepare
    const running = aCancelledJob({ status: 'running', completed_at: undefined });
    const paused = aCancelledJob({ status: 'paused', completed_at: undefined });
    // Act
    await announceJob(running);
    await announceJob(paused);
    // Assess
    expect(enqueueOutbound).not.toHaveBeenCalled();
    expect(dynamoSend).not.toHaveBeenCalled();
  });

  it('still marks the job announced when no data_admin recipient is set, with only the Slack post', async () => {
    // Prepare
    recipients.data_admin = [];
    // Act
    await announceJob(aCancelledJob());
    // Assess
    const messages = enqueueOutbound.mock.calls[0]?.[0] as OutboundMessageInput[];
    expect(messages.map((m) => m.id)).toEqual(['bulk#j1#cancelled#slack']);
    expect(dynamoSend).toHaveBeenCalledTimes(1);
  });
});

describe('Function: processPage on a cancelled job', () => {
  it('announces the cancelled job and fetches nothing, for the cancel message and a page in flight alike', async () => {
    // Prepare
    const job = aCancelledJob();
    const announce = vi.fn(async () => undefined);
    const fetchPage = vi.fn();
    const ports = { getJob: async () => job, announce, fetchPage } as unknown as PagePorts;
    // Act
    const step = await processPage({ job_id: 'j1', page: 4, cursor: job.next_cursor }, ports);
    // Assess
    expect(step).toEqual({ kind: 'done', detail: 'job cancelled' });
    expect(announce).toHaveBeenCalledWith(job);
    expect(fetchPage).not.toHaveBeenCalled();
  });
});

import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerPorts } from '../../functions/bulk/worker/ports.js';
import { processPage } from '../../functions/bulk/worker/process-page.js';
import { eventsKey } from '../../functions/kernel/sync-log/events-key.js';
import { crmContacts, listResponder } from '../helpers/bulk-sources.js';
import { type FakeHttpServer, startFakeHttpServer } from '../helpers/fake-http-server.js';
import { admin, eventually } from '../helpers/http-client.js';
import { fakeCrmEnv } from '../helpers/stack-env.js';
import { type TestStack, startTestStack } from '../helpers/test-stack.js';

/**
 * The completion announcement of a bulk job on the offline engines: one
 * mail to the `data_admin` recipients read back from SES local and one
 * Slack post, once, even when the last page is delivered again after the
 * job completed; a dry run says so; without a recipient the mail is
 * skipped and a sync event says why. A job cancelled through the admin API
 * is announced likewise, saying cancelled with the counts so far, once,
 * although a page was in flight at the cancel and a page comes again.
 */
interface SentMail {
  readonly destination: { readonly to: readonly string[] };
  readonly subject: string;
  readonly body: { readonly text?: string; readonly html?: string };
}

const ADMIN_MAIL = 'bulk-admin@example.com';
const SLACK_PATH = '/services/T0/B0/bulk';
let crm: FakeHttpServer;
let slack: FakeHttpServer;
let stack: TestStack;

const sentMail = async (jobId: string): Promise<SentMail[]> => {
  const response = await fetch(`${stack.endpoints.ses}/store`);
  return ((await response.json()) as { emails: SentMail[] }).emails.filter((m) => m.body.text?.includes(jobId));
};
const slackPosts = (jobId: string) =>
  slack.requests.filter((r) => r.path === SLACK_PATH && JSON.stringify(r.body).includes(jobId));
const setRecipients = (dataAdmin: string[]) =>
  admin(stack.url, 'PUT', '/admin/settings', {
    recipients: { sales: [], purchasing: [], data_admin: dataAdmin, ops: [] },
  });
const runToEnd = async (body: Record<string, unknown>) => {
  const started = await admin<{ job_id: string }>(stack.url, 'POST', '/admin/bulk-jobs', body);
  return eventually(async () => {
    const job = await admin<{ job_id: string; status: string; pages: number }>(
      stack.url,
      'GET',
      `/admin/bulk-jobs/${started.body.job_id}`,
    );
    return job.body.status === 'completed' ? job.body : undefined;
  }, 'the job completed');
};

interface JobView {
  readonly job_id: string;
  readonly status: string;
  readonly pages: number;
  readonly processed: number;
  readonly cancelled_by?: string;
}
const jobOf = async (jobId: string): Promise<JobView> =>
  (await admin<JobView>(stack.url, 'GET', `/admin/bulk-jobs/${jobId}`)).body;

beforeAll(async () => {
  crm = await startFakeHttpServer();
  slack = await startFakeHttpServer();
  stack = await startTestStack({
    env: fakeCrmEnv(crm.url, {
      SETTINGS_CACHE_SECONDS: '0',
      SLACK_WEBHOOK_URL: `${slack.url}${SLACK_PATH}`,
      MAIL_FROM: 'sync@example.com',
    }),
  });
});

afterAll(async () => {
  await stack?.stop();
  await crm?.close();
  await slack?.close();
});

describe('Bulk sync: the completion announcement', () => {
  it('mails the data_admin recipients and posts to Slack once, even when the last page comes again after a crash', {
    timeout: 60_000,
  }, async () => {
    // Prepare
    await setRecipients([ADMIN_MAIL]);
    crm.setResponder(
      listResponder({ path: '/api/contacts', records: crmContacts('done', 5), style: 'offset', key: 'crm-test-key' }),
    );
    const job = await runToEnd({ source: 'crm', target: 'local', entity: 'contacts', batch_size: 2 });
    await eventually(async () => ((await sentMail(job.job_id)).length > 0 ? true : undefined), 'the mail');
    // Act: the last page delivered again after the job completed, then again as after a crash before it was marked announced.
    await processPage({ job_id: job.job_id, page: job.pages, cursor: null }, workerPorts);
    await stack.dynamodb.send(
      new UpdateCommand({
        TableName: stack.resources.tables.bulk?.physicalName,
        Key: { pk: `job#${job.job_id}`, sk: 'JOB' },
        UpdateExpression: 'REMOVE announced_at',
      }),
    );
    await processPage({ job_id: job.job_id, page: job.pages, cursor: null }, workerPorts);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    // Assess
    const mails = await sentMail(job.job_id);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({
      destination: { to: [ADMIN_MAIL] },
      subject: 'Bulk sync crm -> local contacts completed',
    });
    expect(mails[0]?.body.text).toContain('5 records: 5 created, 0 updated, 0 unchanged, 0 skipped, 0 errors.');
    expect(mails[0]?.body.text).toContain(`npm run bulk -- errors ${job.job_id} --csv`);
    expect(slackPosts(job.job_id)).toHaveLength(1);
  });

  it('says "dry run" and what would happen in a dry run’s mail', { timeout: 60_000 }, async () => {
    // Prepare
    await setRecipients([ADMIN_MAIL]);
    crm.setResponder(
      listResponder({ path: '/api/contacts', records: crmContacts('dryc', 3), style: 'offset', key: 'crm-test-key' }),
    );
    // Act
    const job = await runToEnd({ source: 'crm', target: 'local', entity: 'contacts', dry_run: true });
    // Assess
    const [mail] = await eventually(
      async () => ((await sentMail(job.job_id)).length > 0 ? sentMail(job.job_id) : undefined),
      'the dry run mail',
    );
    expect(mail?.subject).toBe('Bulk sync crm -> local contacts completed (dry run: nothing was written)');
    expect(mail?.body.text).toContain('Dry run: 3 would be created, 0 updated, 0 left unchanged');
  });

  it('skips the mail with a sync event saying why when no data_admin recipient is set, and still posts to Slack', {
    timeout: 60_000,
  }, async () => {
    // Prepare
    await setRecipients([]);
    crm.setResponder(
      listResponder({ path: '/api/contacts', records: crmContacts('nomail', 2), style: 'offset', key: 'crm-test-key' }),
    );
    // Act
    const job = await runToEnd({ source: 'crm', target: 'local', entity: 'contacts' });
    // Assess
    await eventually(async () => (slackPosts(job.job_id).length > 0 ? true : undefined), 'the Slack post');
    // The event is written just after the messages are queued, so the Slack post can arrive first.
    const events = await eventually(async () => {
      const out = await stack.dynamodb.send(
        new QueryCommand({
          TableName: stack.resources.tables.syncLog?.physicalName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': eventsKey(job.job_id) },
        }),
      );
      return (out.Items ?? []).length > 0 ? out : undefined;
    }, 'the skipped-mail sync event');
    expect(events.Items).toEqual([
      expect.objectContaining({
        record_type: 'bulk_job',
        outcome: 'skipped',
        detail: expect.objectContaining({ reason: expect.stringContaining('no data_admin recipient configured') }),
      }),
    ]);
    expect(await sentMail(job.job_id)).toEqual([]);
  });
});

describe('Bulk sync: the cancel announcement', () => {
  it('mails the data_admin recipients and posts to Slack once when a job is cancelled with a page in flight', {
    timeout: 90_000,
  }, async () => {
    // Prepare: a slow source, so a page is being fetched when the cancel comes.
    await setRecipients([ADMIN_MAIL]);
    crm.setResponder(
      listResponder({
        path: '/api/contacts',
        records: crmContacts('cancelmail', 30),
        style: 'offset',
        key: 'crm-test-key',
        delayMs: 700,
      }),
    );
    const started = await admin<{ job_id: string }>(stack.url, 'POST', '/admin/bulk-jobs', {
      source: 'crm',
      target: 'local',
      entity: 'contacts',
      batch_size: 2,
    });
    const id = started.body.job_id;
    await eventually(async () => ((await jobOf(id)).pages >= 1 ? true : undefined), 'the first page committed');
    // Act
    const cancelled = await admin<JobView>(stack.url, 'POST', `/admin/bulk-jobs/${id}/cancel`);
    await eventually(async () => ((await sentMail(id)).length > 0 ? true : undefined), 'the cancel mail');
    await eventually(async () => (slackPosts(id).length > 0 ? true : undefined), 'the cancel Slack post');
    // A page of the cancelled job delivered again, also as after a crash before it was marked announced.
    const job = await jobOf(id);
    await processPage({ job_id: id, page: job.pages + 1, cursor: null }, workerPorts);
    await stack.dynamodb.send(
      new UpdateCommand({
        TableName: stack.resources.tables.bulk?.physicalName,
        Key: { pk: `job#${id}`, sk: 'JOB' },
        UpdateExpression: 'REMOVE announced_at',
      }),
    );
    await processPage({ job_id: id, page: job.pages + 1, cursor: null }, workerPorts);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    // Assess
    expect(cancelled).toMatchObject({ status: 200, body: { status: 'cancelled', cancelled_by: 'admin' } });
    const final = await jobOf(id);
    expect(final.status).toBe('cancelled');
    expect(final.processed).toBeLessThan(30);
    const mails = await sentMail(id);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({
      destination: { to: [ADMIN_MAIL] },
      subject: 'Bulk sync crm -> local contacts cancelled',
    });
    expect(mails[0]?.body.text).toMatch(/^Cancelled at \S+ by admin after \d+ records: /);
    expect(mails[0]?.body.text).toContain(`Processed: ${final.processed}`);
    expect(mails[0]?.body.text).toContain('Status: cancelled');
    const posts = slackPosts(id);
    expect(posts).toHaveLength(1);
    expect(JSON.stringify(posts[0]?.body)).toContain('Bulk sync crm -> local contacts cancelled');
  });

  it('announces a job cancelled while paused (no page of it is on the queue), once', { timeout: 90_000 }, async () => {
    // Prepare: a paused job: the worker dropped its next page, so only the cancel's own message reaches the worker.
    await setRecipients([ADMIN_MAIL]);
    crm.setResponder(
      listResponder({
        path: '/api/contacts',
        records: crmContacts('cancelpaused', 30),
        style: 'offset',
        key: 'crm-test-key',
        delayMs: 300,
      }),
    );
    const started = await admin<{ job_id: string }>(stack.url, 'POST', '/admin/bulk-jobs', {
      source: 'crm',
      target: 'local',
      entity: 'contacts',
      batch_size: 2,
    });
    const id = started.body.job_id;
    await eventually(async () => ((await jobOf(id)).pages >= 1 ? true : undefined), 'the first page committed');
    await admin(stack.url, 'POST', `/admin/bulk-jobs/${id}/pause`);
    // The page in flight at the pause ends, and its successor is dropped: nothing moves for a while.
    const settled = await eventually(async () => {
      const before = await jobOf(id);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const after = await jobOf(id);
      return after.pages === before.pages ? after : undefined;
    }, 'the paused job settled');
    // Act
    await admin(stack.url, 'POST', `/admin/bulk-jobs/${id}/cancel`);
    await eventually(async () => ((await sentMail(id)).length > 0 ? true : undefined), 'the cancel mail');
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    // Assess
    const mails = await sentMail(id);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toBe('Bulk sync crm -> local contacts cancelled');
    expect(mails[0]?.body.text).toContain(`Processed: ${settled.processed}`);
    expect(slackPosts(id)).toHaveLength(1);
    expect((await jobOf(id)).pages).toBe(settled.pages);
  });
});

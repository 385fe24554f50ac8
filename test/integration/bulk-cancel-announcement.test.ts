import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerPorts } from '../../functions/bulk/worker/ports.js';
import { processPage } from '../../functions/bulk/worker/process-page.js';
import { crmContacts, listResponder } from '../helpers/bulk-sources.js';
import { type FakeHttpServer, startFakeHttpServer } from '../helpers/fake-http-server.js';
import { admin, eventually } from '../helpers/http-client.js';
import { fakeCrmEnv } from '../helpers/stack-env.js';
import { type TestStack, startTestStack } from '../helpers/test-stack.js';

/**
 * A bulk job cancelled through the admin API on the offline engines is
 * announced like a finished one: one mail to the `data_admin` recipients
 * (read back from SES local) and one Slack post, saying cancelled with the
 * counts so far, once, although a page was in flight at the cancel (the
 * worker sees the cancelled job too) and a page comes again afterwards.
 */
interface SentMail {
  readonly destination: { readonly to: readonly string[] };
  readonly subject: string;
  readonly body: { readonly text?: string; readonly html?: string };
}
interface JobView {
  readonly job_id: string;
  readonly status: string;
  readonly pages: number;
  readonly processed: number;
  readonly cancelled_by?: string;
}

const ADMIN_MAIL = 'bulk-cancel-admin@example.com';
const SLACK_PATH = '/services/T0/B0/bulk-cancel';
let crm: FakeHttpServer;
let slack: FakeHttpServer;
let stack: TestStack;

const sentMail = async (jobId: string): Promise<SentMail[]> => {
  const response = await fetch(`${stack.endpoints.ses}/store`);
  return ((await response.json()) as { emails: SentMail[] }).emails.filter((m) => m.body.text?.includes(jobId));
};
const slackPosts = (jobId: string) =>
  slack.requests.filter((r) => r.path === SLACK_PATH && JSON.stringify(r.body).includes(jobId));
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

describe('Bulk sync: the cancel announcement', () => {
  it('mails the data_admin recipients and posts to Slack once when a job is cancelled with a page in flight', {
    timeout: 90_000,
  }, async () => {
    // Prepare: a slow source, so a page is being fetched when the cancel comes.
    await admin(stack.url, 'PUT', '/admin/settings', {
      recipients: { sales: [], purchasing: [], data_admin: [ADMIN_MAIL], ops: [] },
    });
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
    await admin(stack.url, 'PUT', '/admin/settings', {
      recipients: { sales: [], purchasing: [], data_admin: [ADMIN_MAIL], ops: [] },
    });
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

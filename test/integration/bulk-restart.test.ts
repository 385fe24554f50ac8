import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmContacts, listResponder } from '../helpers/bulk-sources.js';
import { type FakeHttpServer, startFakeHttpServer } from '../helpers/fake-http-server.js';
import { TEST_ADMIN_TOKEN, TEST_CRM_SECRET, admin } from '../helpers/http-client.js';
import {
  type OfflineProcess,
  type OfflineProcessPorts,
  pickPorts,
  startOfflineProcess,
} from '../helpers/offline-process.js';

/**
 * Bulk sync survives a crash: the real `npm start` (local/start.ts) as a
 * child process loads 2,000 CRM contacts in pages of 100 from a local
 * server playing the CRM; the whole stack is killed with SIGKILL after some
 * pages are committed, started again on the same data folder, and the job
 * completes with every record exactly once (no gap, no duplicate), the
 * job's counts exact, and one completion mail in SES local.
 */
const TOTAL = 2_000;
const PAGE = 100;
const ADMIN_MAIL = 'data-admin@example.com';

interface Job {
  readonly status: string;
  readonly processed: number;
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly errors: number;
  readonly pages: number;
}

interface SentMail {
  readonly destination: { readonly to: readonly string[] };
  readonly subject: string;
  readonly body: { readonly text?: string; readonly html?: string };
}

/** Polls until `probe` answers a value, or throws `what` after `timeoutMs`. */
const until = async <T>(probe: () => Promise<T | undefined>, what: string, timeoutMs: number): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

describe('npm start: a bulk job across a kill -9', () => {
  let dataDir: string;
  let ports: OfflineProcessPorts;
  let crm: FakeHttpServer;
  let slack: FakeHttpServer;
  let running: OfflineProcess | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sync-tools-bulk-'));
    ports = await pickPorts();
    crm = await startFakeHttpServer();
    slack = await startFakeHttpServer();
  });

  afterAll(async () => {
    await running?.kill9();
    await crm?.close();
    await slack?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('completes the job after a kill -9 mid-job and a restart, every record exactly once, one completion mail', {
    timeout: 300_000,
  }, async () => {
    // Prepare
    const records = crmContacts('crash', TOTAL);
    // Slow pages before the kill, so it lands mid-job with some pages committed and one in flight.
    let delayMs = 250;
    const responder = listResponder({ path: '/api/contacts', records, style: 'offset', key: 'crm-test-key' });
    crm.setResponder((request) => ({ ...responder(request), delayMs }));
    const env = {
      OFFLINE_DATA_DIR: dataDir,
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      CRM_WEBHOOK_SECRET: TEST_CRM_SECRET,
      CRM_API_URL: crm.url,
      CRM_API_KEY: 'crm-test-key',
      SLACK_WEBHOOK_URL: `${slack.url}/services/T0/B0/bulk`,
      MAIL_FROM: 'sync@example.com',
      OUTBOUND_BACKOFF_BASE_SECONDS: '1',
      SETTINGS_CACHE_SECONDS: '0',
    };
    running = await startOfflineProcess({ ports, env });
    const stack = running;
    const settings = await admin(stack.url, 'PUT', '/admin/settings', {
      recipients: { sales: [], purchasing: [], data_admin: [ADMIN_MAIL], ops: [] },
    });
    expect(settings.status).toBe(200);
    const started = await admin<{ job_id: string }>(stack.url, 'POST', '/admin/bulk-jobs', {
      source: 'crm',
      target: 'local',
      entity: 'contacts',
      batch_size: PAGE,
    });
    expect(started.status).toBe(202);
    const jobId = started.body.job_id;
    const jobOf = async (url: string) => (await admin<Job>(url, 'GET', `/admin/bulk-jobs/${jobId}`)).body;
    const before = await until(
      async () => {
        const job = await jobOf(stack.url);
        return job.pages >= 4 ? job : undefined;
      },
      'four pages committed',
      120_000,
    );

    // Act
    await stack.kill9();
    delayMs = 0;
    running = await startOfflineProcess({ ports, env });
    const restarted = running;

    // Assess
    expect(before.status).toBe('running');
    expect(before.pages).toBeLessThan(TOTAL / PAGE);
    const job = await until(
      async () => {
        const read = await jobOf(restarted.url);
        return ['completed', 'failed', 'cancelled'].includes(read.status) ? read : undefined;
      },
      'the job completed after the restart',
      180_000,
    );
    expect(job).toMatchObject({
      status: 'completed',
      processed: TOTAL,
      created: TOTAL,
      updated: 0,
      unchanged: 0,
      errors: 0,
      pages: TOTAL / PAGE,
    });
    // Every record in the store exactly once: no gap, no duplicate.
    const client = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        region: 'us-east-1',
        endpoint: `http://127.0.0.1:${ports.dynamodb}`,
        credentials: { accessKeyId: 'offline', secretAccessKey: 'offline' },
      }),
    );
    const tables = (await client.send(new ListTablesCommand({}))).TableNames ?? [];
    const recordsTable = tables.find((name) => /records$/i.test(name));
    expect(recordsTable).toBeDefined();
    const emails: string[] = [];
    for await (const page of paginateScan({ client }, { TableName: recordsTable })) {
      for (const item of page.Items ?? []) {
        const email = (item.data as { email?: string } | undefined)?.email;
        if (email?.startsWith('crash-')) emails.push(email);
      }
    }
    expect(emails).toHaveLength(TOTAL);
    expect(new Set(emails).size).toBe(TOTAL);
    // One completion mail (and one Slack post), however often the end was seen.
    const mails = await until(
      async () => {
        const store = (await (await fetch(`http://127.0.0.1:${ports.ses}/store`)).json()) as { emails: SentMail[] };
        const found = store.emails.filter((m) => m.subject.includes('Bulk sync crm -> local contacts'));
        return found.length > 0 ? found : undefined;
      },
      'the completion mail in SES local',
      60_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const store = (await (await fetch(`http://127.0.0.1:${ports.ses}/store`)).json()) as { emails: SentMail[] };
    expect(store.emails.filter((m) => m.subject.includes('Bulk sync crm -> local contacts'))).toHaveLength(1);
    expect(mails[0]).toMatchObject({ destination: { to: [ADMIN_MAIL] } });
    expect(mails[0]?.body.text).toContain(`Job: ${jobId}`);
    expect(mails[0]?.body.text).toContain('Created: 2,000');
    expect(slack.requests.filter((r) => JSON.stringify(r.body).includes(jobId))).toHaveLength(1);
  });
});

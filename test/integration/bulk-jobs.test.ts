import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localIdFor, matchKeyOf, recordKey } from '../../functions/kernel/records/record.js';
import { type BulkJob, newJob } from '../../functions/bulk/domain/job.js';
import { processPage } from '../../functions/bulk/worker/process-page.js';
import { workerPorts } from '../../functions/bulk/worker/ports.js';
import { crmContacts, listResponder } from '../helpers/bulk-sources.js';
import { type FakeHttpServer, startFakeHttpServer } from '../helpers/fake-http-server.js';
import { TEST_ADMIN_TOKEN, admin, eventually } from '../helpers/http-client.js';
import { fakeCrmEnv } from '../helpers/stack-env.js';
import { type TestStack, startTestStack } from '../helpers/test-stack.js';

/**
 * Bulk sync end to end on the offline engines, against a local server
 * playing the CRM: jobs started through the admin API page through the
 * source on the `bulkPages` queue (offset paging, a body cursor, a Link
 * header), a 429 mid-job only slows it, a record that fails its mapping is
 * kept as an error (JSON and CSV), pause/resume/cancel, a dry run writes
 * nothing, a page processed twice counts once, and bad requests get 400/409.
 */
let crm: FakeHttpServer;
let stack: TestStack;
const KEY = 'crm-test-key';

beforeAll(async () => {
  crm = await startFakeHttpServer();
  stack = await startTestStack({ env: fakeCrmEnv(crm.url, { BULK_FAILURE_RECEIVES: '3' }) });
});

afterAll(async () => {
  await stack?.stop();
  await crm?.close();
});

const bulkTable = () => stack.resources.tables.bulk?.physicalName;

const startJob = (body: Record<string, unknown>) =>
  admin<{ job_id: string; status: string; error?: string }>(stack.url, 'POST', '/admin/bulk-jobs', body);

const jobOf = async (id: string) =>
  (await admin<BulkJob & { records_per_second: number }>(stack.url, 'GET', `/admin/bulk-jobs/${id}`)).body;

const finished = (id: string, timeoutMs = 30_000) =>
  eventually(
    async () => {
      const job = await jobOf(id);
      return ['completed', 'failed', 'cancelled'].includes(job.status) ? job : undefined;
    },
    `job ${id} finished`,
    timeoutMs,
  );

const contactOf = async (externalId: string) =>
  (
    await stack.dynamodb.send(
      new GetCommand({
        TableName: stack.resources.tables.records?.physicalName,
        Key: { pk: recordKey('contact', localIdFor('crm', externalId)) },
        ConsistentRead: true,
      }),
    )
  ).Item;

describe('Bulk sync: CRM contacts into our own store', () => {
  it('pages through an offset source with has_more and loads every record once, with the total', async () => {
    // Prepare
    const records = crmContacts('off', 7);
    crm.setResponder(listResponder({ path: '/api/contacts', records, style: 'offset', key: KEY }));
    // Act
    const started = await startJob({ source: 'crm', target: 'local', entity: 'contacts', batch_size: 3 });
    // Assess
    expect(started).toMatchObject({ status: 202, body: { status: 'queued' } });
    const job = await finished(started.body.job_id);
    expect(job).toMatchObject({ status: 'completed', total: 7, processed: 7, created: 7, errors: 0, pages: 3 });
    expect(job.records_per_second).toBeGreaterThan(0);
    expect(await contactOf('off-6')).toMatchObject({ data: { email: 'off-6@example.com', first_name: 'First6' } });
  });

  it('pages by a cursor in the body, and counts a second load of the same records as unchanged', {
    timeout: 60_000,
  }, async () => {
    // Prepare
    const records = crmContacts('cur', 5);
    crm.setResponder(listResponder({ path: '/api/contacts', records, style: 'body-cursor', key: KEY }));
    const first = await startJob({ source: 'crm', target: 'local', entity: 'contacts', batch_size: 2 });
    expect(first.status).toBe(202);
    await finished(first.body.job_id);
    // Act
    const again = await startJob({ source: 'crm', target: 'local', entity: 'contacts', batch_size: 2 });
    // Assess
    const job = await finished(again.body.job_id);
    expect(job).toMatchObject({ status: 'completed', processed: 5, created: 0, unchanged: 5, pages: 3 });
    const asked = crm.requests
      .filter((r) => r.path.includes('cursor='))
      .map((r) => new URL(r.path, crm.url).searchParams.get('cursor'));
    expect(asked).toContain('4');
  });

  it('pages by a Link header and waits out a 429 with Retry-After mid-job, then completes', async () => {
    // Prepare
    const records = crmContacts('link', 6);
    const before = crm.requests.length;
    crm.setResponder(
      listResponder({
        path: '/api/contacts',
        records,
        style: 'link',
        key: KEY,
        rateLimitAt: { request: 2, retryAfter: 2 },
      }),
    );
    // Act
    const started = await startJob({ source: 'crm', target: 'local', entity: 'contacts', batch_size: 2 });
    // Assess
    const job = await finished(started.body.job_id);
    expect(job).toMatchObject({ status: 'completed', processed: 6, created: 6, pages: 3 });
    const asked = crm.requests.slice(before);
    expect(asked).toHaveLength(4);
    // The page after the 429 came no sooner than its Retry-After.
    expect((asked[2]?.at ?? 0) - (asked[1]?.at ?? 0)).toBeGreaterThanOrEqual(1900);
  });

  it('keeps a record that fails its mapping as an error of that record, readable as JSON and CSV', async () => {
    // Prepare
    const records = [...crmContacts('err', 3)];
    records[1] = { ...records[1], email: 'not, an "email"' } as (typeof records)[number];
    crm.setResponder(listResponder({ path: '/api/contacts', records, style: 'offset', key: KEY }));
    // Act
    const started = await startJob({ source: 'crm', target: 'local', entity: 'contacts', batch_size: 10 });
    const job = await finished(started.body.job_id);
    const asJson = await admin<{ items: unknown[] }>(
      stack.url,
      'GET',
      `/admin/bulk-jobs/${started.body.job_id}/errors`,
    );
    const csv = await fetch(`${stack.url}/admin/bulk-jobs/${started.body.job_id}/errors?format=csv`, {
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });
    // Assess
    expect(job).toMatchObject({ status: 'completed', processed: 3, created: 2, errors: 1 });
    expect(asJson.body.items).toEqual([
      { record_id: 'err-1', page: 1, index: 1, reason: expect.stringContaining('email') },
    ]);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).split('\r\n');
    expect(lines[0]).toBe('record_id,page,index,reason');
    expect(lines[1]).toMatch(/^err-1,1,1,/);
  });

  it('pauses after a page, holds while paused, resumes at the next page and completes with every record once', async () => {
    // Prepare
    const records = crmContacts('pause', 8);
    crm.setResponder(listResponder({ path: '/api/contacts', records, style: 'offset', key: KEY, delayMs: 300 }));
    const started = await startJob({ source: 'crm', target: 'local', entity: 'contacts', batch_size: 2 });
    const id = started.body.job_id;
    await eventually(async () => ((await jobOf(id)).pages >= 1 ? true : undefined), 'first page committed');
    // Act
    const paused = await admin(stack.url, 'POST', `/admin/bulk-jobs/${id}/pause`);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const held = await jobOf(id);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const stillHeld = await jobOf(id);
    const resumed = await admin(stack.url, 'POST', `/admin/bulk-jobs/${id}/resume`);
    // Assess
    expect(paused).toMatchObject({ status: 200, body: { status: 'paused' } });
    expect(stillHeld.pages).toBe(held.pages);
    expect(held.pages).toBeLessThan(4);
    expect(resumed.body.status).toBe('running');
    const job = await finished(id);
    expect(job).toMatchObject({ status: 'completed', processed: 8, created: 8, pages: 4 });
  });

  it('cancels a running job, which stops and frees its source, target and entity for another', async () => {
    // Prepare
    const records = crmContacts('cancel', 20);
    crm.setResponder(listResponder({ path: '/api/contacts', records, style: 'offset', key: KEY, delayMs: 300 }));
    const started = await startJob({ source: 'crm', target: 'local', entity: 'contacts', batch_size: 2 });
    const id = started.body.job_id;
    await eventually(async () => ((await jobOf(id)).pages >= 1 ? true : undefined), 'first page committed');
    // Act
    const cancelled = await admin(stack.url, 'POST', `/admin/bulk-jobs/${id}/cancel`);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // Assess
    expect(cancelled).toMatchObject({ status: 200, body: { status: 'cancelled' } });
    const job = await jobOf(id);
    expect(job.pages).toBeLessThan(10);
    expect(await contactOf('cancel-19')).toBeUndefined();
    crm.setResponder(listResponder({ path: '/api/contacts', records: [], style: 'offset', key: KEY }));
    const next = await startJob({ source: 'crm', target: 'local', entity: 'contacts' });
    expect(next.status).toBe(202);
    await finished(next.body.job_id);
  });

  it('reports in a dry run what would happen, with samples, and writes no record, log entry or outbound message', async () => {
    // Prepare: one record we hold already (changed at the source), two new ones.
    crm.setResponder(
      listResponder({ path: '/api/contacts', records: crmContacts('dry0', 1), style: 'offset', key: KEY }),
    );
    await finished((await startJob({ source: 'crm', target: 'local', entity: 'contacts' })).body.job_id);
    const held = await contactOf('dry0-0');
    const changed = { ...crmContacts('dry0', 1)[0], lastName: 'Renamed', updatedAt: '2026-11-02T10:00:00.000Z' };
    crm.setResponder(
      listResponder({
        path: '/api/contacts',
        records: [changed, ...crmContacts('dry1', 2)],
        style: 'offset',
        key: KEY,
      }),
    );
    const scanLog = async () =>
      (await stack.dynamodb.send(new ScanCommand({ TableName: stack.resources.tables.syncLog?.physicalName }))).Items ??
      [];
    // Act
    const started = await startJob({ source: 'crm', target: 'local', entity: 'contacts', dry_run: true });
    const job = await finished(started.body.job_id);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // Assess
    expect(job).toMatchObject({ status: 'completed', dry_run: true, processed: 3, created: 2, updated: 1 });
    expect(job.samples?.updated).toEqual([
      { record_id: 'dry0-0', changes: { last_name: { from: 'Last0', to: 'Renamed' } } },
    ]);
    expect(job.samples?.created).toHaveLength(2);
    expect(await contactOf('dry1-0')).toBeUndefined();
    expect(await contactOf('dry0-0')).toEqual(held);
    // Only the completion announcement names it: its Slack post's delivery attempts, and the event that no mail recipient is set.
    const announcement = /^bulk#[^#]+#(completed|failed)#(slack|mail)$/;
    const logged = (await scanLog()).filter(
      (item) => item.record_type !== 'bulk_job' && !announcement.test(String(item.delivery_id)),
    );
    expect(JSON.stringify(logged)).not.toContain(started.body.job_id);
    const queued = (await stack.receive('outbound', { waitSeconds: 1 })).map((m) => JSON.parse(m.Body ?? '{}').id);
    expect(queued.filter((id) => !announcement.test(String(id)))).toEqual([]);
  });

  it('counts a page processed twice, after a crash between its apply and its commit, exactly once', async () => {
    // Prepare: a job whose first page the test runs itself.
    const records = crmContacts('twice', 5);
    crm.setResponder(listResponder({ path: '/api/contacts', records, style: 'offset', key: KEY }));
    const id = '00000000-0000-4000-8000-000000000001';
    const now = new Date();
    const job: BulkJob = {
      ...newJob({ source: 'crm', target: 'local', entity: 'contacts', batch_size: 3, dry_run: false }, id, now),
      status: 'running',
      started_at: now.toISOString(),
    };
    await stack.dynamodb.send(
      new PutCommand({ TableName: bulkTable(), Item: { pk: `job#${id}`, sk: 'JOB', job_list: 'JOB', ...job } }),
    );
    const message = { job_id: id, page: 1, cursor: null };
    const crash = async () => {
      throw new Error('killed between apply and commit');
    };
    // Act
    await expect(processPage(message, { ...workerPorts, commitPage: crash })).rejects.toThrow('killed');
    await processPage(message, workerPorts);
    await processPage(message, workerPorts);
    // Assess: page 1 counted once as created; the queue's worker did page 2.
    const done = await finished(id);
    expect(done).toMatchObject({ status: 'completed', processed: 5, created: 5, updated: 0, unchanged: 0, pages: 2 });
    expect((await contactOf('twice-0'))?.version).toBe(1);
  });

  it('links CRM contacts to our own unlinked contacts by email, a whole page looked up at once, and never to a linked or deleted one', {
    timeout: 60_000,
  }, async () => {
    // Prepare: twelve contacts only we hold (more than one answer page of the match index), one of ours
    // linked to another CRM id and one deleted, each sharing an email with a CRM contact.
    const run = `lnk${Date.now()}`;
    const at = new Date().toISOString();
    const ours = (n: number, extra: Record<string, unknown> = {}) => {
      const data = { first_name: 'Ours', email: `${run}-${n}@example.com` };
      return {
        pk: recordKey('contact', `${run}-local-${n}`),
        record_type: 'contact',
        record_id: `${run}-local-${n}`,
        origin: 'sync',
        version: 1,
        synced_version: 1,
        created_at: at,
        updated_at: at,
        data,
        match_key: matchKeyOf('contact', data),
        ...extra,
      };
    };
    const table = stack.resources.tables.records?.physicalName;
    for (let n = 0; n < 12; n++) await stack.dynamodb.send(new PutCommand({ TableName: table, Item: ours(n) }));
    await stack.dynamodb.send(
      new PutCommand({ TableName: table, Item: ours(12, { external_id: 'other-crm-id', external_source: 'crm' }) }),
    );
    await stack.dynamodb.send(new PutCommand({ TableName: table, Item: ours(13, { deleted_at: at }) }));
    const records = crmContacts(run, 15).map((record, n) => ({
      ...record,
      // The same emails as ours, in another case.
      email: n < 14 ? `${run.toUpperCase()}-${n}@Example.com` : record.email,
      firstName: 'FromCrm',
    }));
    crm.setResponder(listResponder({ path: '/api/contacts', records, style: 'offset', key: KEY }));
    // Act
    const started = await startJob({ source: 'crm', target: 'local', entity: 'contacts', batch_size: 50 });
    // Assess
    const job = await finished(started.body.job_id);
    expect(job).toMatchObject({ status: 'completed', processed: 15, updated: 12, created: 3, errors: 0, pages: 1 });
    for (let n = 0; n < 12; n++) {
      const local = (
        await stack.dynamodb.send(
          new GetCommand({
            TableName: table,
            Key: { pk: recordKey('contact', `${run}-local-${n}`) },
            ConsistentRead: true,
          }),
        )
      ).Item;
      expect(local).toMatchObject({ external_id: `${run}-${n}`, data: { first_name: 'FromCrm' } });
      expect(await contactOf(`${run}-${n}`)).toMatchObject({ alias_of: `${run}-local-${n}` });
    }
    for (const n of [12, 13, 14]) {
      expect(await contactOf(`${run}-${n}`)).toMatchObject({ record_id: localIdFor('crm', `${run}-${n}`) });
    }
  });
});

describe('Bulk sync: our contacts to the CRM', () => {
  it('pushes our contacts the CRM does not have through the outbound queue, and a dry run queues nothing', async () => {
    // Prepare: three contacts only we hold (origin `sync`, so no live push races the bulk one).
    const at = new Date().toISOString();
    const ids = ['push-0', 'push-1', 'push-2'].map((n) => `${n}-${Date.now()}`);
    for (const id of ids) {
      await stack.dynamodb.send(
        new PutCommand({
          TableName: stack.resources.tables.records?.physicalName,
          Item: {
            pk: recordKey('contact', id),
            record_type: 'contact',
            record_id: id,
            origin: 'sync',
            version: 1,
            synced_version: 0,
            created_at: at,
            updated_at: at,
            data: { first_name: 'Pia', email: `${id}@example.com` },
          },
        }),
      );
    }
    crm.setResponder((request) =>
      request.method === 'POST' && request.path === '/api/contacts'
        ? { status: 201, body: { id: `crm-${String((request.body as { email?: string }).email)}` } }
        : { status: 404, body: {} },
    );
    // Act
    const dry = await finished(
      (await startJob({ source: 'local', target: 'crm', entity: 'contacts', dry_run: true })).body.job_id,
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const postsAfterDryRun = crm.requests.filter((r) => r.method === 'POST').length;
    const job = await finished((await startJob({ source: 'local', target: 'crm', entity: 'contacts' })).body.job_id);
    // Assess
    expect(dry).toMatchObject({ status: 'completed', created: 3 });
    expect(postsAfterDryRun).toBe(0);
    expect(job).toMatchObject({ status: 'completed', created: 3, errors: 0 });
    const posts = await crm.waitFor((r) => r.method === 'POST' && r.path === '/api/contacts', 3, 20_000);
    expect(posts.map((r) => (r.body as { email: string }).email).sort()).toEqual(
      ids.map((id) => `${id}@example.com`).sort(),
    );
  });
});

describe('Bulk sync: refused requests', () => {
  it.each([
    [{ source: 'nope', target: 'local', entity: 'contacts' }, 'source'],
    [{ source: 'crm', target: 'local', entity: 'leads' }, 'entity'],
    [{ source: 'ecommerce', target: 'local', entity: 'products' }, 'target'],
    [{ source: 'crm', target: 'crm', entity: 'contacts' }, 'target'],
    [{ source: 'local', target: 'crm', entity: 'orders' }, 'entity'],
    [{ source: 'crm', target: 'mars', entity: 'contacts' }, 'target'],
    [{ source: 'crm', target: 'local', entity: 'contacts', batch_size: 0 }, 'batch_size'],
    [{ source: 'crm', target: 'local', entity: 'contacts', batch_size: 1001 }, 'batch_size'],
  ])('answers 400 naming the field for %j', async (body, field) => {
    // Act
    const answer = await startJob(body);
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain(field);
  });

  it('lists the entities a source can read when it cannot read the one asked for', async () => {
    // Act
    const answer = await startJob({ source: 'crm', target: 'local', entity: 'widgets' });
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain('crm cannot read widgets (it reads contacts, accounts, opportunities)');
  });

  it('answers 409 to a second job for the same source, target and entity while one runs, on both routes', async () => {
    // Prepare
    crm.setResponder(
      listResponder({
        path: '/api/accounts',
        records: [{ id: 'a1', name: 'Acme' }],
        style: 'offset',
        key: KEY,
        delayMs: 1500,
      }),
    );
    const first = await startJob({ source: 'crm', target: 'local', entity: 'accounts' });
    // Act
    const second = await admin(stack.url, 'POST', '/bulk-sync', { source: 'crm', target: 'local', entity: 'accounts' });
    // Assess
    expect(first.status).toBe(202);
    expect(second.status).toBe(409);
    await finished(first.body.job_id);
    const listed = await admin<{ items: { job_id: string }[] }>(stack.url, 'GET', '/admin/bulk-jobs?limit=2');
    expect(listed.body.items[0]?.job_id).toBe(first.body.job_id);
  });

  it('answers 404 for an unknown job', async () => {
    // Act
    const answer = await admin(stack.url, 'GET', '/admin/bulk-jobs/00000000-0000-4000-8000-00000000ffff');
    // Assess
    expect(answer.status).toBe(404);
  });
});

import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localIdFor, recordKey } from '../../functions/kernel/records/record.js';
import { crmContacts, listResponder } from '../helpers/bulk-sources.js';
import { type FakeHttpServer, startFakeHttpServer } from '../helpers/fake-http-server.js';
import { TEST_CRM_SECRET, admin, eventually, postSignedWebhook } from '../helpers/http-client.js';
import { fakeCrmEnv } from '../helpers/stack-env.js';
import { type TestStack, startTestStack } from '../helpers/test-stack.js';

/**
 * A bulk load racing live CRM webhooks on the same records: both go
 * through the same inbound rules, so the change time decides and neither
 * overwrites a newer change, whichever arrives first. Half the records get
 * a webhook newer than the bulk page's copy (the webhook's data stays),
 * half one older (the bulk copy stays); the webhooks are sent while the
 * job pages through, so some land before their record's page and some
 * after.
 */
const COUNT = 20;
const BULK_TIME = '2026-11-01T10:00:00.000Z';
const NEWER = '2026-11-02T10:00:00.000Z';
const OLDER = '2026-10-01T10:00:00.000Z';

let crm: FakeHttpServer;
let stack: TestStack;

beforeAll(async () => {
  crm = await startFakeHttpServer();
  stack = await startTestStack({ env: fakeCrmEnv(crm.url) });
});

afterAll(async () => {
  await stack?.stop();
  await crm?.close();
});

const contactOf = async (externalId: string) =>
  (
    await stack.dynamodb.send(
      new GetCommand({
        TableName: stack.resources.tables.records?.physicalName,
        Key: { pk: recordKey('contact', localIdFor('crm', externalId)) },
        ConsistentRead: true,
      }),
    )
  ).Item as { data: { first_name?: string; email?: string } } | undefined;

const webhook = (id: string, firstName: string, timestamp: string) =>
  postSignedWebhook(
    `${stack.url}/webhooks/crm`,
    {
      event: 'updated',
      type: 'contact',
      id,
      data: { firstName, lastName: 'Hook', email: `${id}@example.com` },
      timestamp,
    },
    { secret: TEST_CRM_SECRET },
  );

describe('Bulk sync racing live webhooks', () => {
  it('keeps the newer change of every record, whether the webhook or the bulk page came first', {
    timeout: 90_000,
  }, async () => {
    // Prepare
    const records = crmContacts('race', COUNT, BULK_TIME);
    crm.setResponder(
      listResponder({ path: '/api/contacts', records, style: 'offset', key: 'crm-test-key', delayMs: 150 }),
    );
    const newer = (n: number) => n % 2 === 0;

    // Act
    const started = await admin<{ job_id: string }>(stack.url, 'POST', '/admin/bulk-jobs', {
      source: 'crm',
      target: 'local',
      entity: 'contacts',
      batch_size: 2,
    });
    const answers: number[] = [];
    // Spread over the job's pages, last record first: early webhooks beat their page, late ones follow it.
    for (let n = COUNT - 1; n >= 0; n--) {
      const answer = newer(n) ? await webhook(`race-${n}`, 'Webhook', NEWER) : await webhook(`race-${n}`, 'Old', OLDER);
      answers.push(answer.status);
      await new Promise((resolve) => setTimeout(resolve, 90));
    }
    const job = await eventually(async () => {
      const read = await admin<Record<string, number | string>>(
        stack.url,
        'GET',
        `/admin/bulk-jobs/${started.body.job_id}`,
      );
      return read.body.status === 'completed' ? read.body : undefined;
    }, 'the job completed');

    // Assess
    expect(started.status).toBe(202);
    expect(answers.every((status) => status >= 200 && status < 300)).toBe(true);
    expect(job).toMatchObject({ processed: COUNT, errors: 0 });
    const outcomes = ['created', 'updated', 'unchanged', 'skipped'].map((k) => Number(job[k]));
    expect(outcomes.reduce((a, b) => a + b, 0)).toBe(COUNT);
    // Some webhooks came before their record's page (the page then finds a newer record and skips it).
    expect(Number(job.skipped)).toBeGreaterThan(0);
    const names: Record<string, string | undefined> = {};
    for (let n = 0; n < COUNT; n++) names[`race-${n}`] = (await contactOf(`race-${n}`))?.data.first_name;
    const expected = Object.fromEntries(
      Array.from({ length: COUNT }, (_, n) => [`race-${n}`, newer(n) ? 'Webhook' : `First${n}`]),
    );
    expect(names).toEqual(expected);
  });
});

import { randomUUID } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeHttpServer, type RecordedRequest, startFakeHttpServer } from '../helpers/fake-http-server.js';
import { TEST_CRM_SECRET, admin, eventually, postSignedWebhook } from '../helpers/http-client.js';
import { sendOutboundSentinel } from '../helpers/outbound-sentinel.js';
import { fakeCrmEnv } from '../helpers/stack-env.js';
import { type TestStack, startTestStack } from '../helpers/test-stack.js';

/**
 * CRM outbound, end to end through every layer: the admin HTTP route writes
 * DynamoDB Local; the records stream (with its filter criteria) reaches
 * crmOutbound; the message goes through fauxqs; the dispatcher calls a
 * local HTTP server playing the CRM, and writes the answer back.
 */
let stack: TestStack;
let crm: FakeHttpServer;

const newContactId = () => `c-${randomUUID().slice(0, 8)}`;

const putContact = (id: string, data: Record<string, unknown>) =>
  admin(stack.url, 'PUT', `/admin/records/contact/${id}`, data);

const getContact = (id: string) => admin(stack.url, 'GET', `/admin/records/contact/${id}`);

const SENTINEL_TITLES = ['sentinel-1', 'sentinel-2'];
const pushedContact = (r: RecordedRequest) => (r.body ?? {}) as { email?: string; title?: string };
const isSentinelPush = (r: RecordedRequest): boolean => SENTINEL_TITLES.includes(String(pushedContact(r).title));

/**
 * Proves that the changes under test pushed nothing more (see
 * test/helpers/outbound-sentinel.ts): two more local edits of the contact,
 * `title: 'sentinel-1'` then `'sentinel-2'`, each made once the previous
 * one's push has arrived.
 *
 * Why they come after: the records under test (a write-back, a CRM write,
 * an echo) and the sentinels are writes of the same item, so they sit on
 * one shard in write order, and crmOutbound puts every push of the contact
 * in one FIFO group. crmOutbound handles the records of a stream batch
 * concurrently, and the test has seen no effect of the records under test,
 * so the first sentinel may share their batch and be queued before them.
 * The second is written after the first one's push arrived, when that
 * batch was already running: it lands in a later batch, queued after any
 * message of the records under test, and its push arrives after theirs.
 *
 * Each sentinel is pushed once: a push the records under test made late
 * would read the contact as it is then (pushes send the record as it is at
 * send time) and show up as a second call with a sentinel's title.
 */
const pushSentinels = async (id: string, data: Record<string, unknown>): Promise<void> => {
  for (const title of SENTINEL_TITLES) {
    await putContact(id, { ...data, title });
    await crm.waitFor((r) => pushedContact(r).title === title && pushedContact(r).email === data.email);
  }
};

let createdIds = 0;
const crmCreates = () => ({ status: 201, body: { id: `crm-${++createdIds}-${randomUUID().slice(0, 4)}` } });

beforeAll(async () => {
  crm = await startFakeHttpServer((request) => (request.method === 'POST' ? crmCreates() : { status: 200, body: {} }));
  stack = await startTestStack({ env: fakeCrmEnv(crm.url) });
});

afterAll(async () => {
  await stack?.stop();
  await crm?.close();
});

beforeEach(() => {
  crm.setResponder((request) => (request.method === 'POST' ? crmCreates() : { status: 200, body: {} }));
});

describe('Outbound: local contact changes reach the CRM', () => {
  it('creates a new local contact at the CRM and writes its id back without pushing again', async () => {
    // Prepare
    const id = newContactId();
    const email = `${id}@example.com`;
    // Act
    await putContact(id, {
      first_name: 'Ana',
      last_name: 'Lima',
      email,
      phone: '123',
      title: 'CTO',
      source: 'web',
      company: 'Acme',
    });
    // Assess
    const [create] = await crm.waitFor((r) => r.method === 'POST' && (r.body as { email?: string })?.email === email);
    expect(create?.headers.authorization).toBe('Bearer crm-test-key');
    expect(create?.body).toEqual({
      firstName: 'Ana',
      lastName: 'Lima',
      email,
      phone: '123',
      title: 'CTO',
      leadSource: 'web',
    });
    const linked = await eventually(async () => {
      const record = await getContact(id);
      return record.body.external_id ? record.body : undefined;
    }, 'the CRM id written back');
    expect(linked).toMatchObject({ external_source: 'crm', synced_version: 1, version: 1, origin: 'sync' });
    expect(linked.synced_at).toEqual(expect.any(String));
    await pushSentinels(id, { first_name: 'Ana', last_name: 'Lima', email });
    const calls = crm.requests.filter((r) => (r.body as { email?: string })?.email === email);
    expect(calls.filter((r) => !isSentinelPush(r))).toHaveLength(1);
    expect(calls.filter(isSentinelPush).map((r) => pushedContact(r).title)).toEqual(SENTINEL_TITLES);
  });

  it('updates a linked contact with PUT to its CRM id', async () => {
    // Prepare
    const id = newContactId();
    const email = `${id}@example.com`;
    await putContact(id, { first_name: 'Ana', email });
    const linked = await eventually(async () => (await getContact(id)).body.external_id as string | undefined, 'link');
    // Act
    await putContact(id, { first_name: 'Ana', email, title: 'CEO' });
    // Assess
    const [update] = await crm.waitFor((r) => r.method === 'PUT' && r.path === `/api/contacts/${linked}`);
    expect(update?.body).toEqual({ firstName: 'Ana', email, title: 'CEO' });
    const record = await eventually(async () => {
      const r = await getContact(id);
      return r.body.synced_version === 2 ? r.body : undefined;
    }, 'version 2 acknowledged');
    expect(record.version).toBe(2);
  });

  it('pushes a local edit made while the create was in flight, as a PUT, and keeps the edit', async () => {
    // Prepare: the CRM takes its time to answer the create (within the 400 ms timeout).
    const id = newContactId();
    const email = `${id}@example.com`;
    crm.queueAnswers({ status: 201, body: { id: `crm-slow-${id}` }, delayMs: 300 });
    // Act
    await putContact(id, { first_name: 'Ana', email });
    await crm.waitFor((r) => r.method === 'POST' && (r.body as { email?: string })?.email === email);
    await putContact(id, { first_name: 'Ana', email, phone: '999' });
    // Assess
    const [update] = await crm.waitFor((r) => r.method === 'PUT' && r.path === `/api/contacts/crm-slow-${id}`);
    expect(update?.body).toMatchObject({ phone: '999' });
    expect(update?.headers['idempotency-key']).toBe(`crm#contact#${id}#v2`);
    const record = await eventually(async () => {
      const r = await getContact(id);
      return r.body.synced_version === 2 ? r.body : undefined;
    }, 'the edit acknowledged');
    expect(record).toMatchObject({ external_id: `crm-slow-${id}`, data: { phone: '999' } });
    expect(
      crm.requests.filter((r) => r.method === 'POST' && (r.body as { email?: string })?.email === email),
    ).toHaveLength(1);
  });

  it("links, not duplicates, when the CRM's own created webhook arrives before our create call returns", async () => {
    // Prepare: the CRM holds its answer while it fires its webhook for the new record.
    const id = newContactId();
    const email = `${id}@example.com`;
    const crmId = `crm-early-${id}`;
    crm.queueAnswers({ status: 201, body: { id: crmId }, delayMs: 350 });
    // Act
    await putContact(id, { first_name: 'Early', email });
    await crm.waitFor((r) => r.method === 'POST' && (r.body as { email?: string })?.email === email);
    const webhook = await postSignedWebhook(
      `${stack.url}/webhooks/crm`,
      {
        event: 'created',
        type: 'contact',
        id: crmId,
        timestamp: new Date().toISOString(),
        data: { firstName: 'Early', email, status: 'new' },
      },
      { secret: TEST_CRM_SECRET },
    );
    // Assess
    expect(webhook.body).toMatchObject({ status: 'synced', record_id: id });
    const record = await eventually(async () => {
      const r = await getContact(id);
      return r.body.synced_version === r.body.version && r.body.external_id ? r.body : undefined;
    }, 'the record linked and in sync');
    expect(record).toMatchObject({ external_id: crmId, data: { first_name: 'Early', email, status: 'new' } });
    expect((await getContact(`crm-${crmId}`)).status).toBe(404);
    const conflicts = await admin<{ items: { record_id: string }[] }>(
      stack.url,
      'GET',
      '/admin/conflicts?status=pending',
    );
    expect(conflicts.body.items.filter((c) => c.record_id === id)).toHaveLength(0);
    await pushSentinels(id, { first_name: 'Early', email });
    const calls = crm.requests.filter((r) => (r.body as { email?: string })?.email === email);
    expect(calls.filter((r) => !isSentinelPush(r))).toHaveLength(1);
    expect(calls.filter(isSentinelPush).map((r) => pushedContact(r).title)).toEqual(SENTINEL_TITLES);
  });

  it('does not push a change that came from the CRM', async () => {
    // Prepare
    const crmContactId = `003${randomUUID().slice(0, 8)}`;
    const email = `${crmContactId}@example.com`;
    // Act
    const answer = await postSignedWebhook(
      `${stack.url}/webhooks/crm`,
      {
        event: 'created',
        type: 'contact',
        id: crmContactId,
        timestamp: new Date().toISOString(),
        data: { firstName: 'Zed', email },
      },
      { secret: TEST_CRM_SECRET },
    );
    // Assess
    expect(answer.status).toBe(200);
    // Sentinels: local edits of the record the webhook made, which are pushed (PUT to its CRM id).
    await pushSentinels(`crm-${crmContactId}`, { first_name: 'Zed', email });
    const calls = crm.requests.filter((r) => JSON.stringify(r.body ?? '').includes(email));
    expect(calls.filter((r) => !isSentinelPush(r))).toHaveLength(0);
    expect(calls.filter(isSentinelPush).map((r) => pushedContact(r).title)).toEqual(SENTINEL_TITLES);
  });

  it('ignores the CRM echoing what we pushed: no change and no call back', async () => {
    // Prepare
    const id = newContactId();
    const email = `${id}@example.com`;
    await putContact(id, { first_name: 'Eco', email });
    const externalId = await eventually(
      async () => (await getContact(id)).body.external_id as string | undefined,
      'link',
    );
    const before = await getContact(id);
    const callsBefore = crm.requests.length;
    // Act
    const echo = await postSignedWebhook(
      `${stack.url}/webhooks/crm`,
      {
        event: 'updated',
        type: 'contact',
        id: externalId,
        timestamp: new Date().toISOString(),
        data: { firstName: 'Eco', email },
      },
      { secret: TEST_CRM_SECRET },
    );
    // Assess
    expect(echo.body).toMatchObject({ status: 'synced', record_id: id, changed: false });
    // The webhook writes before it answers: a change would show now.
    const after = await getContact(id);
    expect(after.body.version).toBe(before.body.version);
    expect(after.body.data).toEqual(before.body.data);
    await pushSentinels(id, { first_name: 'Eco', email });
    const since = crm.requests.slice(callsBefore);
    expect(since.filter((r) => !isSentinelPush(r))).toEqual([]);
    expect(since.filter(isSentinelPush).map((r) => pushedContact(r).title)).toEqual(SENTINEL_TITLES);
  });
});

describe('Outbound: the CRM id of a pushed contact', () => {
  it('finds the pushed contact by its CRM id even after its email changed, so a late created webhook does not duplicate it', async () => {
    // Prepare: pushed and linked, then the email edited locally (so no match by email is left).
    const id = newContactId();
    const email = `${id}@example.com`;
    await putContact(id, { first_name: 'Flo', email });
    const externalId = await eventually(
      async () => (await getContact(id)).body.external_id as string | undefined,
      'link',
    );
    await putContact(id, { first_name: 'Flo', email: `new-${email}` });
    await crm.waitFor((r) => r.method === 'PUT' && (r.body as { email?: string })?.email === `new-${email}`);
    // Act: the CRM's own created webhook for our create, arriving late, with the email it was created with.
    const late = await postSignedWebhook(
      `${stack.url}/webhooks/crm`,
      {
        event: 'created',
        type: 'contact',
        id: externalId,
        timestamp: new Date().toISOString(),
        data: { firstName: 'Flo', email },
      },
      { secret: TEST_CRM_SECRET },
    );
    // Assess
    expect(late.body).toMatchObject({ record_id: id });
    const duplicate = await getContact(`crm-${externalId}`);
    expect(duplicate.status).toBe(404);
  });
});

describe('Outbound: a CRM id that already has a record of ours', () => {
  it('keeps the id on the pushed contact so pushes update, and leaves the record the CRM webhook made alone', async () => {
    // Prepare: the CRM fires its created webhook with an email we do not hold (no match), before answering.
    const id = newContactId();
    const email = `${id}@example.com`;
    const crmId = `crm-twin-${id}`;
    crm.queueAnswers({ status: 201, body: { id: crmId }, delayMs: 350 });
    await putContact(id, { first_name: 'Twin', email });
    await crm.waitFor((r) => r.method === 'POST' && (r.body as { email?: string })?.email === email);
    const webhook = await postSignedWebhook(
      `${stack.url}/webhooks/crm`,
      {
        event: 'created',
        type: 'contact',
        id: crmId,
        timestamp: new Date().toISOString(),
        data: { firstName: 'Twin', email: `other-${email}` },
      },
      { secret: TEST_CRM_SECRET },
    );
    expect(webhook.body).toMatchObject({ status: 'synced', record_id: `crm-${crmId}` });
    // Act: our create call returns the same id.
    const linked = await eventually(async () => {
      const r = await getContact(id);
      return r.body.external_id ? r.body : undefined;
    }, 'the id written back');
    // Assess
    expect(linked).toMatchObject({ external_id: crmId, synced_version: 1 });
    expect((await getContact(`crm-${crmId}`)).body).toMatchObject({
      record_id: `crm-${crmId}`,
      data: { email: `other-${email}` },
    });
    await putContact(id, { first_name: 'Twin', email, title: 'Ops' });
    const [update] = await crm.waitFor((r) => r.method === 'PUT' && (r.body as { title?: string })?.title === 'Ops');
    expect(update?.path).toBe(`/api/contacts/${crmId}`);
  });
});

describe('Outbound: a CRM that fails', () => {
  it('waits for Retry-After when the CRM answers 429, then delivers', async () => {
    // Prepare
    const id = newContactId();
    const email = `${id}@example.com`;
    crm.queueAnswers({ status: 429, headers: { 'retry-after': '2' }, body: { error: 'slow down' } });
    // Act
    await putContact(id, { first_name: 'Ana', email });
    // Assess
    const calls = await crm.waitFor((r) => (r.body as { email?: string })?.email === email, 2, 20_000);
    expect((calls[1]?.at ?? 0) - (calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(1900);
    await eventually(async () => (await getContact(id)).body.external_id as string | undefined, 'link after the retry');
    // The write-back happens inside the successful attempt; its sync event is written right after it.
    const events = await eventually(async () => {
      const answer = await admin<{ items: { outcome: string; detail?: { status?: number } }[] }>(
        stack.url,
        'GET',
        `/admin/events?record_id=${id}`,
      );
      return answer.body.items.some((e) => e.outcome === 'delivered') ? answer.body.items : undefined;
    }, 'the delivery logged');
    expect(events.map((e) => [e.outcome, e.detail?.status])).toEqual([
      ['retry', 429],
      ['delivered', 201],
    ]);
  });

  it('backs off and retries when the CRM fails with 500', async () => {
    // Prepare
    const id = newContactId();
    const email = `${id}@example.com`;
    crm.queueAnswers({ status: 500, body: { error: 'boom' } }, { status: 502, body: {} });
    // Act
    await putContact(id, { first_name: 'Ana', email });
    // Assess
    const calls = await crm.waitFor((r) => (r.body as { email?: string })?.email === email, 3, 30_000);
    expect(calls).toHaveLength(3);
    await eventually(async () => (await getContact(id)).body.external_id as string | undefined, 'link after retries');
  });

  it('gives up on a CRM that hangs after the timeout and retries', async () => {
    // Prepare
    const id = newContactId();
    const email = `${id}@example.com`;
    crm.queueAnswers({ status: 200, hang: true });
    // Act
    await putContact(id, { first_name: 'Ana', email });
    // Assess
    await crm.waitFor((r) => (r.body as { email?: string })?.email === email, 2, 20_000);
    await eventually(
      async () => (await getContact(id)).body.external_id as string | undefined,
      'link after the timeout',
    );
    const events = await admin<{ items: { outcome: string; detail?: { reason?: string } }[] }>(
      stack.url,
      'GET',
      `/admin/events?record_id=${id}`,
    );
    expect(events.body.items[0]).toMatchObject({ outcome: 'retry', detail: { reason: 'no answer within 400 ms' } });
  });

  it('records a permanent 4xx once, does not retry it, and keeps it in the DLQ with the answer', async () => {
    // Prepare
    const id = newContactId();
    const email = `${id}@example.com`;
    crm.queueAnswers({ status: 422, body: { error: 'email is on a block list' } });
    // Act
    await putContact(id, { first_name: 'Ana', email });
    // Assess
    await crm.waitFor((r) => (r.body as { email?: string })?.email === email);
    await eventually(async () => {
      const answer = await admin<{ items: { outcome: string }[] }>(stack.url, 'GET', `/admin/events?record_id=${id}`);
      return answer.body.items.length > 0 ? answer.body.items : undefined;
    }, 'the rejection logged');
    // Sentinel: a message in the contact's FIFO group, queued after the rejected one. Had the rejected
    // message been kept for a retry, the group would stay locked until that retry was done, so the
    // sentinel's call arrives after any retry's call and after the retry's event is logged.
    const group = `crm#contact#${id}`;
    await sendOutboundSentinel(stack, crm, 'crm', group);
    const events = await admin<{ items: { outcome: string; delivery_id?: string }[] }>(
      stack.url,
      'GET',
      `/admin/events?record_id=${id}`,
    );
    expect(events.body.items.map((e) => e.outcome)).toEqual(['rejected']);
    // The sentinel shared the group of the rejected push only if crmOutbound still names groups this way.
    expect(events.body.items[0]?.delivery_id).toBe(`${group}#v1`);
    expect(crm.requests.filter((r) => (r.body as { email?: string })?.email === email)).toHaveLength(1);
    expect((await getContact(id)).body.external_id).toBeUndefined();
    // Not dropped: the push waits in the DLQ with the CRM's answer, for a redrive once the cause is fixed.
    const dead = await eventually(async () => {
      const messages = await stack.receive('outbound', { dlq: true, waitSeconds: 1, max: 10 });
      return messages.find((m) => JSON.parse(m.Body ?? '{}').id === `${group}#v1`);
    }, 'the rejected push in the DLQ');
    expect(dead.MessageAttributes?.failure_kind?.StringValue).toBe('rejected');
    expect(dead.MessageAttributes?.failure_reason?.StringValue).toBe('HTTP 422: {"error":"email is on a block list"}');
  });
});

describe('Outbound queue: a message no producer should have made', () => {
  it('sends a malformed message to the DLQ instead of dropping it', async () => {
    // Prepare
    const marker = `malformed-${randomUUID()}`;
    // Act
    await stack.sqs.send(
      new SendMessageCommand({
        QueueUrl: stack.resources.queues.outbound?.url,
        MessageBody: JSON.stringify({ marker, request: 'not a request' }),
        MessageGroupId: marker,
        MessageDeduplicationId: marker,
      }),
    );
    // Assess: the dispatcher puts it in the DLQ itself, as it is, saying why.
    const dead = await eventually(
      async () => {
        const messages = await stack.receive('outbound', { dlq: true, waitSeconds: 1, max: 10 });
        return messages.find((m) => m.Body?.includes(marker));
      },
      'the malformed message in the DLQ',
      10_000,
    );
    expect(JSON.parse(dead.Body ?? '{}')).toEqual({ marker, request: 'not a request' });
    expect(dead.Attributes?.MessageGroupId).toBe(marker);
    expect(dead.MessageAttributes?.failure_kind?.StringValue).toBe('malformed');
    expect(dead.MessageAttributes?.failure_attempts?.StringValue).toBe('1');
  });
});

import { randomUUID } from 'node:crypto';
import { type MessageAttributeValue, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeHttpServer, type RecordedRequest, startFakeHttpServer } from '../helpers/fake-http-server.js';
import { admin } from '../helpers/http-client.js';
import { fakeCrmEnv } from '../helpers/stack-env.js';
import { type TestStack, startTestStack } from '../helpers/test-stack.js';

/**
 * The outbound DLQ through the admin API, over the real offline stack:
 * dead letters are listed with their cause, a redrive picks by integration
 * or id, and a redriven message is delivered once the vendor is back.
 */
let stack: TestStack;
let crm: FakeHttpServer;

interface Listed {
  sqs_message_id: string;
  message_id?: string;
  integration?: string;
  request?: string;
  record_type?: string;
  record_id?: string;
  cause: { kind: string; status?: number | string; reason?: string; attempts?: number; summary: string };
  dead_lettered_at?: string;
  receive_count: number;
}
interface Listing {
  queues: Record<string, { total: number; truncated: boolean; items: Listed[] }>;
  parked_stream_failures: unknown[];
  cap: number;
}

const outboundBody = (integration: 'crm' | 'erp', recordId: string) => ({
  id: `${integration}#contact#${recordId}#v1`,
  group: `${integration}#contact#${recordId}`,
  request: {
    kind: 'http',
    integration,
    method: 'PUT',
    path: `/api/contacts/${recordId}`,
    body: { email: `${recordId}@example.com` },
  },
  context: { record_type: 'contact', record_id: recordId },
});

const text = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });

/** Puts a message in the outbound DLQ as the dispatcher does (with its cause), or as SQS moves one (without). */
const deadLetter = async (
  body: ReturnType<typeof outboundBody>,
  cause?: { kind: string; status: string; reason: string; attempts: number },
): Promise<void> => {
  await stack.sqs.send(
    new SendMessageCommand({
      QueueUrl: stack.resources.queues.outbound?.dlq.url,
      MessageBody: JSON.stringify(body),
      MessageGroupId: body.group,
      MessageDeduplicationId: randomUUID(),
      ...(cause
        ? {
            MessageAttributes: {
              failure_kind: text(cause.kind),
              failure_status: text(cause.status),
              failure_reason: text(cause.reason),
              failure_attempts: { DataType: 'Number', StringValue: String(cause.attempts) },
              failure_at: text('2025-06-01T10:00:00.000Z'),
              integration: text(body.request.integration),
            },
          }
        : {}),
    }),
  );
};

const listing = async (query = ''): Promise<Listing> => {
  const answer = await admin<Listing>(stack.url, 'GET', `/admin/dlq${query}`);
  expect(answer.status).toBe(200);
  return answer.body;
};

const listedIds = async (query = ''): Promise<string[]> =>
  ((await listing(query)).queues.outbound?.items ?? []).map((item) => item.message_id ?? '');

const pushesTo = (recordId: string) => (r: RecordedRequest) => r.path === `/api/contacts/${recordId}`;

beforeAll(async () => {
  crm = await startFakeHttpServer(() => ({ status: 200, body: {} }));
  stack = await startTestStack({ env: fakeCrmEnv(crm.url) });
});

afterAll(async () => {
  await stack?.stop();
  await crm?.close();
});

beforeEach(() => {
  crm.setResponder(() => ({ status: 200, body: {} }));
});

describe('GET /admin/dlq and POST /admin/dlq/redrive', () => {
  it("lists dead letters with their cause, filtered by integration, and redrives only that integration's, which are then delivered", async () => {
    // Prepare
    const rejected = `c-${randomUUID().slice(0, 8)}`;
    const exhausted = `c-${randomUUID().slice(0, 8)}`;
    const erp = `e-${randomUUID().slice(0, 8)}`;
    await deadLetter(outboundBody('crm', rejected), {
      kind: 'rejected',
      status: '422',
      reason: '{"error":"email is invalid"}',
      attempts: 1,
    });
    await deadLetter(outboundBody('crm', exhausted));
    await deadLetter(outboundBody('erp', erp), {
      kind: 'exhausted',
      status: '503',
      reason: 'Service Unavailable',
      attempts: 8,
    });

    // Act
    const crmOnly = await listing('?integration=crm');

    // Assess
    const items = crmOnly.queues.outbound?.items ?? [];
    expect(items.map((i) => i.message_id).sort()).toEqual(
      [`crm#contact#${exhausted}#v1`, `crm#contact#${rejected}#v1`].sort(),
    );
    expect(items.find((i) => i.record_id === rejected)).toMatchObject({
      integration: 'crm',
      request: `PUT /api/contacts/${rejected}`,
      record_type: 'contact',
      cause: {
        kind: 'rejected',
        status: 422,
        attempts: 1,
        summary: 'rejected: HTTP 422 after 1 attempt: {"error":"email is invalid"}',
      },
      dead_lettered_at: '2025-06-01T10:00:00.000Z',
      receive_count: expect.any(Number),
    });
    expect(items.find((i) => i.record_id === exhausted)?.cause).toMatchObject({
      kind: 'receives-exhausted',
      summary: 'receives exhausted without an answer',
    });
    expect(await listedIds()).toContain(`erp#contact#${erp}#v1`);

    // Act
    const redrive = await admin<{ redriven: number; remaining: number }>(stack.url, 'POST', '/admin/dlq/redrive', {
      integration: 'crm',
    });

    // Assess
    expect(redrive).toMatchObject({ status: 200, body: { redriven: 2 } });
    await crm.waitFor(pushesTo(rejected));
    await crm.waitFor(pushesTo(exhausted));
    expect(await listedIds()).toEqual([`erp#contact#${erp}#v1`]);
  }, 40_000);

  /** The fake CRM answers 422 to every push to `id` (and 200 to anything else). */
  const refuseWith422 = (id: string): void =>
    crm.setResponder((r) =>
      pushesTo(id)(r) ? { status: 422, body: { error: 'email is invalid' } } : { status: 200, body: {} },
    );

  /** Puts an outbound message on the queue, as a producer would. */
  const enqueue = async (body: ReturnType<typeof outboundBody>): Promise<void> => {
    await stack.sqs.send(
      new SendMessageCommand({
        QueueUrl: stack.resources.queues.outbound?.url,
        MessageBody: JSON.stringify(body),
        MessageGroupId: body.group,
        MessageDeduplicationId: randomUUID(),
      }),
    );
  };

  it('redrives only the messages named by id', async () => {
    // Prepare
    const [picked, left] = [`c-${randomUUID().slice(0, 8)}`, `c-${randomUUID().slice(0, 8)}`];
    await deadLetter(outboundBody('crm', picked), { kind: 'rejected', status: '409', reason: 'conflict', attempts: 1 });
    await deadLetter(outboundBody('crm', left), { kind: 'rejected', status: '409', reason: 'conflict', attempts: 1 });

    // Act
    const redrive = await admin(stack.url, 'POST', '/admin/dlq/redrive', { message_ids: [`crm#contact#${picked}#v1`] });

    // Assess
    expect(redrive).toMatchObject({ status: 200, body: { redriven: 1 } });
    await crm.waitFor(pushesTo(picked));
    expect(await listedIds('?integration=crm')).toContain(`crm#contact#${left}#v1`);
    expect(crm.requests.filter(pushesTo(left))).toEqual([]);
  }, 30_000);

  it('dead-letters a change the CRM rejects with 422, with its cause, and delivers it when redriven after the CRM recovers', async () => {
    // Prepare
    const id = `c-${randomUUID().slice(0, 8)}`;
    const body = outboundBody('crm', id);
    refuseWith422(id);

    // Act
    await enqueue(body);

    // Assess
    await expect
      .poll(
        async () => (await listing('?integration=crm')).queues.outbound?.items.find((i) => i.record_id === id)?.cause,
        {
          timeout: 20_000,
          interval: 500,
        },
      )
      .toMatchObject({ kind: 'rejected', status: 422 });

    // Act
    crm.setResponder(() => ({ status: 200, body: {} }));
    const redrive = await admin(stack.url, 'POST', '/admin/dlq/redrive', { message_ids: [body.id] });

    // Assess
    expect(redrive).toMatchObject({ status: 200, body: { redriven: 1 } });
    await expect.poll(() => crm.requests.filter(pushesTo(id)).length, { timeout: 15_000 }).toBe(2);
    expect(await listedIds('?integration=crm')).not.toContain(body.id);
  }, 60_000);

  it('sends a message the CRM still refuses once per redrive, not again when it comes back to the DLQ meanwhile', async () => {
    // Prepare
    const id = `c-${randomUUID().slice(0, 8)}`;
    const body = outboundBody('crm', id);
    refuseWith422(id);
    await enqueue(body);
    await expect.poll(() => listedIds('?integration=crm'), { timeout: 20_000, interval: 500 }).toContain(body.id);

    // Act
    const redrive = await admin<{ redriven: number; before: string }>(stack.url, 'POST', '/admin/dlq/redrive', {
      message_ids: [body.id],
    });
    await expect.poll(() => listedIds('?integration=crm'), { timeout: 20_000, interval: 500 }).toContain(body.id);
    const again = await admin<{ redriven: number }>(stack.url, 'POST', '/admin/dlq/redrive', {
      message_ids: [body.id],
      before: redrive.body.before,
    });
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    // Assess
    expect(redrive.body.redriven).toBe(1);
    expect(again.body.redriven).toBe(0);
    expect(crm.requests.filter(pushesTo(id))).toHaveLength(2);
  }, 60_000);

  it.each([
    ['an unknown integration', { integration: 'crn' }, 'integration'],
    ['an empty id list', { message_ids: [] }, 'message_ids'],
    ['an unknown field', { integrations: 'crm' }, 'integrations'],
    ['an unknown queue', { queue: 'inbound' }, 'queue'],
  ])('refuses a redrive with %s with 400, naming the field', async (_label, body, field) => {
    // Act
    const answer = await admin<{ error: string }>(stack.url, 'POST', '/admin/dlq/redrive', body);

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain(field);
  });

  it('refuses a listing with an unknown integration with 400, naming the field', async () => {
    // Act
    const answer = await admin<{ error: string }>(stack.url, 'GET', '/admin/dlq?integration=nope');

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain('integration');
  });
});

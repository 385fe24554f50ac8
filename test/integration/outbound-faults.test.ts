import { randomUUID } from 'node:crypto';
import { DeleteMessageCommand, type Message, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeAnswer,
  type FakeHttpServer,
  type RecordedRequest,
  startFakeHttpServer,
} from '../helpers/fake-http-server.js';
import { admin, eventually } from '../helpers/http-client.js';
import { fakeCrmEnv } from '../helpers/stack-env.js';
import { type TestStack, startTestStack } from '../helpers/test-stack.js';

/**
 * One test per way an outbound call fails, end to end on the offline stack:
 * a message goes through fauxqs to the dispatcher, which calls a fake CRM
 * on loopback that answers as the case says. Each case ends delivered, or in
 * the outbound DLQ with its cause in message attributes, read back with the
 * SDK. Small numbers keep each case within seconds: a 300 ms call timeout,
 * a 1 s backoff step and a failure budget of 3.
 */
const FAILURE_BUDGET = 3;
const TIMEOUT_MS = 300;

let stack: TestStack;
let crm: FakeHttpServer;

/** Scripted answers per case, keyed by request path (or a create's email); then the CRM answers well. */
type Scripted = FakeAnswer | ((request: RecordedRequest) => FakeAnswer);
const scripts = new Map<string, Scripted[]>();

/** Contacts the fake CRM created, by Idempotency-Key: a retried create with the same key gets the same contact. */
const createdByKey = new Map<string, { id: string; email: string }>();

const emailOf = (request: RecordedRequest): string => String((request.body as { email?: unknown })?.email ?? '');

const createContact = (request: RecordedRequest): FakeAnswer => {
  const key = String(request.headers['idempotency-key'] ?? randomUUID());
  const existing = createdByKey.get(key);
  const contact = existing ?? { id: `crm-${randomUUID().slice(0, 8)}`, email: emailOf(request) };
  createdByKey.set(key, contact);
  return { status: 201, body: { id: contact.id } };
};

const crmAnswers = (request: RecordedRequest): FakeAnswer => {
  const key = request.method === 'POST' ? emailOf(request) : request.path;
  const next = scripts.get(key)?.shift();
  if (next) return typeof next === 'function' ? next(request) : next;
  return request.method === 'POST' ? createContact(request) : { status: 200, body: {} };
};

/**
 * A message put straight on the outbound queue: a PUT to `path` (which the
 * test has scripted), in its own group, filed in the sync log under its own
 * record id.
 */
const sendCallAt = async (path: string): Promise<{ recordId: string; group: string }> => {
  const marker = path.replace('/api/faults/', '');
  const group = `fault#${marker}`;
  await stack.sqs.send(
    new SendMessageCommand({
      QueueUrl: stack.resources.queues.outbound?.url,
      MessageBody: JSON.stringify({
        id: `fault#${marker}#v1`,
        group,
        request: { integration: 'crm', method: 'PUT', path, body: { marker } },
        context: { record_type: 'fault', record_id: marker },
      }),
      MessageGroupId: group,
      MessageDeduplicationId: marker,
    }),
  );
  return { recordId: marker, group };
};

interface LoggedAttempt {
  outcome: string;
  detail?: { status?: number; reason?: string; failures?: number; rate_limited?: boolean };
}

/** The sync log's attempts for a record, oldest first, once one of them is `final`. */
const attemptsUntil = async (recordId: string, final: string, timeoutMs = 14_000): Promise<LoggedAttempt[]> =>
  eventually(
    async () => {
      const answer = await admin<{ items: LoggedAttempt[] }>(stack.url, 'GET', `/admin/events?record_id=${recordId}`);
      return answer.body.items.some((e) => e.outcome === final) ? answer.body.items : undefined;
    },
    `an attempt "${final}" for ${recordId}`,
    timeoutMs,
  );

/** Takes the message carrying `marker` out of the outbound DLQ (leaving the others), with its attributes. */
const takeFromDeadLetters = async (marker: string, timeoutMs = 10_000): Promise<Message> => {
  const url = stack.resources.queues.outbound?.dlq.url;
  const found = await eventually(
    async () => {
      const out = await stack.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          VisibilityTimeout: 0,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['All'],
        }),
      );
      return out.Messages?.find((m) => m.Body?.includes(marker));
    },
    `the message ${marker} in the outbound DLQ`,
    timeoutMs,
  );
  await stack.sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: found.ReceiptHandle }));
  return found;
};

const attribute = (message: Message, name: string): string | undefined =>
  message.MessageAttributes?.[name]?.StringValue;

/** Proves a message is not in the DLQ: a look at every message it holds (the file's own stack, so few). */
const deadLetterBodies = async (): Promise<string[]> =>
  (await stack.receive('outbound', { dlq: true, waitSeconds: 0, max: 10 })).map((m) => m.Body ?? '');

beforeAll(async () => {
  crm = await startFakeHttpServer(crmAnswers);
  stack = await startTestStack({
    env: fakeCrmEnv(crm.url, {
      OUTBOUND_TIMEOUT_MS: String(TIMEOUT_MS),
      OUTBOUND_FAILURE_BUDGET: String(FAILURE_BUDGET),
    }),
  });
});

afterAll(async () => {
  await stack?.stop();
  await crm?.close();
});

describe('Outbound faults: failures that pass', () => {
  it('retries a 5xx with backoff and delivers once the CRM recovers', async () => {
    // Prepare
    const path = `/api/faults/5xx-${randomUUID().slice(0, 8)}`;
    scripts.set(path, [
      { status: 500, body: { error: 'boom' } },
      { status: 502, body: {} },
    ]);
    // Act
    const { recordId } = await sendCallAt(path);
    // Assess
    const attempts = await attemptsUntil(recordId, 'delivered');
    expect(attempts.map((a) => [a.outcome, a.detail?.status])).toEqual([
      ['retry', 500],
      ['retry', 502],
      ['delivered', 200],
    ]);
    expect(crm.requests.filter((r) => r.path === path)).toHaveLength(3);
  });

  it('waits out more 429s than the failure budget, following Retry-After, and delivers without dead-lettering', async () => {
    // Prepare: twice the budget of rate limits; as failures, the budget would be spent at the third.
    const path = `/api/faults/429-${randomUUID().slice(0, 8)}`;
    const limits = 2 * FAILURE_BUDGET;
    scripts.set(
      path,
      Array.from({ length: limits }, () => ({ status: 429, headers: { 'retry-after': '1' }, body: { error: 'slow' } })),
    );
    // Act
    const { recordId } = await sendCallAt(path);
    // Assess
    const attempts = await attemptsUntil(recordId, 'delivered');
    expect(attempts.map((a) => a.outcome)).toEqual([...Array(limits).fill('retry'), 'delivered']);
    expect(attempts.slice(0, limits).every((a) => a.detail?.rate_limited === true)).toBe(true);
    const calls = crm.requests.filter((r) => r.path === path);
    expect(calls).toHaveLength(limits + 1);
    // Retry-After is followed: no call comes sooner than a second after the one before.
    const gaps = calls.slice(1).map((call, i) => call.at - (calls[i]?.at ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(950);
    expect((await deadLetterBodies()).filter((b) => b.includes(recordId))).toEqual([]);
  }, 20_000);

  it('retries a call that gets no answer within the timeout', async () => {
    // Prepare
    const path = `/api/faults/timeout-${randomUUID().slice(0, 8)}`;
    scripts.set(path, [{ status: 200, hang: true }]);
    // Act
    const { recordId } = await sendCallAt(path);
    // Assess
    const attempts = await attemptsUntil(recordId, 'delivered');
    expect(attempts.map((a) => [a.outcome, a.detail?.reason])).toEqual([
      ['retry', `no answer within ${TIMEOUT_MS} ms`],
      ['delivered', undefined],
    ]);
  });

  it('retries a call whose connection is closed without an answer', async () => {
    // Prepare
    const path = `/api/faults/socket-${randomUUID().slice(0, 8)}`;
    scripts.set(path, [{ status: 200, dropConnection: true }]);
    // Act
    const { recordId } = await sendCallAt(path);
    // Assess
    const attempts = await attemptsUntil(recordId, 'delivered');
    expect(attempts.map((a) => a.outcome)).toEqual(['retry', 'delivered']);
    expect(attempts[0]?.detail?.reason).toMatch(/^connection closed by 127\.0\.0\.1:\d+ /);
  });
});

describe.each([
  [
    'stalls after the headers',
    { stallBody: true },
    `HTTP 201 but its body could not be read: no answer within ${TIMEOUT_MS} ms`,
  ],
  [
    'breaks off mid-body',
    { breakBody: true },
    'HTTP 201 but its body could not be read: connection closed by 127.0.0.1:',
  ],
])('Outbound faults: a create whose 2xx body %s', (_case, fault, reason) => {
  it('is retried with the same Idempotency-Key: one contact at the CRM, and the record gets its id', async () => {
    // Prepare: the CRM creates the contact, then its answer does not arrive whole.
    const id = `c-${randomUUID().slice(0, 8)}`;
    const email = `${id}@example.com`;
    scripts.set(email, [(request) => ({ ...createContact(request), ...fault })]);
    // Act
    await admin(stack.url, 'PUT', `/admin/records/contact/${id}`, { first_name: 'Ana', email });
    // Assess
    const record = await eventually(async () => {
      const answer = await admin(stack.url, 'GET', `/admin/records/contact/${id}`);
      return answer.body.external_id ? answer.body : undefined;
    }, 'the CRM id written back');
    const creates = crm.requests.filter((r) => r.method === 'POST' && emailOf(r) === email);
    expect(creates).toHaveLength(2);
    expect(new Set(creates.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    const contacts = [...createdByKey.values()].filter((c) => c.email === email);
    expect(contacts).toHaveLength(1);
    expect(record).toMatchObject({ external_id: contacts[0]?.id, synced_version: 1 });
    const attempts = await attemptsUntil(id, 'delivered');
    expect(attempts.map((a) => a.outcome)).toEqual(['retry', 'delivered']);
    expect(attempts[0]?.detail?.reason).toContain(reason);
  });
});

describe.each([401, 404, 409, 422])('Outbound faults: a CRM that refuses with HTTP %i', (status) => {
  it('puts the message in the DLQ at once, with the status, the answer and the attempt count', async () => {
    // Prepare
    const path = `/api/faults/${status}-${randomUUID().slice(0, 8)}`;
    scripts.set(path, [{ status, body: { error: `refused with ${status}` } }]);
    const before = Date.now();
    // Act
    const { recordId, group } = await sendCallAt(path);
    // Assess
    const dead = await takeFromDeadLetters(recordId);
    expect(JSON.parse(dead.Body ?? '{}')).toMatchObject({ group, request: { path } });
    expect(dead.Attributes?.MessageGroupId).toBe(group);
    expect(attribute(dead, 'failure_kind')).toBe('rejected');
    expect(attribute(dead, 'failure_status')).toBe(String(status));
    expect(attribute(dead, 'failure_reason')).toBe(`HTTP ${status}: {"error":"refused with ${status}"}`);
    expect(attribute(dead, 'failure_attempts')).toBe('1');
    expect(attribute(dead, 'integration')).toBe('crm');
    expect(Date.parse(attribute(dead, 'failure_at') ?? '')).toBeGreaterThanOrEqual(before - 1000);
    expect(crm.requests.filter((r) => r.path === path)).toHaveLength(1);
    const attempts = await attemptsUntil(recordId, 'rejected');
    expect(attempts.map((a) => a.outcome)).toEqual(['rejected']);
  });
});

describe('Outbound faults: a CRM that keeps failing', () => {
  it('puts the message in the DLQ as exhausted once the failure budget is spent, with the last cause', async () => {
    // Prepare
    const path = `/api/faults/down-${randomUUID().slice(0, 8)}`;
    scripts.set(
      path,
      Array.from({ length: 10 }, () => ({ status: 503, body: { error: 'maintenance' } })),
    );
    // Act
    const { recordId } = await sendCallAt(path);
    // Assess
    const dead = await takeFromDeadLetters(recordId, 14_000);
    expect(attribute(dead, 'failure_kind')).toBe('exhausted');
    expect(attribute(dead, 'failure_status')).toBe('503');
    expect(attribute(dead, 'failure_reason')).toBe(
      `HTTP 503: {"error":"maintenance"} (${FAILURE_BUDGET} failed attempts)`,
    );
    expect(attribute(dead, 'failure_attempts')).toBe(String(FAILURE_BUDGET));
    expect(crm.requests.filter((r) => r.path === path)).toHaveLength(FAILURE_BUDGET);
    const attempts = await attemptsUntil(recordId, 'dead-lettered');
    expect(attempts.map((a) => a.outcome)).toEqual([...Array(FAILURE_BUDGET - 1).fill('retry'), 'dead-lettered']);
    scripts.delete(path);
  });
});
